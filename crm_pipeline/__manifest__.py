{
    "name": "CRM Pipeline: Activation and Responsibilities",
    "summary": "Inactive leads activated by a responsible, a fixed chain of "
    "responsibilities, interaction log, tasks and commitments",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "license": "LGPL-3",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "depends": ["crm", "sale_management"],
    "data": [
        "security/ir.model.access.csv",
        "data/crm_responsibility_type_data.xml",
        "views/crm_responsibility_type_views.xml",
    ],
    "installable": True,
    "application": False,
}
