import {registry} from "@web/core/registry";

// Finance invoices a contract's due rows, posts the invoice, then finds it in the
// cash-flow forecast and opens it from there (data from test_tour.py).
registry.category("web_tour.tours").add("crm_finance_cashflow_tour", {
    url: "/odoo/action-crm_finance_cashflow.crm_contract_action_customer",
    steps: () => [
        {
            content: "Open the contract",
            trigger: ".o_data_row td:contains('Tour Cash-Flow Client')",
            run: "click",
        },
        {
            content: "Invoice the rows due today",
            trigger: ".o_form_view button[name='action_create_invoices']",
            run: "click",
        },
        {
            content: "The invoice shows on the contract",
            trigger: ".o_form_view button[name='action_view_invoices']:contains('1')",
            run: "click",
        },
        {
            content: "Post the invoice",
            trigger: ".o_form_view button[name='action_post']:not(:disabled)",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_arrow_button_current:contains('Posted')",
        },
        {
            content: "Open the cash-flow forecast from Reporting",
            trigger: "button[data-menu-xmlid='account.menu_finance_reports']",
            run: "click",
        },
        {
            trigger:
                "a[data-menu-xmlid='crm_finance_cashflow.crm_cashflow_forecast_report_menu']",
            run: "click",
        },
        {
            content: "The pivot shows the money by month and source",
            trigger: ".o_pivot_view .o_pivot th:contains('Open Invoice')",
        },
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            trigger: ".o_list_view .o_data_row",
        },
        {
            content: "Only the client's rows",
            trigger: ".o_list_view .o_searchview_input",
            run: "edit Tour Cash-Flow Client",
        },
        {
            trigger: ".o_searchview_autocomplete .o_menu_item:contains('Partner')",
            run: "click",
        },
        {
            content: "Open the invoice from its forecast row",
            trigger:
                ".o_data_row:has(td[name=source]:contains('Open Invoice')) button[name=action_open_source]",
            run: "click",
        },
        {
            content: "The posted invoice opens",
            trigger: ".o_form_view .o_arrow_button_current:contains('Posted')",
        },
    ],
});
