import {registry} from "@web/core/registry";

// Romanian headers (aliases), one new company and one row whose e-mail is
// already on a lead of another salesperson.
const CSV = [
    "Denumire,E-mail,Telefon,Oras",
    "Tour Intake Nou SRL,nou@tour-intake.example.com,+40 721 000 111,Cluj-Napoca",
    "Tour Intake Dublura SRL,taken@tour-intake.example.com,,Iasi",
].join("\n");

registry.category("web_tour.tours").add("crm_pipeline_lead_import", {
    steps: () => [
        {
            content: "Open the Import Leads wizard from the list",
            trigger: ".o_list_view button:contains(Import Leads)",
            run: "click",
        },
        {
            content: "Choose the spreadsheet",
            trigger: ".modal .o_field_widget[name=file]",
            async run() {
                const input = document.querySelector(
                    ".modal .o_field_widget[name=file] input.o_input_file"
                );
                const file = new File([CSV], "tour_leads.csv", {type: "text/csv"});
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
            content: "Preview",
            trigger: ".modal-footer button[name=action_preview]",
            run: "click",
        },
        {
            content: "The Romanian header maps to the company",
            trigger:
                ".modal .o_field_widget[name=mapping_ids] tr:contains(Denumire) td[name=field]:contains(Company)",
        },
        {
            content: "The second row is flagged with the lead it matches and its owner",
            trigger:
                ".modal .o_crm_lead_import_preview tr.table-warning:contains(Matches):contains(Tour Taken Lead):contains(Tour Owner)",
        },
        {
            content: "Import",
            trigger: ".modal-footer button[name=action_import]",
            run: "click",
        },
        {
            content: "One lead created",
            trigger: ".modal .o_field_widget[name=created_count]:contains(1)",
        },
        {
            content: "One duplicate skipped",
            trigger: ".modal .o_field_widget[name=skipped_count]:contains(1)",
        },
        {
            content: "The rejected rows can be downloaded",
            trigger: ".modal .o_field_widget[name=rejected_file]:contains(rejected_rows.xlsx)",
        },
        {
            content: "Open the imported leads",
            trigger: ".modal-footer button[name=action_open_leads]",
            run: "click",
        },
        {
            content: "The imported lead is listed",
            trigger: ".o_list_view .o_data_row:contains(Tour Intake Nou SRL)",
        },
    ],
});
