"""Every field, every role: the suite's write policy tried over XML-RPC.

- Every stored field a suite addon defines (``ir.model.fields`` and its
  ``modules``, without the fields an Odoo module defines too, transient models
  and SQL-view reports) is declared in ``crm.write.policy.get_write_policy()``.
- For each model of the policy, one record per state (built as admin through
  the public methods), and each role (salesperson on their own and on another
  salesperson's record, plain employee, billing, purchase and stock users,
  portal; admin for owned fields), ``write`` of each policy field with the
  record's current value: owned fields are always refused with fault 2 or 4
  and leave the record as it was; group-restricted fields are refused for users
  outside the groups; state-restricted fields out of their states; no call is
  ever a traceback (fault 1). ``create`` with an owned field is refused.
- The README's policy table is the live policy (``tools/gen_policy_table.py``).

A model or state the factory cannot build is listed in a failure, never
skipped silently.
"""

import datetime
import os
import pathlib
import sys
import xmlrpc.client

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tools"))
import gen_policy_table  # noqa: E402
from conftest import xmlid_res_id

pytestmark = pytest.mark.addon("crm_suite_base")

SUITE_ADDONS = {
    "crm_suite_base",
    "crm_pipeline",
    "crm_pipeline_mass_mailing",
    "crm_evaluation_sheet",
    "crm_pricing",
    "crm_supply",
    "crm_finance_cashflow",
}
#: the ORM drops writes of these (``id`` and the log-access columns)
MAGIC = {"id", "create_uid", "create_date", "write_uid", "write_date"}
TAG = f"Policy test {os.getpid()}"


def _addons():
    wanted = set(filter(None, os.environ.get("CRM_SUITE_ADDONS", "").split(",")))
    return (wanted & SUITE_ADDONS) or SUITE_ADDONS


# ---------------------------------------------------------------------------
# Every stored field of the suite is declared
# ---------------------------------------------------------------------------


def _suite_fields(admin):
    """``{(model, field)}``: the stored fields only suite addons define, on the
    models that have a table of their own."""
    suite = admin.call("crm.write.policy", "get_suite_models")
    addons = _addons()
    models = {
        name
        for name, info in suite["models"].items()
        if not info["abstract"] and not info["transient"] and info["auto"]
    }
    rows = admin.call(
        "ir.model.fields",
        "search_read",
        [("model", "in", sorted(models)), ("store", "=", True)],
        fields=["model", "name", "modules"],
    )
    found = set()
    for row in rows:
        modules = {m.strip() for m in (row["modules"] or "").split(",") if m.strip()}
        if not modules or not modules <= addons or row["name"] in MAGIC:
            continue
        # a field an Odoo module defines too (mail.thread's, a related of
        # Odoo's, ...) is Odoo's, even if the suite's model carries it
        server = suite["models"][row["model"]]["fields"].get(row["name"])
        if server is None or not set(server["modules"]) <= SUITE_ADDONS:
            continue
        found.add((row["model"], row["name"]))
    return found


def test_every_suite_field_is_declared(admin):
    policy = admin.call("crm.write.policy", "get_write_policy")
    missing = {}
    for model, name in sorted(_suite_fields(admin)):
        rule = policy.get(model, {}).get("fields", {}).get(name)
        if not rule or not rule["declared"]:
            why = "model without the policy mixin" if model not in policy else "undeclared"
            missing.setdefault(f"{model} ({why})", []).append(name)
    assert not missing, (
        f"{sum(map(len, missing.values()))} stored fields of the suite have no declared "
        "write policy (_crm_write_policy):\n"
        + "\n".join(f"  {model}: {', '.join(names)}" for model, names in sorted(missing.items()))
    )


#: the README documents the policy of the whole suite
@pytest.mark.addon(*sorted(SUITE_ADDONS))
def test_readme_policy_table_is_the_live_policy(admin):
    readme = pathlib.Path(gen_policy_table.README).read_text(encoding="utf-8")
    table = gen_policy_table.render_table(admin.call("crm.write.policy", "get_write_policy"))
    current = gen_policy_table.table_in(readme)
    assert current is not None, (
        f"README.md has no {gen_policy_table.START} / {gen_policy_table.END} markers "
        "in its Security model section"
    )
    assert current == table, (
        "README.md's policy table differs from the live policy: run "
        "python3 tools/gen_policy_table.py --url URL --db DB"
    )


