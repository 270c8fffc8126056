{
    "name": "CRM Evaluation Sheets",
    "summary": "Evaluation sheets of products and quantities priced from the "
    "catalogue, product recipes, quotations with one chapter per item",
    "version": "18.0.1.3.22",
    "category": "Sales/CRM",
    "license": "LGPL-3",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "depends": ["crm_suite_base", "crm_pipeline", "sale_crm"],
    "data": [
        "security/crm_evaluation_sheet_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "views/product_template_views.xml",
        "views/crm_evaluation_sheet_views.xml",
        "views/sale_order_views.xml",
        "views/crm_lead_views.xml",
        "views/crm_lead_responsibility_views.xml",
        "views/res_config_settings_views.xml",
        "views/res_partner_views.xml",
        "report/sale_order_report.xml",
    ],
    "demo": [
        "demo/product_recipe_demo.xml",
        "demo/crm_evaluation_sheet_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "crm_evaluation_sheet/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
