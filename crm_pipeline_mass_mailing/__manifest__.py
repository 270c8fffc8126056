{
    "name": "CRM Pipeline: Campaign Mailings",
    "summary": "A campaign's mailings, recipients and replies in its results; "
    "replies count as responses",
    "version": "18.0.1.0.2",
    "category": "Sales/CRM",
    "license": "LGPL-3",
    "author": "CRM Suite",
    "website": "https://github.com/crm-suite/crm-suite",
    "depends": ["crm_pipeline", "mass_mailing"],
    "data": ["views/utm_campaign_views.xml"],
    "installable": True,
    "auto_install": True,
    "application": False,
}