# ---------------------------------------------------------------------------
# Record factory
# ---------------------------------------------------------------------------
#
# Every record is built as admin through the public methods, in admin's current
# company, for a client and products the factory creates itself (without a
# company): the demo data has records of other companies that a record of the
# current company cannot refer to.


def _today():
    return datetime.date.today()


def _tomorrow():
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    return when.strftime("%Y-%m-%d %H:%M:%S")


def _run_cron(admin, xmlid):
    admin.call("ir.cron", "method_direct_trigger", [xmlid_res_id(admin, xmlid)])


def _first_line(f, model, field, parent_id, domain=()):
    """The first record of ``model`` whose ``field`` is ``parent_id``."""
    found = f.admin.call(model, "search", [(field, "=", parent_id), *domain], limit=1)
    if not found:
        raise LookupError(f"no {model} with {field} = {parent_id} {list(domain)}")
    return found[0]


def _generic_vals(f, model):
    """Values for the required fields without a default (from ``fields_get``),
    never a field the policy keeps for its methods; the factory's client where
    the model has a client, the salesperson as ``user_id``."""
    meta = f.fields(model)
    rules = f.policy.get(model, {}).get("fields", {})
    defaults = f.admin.call(model, "default_get", sorted(meta))
    vals = {}
    for name, info in meta.items():
        rule = rules.get(name)
        if rule and rule["owner"] == "method" and rule["create"] is not True:
            continue  # the model's methods set it
        if name in MAGIC or (info.get("readonly") and not info.get("store", True)):
            continue
        if name == "partner_id" and info.get("relation") == "res.partner":
            vals[name] = f.partner
            continue
        if not info.get("required") or name in defaults:
            continue
        ftype = info["type"]
        if ftype == "many2one":
            vals[name] = f.first_id(info["relation"])
        elif ftype in ("char", "text", "html"):
            vals[name] = TAG
        elif ftype == "selection":
            vals[name] = info["selection"][0][0]
        elif ftype == "date":
            vals[name] = _today().isoformat()
        elif ftype == "datetime":
            vals[name] = f"{_today().isoformat()} 10:00:00"
        elif ftype in ("integer", "float", "monetary"):
            vals[name] = 1
        elif ftype == "boolean":
            vals[name] = False
    if meta.get("user_id", {}).get("relation") == "res.users":
        vals["user_id"] = f.owner_uid
    for name in ("name", "title"):
        rule = rules.get(name)
        if rule and rule["owner"] == "method":
            continue
        if meta.get(name, {}).get("type") == "char" and name not in vals:
            vals[name] = TAG
    return vals


# -- crm_pipeline -------------------------------------------------------------


def _lead_vals(f):
    return {"name": TAG, "type": "opportunity", "user_id": f.owner_uid, "partner_id": f.partner}


def _lead_active(f, record_id):
    f.admin.call("crm.lead", "activate", [record_id], f.owner_uid, _tomorrow())


def _responsibility(f, state):
    """A lead's first responsibility, moved to ``state`` through the lead's
    chain: completed (done), refused (the lead lost), cancelled (the lead
    marked lost)."""
    admin = f.admin
    lead_id = admin.call("crm.lead", "create", _lead_vals(f))
    admin.call("crm.lead", "activate", [lead_id], f.owner_uid, _tomorrow())
    resp_id = admin.call("crm.lead", "read", [lead_id], ["open_responsibility_id"])[0][
        "open_responsibility_id"
    ][0]
    if state == "in_progress":
        admin.call("crm.lead.responsibility", "action_start", [resp_id])
    elif state == "done":
        admin.call(
            "crm.lead.responsibility", "complete", [resp_id], "next", TAG, False, _tomorrow()
        )
    elif state == "refused":
        admin.call(
            "crm.lead.responsibility",
            "complete",
            [resp_id],
            "refused",
            TAG,
            False,
            False,
            f.lost_reason,
        )
    elif state == "cancelled":
        admin.call("crm.lead", "action_set_lost", [lead_id], lost_reason_id=f.lost_reason)
    return resp_id


def _responsibility_type_vals(f):
    # archived, last: the chain of the other tests' leads stays as it is
    return {**_generic_vals(f, "crm.responsibility.type"), "active": False, "sequence": 999}


