"""Installing on a database that already has leads.

Leads already being worked keep being worked: won and lost (archived) leads, and
leads past their team's first stage that have a salesperson, become Active
without a chain (their history untouched, no responsibility opened); the others
start Inactive, like every new lead. Done before the ORM adds the column, so
that nothing is tracked or posted in the leads' chatter.
"""

from odoo.tools import SQL

from .models.intake_keys import email_index_name

ACTIVE_CONDITION = SQL(
    """
    lead.active IS NOT TRUE
    OR stage.is_won
    OR (
        lead.user_id IS NOT NULL
        AND stage.sequence > (
            SELECT MIN(first.sequence)
              FROM crm_stage first
             WHERE first.team_id IS NULL OR first.team_id = lead.team_id
        )
    )
    """
)


def set_existing_leads_activation(cr, lead_ids=None):
    """Set ``activation_state`` of existing leads (all of them, or ``lead_ids``)
    as described above. Returns the number of leads made Active."""
    restrict = SQL("AND lead.id = ANY(%s)", list(lead_ids)) if lead_ids is not None else SQL()
    cr.execute(
        SQL(
            """
            UPDATE crm_lead lead
               SET activation_state = CASE WHEN (%(active)s) THEN 'active' ELSE 'inactive' END
              FROM crm_lead l2
              LEFT JOIN crm_stage stage ON stage.id = l2.stage_id
             WHERE l2.id = lead.id %(restrict)s
            """,
            active=ACTIVE_CONDITION,
            restrict=restrict,
        )
    )
    cr.execute(
        SQL(
            "SELECT count(*) FROM crm_lead lead WHERE activation_state = 'active' %s",
            restrict,
        )
    )
    return cr.fetchone()[0]


def pre_init_hook(env):
    env.cr.execute(
        "ALTER TABLE crm_lead ADD COLUMN IF NOT EXISTS activation_state character varying"
    )
    set_existing_leads_activation(env.cr)


def uninstall_hook(env):
    """Drop the e-mail indexes the module added to crm_lead and res_partner (the
    ORM drops only the indexes of the module's own fields)."""
    for table in ("crm_lead", "res_partner"):
        env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(email_index_name(table))))
