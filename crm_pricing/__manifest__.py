{
    "name": "CRM Client Pricing",
    "summary": "Client prices and discounts from achieved turnover, quantities, "
    "product groups, customer groups and early payment",
    "version": "18.0.1.2.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "depends": ["sale_management", "account"],
    "data": [
        "security/ir.model.access.csv",
        "security/crm_pricing_security.xml",
        "views/product_pricelist_item_views.xml",
        "views/sale_order_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "report/crm_turnover_report_views.xml",
        "report/client_pricelist_report.xml",
        "report/sale_order_report.xml",
        "wizards/crm_client_pricelist_wizard_views.xml",
    ],
    "demo": ["demo/crm_pricing_demo.xml"],
    "assets": {
        "web.assets_tests": ["crm_pricing/static/tests/tours/*.js"],
    },
    "external_dependencies": {"python": ["openpyxl"]},
    "installable": True,
}