def _task_vals(f):
    return {"name": TAG, "partner_id": f.partner, "user_id": f.owner_uid}


def _interaction_vals(f):
    # the salesperson works in the interaction's company (admin's, theirs)
    return {**_generic_vals(f, "crm.interaction"), "company_id": f.company_id}


# -- crm_evaluation_sheet -----------------------------------------------------


def _sheet_vals(f):
    return {
        "partner_id": f.partner,
        "user_id": f.owner_uid,
        "line_ids": [(0, 0, {"product_id": f.product, "product_uom_qty": 1})],
    }


def _sheet_line(f, state):
    sheet_id = f.record("crm.evaluation.sheet", state)
    return _first_line(f, "crm.evaluation.sheet.line", "sheet_id", sheet_id)


def _sheet_line_vals(f):
    return {
        "sheet_id": f.record("crm.evaluation.sheet", "draft"),
        "product_id": f.product,
        "product_uom_qty": 1,
    }


# -- crm_supply ---------------------------------------------------------------


def _product_vals(f):
    if "is_storable" in f.fields("product.product"):
        return {"name": TAG, "is_storable": True}
    return {"name": TAG}


def _recipe_line_vals(f):
    parent = f.once(
        "recipe parent",
        lambda: f.admin.call("product.template", "create", {"name": f"{TAG} kit"}),
    )
    uom = f.admin.call("product.product", "read", [f.product], ["uom_id"])[0]["uom_id"][0]
    return {"product_tmpl_id": parent, "product_id": f.product, "quantity": 1, "uom_id": uom}


def _order_vals(f):
    return {
        "partner_id": f.partner,
        "user_id": f.owner_uid,
        "order_line": [(0, 0, {"product_id": f.product, "product_uom_qty": 1})],
    }


def _order_line(f, state):
    return _first_line(f, "sale.order.line", "order_id", f.record("sale.order", state))


def _order_line_vals(f):
    order_id = f.record("sale.order", "draft")
    return {"order_id": order_id, "product_id": f.product, "product_uom_qty": 1}


def _purchase_vals(f):
    return {
        "partner_id": f.partner,
        "order_line": [(0, 0, {"product_id": f.product, "product_qty": 1, "price_unit": 10})],
    }


def _reservation(f, state):
    admin = f.admin
    order_id = admin.call("sale.order", "create", _order_vals(f))
    admin.call("sale.order", "action_reserve_stock", [order_id])
    if state == "released":
        admin.call("sale.order", "action_release_stock", [order_id])
    elif state == "expired":
        yesterday = (_today() - datetime.timedelta(days=1)).isoformat()
        admin.call("sale.order", "write", [order_id], {"reservation_expiry_date": yesterday})
        _run_cron(admin, "crm_supply.ir_cron_sale_stock_reservation_expire")
    return _first_line(f, "sale.stock.reservation", "order_id", order_id)


# -- crm_finance_cashflow -----------------------------------------------------


def _contract_vals(f, start=None, end=None):
    start = start or _today().replace(day=1)
    end = end or _today() + datetime.timedelta(days=365)
    return {
        "contract_type": "customer",
        "partner_id": f.partner,
        "user_id": f.owner_uid,
        "date_start": start.isoformat(),
        "date_end": end.isoformat(),
        "line_ids": [
            (
                0,
                0,
                {
                    "name": TAG,
                    "quantity": 1,
                    "price_unit": 100,
                    "recurrence": "monthly",
                    "date_start": start.isoformat(),
                },
            )
        ],
    }


def _contract(f, state):
    """A contract in ``state``: activated, terminated, or ended yesterday and
    expired by the contracts' daily cron."""
    admin = f.admin
    if state == "expired":
        vals = _contract_vals(
            f, _today() - datetime.timedelta(days=40), _today() - datetime.timedelta(days=1)
        )
    else:
        vals = _contract_vals(f)
    contract_id = admin.call("crm.contract", "create", vals)
    if state != "draft":
        admin.call("crm.contract", "action_activate", [contract_id])
    if state == "terminated":
        admin.call("crm.contract", "action_terminate", [contract_id])
    elif state == "expired":
        _run_cron(admin, "crm_finance_cashflow.ir_cron_crm_contract_alerts")
    return contract_id


def _contract_line(f, state):
    return _first_line(f, "crm.contract.line", "contract_id", f.record("crm.contract", state))


