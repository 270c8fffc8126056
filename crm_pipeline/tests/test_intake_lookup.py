import json

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.crm_pipeline.models.intake_keys import ro_cui_is_valid

from .common_intake import DEMO_ANSWER_VAT, LookupServerCase, demo_answer


@tagged("post_install", "-at_install")
class TestCompanyLookup(LookupServerCase):
    def test_cui_checksum(self):
        for valid in ("18547290", "RO18547290", "ro 14399840", "10000008", "40000000"):
            self.assertTrue(ro_cui_is_valid(valid), valid)
        for invalid in ("18547291", "14399841", "1", "12345678901", "RO", "ABCDEFGH", ""):
            self.assertFalse(ro_cui_is_valid(invalid), invalid)

    def _lead(self, vat, **vals):
        return self.Lead.with_user(self.salesman).create(
            dict({"name": "Lookup lead", "vat": vat, "user_id": self.salesman.id}, **vals)
        )

    def test_fetch_found(self):
        lead = self._lead("RO18547290")
        lead.fetch_company_data()
        self.assertEqual(lead.partner_name, "EXEMPLU DISTRIBUTIE SRL")
        self.assertEqual(lead.name, "Lookup lead")
        self.assertEqual(lead.street, "Str. Memorandumului 28")
        self.assertEqual(lead.city, "Mun. Cluj-Napoca")
        self.assertEqual(lead.state_id.code, "CJ")
        self.assertEqual(lead.zip, "400114")
        self.assertEqual(lead.country_id, self.romania)
        self.assertEqual(lead.company_registry, "J12/1234/2006")
        self.assertTrue(lead.vat_payer)
        self.assertEqual(lead.company_status, "active")

    def test_statuses(self):
        gone = self._lead("30000002")
        gone.fetch_company_data()
        self.assertEqual((gone.company_status, gone.vat_payer), ("deregistered", False))
        asleep = self._lead("40000000")
        asleep.fetch_company_data()
        self.assertEqual(asleep.company_status, "inactive")

    def _assert_refused(self, vat, message, country=None):
        lead = self._lead(vat, **({"country_id": country.id} if country else {}))
        snapshot = lead.read(["partner_name", "street", "company_status", "vat"])
        with self.assertRaisesRegex(UserError, message):
            lead.fetch_company_data()
        self.assertEqual(lead.read(["partner_name", "street", "company_status", "vat"]), snapshot)
        before = self._count()
        with self.assertRaisesRegex(UserError, message):
            self.Lead.with_user(self.salesman).create_from_tax_id(
                vat, country.code if country else None
            )
        self.assertEqual(self._count(), before)

    def test_wrong_checksum(self):
        self._assert_refused("RO18547291", "not a valid Romanian tax ID")

    def test_unknown_company(self):
        self._assert_refused("10000008", "ANAF knows no company")

    def test_malformed_answer(self):
        self._assert_refused("20000005", "ANAF sent an answer that cannot be read")

    def test_refusal(self):
        self._assert_refused("14399840", r"ANAF refused the request \(HTTP 503\)")

    def test_network_failure(self):
        self.env["ir.config_parameter"].set_param(
            "crm_pipeline.anaf_url", "http://127.0.0.1:9/closed"
        )
        self._assert_refused("18547290", "ANAF cannot be reached")

    def test_timeout(self):
        lead = self._lead("50000007")
        with self.assertRaisesRegex(UserError, "did not answer within 5 seconds"):
            lead.fetch_company_data()
        self.assertFalse(lead.partner_name)

    def test_vies(self):
        germany = self.env.ref("base.de")
        lead = self._lead("DE136695976")
        lead.fetch_company_data()
        self.assertEqual(lead.partner_name, "Beispiel GmbH")
        self.assertEqual(lead.country_id, germany)
        self.assertEqual(lead.company_status, "active")
        self._assert_refused("DE136695977", "not a valid DE VAT number")
        self._assert_refused("FR40303265045", "VIES refused the request")
        self._assert_refused("DE811569869", "VIES knows no VAT-registered company")
        self._assert_refused("811569869", "VIES knows no", country=germany)

    def test_create_from_tax_id(self):
        lead_id = self.Lead.with_user(self.salesman).create_from_tax_id("18547290")
        lead = self.Lead.browse(lead_id)
        self.assertEqual(lead.name, "EXEMPLU DISTRIBUTIE SRL")
        self.assertEqual(lead.activation_state, "inactive")
        self.assertEqual(lead.vat, "RO18547290")
        self.assertEqual(lead.company_registry, "J12/1234/2006")
        with self.assertRaisesRegex(UserError, "Give the tax ID"):
            self.Lead.with_user(self.salesman).create_from_tax_id(18547290)
        with self.assertRaisesRegex(UserError, "two-letter country code"):
            self.Lead.with_user(self.salesman).create_from_tax_id("18547290", 40)

    def test_tax_id_wizard(self):
        wizard = (
            self.env["crm.lead.tax.id.wizard"]
            .with_user(self.salesman)
            .create({"vat": "RO18547290"})
        )
        action = wizard.action_create_lead()
        lead = self.Lead.browse(action["res_id"])
        self.assertEqual(lead.partner_name, "EXEMPLU DISTRIBUTIE SRL")

    def test_partner_fetch(self):
        partner = self.env["res.partner"].create(
            {"name": "typed by hand", "is_company": True, "vat": "RO18547290"}
        )
        partner.with_user(self.salesman).action_fetch_company_data()
        self.assertEqual(partner.name, "EXEMPLU DISTRIBUTIE SRL")
        self.assertEqual(partner.company_registry, "J12/1234/2006")
        self.assertEqual(partner.state_id.code, "CJ")
        self.assertTrue(partner.vat_payer)
        self.assertEqual(partner.company_status, "active")
        partner.vat = "RO10000008"
        with self.assertRaisesRegex(UserError, "ANAF knows no company"):
            partner.with_user(self.salesman).action_fetch_company_data()
        self.assertEqual(partner.name, "EXEMPLU DISTRIBUTIE SRL")


