{
    "name": "CRM Contracts and Cash Flow",
    "summary": "Customer and supplier contracts with schedules and alerts, "
    "invoices at the day's rate, cash-flow forecast",
    "version": "18.0.1.8.17",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "depends": ["crm_suite_base", "account", "sale", "crm_pipeline"],
    "data": [
        "security/crm_finance_cashflow_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/ir_cron_data.xml",
        "data/mail_activity_type_data.xml",
        "views/crm_contract_views.xml",
        "views/crm_lead_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/crm_planned_payment_views.xml",
        "report/crm_cashflow_forecast_report_views.xml",
    ],
    "demo": ["demo/crm_contract_demo.xml"],
    "assets": {
        "web.assets_tests": ["crm_finance_cashflow/static/tests/tours/*.js"],
    },
    "installable": True,
}