def _contract_line_vals(f):
    return {
        "contract_id": f.record("crm.contract", "draft"),
        "name": TAG,
        "quantity": 1,
        "price_unit": 100,
        "recurrence": "monthly",
        "date_start": _today().replace(day=1).isoformat(),
    }


def _contract_invoice(f, state):
    """A contract's invoice (Create Invoices on an active contract), posted or
    cancelled (which gives its schedule rows back)."""
    admin = f.admin
    contract_id = _contract(f, "active")
    invoice_ids = admin.call("crm.contract", "action_create_invoices", [contract_id])
    if state == "posted":
        admin.call("account.move", "action_post", invoice_ids)
    elif state == "cancel":
        # button_cancel returns None, which XML-RPC cannot carry; the suite's
        # write gives the rows back whichever way the state changes
        admin.call("account.move", "write", invoice_ids, {"state": "cancel"})
    return invoice_ids[0]


def _invoice_vals(f):
    return {
        "move_type": "out_invoice",
        "partner_id": f.partner,
        "invoice_line_ids": [(0, 0, {"product_id": f.product, "quantity": 1, "price_unit": 10})],
    }


def _contract_invoice_line(f, state):
    return _first_line(
        f,
        "account.move.line",
        "move_id",
        f.record("account.move", "draft"),
        [("crm_contract_schedule_id", "!=", False)],
    )


def _invoice_line_vals(f):
    move = f.once("plain invoice", lambda: f.admin.call("account.move", "create", _invoice_vals(f)))
    return {"move_id": move, "product_id": f.product, "quantity": 1, "price_unit": 10}


def _schedule_row(f, state):
    if state == "invoiced":
        line_id = f.record("account.move.line", None)
        line = f.admin.call("account.move.line", "read", [line_id], ["crm_contract_schedule_id"])
        return line[0]["crm_contract_schedule_id"][0]
    contract_id = f.record("crm.contract", "terminated" if state == "cancelled" else "active")
    state_domain = [("state", "=", state)]
    return _first_line(f, "crm.contract.schedule", "contract_id", contract_id, state_domain)


def _planned_payment_vals(f):
    return {
        "name": TAG,
        "direction": "outgoing",
        "partner_id": f.partner,
        "amount": 10,
        "date": _today().isoformat(),
    }


#: per model: ``vals(factory)``, the values of a new record (its first state,
#: and ``create`` tries); ``states``: for the other states, the public methods
#: that reach them from a new record (``(method, args...)``, or ``(callable,
#: method, args...)`` with ``callable(factory, id, method, *args)``);
#: ``build(factory, state)``: the record of a state built otherwise, for every
#: state when given. A model without a recipe is created from ``fields_get``.
RECIPES = {
    "account.move": {"vals": _invoice_vals, "build": _contract_invoice},
    "account.move.line": {"vals": _invoice_line_vals, "build": _contract_invoice_line},
    "crm.lead": {"vals": _lead_vals, "states": {"active": [(_lead_active,)]}},
    "crm.lead.responsibility": {"build": _responsibility},
    "crm.responsibility.type": {"vals": _responsibility_type_vals},
    "crm.interaction": {"vals": _interaction_vals},
    "crm.task": {
        "vals": _task_vals,
        "states": {
            "in_progress": [("action_start",)],
            "in_development": [("action_develop",)],
            "done_confirmed": [("action_confirm_done",)],
            "done_rejected": [("action_reject",)],
        },
    },
    "crm.evaluation.sheet": {
        "vals": _sheet_vals,
        "states": {
            "in_progress": [("action_start",)],
            "finalized": [("action_start",), ("action_finalize",)],
            "cancelled": [("action_cancel",)],
        },
    },
    "crm.evaluation.sheet.line": {"vals": _sheet_line_vals, "build": _sheet_line},
    "crm.contract": {"vals": _contract_vals, "build": _contract},
    "crm.contract.line": {"vals": _contract_line_vals, "build": _contract_line},
    "crm.contract.schedule": {"build": _schedule_row},
    "crm.planned.payment": {
        "vals": _planned_payment_vals,
        "states": {"posted": [("action_post",)], "cancelled": [("action_cancel",)]},
    },
    "product.product": {"vals": _product_vals},
    "product.template": {"vals": _product_vals},
    "product.recipe.line": {"vals": _recipe_line_vals},
    "sale.order": {
        "vals": _order_vals,
        "states": {
            # Odoo's own state (not the suite's); its button returns None
            "sent": [("write", {"state": "sent"})],
            "sale": [("action_confirm",)],
            "cancel": [("action_cancel",)],
        },
    },
    "sale.order.line": {"vals": _order_line_vals, "build": _order_line},
    "purchase.order": {
        "vals": _purchase_vals,
        "states": {
            "sent": [("write", {"state": "sent"})],
            # Odoo's own states; button_done/button_cancel return None
            "to approve": [("write", {"state": "to approve"})],
            "purchase": [("button_confirm",)],
            "done": [("button_confirm",), ("write", {"state": "done"})],
            "cancel": [("write", {"state": "cancel"})],
        },
    },
    "sale.stock.reservation": {"build": _reservation},
}


