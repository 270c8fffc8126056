import {registry} from "@web/core/registry";

// A salesperson picks a product on a quotation: the client's turnover rule
// sets the unit price (data from test_tour.py).
registry.category("web_tour.tours").add("crm_pricing_quotation_tour", {
    url: "/odoo/action-sale.action_quotations_with_onboarding",
    steps: () => [
        {
            content: "New quotation",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Pick the client",
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit Tour Gold Client",
        },
        {
            trigger: "ul.ui-autocomplete > li > a:contains('Tour Gold Client')",
            run: "click",
        },
        {
            content: "The client's pricelist is set",
            trigger: ".o_field_widget[name=pricelist_id] input:value('Tour Distributors')",
        },
        {
            content: "Add a product",
            trigger: "a:contains('Add a product')",
            run: "click",
        },
        {
            trigger: "div[name='product_template_id'] input",
            run: "edit Tour Widget",
        },
        {
            trigger: "ul.ui-autocomplete a:contains('Tour Widget')",
            run: "click",
        },
        {
            content: "Leave the line",
            trigger: "a[name=order_lines]",
            run: "click",
        },
        {
            content: "The Gold tier price is shown when the product is picked",
            trigger: ".o_data_row td[name=price_unit]:contains('90.00')",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
    ],
});
