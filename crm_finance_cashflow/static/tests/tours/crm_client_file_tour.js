import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("crm_client_file_tour", {
    steps: () => [
        {
            content: "Open the Client File page",
            trigger: ".o_form_view .o_notebook a:contains(Client File)",
            run: "click",
        },
        {
            content: "The contact person is listed",
            trigger:
                ".o_field_widget[name=crm_contact_person_ids] .o_data_row:contains(Tour Buyer)",
        },
        {
            content: "The contract managed by finance is listed",
            trigger:
                ".o_field_widget[name=crm_contract_ids] .o_data_row:contains(Tour racking maintenance)",
        },
        {
            content: "The open task is listed",
            trigger: ".o_field_widget[name=crm_open_task_ids] .o_data_row:contains(Tour offer)",
        },
        {
            content: "Write the document note",
            trigger: ".o_field_widget[name=crm_document_note] textarea",
            run: "edit Quote our order number PO-77 on every invoice",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_view .o_form_saved",
        },
    ],
});