def _fault(exc):
    return f"fault {exc.faultCode}: {exc.faultString.strip().splitlines()[-1][:300]}"


class Factory:
    """Records of each model in each state, built once per session as admin;
    ``problems`` lists what could not be built."""

    def __init__(self, admin, owner_uid, policy):
        self.admin, self.owner_uid, self.policy = admin, owner_uid, policy
        self.problems = []
        self.meta = {}
        self.cache = {}
        self.company_id = admin.call("res.users", "read", [admin.uid], ["company_id"])[0][
            "company_id"
        ][0]

    def once(self, key, make):
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]

    @property
    def partner(self):
        """A client company of no company in particular."""
        return self.once(
            "partner",
            lambda: self.admin.call(
                "res.partner", "create", {"name": f"{TAG} client", "is_company": True}
            ),
        )

    @property
    def product(self):
        """A product without taxes, of no company in particular: storable
        where the run has Odoo's stock (crm_pricing alone has no stock)."""
        vals = {
            "name": f"{TAG} product",
            "list_price": 100,
            "taxes_id": [(6, 0, [])],
            "supplier_taxes_id": [(6, 0, [])],
        }
        if "is_storable" in self.fields("product.product"):
            vals["is_storable"] = True
        return self.once("product", lambda: self.admin.call("product.product", "create", vals))

    @property
    def lost_reason(self):
        return self.once("lost reason", lambda: self.first_id("crm.lost.reason"))

    def first_id(self, model, domain=()):
        """The first record of ``model`` that a record of admin's company may
        refer to."""
        domain = list(domain)
        company = self.fields(model).get("company_id")
        if company and company.get("store", True) and company.get("relation") == "res.company":
            domain.append(("company_id", "in", [False, self.company_id]))
        ids = self.admin.call(model, "search", domain, limit=1)
        return ids[0] if ids else False

    def fields(self, model):
        if model not in self.meta:
            self.meta[model] = self.admin.call(
                model,
                "fields_get",
                attributes=["type", "required", "relation", "selection", "readonly", "store"],
            )
        return self.meta[model]

    def state_field(self, model):
        """The model's state field: the policy's, or Odoo's ``state`` for a
        model the run's policy does not hold (``sale.order`` is built for
        its lines even where no installed addon adds fields to it)."""
        return self.policy.get(model, {}).get("state_field", "state")

    def states(self, model):
        """The values of the model's state field, or ``[None]``."""
        info = self.fields(model).get(self.state_field(model), {})
        if info.get("type") == "selection":
            return [value for value, _label in info["selection"]]
        return [None]

    def create_vals(self, model):
        make = RECIPES.get(model, {}).get("vals")
        return make(self) if make else _generic_vals(self, model)

    def record(self, model, state):
        """The record of ``model`` in ``state`` (built once); raises a Fault
        or LookupError when it cannot be built."""
        key = (model, state)
        if key not in self.cache:
            self.cache[key] = self._build(model, state)
        return self.cache[key]

    def _build(self, model, state):
        admin = self.admin
        recipe = RECIPES.get(model, {})
        if "build" in recipe:
            record_id = recipe["build"](self, state)
        else:
            steps = recipe.get("states", {}).get(state, ())
            if state is not None and state != self.states(model)[0] and not steps:
                raise LookupError(f"no recipe for state {state!r}")
            record_id = admin.call(model, "create", self.create_vals(model))
            for step in steps:
                if callable(step[0]):
                    step[0](self, record_id, *step[1:])
                else:
                    admin.call(model, step[0], [record_id], *step[1:])
        if state is not None:
            field = self.state_field(model)
            got = admin.call(model, "read", [record_id], [field])[0][field]
            if got != state:
                raise LookupError(f"built {got!r} instead of {state!r}")
        return record_id

    def records(self, model):
        """``{state or None: id}``: one record per state of the model."""
        result = {}
        for state in self.states(model):
            try:
                result[state] = self.record(model, state)
            except xmlrpc.client.Fault as exc:
                self.problems.append(f"{model} ({state}): cannot build: {_fault(exc)}")
            except LookupError as exc:
                self.problems.append(f"{model} ({state}): {exc}")
        return result


