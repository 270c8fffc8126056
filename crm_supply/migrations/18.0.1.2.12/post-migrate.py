"""18.0.1.2.12: the expiry cron's warnings created before 18.0.1.2.11 are plain
*To-Do* activities, which the hooks of 18.0.1.2.11 (stock released, quotation
confirmed or cancelled, reservation expired, *Reservation Expires On* moved)
do not remove: they only remove activities of the *Reservation Expiry* type.

The old warnings are recognised exactly as the old cron made them: a *To-Do*
on a quotation holding (or having held) reservations, with the cron's summary
and note (in English or in an installed language, the cron's user's), the
note naming that quotation. A to-do a user wrote, or one whose text was
edited, is left as it is. A warning still true (the quotation is a quotation
holding reservations that expire on the date it gives) becomes a *Reservation
Expiry* to-do, which the hooks remove; one already moot (the stock released
or expired, the quotation confirmed or cancelled, the date moved) is removed,
as the hooks remove it since 18.0.1.2.11.
"""

import logging
import re

from odoo import SUPERUSER_ID, api
from odoo.tools import html2plaintext
from odoo.tools.translate import code_translations

_logger = logging.getLogger(__name__)

# the old cron's texts (crm_supply/models/sale_stock_reservation.py before
# 18.0.1.2.11), kept here whatever the cron's texts become
OLD_SUMMARY = "Stock reservation expires soon"
OLD_NOTE = (
    "The goods reserved for %(order)s are released on %(date)s: confirm "
    "the order or extend the reservation."
)
OLD_TYPE = "mail.mail_activity_data_todo"
NEW_TYPE = "crm_supply.mail_activity_type_reservation_expiry"


def _old_texts(env):
    """``{summary: note template}`` of the old cron, in English and in every
    installed language that translates them."""
    texts = {OLD_SUMMARY: OLD_NOTE}
    for lang, _name in env["res.lang"].get_installed():
        translations = code_translations.get_python_translations("crm_supply", lang)
        summary = translations.get(OLD_SUMMARY)
        if summary:
            texts.setdefault(summary, translations.get(OLD_NOTE) or OLD_NOTE)
    return texts


def _note_date(template, order_name, note):
    """The date (``YYYY-MM-DD``) the old note ``note`` gives for the quotation
    ``order_name`` when it is exactly ``template``'s text, else ``None``."""
    pattern = (
        re.escape(template)
        .replace(re.escape("%(order)s"), re.escape(order_name))
        .replace(re.escape("%(date)s"), r"(\d{4}-\d{2}-\d{2})")
    )
    match = re.fullmatch(pattern, html2plaintext(note or "").strip())
    return match and match.group(1)


def retype_expiry_warnings(env):
    """Move the old cron's expiry to-dos onto the *Reservation Expiry* type,
    remove those already moot; returns ``(retyped, removed)`` activities."""
    Activity = env["mail.activity"]
    old_type = env.ref(OLD_TYPE, raise_if_not_found=False)
    new_type = env.ref(NEW_TYPE, raise_if_not_found=False)
    if not (old_type and new_type):
        return Activity, Activity
    texts = _old_texts(env)
    candidates = Activity.search(
        [
            ("res_model", "=", "sale.order"),
            ("activity_type_id", "=", old_type.id),
            ("summary", "in", list(texts)),
        ]
    )
    orders = env["sale.order"].browse(set(candidates.mapped("res_id"))).exists()
    # the cron warned only quotations holding reservations
    reserved = {order.id: order for order in orders if order.reservation_ids}
    retyped = removed = Activity
    for activity in candidates:
        order = reserved.get(activity.res_id)
        if not order:
            continue
        date = _note_date(texts[activity.summary], order.name, activity.note)
        if not date:
            continue
        active = order.reservation_ids.filtered(lambda r: r.state == "reserved")
        if order.state in ("draft", "sent") and date in {
            str(day) for day in active.mapped("date_expiry")
        }:
            retyped |= activity
        else:
            removed |= activity
    if retyped:
        retyped.write({"activity_type_id": new_type.id})
    if removed:
        removed.unlink()
    return retyped, removed


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    retyped, removed = retype_expiry_warnings(env)
    if retyped or removed:
        _logger.info(
            "Reservation expiry warnings of before 18.0.1.2.11: %d made Reservation Expiry "
            "to-dos, %d already moot removed",
            len(retyped),
            len(removed),
        )
