{
    "name": "CRM Evaluation Sheets",
    "summary": "Evaluation sheets of products and quantities priced from the "
    "catalogue, product recipes, quotations with one chapter per item",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "license": "LGPL-3",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "depends": ["crm_pipeline"],
    "data": [
        "security/crm_evaluation_sheet_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "views/crm_evaluation_sheet_views.xml",
    ],
    "installable": True,
}
