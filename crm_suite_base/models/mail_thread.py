from odoo import models


class MailThread(models.AbstractModel):
    """Odoo's mail gateway (``message_process``, callable over XML-RPC by any
    internal user) creates the record of a new thread from the caller's
    ``custom_values`` as superuser (``_message_route_process``): the write
    policy never saw them, and an employee made a task born done. A caller
    that is not the superuser has them checked as the values they would give
    to ``create``, before anything is created. The routes of an alias carry
    its defaults instead, checked when they were set (``mail.alias``).
    Fetchmail and the crons run as superuser: unchanged. (A private hook, so
    that the gateway's public method stays Odoo's own.)"""

    _inherit = "mail.thread"

    def _message_route_process(self, message, message_dict, routes):
        if not self.env.su:
            for model, _thread_id, custom_values, _user_id, alias in routes or ():
                if custom_values and not alias:
                    self._crm_check_custom_values(model, custom_values)
        return super()._message_route_process(message, message_dict, routes)

    def _crm_check_custom_values(self, model, custom_values):
        """Refuse ``custom_values`` that the write policy of ``model`` refuses
        to the caller at creation."""
        if not isinstance(model, str) or model not in self.env:
            return  # no such model: Odoo's routing refuses the message
        records = self.env[model]
        if isinstance(records, self.pool["crm.write.policy.mixin"]):
            records._crm_check_policy(custom_values, creating=True)
