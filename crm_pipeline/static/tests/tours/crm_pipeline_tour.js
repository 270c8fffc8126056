import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("crm_pipeline_activate_complete", {
    steps: () => [
        {
            content: "The new lead is inactive",
            trigger: ".o_form_view .ribbon:contains(Inactive)",
        },
        {
            content: "Open the activation wizard",
            trigger: ".o_form_view .o_statusbar_buttons button:contains(Activate)",
            run: "click",
        },
        {
            content: "The first responsibility defaults to Contact prospect",
            trigger:
                ".modal .o_field_widget[name=responsibility_type_id] input:value(Contact prospect)",
        },
        {
            content: "Activate",
            trigger: ".modal-footer button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The lead is active",
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_field_widget[name=activation_state]:contains(Active)",
        },
        {
            content: "Open the Commercial tab",
            trigger: ".o_form_view .o_notebook a:contains(Commercial)",
            run: "click",
        },
        {
            content: "Complete the open Contact prospect",
            trigger:
                ".o_field_widget[name=responsibility_ids] .o_data_row:contains(Contact prospect) button[name=action_open_complete_wizard]",
            run: "click",
        },
        {
            content: "Write the summary",
            trigger: ".modal .o_field_widget[name=summary] textarea",
            run: "edit Called the buyer, meeting agreed for next week",
        },
        {
            content: "Confirm with the next step",
            trigger: ".modal-footer button[name=action_confirm]",
            run: "click",
        },
        {
            content: "Meeting & evaluation is now open",
            trigger:
                ".o_field_widget[name=responsibility_ids] .o_data_row:contains(Meeting):contains(Assigned)",
        },
    ],
});
