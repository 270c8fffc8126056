import base64
import io

import openpyxl

from .common import PipelineCase


def b64(text):
    return base64.b64encode(text.encode()).decode()


def xlsx_b64(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return base64.b64encode(out.getvalue()).decode()


class OfferCase(PipelineCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.product = cls.env["product.product"].create(
            {
                "name": "Offer Shelf",
                "default_code": "OFR-SHELF",
                "barcode": "5940000123457",
                "list_price": 100.0,
                "sale_ok": True,
            }
        )
        cls.product_b = cls.env["product.product"].create(
            {"name": "Offer Bracket", "default_code": "OFR-BRK", "list_price": 10.0}
        )
        cls.team = cls.env["crm.team"].create({"name": "Offer Team", "user_id": cls.manager.id})
        # a plain pricelist in the company currency, without rules
        cls.pricelist = cls.env["product.pricelist"].create(
            {"name": "Offer List", "currency_id": cls.company.currency_id.id}
        )

    def _order(self, user=None, discount=0.0, qty=1.0, lead=None, **vals):
        user = user or self.salesman
        values = {
            "partner_id": self.customer.id,
            "user_id": user.id,
            "team_id": self.team.id,
            "pricelist_id": self.pricelist.id,
            "order_line": [
                (
                    0,
                    0,
                    {"product_id": self.product.id, "product_uom_qty": qty, "discount": discount},
                )
            ],
        }
        if lead:
            values["opportunity_id"] = lead.id
        values.update(vals)
        return self.env["sale.order"].with_user(user).create(values)

    def _limits(self, amount=0.0, discount=0.0):
        self.company.write({"offer_approval_amount": amount, "offer_approval_discount": discount})
