"""Leftovers of crm_pipeline over XML-RPC: the holder of a lead's open step does
not file the lead's interactions and tasks on another client; an offer import
keeps a section title with no item after it; the tax-ID lookup's deadline
covers a service trickling its headers."""

import base64
import datetime
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytestmark = pytest.mark.addon("crm_pipeline")


def _later(days):
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)).strftime(
        "%Y-%m-%d %H:%M:%S"
    )


def _company(admin, name):
    return admin.call(
        "res.partner", "create", {"name": f"{name} {os.getpid()}", "is_company": True}
    )


def test_a_step_holder_does_not_refile_the_owners_records(admin, make_user, expect_fault):
    owner = make_user(["sales_team.group_sale_salesman"], "leftover_step_owner")
    holder = make_user(["sales_team.group_sale_salesman"], "leftover_step_holder")
    client_id = _company(admin, "RPC leftover client")
    other_id = _company(admin, "RPC leftover other client")
    person_id = admin.call(
        "res.partner", "create", {"name": "Ana Pop", "parent_id": client_id, "type": "contact"}
    )
    lead_id = admin.call(
        "crm.lead",
        "create",
        {
            "name": f"RPC leftover handed over {os.getpid()}",
            "user_id": owner.uid,
            "partner_id": client_id,
            "type": "opportunity",
        },
    )
    owner.call("crm.lead", "activate", [lead_id], owner.uid, _later(1))
    [first] = owner.call("crm.lead", "read", [lead_id], ["open_responsibility_id"])
    owner.call(
        "crm.lead.responsibility",
        "complete",
        [first["open_responsibility_id"][0]],
        "next",
        "Called them",
        next_user_id=holder.uid,
        next_deadline=_later(2),
    )
    records = {
        "crm.task": owner.call("crm.task", "create", {"name": "Brochure", "lead_id": lead_id}),
        "crm.interaction": owner.call(
            "crm.interaction", "create", {"lead_id": lead_id, "interaction_type": "call"}
        ),
    }
    for model, record_id in records.items():
        expect_fault(holder.call, model, "write", [record_id], {"partner_id": other_id}, codes=(4,))
        expect_fault(
            holder.call,
            model,
            "write",
            [record_id],
            {"partner_id": other_id, "contact_id": False, "name": "Moved"},
            codes=(4,),
        )
        [row] = admin.call(model, "read", [record_id], ["partner_id", "name"])
        assert row["partner_id"][0] == client_id, model
        assert row["name"] != "Moved", model
        # a contact person of the same client keeps the client
        holder.call(model, "write", [record_id], {"partner_id": person_id})
        [row] = admin.call(model, "read", [record_id], ["partner_id", "contact_id"])
        assert (row["partner_id"][0], row["contact_id"][0]) == (client_id, person_id), model
        # filed on the lead, it stays on the lead's customer, whoever writes
        expect_fault(
            owner.call,
            model,
            "write",
            [record_id],
            {"partner_id": other_id, "contact_id": False},
            codes=(2,),
        )
        # the lead's salesperson refiles it on another client, off the lead
        owner.call(
            model,
            "write",
            [record_id],
            {"lead_id": False, "partner_id": other_id, "contact_id": False},
        )
        [row] = admin.call(model, "read", [record_id], ["partner_id", "lead_id"])
        assert (row["partner_id"][0], row["lead_id"]) == (other_id, False), model


def test_an_offer_import_keeps_empty_sections(admin, salesman):
    tag = f"{os.getpid()}"
    partner_id = admin.call("res.partner", "create", {"name": f"RPC leftover offer {tag}"})
    code = f"RPC-LEFT-{tag}"
    admin.call(
        "product.product",
        "create",
        {"name": f"RPC leftover shelf {tag}", "default_code": code, "sale_ok": True},
    )
    order_id = salesman.call(
        "sale.order", "create", {"partner_id": partner_id, "user_id": salesman.uid}
    )
    lines = (
        f"Section,Product,Quantity\nWarehouse,,\n,{code},2\nOptions,,\nOffice,,\n,{code},3\n"
        "Notes,,\n"
    )
    result = salesman.call(
        "sale.order",
        "action_import_lines",
        [order_id],
        base64.b64encode(lines.encode()).decode(),
        "offer.csv",
    )
    assert (result["created"], result["sections"]) == (2, 4)
    read = salesman.call(
        "sale.order.line", "read", result["line_ids"], ["display_type", "name", "sequence"]
    )
    read.sort(key=lambda line: line["sequence"])
    assert [line["name"] if line["display_type"] else code for line in read] == [
        "Warehouse",
        code,
        "Options",
        "Office",
        code,
        "Notes",
    ]


class _TricklingHeaders(BaseHTTPRequestHandler):
    """The status line and headers a byte every half second (about 30 seconds),
    then a body: each byte well within the timeout of one read."""

    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b'{"cod": 200, "found": [], "notFound": []}'
        head = f"HTTP/1.0 200 OK\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        self.close_connection = True
        try:
            for byte in head:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.5)
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            return


@pytest.fixture
def trickling_anaf(admin):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _TricklingHeaders)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Param = "ir.config_parameter"
    old = admin.call(Param, "get_param", "crm_pipeline.anaf_url")
    admin.call(
        Param, "set_param", "crm_pipeline.anaf_url", f"http://127.0.0.1:{server.server_address[1]}/"
    )
    yield
    admin.call(Param, "set_param", "crm_pipeline.anaf_url", old or False)
    server.shutdown()
    server.server_close()


def test_lookup_headers_trickling_in(salesman, trickling_anaf, expect_fault):
    start = time.monotonic()
    fault = expect_fault(salesman.call, "crm.lead", "create_from_tax_id", "RO18547290")
    assert "did not answer within 5 seconds" in fault.faultString
    assert time.monotonic() - start < 7.5
