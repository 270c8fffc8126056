import {registry} from "@web/core/registry";

// A salesperson reserves a proforma's goods; another quotation for the same
// product then warns that they are reserved (data from test_tour.py).
registry.category("web_tour.tours").add("crm_supply_reservation_tour", {
    url: "/odoo/action-sale.action_quotations_with_onboarding",
    steps: () => [
        {
            content: "Open the proforma",
            trigger: ".o_data_row td:contains('Tour Proforma Customer')",
            run: "click",
        },
        {
            content: "Reserve its stock",
            trigger: ".o_form_view button[name='action_reserve_stock']",
            run: "click",
        },
        {
            content: "The reservation shows on the order",
            trigger: ".o_form_view button[name='action_view_reservations']:contains('1')",
        },
        {
            content: "Back to the quotations",
            trigger: ".o_breadcrumb a:contains('Quotations')",
            run: "click",
        },
        {
            content: "New quotation",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit Tour Other Customer",
        },
        {
            trigger: "ul.ui-autocomplete > li > a:contains('Tour Other Customer')",
            run: "click",
        },
        {
            trigger: "a:contains('Add a product')",
            run: "click",
        },
        {
            trigger: "div[name='product_template_id'] input",
            run: "edit Tour Supply Drill",
        },
        {
            content: "The product's label tells what is free and reserved",
            trigger: "ul.ui-autocomplete a:contains('free to sell: 1.00, reserved: 4.00')",
            run: "click",
        },
        {
            trigger: ".o_data_row div[name='product_uom_qty'] input",
            run: "edit 3",
        },
        {
            content: "Leave the line",
            trigger: "a[name=order_lines]",
            run: "click",
        },
        {
            content: "The warning names the reserved stock",
            trigger: ".modal:contains('reserved by other proformas')",
        },
        {
            trigger: ".modal .btn-primary",
            run: "click",
        },
        {
            content: "Free to sell shows on the line",
            trigger: ".o_data_row td[name=qty_free_to_sell]:contains('1.00')",
        },
        {
            content: "Save the quotation (the policy only warns)",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
    ],
});
