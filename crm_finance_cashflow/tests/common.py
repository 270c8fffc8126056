"""Test helpers of the contracts' race tests."""

from odoo import Command

from odoo.addons.crm_suite_base.tests.common import RaceCase

from .test_contract import drop_committed_contracts


def _drop_invoiced_contracts(envc, contract_ids, partner_id):
    """The clean-up of a race: the committed contracts with their invoices
    (drafts, for review before posting), and their client."""
    contracts = envc["crm.contract"].browse(contract_ids)
    contracts.schedule_ids.invoice_id.unlink()
    drop_committed_contracts(contracts)
    envc["res.partner"].browse(partner_id).unlink()


class ContractRaceCase(RaceCase):
    """Races on committed contracts."""

    def _committed_contracts(self, partner_name, each=({},), recurrence="monthly", **vals):
        """Commit the client ``partner_name`` and one active contract of it per
        dict of ``each`` (that contract's own values, a title, a renewal...),
        all with ``vals`` (their dates, ...) and one line, "Race line", of 10.0
        from their ``date_start`` every ``recurrence``; removed at the end of
        the test with their invoices and the client. Returns the contracts'
        ids."""
        with self._committed_env() as env:
            partner = env["res.partner"].create({"name": partner_name})
            contracts = env["crm.contract"].create(
                [
                    {
                        "partner_id": partner.id,
                        **own,
                        **vals,
                        "line_ids": [
                            Command.create(
                                {
                                    "name": "Race line",
                                    "price_unit": 10.0,
                                    "recurrence": recurrence,
                                    "date_start": vals["date_start"],
                                }
                            )
                        ],
                    }
                    for own in each
                ]
            )
            contracts.action_activate()
            contract_ids, partner_id = contracts.ids, partner.id
        self._cleanup_committed(_drop_invoiced_contracts, contract_ids, partner_id)
        return contract_ids
