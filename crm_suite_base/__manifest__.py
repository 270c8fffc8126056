{
    "name": "CRM Suite: Write Policy",
    "summary": "One declared write policy for the suite's fields: who may write "
    "which field in which state, and the bounds of the values they write",
    "version": "18.0.1.0.10",
    "category": "Sales/CRM",
    "license": "LGPL-3",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "depends": ["base", "mail"],
    "data": [],
    "demo": ["demo/res_company_demo.xml"],
    "installable": True,
    "application": False,
}
