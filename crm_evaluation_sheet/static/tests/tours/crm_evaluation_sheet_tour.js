/** @odoo-module **/

import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("crm_evaluation_sheet_tour", {
    url: "/odoo/action-crm_evaluation_sheet.crm_evaluation_sheet_action",
    steps: () => [
        {
            content: "Create an evaluation sheet",
            trigger: ".o_control_panel_main_buttons .o_list_button_add",
            run: "click",
        },
        {
            content: "Pick the customer",
            trigger: ".o_form_view div.o_field_widget[name='partner_id'] input",
            run: "edit Tour Customer",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Tour Customer')",
            run: "click",
        },
        {
            content: "Add an item",
            trigger: "div[name='line_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: "div[name='line_ids'] .o_selected_row div[name='product_id'] input",
            run: "edit Tour Kit",
        },
        {
            trigger: ".o-autocomplete--dropdown-item a:contains('Tour Kit')",
            run: "click",
        },
        {
            content: "The item has a recipe",
            trigger:
                "div[name='line_ids'] .o_selected_row div[name='has_recipe'] input:checked",
        },
        {
            content: "Set its quantity",
            trigger: "div[name='line_ids'] .o_selected_row div[name='product_uom_qty'] input",
            run: "edit 2",
        },
        {
            content: "Finalize the sheet",
            trigger: ".o_form_view button[name='action_finalize']",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Finalized')",
        },
        {
            content: "Priced from the catalogue: the kit's components (2 × 3 × 10)",
            trigger: ".o_form_view [name='amount_total']:contains('60.00')",
        },
        {
            content: "Generate the quotation",
            trigger: ".o_form_view button[name='action_generate_quotation']",
            run: "click",
        },
        {
            content: "The item is a chapter of the quotation",
            trigger:
                "div[name='order_line'] tr.o_is_line_section textarea:value('Tour Kit × 2 Units')",
        },
        {
            content: "holding the recipe's component",
            trigger: "div[name='order_line'] tr.o_data_row:contains('Tour Component')",
        },
        {
            content: "reached from the sheet",
            trigger: ".o_breadcrumb:contains('EVS/')",
        },
    ],
});
