import {registry} from "@web/core/registry";

// Romanian headers: the internal reference, the quantity and a chapter.
const CSV = ["Cod produs,Cantitate,Capitol", "TOUR-BRK,4,Montaj"].join("\n");

registry.category("web_tour.tours").add("crm_pipeline_offer_step", {
    steps: () => [
        {
            content: "Open the lead's quotation",
            trigger: ".o_form_view button[name=action_view_sale_quotation]",
            run: "click",
        },
        {
            content: "The quotation waits for approval",
            trigger: ".o_form_view .ribbon:contains(To Approve)",
        },
        {
            content: "Open the offer lines import",
            trigger: ".o_form_view button[name=action_open_import_lines_wizard]",
            run: "click",
        },
        {
            content: "Choose the spreadsheet",
            trigger: ".modal .o_field_widget[name=file]",
            async run() {
                const input = document.querySelector(
                    ".modal .o_field_widget[name=file] input.o_input_file"
                );
                const file = new File([CSV], "oferta.csv", {type: "text/csv"});
                const dataTransfer = new DataTransfer();
                dataTransfer.items.add(file);
                input.files = dataTransfer.files;
                input.dispatchEvent(new Event("change", {bubbles: true}));
            },
        },
        {
            content: "The file is loaded",
            trigger: ".modal .o_field_widget[name=file] .o_clear_file_button",
        },
        {
            content: "Import",
            trigger: ".modal-footer button[name=action_import]",
            run: "click",
        },
        {
            content: "The chapter and the imported line are on the quotation",
            trigger:
                ".o_form_view .o_field_widget[name=order_line] tr:contains(Tour Bracket)",
        },
        {
            content: "Approve the offer (a sales manager)",
            trigger: ".o_form_view button[name=action_approve_offer]",
            run: "click",
        },
        {
            content: "Approved",
            trigger:
                ".o_form_view .o_field_widget[name=offer_approval_state]:contains(Approved)",
        },
        {
            content: "Back to the lead",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains(Tour offer lead)",
            run: "click",
        },
        {
            content: "Send the offer from the lead",
            trigger: ".o_form_view button[name=action_send_offer]",
            run: "click",
        },
        {
            content: "Odoo's composer, with the quotation's template",
            trigger: ".modal .o_field_widget[name=subject]",
        },
        {
            content: "Send",
            trigger: ".modal-footer button.o_mail_send:visible",
            run: "click",
        },
        {
            content: "Back on the lead",
            trigger: "body:not(:has(.modal)) .o_form_view button[name=action_send_offer]",
        },
    ],
});
