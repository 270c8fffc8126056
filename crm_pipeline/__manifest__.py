{
    "name": "CRM Pipeline: Activation and Responsibilities",
    "summary": "Inactive leads activated by a responsible, a fixed chain of "
    "responsibilities, interaction log, tasks and commitments",
    "version": "18.0.1.1.0",
    "category": "Sales/CRM",
    "license": "LGPL-3",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "depends": ["crm", "sale_management", "sale_crm"],
    "data": [
        "security/ir.model.access.csv",
        "security/crm_pipeline_security.xml",
        "data/crm_responsibility_type_data.xml",
        "views/crm_lead_timeline_templates.xml",
        "views/crm_responsibility_type_views.xml",
        "wizards/crm_lead_activate_wizard_views.xml",
        "wizards/crm_lead_responsibility_complete_wizard_views.xml",
        "views/crm_lead_responsibility_views.xml",
        "views/crm_lead_views.xml",
    ],
    "demo": ["demo/crm_lead_demo.xml"],
    "assets": {
        "web.assets_tests": ["crm_pipeline/static/tests/tours/*.js"],
    },
    "installable": True,
    "application": False,
}