@tagged("post_install", "-at_install")
class TestLeadFromRecordedAnswer(LookupServerCase):
    """The demo's lead from a tax ID: created from ANAF's answer recorded in the
    demo data, by the parser and the lead values of the live lookup."""

    FIELDS = [
        "name",
        "partner_name",
        "vat",
        "street",
        "city",
        "zip",
        "state_id",
        "country_id",
        "company_registry",
        "vat_payer",
        "company_status",
        "activation_state",
        "user_id",
        "company_id",
        "type",
    ]

    def _assert_recorded_company(self, lead):
        self.assertEqual(lead.name, "MURES FRIG LOGISTIC SRL")
        self.assertEqual(lead.partner_name, "MURES FRIG LOGISTIC SRL")
        self.assertEqual(lead.vat, DEMO_ANSWER_VAT)
        self.assertEqual(lead.street, "Str. Gheorghe Doja 155")
        self.assertEqual(lead.city, "Mun. Târgu Mureş")
        self.assertEqual(lead.zip, "540376")
        self.assertEqual(lead.state_id, self.env.ref("base.RO_MS"))
        self.assertEqual(lead.country_id, self.romania)
        self.assertEqual(lead.company_registry, "J26/1184/2019")
        self.assertTrue(lead.vat_payer)
        self.assertEqual(lead.company_status, "active")
        self.assertEqual(lead.activation_state, "inactive")

    def test_recorded_answer_makes_the_live_lead(self):
        Lead = self.Lead.with_user(self.salesman)
        recorded = self.Lead.browse(Lead._create_from_anaf_answer(demo_answer(), DEMO_ANSWER_VAT))
        self._assert_recorded_company(recorded)
        self.assertEqual(recorded.user_id, self.salesman)
        # the live lookup, ANAF (the test server) sending the same answer, makes
        # the same lead
        live = self.Lead.browse(Lead.create_from_tax_id(DEMO_ANSWER_VAT))
        self.assertEqual(
            live.read(self.FIELDS)[0] | {"id": 0}, recorded.read(self.FIELDS)[0] | {"id": 0}
        )

    def test_recorded_answer_refusals(self):
        Lead = self.Lead.with_user(self.salesman)
        before = self._count()
        # the answer is about another CUI than the tax ID given
        with self.assertRaisesRegex(UserError, "ANAF sent an unexpected answer"):
            Lead._create_from_anaf_answer(demo_answer(), "RO18547290")
        with self.assertRaisesRegex(UserError, "not a valid Romanian tax ID"):
            Lead._create_from_anaf_answer(demo_answer(), "RO41726037")
        with self.assertRaisesRegex(UserError, "not a valid Romanian tax ID"):
            Lead._create_from_anaf_answer(demo_answer(), "DE136695976")
        with self.assertRaisesRegex(UserError, "ANAF sent an answer that cannot be read"):
            Lead._create_from_anaf_answer("<html>", DEMO_ANSWER_VAT)
        self.assertEqual(self._count(), before)

    def test_demo_lead(self):
        if not self.env["ir.module.module"]._get("crm_pipeline").demo:
            self.skipTest("installed without demo data")
        company = self.env.ref("crm_suite_base.demo_company")
        lead = self.Lead.with_context(active_test=False).search(
            [("vat", "=", DEMO_ANSWER_VAT), ("company_id", "=", company.id)]
        )
        self.assertEqual(len(lead), 1)
        self._assert_recorded_company(lead)
        self.assertEqual(lead.user_id, self.env.ref("crm_suite_base.demo_user_sales_2"))
        self.assertEqual(lead.team_id, self.env.ref("crm_pipeline.demo_team_cluj"))
        # its values are those of the live path, from the recorded answer
        Lookup = self.env["crm.company.lookup"]
        data = Lookup._anaf_company_data(json.loads(demo_answer()), int(DEMO_ANSWER_VAT[2:]))
        for fname, value in Lookup._lead_values(data).items():
            self.assertEqual(lead[fname], lead._fields[fname].convert_to_record(value, lead))
