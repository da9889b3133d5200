"""Every page is a URL; the filter page's state is in its query string.

Exports and the JSON API follow the same shapes (``statuses/`` with the same
parameters), so they can sit beside these paths.
"""

from django.urls import path, re_path

from reports import api, views
from reports.exports import EXPORT_FORMATS

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("help/", views.help_page, name="help"),
    path("data/", views.data, name="data"),
    path("search/", views.search, name="search"),
    path("departments/", views.department_index, name="departments"),
    # A department's name is unique only within its municipality.
    path(
        "m/<slug:municipality>/departments/",
        views.municipality_departments,
        name="municipality_departments",
    ),
    path(
        "m/<slug:municipality>/departments/<str:name>/",
        views.department_detail,
        name="department",
    ),
    # The old URL, without the municipality: redirects when the name is unambiguous.
    path("departments/<str:name>/", views.department_by_name, name="department_by_name"),
    path("plans/<slug:slug>/", views.plan_detail, name="plan"),
    path("plans/<slug:slug>/goals/<int:number>/", views.goal_detail, name="goal"),
    path(
        "plans/<slug:slug>/goals/<int:goal>/directions/<int:number>/",
        views.direction_detail,
        name="direction",
    ),
    path("plans/<slug:slug>/projects/<int:number>/", views.project_detail, name="project"),
    path("plans/<slug:slug>/years/<int:fiscal_year>/", views.fiscal_year_detail, name="year"),
    path("plans/<slug:slug>/statuses/", views.status_search, name="statuses"),
    # The read-only JSON API.
    path("api/v1/", api.Index.as_view(), name="api"),
    path("api/v1/openapi.json", api.OpenApiDocument.as_view(), name="api_openapi"),
    path("api/v1/plans/", api.PlanList.as_view(), name="api_plans"),
    path("api/v1/plans/<slug:slug>/", api.PlanDetail.as_view(), name="api_plan"),
    path("api/v1/plans/<slug:slug>/goals/", api.GoalList.as_view(), name="api_goals"),
    path(
        "api/v1/plans/<slug:slug>/directions/", api.DirectionList.as_view(), name="api_directions"
    ),
    path("api/v1/plans/<slug:slug>/projects/", api.ProjectList.as_view(), name="api_projects"),
    path("api/v1/plans/<slug:slug>/statuses/", api.StatusList.as_view(), name="api_statuses"),
    path(
        "api/v1/plans/<slug:slug>/statuses/<int:fiscal_year>/<int:number>/",
        api.StatusDetail.as_view(),
        name="api_status",
    ),
    path("api/v1/departments/", api.DepartmentList.as_view(), name="api_departments"),
    # Anything else under the API is a JSON 404, not the HTML page.
    re_path(r"^api/", api.NotFound.as_view()),
]

# Downloads: the filter page's statuses (same parameters) and the whole dataset,
# e.g. /plans/<plan>/statuses.csv?year=2017 and /data/statuses.xlsx.
for _suffix in EXPORT_FORMATS:
    urlpatterns += [
        path(
            f"plans/<slug:slug>/statuses{_suffix}",
            views.status_export,
            {"suffix": _suffix},
            name=f"statuses{_suffix}",
        ),
        path(
            f"data/statuses{_suffix}",
            views.dataset_export,
            {"suffix": _suffix},
            name=f"data{_suffix}",
        ),
    ]
