{
    "name": "CRM Supply: Proforma Reservations",
    "summary": "Proformas that reserve stock, free-to-sell quantities, a policy "
    "for selling reserved stock, supplier orders from customer documents",
    "version": "18.0.1.2.48",
    "category": "Inventory/Inventory",
    "license": "LGPL-3",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "depends": ["crm_suite_base", "sale_stock", "purchase_stock"],
    "data": [
        "security/crm_supply_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "data/mail_activity_type_data.xml",
        "views/sale_stock_reservation_views.xml",
        "views/res_config_settings_views.xml",
        "views/sale_order_views.xml",
        "views/purchase_order_views.xml",
        "views/account_move_views.xml",
        "views/supply_status_views.xml",
        "views/res_partner_views.xml",
    ],
    "demo": ["demo/sale_stock_reservation_demo.xml"],
    "assets": {
        "web.assets_tests": ["crm_supply/static/tests/tours/*.js"],
    },
    "installable": True,
}
