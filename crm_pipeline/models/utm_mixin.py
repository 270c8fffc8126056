from odoo import api, models


class UtmMixin(models.AbstractModel):
    _inherit = "utm.mixin"

    @api.model
    def _get_unique_names(self, model_name, names):
        """Campaign names are unique in the whole database (utm's constraint),
        while a user sees only the campaigns of their companies (the suite's
        record rule): the names are numbered against every campaign, or a name
        used in another company would hit the constraint.

        sudo: only the names of campaigns like the new ones are read, to number
        the new ones ("Fair [2]"); nothing but those numbered names is returned.
        """
        if model_name == "utm.campaign":
            return super(UtmMixin, self.sudo())._get_unique_names(model_name, names)
        return super()._get_unique_names(model_name, names)

    def _find_or_create_record(self, model_name, name):
        """Odoo's, but a campaign found by its name (a tracking cookie of the
        website's forms, a link) is one of the current companies' or a shared
        one, as a user's search finds it (the suite's record rule), also for
        the superuser the website's forms create their records as: a lead of
        the website's company is not given another company's campaign, which
        Odoo's company check refuses. None: a new campaign of the current
        company, numbered when the name is another company's ("Fair [2]"),
        found again by its title (the name given) by the next requests."""
        if model_name != "utm.campaign":
            return super()._find_or_create_record(model_name, name)
        Campaign = self.env[model_name].with_context(active_test=False)
        cleaned_name = name.strip()
        ours = [("company_id", "in", [False, *self.env.companies.ids])]
        for field in ("name", "title") if cleaned_name else ():
            record = Campaign.search([(field, "=ilike", cleaned_name), *ours], limit=1)
            if record:
                return record
        return self.env[model_name].create({"name": cleaned_name, "is_auto_campaign": True})
