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
