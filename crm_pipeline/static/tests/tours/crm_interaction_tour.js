/** @odoo-module **/
/* Log an interaction from a lead, then assign and start a task. Run by
   tests/test_interaction_tour.py as a salesperson, starting on the lead form. */

import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("crm_pipeline_interaction_tour", {
    steps: () => [
        {
            content: "Open the interactions of the lead",
            trigger: ".oe_stat_button[name=action_view_crm_interactions]",
            run: "click",
        },
        {
            content: "Log a new interaction",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "The client follows from the lead's customer",
            trigger: ".o_field_widget[name=partner_id] input:value(Itx Tour Client)",
        },
        {
            content: "It was a visit",
            trigger: ".o_field_widget[name=interaction_type] .o_radio_input[data-value=visit]",
            run: "click",
        },
        {
            content: "Subject",
            trigger: ".o_field_widget[name=name] input",
            run: "edit Tour visit",
        },
        {
            content: "It lasted an hour and a half",
            trigger: ".o_field_widget[name=duration] input",
            run: "edit 01:30",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            content: "Back to the lead",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains(Itx tour lead)",
            run: "click",
        },
        {
            content: "The smart button counts it",
            trigger:
                ".oe_stat_button[name=action_view_crm_interactions] .o_stat_value:contains(1)",
        },
        {
            content: "Open the Interactions tab",
            trigger: ".o_notebook .nav-link:contains(Interactions)",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=crm_interaction_ids] .o_data_row:contains(Tour visit)",
        },
        {
            content: "Open the tasks of the lead",
            trigger: ".oe_stat_button[name=action_view_crm_tasks]",
            run: "click",
        },
        {
            content: "Every status is a kanban column",
            trigger: ".o_kanban_group .o_column_title:contains(Completed / Rejected)",
        },
        {
            content: "New task",
            trigger: ".o-kanban-button-new",
            run: "click",
        },
        {
            content: "Title",
            trigger: ".o_field_widget[name=name] input",
            run: "edit Tour offer",
        },
        {
            trigger: ".o_field_widget[name=partner_id] input:value(Itx Tour Client)",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            content: "Start working on it",
            trigger: "button[name=action_start]",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button[aria-checked=true]:contains(In Progress)",
        },
        {
            content: "Back to the kanban",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains(Tasks and Commitments)",
            run: "click",
        },
        {
            content: "The task sits in the In Progress column",
            trigger:
                ".o_kanban_group:has(.o_column_title:contains(In Progress)) .o_kanban_record:contains(Tour offer)",
        },
    ],
});
