from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reports import selectors


def home(request: HttpRequest) -> HttpResponse:
    plans = list(selectors.plan_list())
    if len(plans) == 1:
        return plan_detail(request, plans[0].slug)
    return render(request, "reports/home.html", {"plans": plans})


def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    plan = selectors.plan_get(slug=slug)
    goals = selectors.plan_goals_tree(plan=plan)
    return render(
        request,
        "reports/plan_detail.html",
        {
            "plan": plan,
            "goals": goals,
            "fiscal_years": selectors.plan_fiscal_years(plan=plan),
            "direction_total": sum(g.direction_count for g in goals),
            "project_total": sum(g.project_count for g in goals),
        },
    )


def project_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    plan = selectors.plan_get(slug=slug)
    project = selectors.project_get(plan=plan, number=number)
    return render(request, "reports/project_detail.html", {"plan": plan, "project": project})
