"""Every page is a URL; the filter page's state is in its query string.

Exports and the JSON API follow the same shapes (``statuses/`` with the same
parameters), so they can sit beside these paths.
"""

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("search/", views.search, name="search"),
    path("departments/", views.department_index, name="departments"),
    path("departments/<str:name>/", views.department_detail, name="department"),
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
]
