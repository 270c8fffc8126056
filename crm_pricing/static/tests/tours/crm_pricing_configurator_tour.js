import {registry} from "@web/core/registry";

// A product with variants opens Odoo's product configurator: the price it shows
// is the client's (data from test_tour.py).
registry.category("web_tour.tours").add("crm_pricing_configurator_tour", {
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
            trigger: ".o_field_widget[name=pricelist_id] input:value('Tour Distributors')",
        },
        {
            content: "Add a product",
            trigger: "a:contains('Add a product')",
            run: "click",
        },
        {
            trigger: "div[name='product_template_id'] input",
            run: "edit Tour Configurable Chair",
        },
        {
            trigger: "ul.ui-autocomplete a:contains('Tour Configurable Chair')",
            run: "click",
        },
        {
            content: "The configurator shows the client's Gold tier price",
            trigger:
                ".modal tr:has(div[name='o_sale_product_configurator_name']:contains('Tour Configurable Chair')) td[name='price']:contains('90.00')",
        },
        {
            trigger: ".modal button:contains(Confirm)",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The line has the same price",
            trigger: ".o_data_row td[name=price_unit]:contains('90.00')",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
    ],
});
