import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("crm_pipeline_lead_from_tax_id", {
    steps: () => [
        {
            content: "Type a Romanian tax ID",
            trigger: ".modal .o_field_widget[name=vat] input",
            run: "edit RO18547290",
        },
        {
            content: "Fetch the company and create the lead",
            trigger: ".modal-footer button[name=action_create_lead]",
            run: "click",
        },
        {
            content: "The new lead is named after the company and Inactive",
            trigger:
                ".o_form_view:has(.ribbon:contains(Inactive)) .o_field_widget[name=name] textarea:value(EXEMPLU DISTRIBUTIE SRL)",
        },
        {
            content: "Open the Company Data tab",
            trigger: ".o_form_view .o_notebook a:contains(Company Data)",
            run: "click",
        },
        {
            content: "The trade register number was fetched",
            trigger: ".o_form_view .o_field_widget[name=company_registry] input:value(J12/1234/2006)",
        },
        {
            content: "Type an e-mail already on another salesperson's lead",
            trigger: ".o_form_view .o_field_widget[name=email_from] input",
            run: "edit taken@tour-intake.example.com && press Tab",
        },
        {
            content: "The form warns, naming the lead and its owner",
            trigger:
                ".o_form_view .alert-warning:contains(Tour Taken Lead):contains(Tour Owner)",
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_view .o_form_saved",
        },
    ],
});
