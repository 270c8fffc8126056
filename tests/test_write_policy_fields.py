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

pytestmark = pytest.mark.addon("crm_suite_base")

SUITE_ADDONS = {
    "crm_suite_base",
    "crm_pipeline",
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


def _tomorrow():
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    return when.strftime("%Y-%m-%d %H:%M:%S")


def _first_id(admin, model, domain=()):
    ids = admin.call(model, "search", list(domain), limit=1)
    return ids[0] if ids else False


def _generic_vals(admin, model, meta, owner_uid):
    """Values for the required fields without a default (from ``fields_get``),
    and the salesperson as ``user_id`` where the model has one."""
    defaults = admin.call(model, "default_get", sorted(meta))
    vals = {}
    today = datetime.date.today()
    for name, info in meta.items():
        if not info.get("required") or name in defaults or name in MAGIC:
            continue
        if info.get("readonly") and not info.get("store", True):
            continue
        ftype = info["type"]
        if ftype == "many2one":
            vals[name] = _first_id(admin, info["relation"])
        elif ftype in ("char", "text", "html"):
            vals[name] = TAG
        elif ftype == "selection":
            vals[name] = info["selection"][0][0]
        elif ftype == "date":
            vals[name] = today.isoformat()
        elif ftype == "datetime":
            vals[name] = f"{today.isoformat()} 10:00:00"
        elif ftype in ("integer", "float", "monetary"):
            vals[name] = 1
        elif ftype == "boolean":
            vals[name] = False
    if meta.get("user_id", {}).get("relation") == "res.users" and owner_uid:
        vals["user_id"] = owner_uid
    for name in ("name", "title"):
        if meta.get(name, {}).get("type") == "char" and name not in vals:
            vals[name] = TAG
    return vals


def _lead_vals(admin, meta, owner_uid):
    return {"name": TAG, "type": "opportunity", "user_id": owner_uid}


def _lead_active(admin, record_id, owner_uid):
    admin.call("crm.lead", "activate", [record_id], owner_uid, _tomorrow())


def _responsibility(admin, owner_uid, state):
    lead_id = admin.call("crm.lead", "create", _lead_vals(admin, None, owner_uid))
    admin.call("crm.lead", "activate", [lead_id], owner_uid, _tomorrow())
    resp_id = admin.call("crm.lead", "read", [lead_id], ["open_responsibility_id"])[0][
        "open_responsibility_id"
    ][0]
    if state == "in_progress":
        admin.call("crm.lead.responsibility", "action_start", [resp_id])
    return resp_id


def _supply_product(admin):
    return admin.call("product.product", "create", {"name": TAG, "is_storable": True})


def _supply_product_vals(admin, meta, owner_uid):
    return {"name": TAG, "is_storable": True}


def _supply_order_vals(admin, meta, owner_uid):
    return {
        "partner_id": _first_id(admin, "res.partner", [("is_company", "=", True)]),
        "user_id": owner_uid,
        "order_line": [(0, 0, {"product_id": _supply_product(admin), "product_uom_qty": 1})],
    }


def _purchase_vals(admin, meta, owner_uid):
    return {
        "partner_id": _first_id(admin, "res.partner", [("is_company", "=", True)]),
        "order_line": [
            (0, 0, {"product_id": _supply_product(admin), "product_qty": 1, "price_unit": 10})
        ],
    }


def _reservation(admin, owner_uid, state):
    order_id = admin.call("sale.order", "create", _supply_order_vals(admin, None, owner_uid))
    admin.call("sale.order", "action_reserve_stock", [order_id])
    if state == "released":
        admin.call("sale.order", "action_release_stock", [order_id])
    elif state == "expired":
        yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
        admin.call("sale.order", "write", [order_id], {"reservation_expiry_date": yesterday})
        cron = admin.call(
            "ir.model.data",
            "check_object_reference",
            "crm_supply",
            "ir_cron_sale_stock_reservation_expire",
        )[1]
        admin.call("ir.cron", "method_direct_trigger", [cron])
    return admin.call("sale.stock.reservation", "search", [("order_id", "=", order_id)])[0]


def _contract_vals(admin, meta, owner_uid):
    today = datetime.date.today()
    start = today.replace(day=1).isoformat()
    return {
        "contract_type": "customer",
        "partner_id": _first_id(admin, "res.partner", [("is_company", "=", True)]),
        "user_id": owner_uid,
        "date_start": start,
        "date_end": (today + datetime.timedelta(days=365)).isoformat(),
        "line_ids": [
            (
                0,
                0,
                {
                    "name": TAG,
                    "quantity": 1,
                    "price_unit": 100,
                    "recurrence": "monthly",
                    "date_start": start,
                },
            )
        ],
    }


def _schedule_row(admin, owner_uid, state):
    contract_id = admin.call("crm.contract", "create", _contract_vals(admin, None, owner_uid))
    admin.call("crm.contract", "action_activate", [contract_id])
    if state == "cancelled":
        admin.call("crm.contract", "action_terminate", [contract_id])
    rows = admin.call(
        "crm.contract.schedule", "search", [("contract_id", "=", contract_id)], order="date desc"
    )
    return rows[0]


def _planned_payment_vals(admin, meta, owner_uid):
    return {
        "name": TAG,
        "direction": "outgoing",
        "partner_id": _first_id(admin, "res.partner", [("is_company", "=", True)]),
        "amount": 10,
        "date": datetime.date.today().isoformat(),
    }


#: per model: ``vals(admin, meta, owner_uid)`` for the first state, and for
#: the others the public methods that reach them from a fresh record
#: (``(method, args...)`` or a callable ``(admin, id, owner_uid)``);
#: ``build(admin, owner_uid, state)`` builds a record without ``create``.
RECIPES = {
    "crm.lead": {"vals": _lead_vals, "states": {"active": [_lead_active]}},
    "crm.lead.responsibility": {"build": _responsibility, "built": ("assigned", "in_progress")},
    "crm.evaluation.sheet": {
        "states": {
            "in_progress": [("action_start",)],
            "finalized": [("action_start",), ("action_finalize",)],
            "cancelled": [("action_cancel",)],
        }
    },
    "crm.contract": {
        "vals": _contract_vals,
        "states": {
            "active": [("action_activate",)],
            "terminated": [("action_activate",), ("action_terminate",)],
        },
    },
    "crm.contract.schedule": {"build": _schedule_row, "built": ("planned", "cancelled")},
    "crm.planned.payment": {
        "vals": _planned_payment_vals,
        "states": {"posted": [("action_post",)], "cancelled": [("action_cancel",)]},
    },
    "product.product": {"vals": _supply_product_vals},
    "product.template": {"vals": _supply_product_vals},
    "sale.order": {
        "vals": _supply_order_vals,
        "states": {
            # Odoo's own state (not the suite's); its button returns None
            "sent": [("write", {"state": "sent"})],
            "sale": [("action_confirm",)],
            "cancel": [("action_cancel",)],
        },
    },
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
    "sale.stock.reservation": {
        "build": _reservation,
        "built": ("reserved", "released", "expired"),
    },
    "crm.task": {
        "states": {
            "in_progress": [("action_start",)],
            "in_development": [("action_develop",)],
            "done_confirmed": [("action_confirm_done",)],
            "done_rejected": [("action_reject",)],
        }
    },
}


def _fault(exc):
    return f"fault {exc.faultCode}: {exc.faultString.strip().splitlines()[-1][:300]}"


class Factory:
    """Records of each model in each state, built once per session as admin;
    ``problems`` lists what could not be built."""

    def __init__(self, admin, owner_uid):
        self.admin, self.owner_uid = admin, owner_uid
        self.problems = []
        self.meta = {}

    def fields(self, model):
        if model not in self.meta:
            self.meta[model] = self.admin.call(
                model,
                "fields_get",
                attributes=["type", "required", "relation", "selection", "readonly", "store"],
            )
        return self.meta[model]

    def create_vals(self, model):
        recipe = RECIPES.get(model, {})
        make = recipe.get("vals") or (lambda a, m, u: _generic_vals(a, model, m, u))
        return make(self.admin, self.fields(model), self.owner_uid)

    def records(self, model, state_field):
        """``{state or None: id}``: one record per state of the model."""
        admin, meta = self.admin, self.fields(model)
        recipe = RECIPES.get(model, {})
        states = [None]
        if meta.get(state_field, {}).get("type") == "selection":
            states = [value for value, _label in meta[state_field]["selection"]]
        result = {}
        for state in states:
            try:
                if "build" in recipe and state in recipe.get("built", ()):
                    result[state] = recipe["build"](admin, self.owner_uid, state)
                    continue
                steps = recipe.get("states", {}).get(state)
                if state is not None and state != states[0] and steps is None:
                    found = _first_id(admin, model, [(state_field, "=", state)])
                    if found:
                        result[state] = found  # an existing record (demo data)
                    else:
                        self.problems.append(f"{model}: no recipe for state {state!r}")
                    continue
                record_id = admin.call(model, "create", self.create_vals(model))
                for step in steps or ():
                    if callable(step):
                        step(admin, record_id, self.owner_uid)
                    else:
                        admin.call(model, step[0], [record_id], *step[1:])
                if state is not None:
                    got = admin.call(model, "read", [record_id], [state_field])[0][state_field]
                    if got != state:
                        self.problems.append(f"{model}: built {got!r} instead of {state!r}")
                        continue
                result[state] = record_id
            except xmlrpc.client.Fault as exc:
                self.problems.append(f"{model} ({state}): cannot build: {_fault(exc)}")
        return result


# ---------------------------------------------------------------------------
# Every field, every role
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def roles(make_user, salesman, salesman_b, employee, portal, admin):
    return {
        "salesperson (own)": salesman,
        "salesperson (another's)": salesman_b,
        "employee": employee,
        "billing": make_user(["account.group_account_invoice"], "billing"),
        "purchase": make_user(["purchase.group_purchase_user"], "purchase"),
        "stock": make_user(["stock.group_stock_user"], "stock"),
        "portal": portal,
        "admin": admin,
    }


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


def test_every_field_every_role(admin, roles, salesman):
    policy = admin.call("crm.write.policy", "get_write_policy")
    factory = Factory(admin, salesman.uid)
    failures = []
    group_cache = {}
    for model in sorted(policy):
        entry = policy[model]
        rules = entry["fields"]
        meta = factory.fields(model)
        names = [n for n in sorted(rules) if n in meta and meta[n]["type"] not in ("properties",)]
        records = factory.records(model, entry["state_field"])
        for state, record_id in records.items():
            current = admin.call(model, "read", [record_id], [*names, "write_date"])[0]
            for role, client in roles.items():
                can_write = client.call(model, "has_access", [], "write")
                for name in names:
                    rule = rules[name]
                    if role == "admin" and rule["owner"] != "method":
                        continue
                    if role not in FREE_ROLES and not _restricted(rule):
                        continue  # a field anyone may write: tried for tracebacks only
                    groups = tuple(rule["groups"])
                    if groups and (role, groups) not in group_cache:
                        group_cache[role, groups] = _in_groups(admin, client.uid, groups)
                    must_refuse = (
                        rule["owner"] == "method"
                        or (groups and not group_cache[role, groups])
                        or (rule["states"] and state not in rule["states"])
                    )
                    where = f"{model}.{name} [{state}] as {role}"
                    value = _as_write_value(meta[name]["type"], current[name])
                    try:
                        client.call(model, "write", [record_id], {name: value})
                    except xmlrpc.client.Fault as exc:
                        if exc.faultCode not in (2, 3, 4):
                            failures.append(f"{where}: {_fault(exc)}")
                        elif rule["owner"] == "method":
                            after = admin.call(model, "read", [record_id], ["write_date"])[0]
                            if after["write_date"] != current["write_date"]:
                                failures.append(f"{where}: refused but the record changed")
                    else:
                        if must_refuse:
                            failures.append(f"{where}: accepted ({rule['owner']} {rule})")
                        current["write_date"] = admin.call(
                            model, "read", [record_id], ["write_date"]
                        )[0]["write_date"]
                    if not can_write:
                        break  # the access rights refuse every field alike
        # create: an owned field a caller may not give at creation
        base = None
        for name in names:
            rule = rules[name]
            if rule["owner"] != "method" or rule["create"] is True:
                continue
            if base is None:
                try:
                    base = factory.create_vals(model)
                except xmlrpc.client.Fault as exc:
                    failures.append(f"{model}: no values to create: {_fault(exc)}")
                    break
            sample = next(iter(records.values()), None)
            if sample is None:
                break
            value = admin.call(model, "read", [sample], [name])[0][name]
            value = _as_write_value(meta[name]["type"], value)
            if isinstance(rule["create"], list) and meta[name]["type"] == "selection":
                others = [v for v, _l in meta[name]["selection"] if v not in rule["create"]]
                if not others:
                    continue
                value = others[-1]
            elif isinstance(rule["create"], list) and value in rule["create"]:
                continue
            if value in (False, [(6, 0, [])]) and meta[name]["type"] != "boolean":
                continue  # an empty value is no attempt
            try:
                new_id = admin.call(model, "create", {**base, name: value})
            except xmlrpc.client.Fault as exc:
                if exc.faultCode not in (2, 3, 4):
                    failures.append(f"{model}.{name} create as admin: {_fault(exc)}")
            else:
                stored = admin.call(model, "read", [new_id], [name])[0][name]
                if _as_write_value(meta[name]["type"], stored) == value:
                    failures.append(
                        f"{model}.{name} given at create as admin: accepted (id {new_id})"
                    )
                # else: the model replaced the value given (as crm.lead does
                # with its activation state): not a bypass
    problems = factory.problems + failures
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
