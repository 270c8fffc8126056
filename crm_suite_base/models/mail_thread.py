from odoo import api, models


class MailThread(models.AbstractModel):
    """Odoo's mail gateway (``message_process``, callable over XML-RPC by any
    internal user) creates the record of a new thread from the caller's
    ``custom_values`` as superuser (``_message_route_process``): the write
    policy never saw them, and an employee made a task born done. A caller
    that is not the superuser has them checked as the values they would give
    to ``create``, before anything is parsed or created. Fetchmail and the
    crons run as superuser: unchanged."""

    _inherit = "mail.thread"

    @api.model
    def message_process(
        self,
        model,
        message,
        custom_values=None,
        save_original=False,
        strip_attachments=False,
        thread_id=None,
    ):
        if custom_values and not self.env.su:
            self._crm_check_custom_values(model, custom_values)
        return super().message_process(
            model,
            message,
            custom_values=custom_values,
            save_original=save_original,
            strip_attachments=strip_attachments,
            thread_id=thread_id,
        )

    @api.model
    def _crm_check_custom_values(self, model, custom_values):
        """Refuse ``custom_values`` that the write policy of ``model`` refuses
        to the caller at creation."""
        if not isinstance(model, str) or model not in self.env:
            return  # no such model: Odoo's routing refuses the message
        records = self.env[model]
        if isinstance(records, self.pool["crm.write.policy.mixin"]):
            records._crm_check_policy(custom_values, creating=True)
