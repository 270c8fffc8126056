"""18.0.1.5.0: contacts logged on a responsibility become interactions.

``crm.lead.responsibility.contact`` recorded the same facts as ``crm.interaction``
and is gone; its rows become interactions linked to their responsibility (and so
to the lead's log, timeline and counts). Tasks filed on a contact person are filed
on the person's company, with the person as contact, as interactions always were.
The old table is dropped by Odoo after this script, with the model.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL, plaintext2html

_logger = logging.getLogger(__name__)

CHANNEL_TYPES = {
    "phone": "call",
    "email": "email",
    "meeting": "meeting",
    "video": "video_call",
    "other": "other",
}


def _move_responsibility_contacts(env):
    cr = env.cr
    cr.execute("SELECT to_regclass('crm_lead_responsibility_contact')")
    if not cr.fetchone()[0]:
        return 0
    cr.execute(
        SQL(
            """
            SELECT c.responsibility_id, r.lead_id, c.date, c.channel, c.partner_id,
                   c.user_id, c.notes, r.user_id
              FROM crm_lead_responsibility_contact c
              JOIN crm_lead_responsibility r ON r.id = c.responsibility_id
             ORDER BY c.id
            """
        )
    )
    rows = cr.fetchall()
    Lead = env["crm.lead"].with_context(active_test=False)
    Partner = env["res.partner"].with_context(active_test=False)
    Users = env["res.users"].with_context(active_test=False)
    vals_list = []
    for resp_id, lead_id, date, channel, partner_id, user_id, notes, resp_user_id in rows:
        lead = Lead.browse(lead_id)
        person = Partner.browse(partner_id or [])
        client = lead.partner_id.commercial_partner_id or person.commercial_partner_id
        if not client:
            # a contact was made, so there is a client: the lead's own contact data
            lead._handle_partner_assignment(create_missing=True)
            client = lead.partner_id.commercial_partner_id
        user = Users.browse(user_id or [])
        if not user or user.share:
            user = Users.browse(resp_user_id)
        contact = person if person and person.commercial_partner_id == client else Partner
        if not contact and person and person != client:
            _logger.info(
                "Responsibility %s: %s is not a contact of %s; kept in the notes.",
                resp_id,
                person.display_name,
                client.display_name,
            )
            notes = f"{notes or ''}\n({person.display_name})".strip()
        vals_list.append(
            {
                "responsibility_id": resp_id,
                "lead_id": lead.id,
                "partner_id": client.id,
                "contact_id": contact.id if contact and contact != client else False,
                "user_id": user.id,
                "date": date,
                "interaction_type": CHANNEL_TYPES.get(channel, "other"),
                "notes": plaintext2html(notes) if notes else False,
                "company_id": lead.company_id.id or env.company.id,
            }
        )
    env["crm.interaction"].with_context(
        tracking_disable=True, mail_create_nolog=True, mail_notrack=True
    ).create(vals_list)
    _logger.info("%s responsibility contacts moved to interactions.", len(vals_list))
    return len(vals_list)


def _file_tasks_on_companies(env):
    env.flush_all()
    env.cr.execute(
        SQL(
            """
            UPDATE crm_task t
               SET contact_id = t.partner_id, partner_id = p.commercial_partner_id
              FROM res_partner p
             WHERE p.id = t.partner_id
               AND p.commercial_partner_id IS NOT NULL
               AND p.commercial_partner_id != p.id
            """
        )
    )
    return env.cr.rowcount


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    _move_responsibility_contacts(env)
    _file_tasks_on_companies(env)
    env.invalidate_all()
