"""Reads for the pages, the API and the downloads. Each selector owns its
joins, so a page's query count stays the same whatever the size of the data.

- ``plans``: the plan, its goals, directions, projects, fiscal years and imports;
- ``departments``: the department index and a department's statuses;
- ``statuses``: the filter page's FilterSet (with the plan's options) and a page of results;
- ``facets``: the filter page's facet counts and active filters;
- ``api_lists``: the JSON API's lists;
- ``prefetches``: what several of them load with a status or a department.
"""

from reports.selectors.api_lists import api_departments, api_directions, api_goals, api_projects
from reports.selectors.departments import (
    DEPARTMENT_ORDERS,
    department_get,
    department_list,
    department_statuses,
    municipality_get,
)
from reports.selectors.facets import status_active_filters, status_facets
from reports.selectors.plans import (
    direction_get,
    fiscal_year_table,
    goal_get,
    import_run_list,
    plan_fiscal_years,
    plan_get,
    plan_goals_tree,
    plan_list,
    plan_list_with_sources,
    plan_municipalities,
    plan_partial_fiscal_years,
    plan_source_documents,
    project_get,
    project_years,
)
from reports.selectors.statuses import (
    PageNumberError,
    all_statuses,
    plan_status_filter,
    plan_statuses,
    ranked_status_values,
    status_filter_options,
    status_search_page,
)

__all__ = [
    "DEPARTMENT_ORDERS",
    "PageNumberError",
    "all_statuses",
    "api_departments",
    "api_directions",
    "api_goals",
    "api_projects",
    "department_get",
    "department_list",
    "department_statuses",
    "direction_get",
    "fiscal_year_table",
    "goal_get",
    "import_run_list",
    "municipality_get",
    "plan_fiscal_years",
    "plan_get",
    "plan_goals_tree",
    "plan_list",
    "plan_list_with_sources",
    "plan_municipalities",
    "plan_partial_fiscal_years",
    "plan_source_documents",
    "plan_status_filter",
    "plan_statuses",
    "project_get",
    "project_years",
    "ranked_status_values",
    "status_active_filters",
    "status_facets",
    "status_filter_options",
    "status_search_page",
]
