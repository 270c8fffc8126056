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
        "security/crm_pipeline_security.xml",
        "data/crm_responsibility_type_data.xml",
        "data/crm_task_mail_templates.xml",
        "views/crm_responsibility_type_views.xml",
        "views/crm_interaction_views.xml",
        "views/crm_task_views.xml",
        "views/res_partner_views.xml",
        "views/crm_lead_views_interaction.xml",
    ],
    "demo": [
        "demo/crm_interaction_demo.xml",
        "demo/crm_task_demo.xml",
    ],
    "assets": {
        "web.assets_tests": ["crm_pipeline/static/tests/tours/**/*"],
    },
    "installable": True,
    "application": False,
}
