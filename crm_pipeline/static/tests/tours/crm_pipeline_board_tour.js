import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("crm_pipeline_boards", {
    steps: () => [
        {
            content: "The general board shows its four panels",
            trigger: ".o_dashboard .o-dashboard-action:contains(Leads by Activation State)",
        },
        {
            trigger: ".o-dashboard-action:contains(Leads by Salesperson) .o_pivot",
        },
        {
            trigger: ".o-dashboard-action:contains(Leads by Interest Status) .o_graph_renderer",
        },
        {
            content: "Open the activities board",
            trigger: ".o_main_navbar .o_menu_sections button:contains(Board)",
            run: "click",
        },
        {
            trigger: ".dropdown-menu .dropdown-item:contains(Activities)",
            run: "click",
        },
        {
            trigger:
                ".o-dashboard-action:contains(Open Responsibilities per Responsible and Step) .o_pivot",
        },
        {
            trigger: ".o-dashboard-action:contains(Overdue Responsibilities) .o_list_view",
        },
        {
            content: "Open the funnel board",
            trigger: ".o_main_navbar .o_menu_sections button:contains(Board)",
            run: "click",
        },
        {
            trigger: ".dropdown-menu .dropdown-item:contains(Funnel)",
            run: "click",
        },
        {
            content: "The funnel pivot lists the chain's steps",
            trigger: ".o-dashboard-action .o_pivot th:contains(Contact prospect)",
        },
        {
            content: "Open a shipped report",
            trigger: ".o_main_navbar .o_menu_sections button:contains(Reporting)",
            run: "click",
        },
        {
            trigger: ".dropdown-menu .dropdown-item:contains(Activities, Last Month and This Month)",
            run: "click",
        },
        {
            content: "Its filter is selected by default",
            trigger: ".o_searchview .o_facet_value:contains(Activities, Last Month and This Month)",
        },
        {
            trigger: ".o_pivot",
        },
        {
            trigger: ".o_main_navbar .o_menu_sections button:contains(Reporting)",
            run: "click",
        },
        {
            trigger: ".dropdown-menu .dropdown-item:contains(Leads by Status)",
            run: "click",
        },
        {
            content: "Its group-bys are selected by default",
            trigger: ".o_searchview .o_facet_value:contains(Activation)",
        },
        {
            trigger: ".o_searchview .o_facet_value:contains(Interest)",
        },
        {
            trigger: ".o_pivot th:contains(Active)",
        },
    ],
});