# ---------------------------------------------------------------------------
# Every field, every role
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def roles(make_user, salesman, salesman_b, employee, portal, admin):
    # the purchase and stock users where the run's addons bring Odoo's
    # purchase and stock (crm_supply): a run of some addons may not
    installed = {
        row["name"]
        for row in admin.call(
            "ir.module.module",
            "search_read",
            [("name", "in", ["purchase", "stock"]), ("state", "=", "installed")],
            fields=["name"],
        )
    }
    roles = {
        "salesperson (own)": salesman,
        "salesperson (another's)": salesman_b,
        "employee": employee,
        "billing": make_user(["account.group_account_invoice"], "billing"),
    }
    if "purchase" in installed:
        roles["purchase"] = make_user(["purchase.group_purchase_user"], "purchase")
    if "stock" in installed:
        roles["stock"] = make_user(["stock.group_stock_user"], "stock")
    return {**roles, "portal": portal, "admin": admin}


#: the roles that try the fields anyone may write (for tracebacks)
FREE_ROLES = ("salesperson (own)", "billing")


def _restricted(rule):
    return rule["owner"] == "method" or rule["groups"] or rule["states"]


def _as_write_value(ftype, value):
    if ftype == "many2one":
        return value[0] if value else False
    if ftype in ("one2many", "many2many"):
        return [(6, 0, value or [])]
    return value


def _in_groups(admin, uid, groups):
    return any(admin.call("res.users", "has_group", [uid], group) for group in groups)


