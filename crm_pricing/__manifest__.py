{
    "name": "CRM Client Pricing",
    "summary": "Client prices and discounts from achieved turnover, quantities, "
    "product groups, customer groups and early payment",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "depends": ["sale_management", "account"],
    "data": [
        "security/ir.model.access.csv",
        "report/crm_turnover_report_views.xml",
    ],
    "installable": True,
}