class Checker:
    """Tries the writes and creates of each role; ``failures`` lists what went
    wrong."""

    def __init__(self, admin, roles, factory):
        self.admin, self.roles, self.factory = admin, roles, factory
        self.policy = factory.policy
        self.failures = []
        self.group_cache = {}
        self.access_cache = {}

    def names(self, model):
        meta = self.factory.fields(model)
        return [
            name
            for name in sorted(self.policy[model]["fields"])
            if name in meta and meta[name]["type"] != "properties"
        ]

    def can_write(self, model, role):
        if (model, role) not in self.access_cache:
            client = self.roles[role]
            self.access_cache[model, role] = client.call(model, "has_access", [], "write")
        return self.access_cache[model, role]

    def in_groups(self, role, groups):
        if (role, groups) not in self.group_cache:
            uid = self.roles[role].uid
            self.group_cache[role, groups] = _in_groups(self.admin, uid, groups)
        return self.group_cache[role, groups]

    def write_date(self, model, record_id):
        return self.admin.call(model, "read", [record_id], ["write_date"])[0]["write_date"]

    def writes(self, model, state, record_id, read_only=False):
        """Each role writes each field it should try with its current value."""
        rules, meta = self.policy[model]["fields"], self.factory.fields(model)
        names = self.names(model)
        current = self.admin.call(model, "read", [record_id], names)[0]
        for role, client in self.roles.items():
            can_write = self.can_write(model, role)
            tried = [
                name
                for name in names
                if read_only
                or rules[name]["owner"] == "method"
                or (role != "admin" and (role in FREE_ROLES or _restricted(rules[name])))
            ]
            # the owned fields first, then one look at the record: refused, they
            # changed nothing
            tried.sort(key=lambda name: rules[name]["owner"] != "method")
            stamp, owned_accepted = None, False
            for name in tried:
                rule = rules[name]
                owned = rule["owner"] == "method"
                if owned and stamp is None and can_write:
                    stamp = self.write_date(model, record_id)
                if not owned and stamp is not None:
                    self.unchanged(model, state, record_id, role, stamp, owned_accepted)
                    stamp = None
                groups = tuple(rule["groups"])
                must_refuse = (
                    read_only
                    or owned
                    or (groups and not self.in_groups(role, groups))
                    or (rule["states"] and state not in rule["states"])
                )
                where = f"{model}.{name} [{state}] as {role}"
                value = _as_write_value(meta[name]["type"], current[name])
                try:
                    client.call(model, "write", [record_id], {name: value})
                except xmlrpc.client.Fault as exc:
                    if exc.faultCode not in (2, 3, 4):
                        self.failures.append(f"{where}: {_fault(exc)}")
                else:
                    owned_accepted = owned_accepted or owned
                    if must_refuse:
                        self.failures.append(f"{where}: accepted ({rule})")
                if not can_write:
                    break  # the access rights refuse every field alike
            if stamp is not None:
                self.unchanged(model, state, record_id, role, stamp, owned_accepted)

    def unchanged(self, model, state, record_id, role, stamp, owned_accepted):
        if not owned_accepted and self.write_date(model, record_id) != stamp:
            self.failures.append(
                f"{model} [{state}] as {role}: owned fields refused, but the record changed"
            )

    def creates(self, model, records):
        """``create`` as admin with each owned field a caller may not give at
        creation, with a value a record of the model has."""
        rules, meta = self.policy[model]["fields"], self.factory.fields(model)
        base = None
        for name in self.names(model):
            rule, ftype = rules[name], meta[name]["type"]
            if rule["owner"] != "method" or rule["create"] is True or not records:
                continue
            values = [
                _as_write_value(ftype, row[name])
                for row in self.admin.call(model, "read", list(records.values()), [name])
            ]
            if isinstance(rule["create"], list) and ftype == "selection":
                others = [v for v, _l in meta[name]["selection"] if v not in rule["create"]]
                values = others[-1:]
            elif isinstance(rule["create"], list):
                values = [v for v in values if v not in rule["create"]]
            if ftype == "boolean":
                values = [True] if True in values else values
            values = [v for v in values if ftype == "boolean" or v not in (False, [(6, 0, [])])]
            if not values:
                continue  # an empty value is no attempt
            value = values[0]
            if base is None:
                try:
                    base = self.factory.create_vals(model)
                except (xmlrpc.client.Fault, LookupError) as exc:
                    self.failures.append(f"{model}: no values to create: {exc}")
                    return
            try:
                new_id = self.admin.call(model, "create", {**base, name: value})
            except xmlrpc.client.Fault as exc:
                if exc.faultCode not in (2, 3, 4):
                    self.failures.append(f"{model}.{name} create as admin: {_fault(exc)}")
            else:
                stored = self.admin.call(model, "read", [new_id], [name])[0][name]
                if _as_write_value(ftype, stored) == value:
                    self.failures.append(
                        f"{model}.{name} given at create as admin: accepted (id {new_id})"
                    )
                # else: the model replaced the value given (as crm.lead does
                # with its activation state): not a bypass

    def read_only(self, model):
        """A model no one creates records of (an SQL view, totals kept in SQL):
        every role is refused ``create`` and ``write`` of every field."""
        for role, client in self.roles.items():
            try:
                new_id = client.call(model, "create", {})
            except xmlrpc.client.Fault as exc:
                if exc.faultCode not in (2, 3, 4):
                    self.failures.append(f"{model}.create as {role}: {_fault(exc)}")
            else:
                self.failures.append(f"{model}.create as {role}: accepted (id {new_id})")
        row = self.factory.first_id(model)
        if not row:
            self.failures.append(f"{model}: no row to try writes on")
            return
        self.writes(model, None, row, read_only=True)


def test_every_field_every_role(admin, roles, salesman):
    policy = admin.call("crm.write.policy", "get_write_policy")
    factory = Factory(admin, salesman.uid, policy)
    checker = Checker(admin, roles, factory)
    read_only = {model for model in policy if not admin.call(model, "has_access", [], "create")}
    # the read-only models last: their rows follow from the records built
    for model in sorted(policy, key=lambda model: (model in read_only, model)):
        if model in read_only:
            checker.read_only(model)
            continue
        records = factory.records(model)
        for state, record_id in records.items():
            checker.writes(model, state, record_id)
        checker.creates(model, records)
    problems = factory.problems + checker.failures
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
