"""Thin views: read the request, call a selector or the FilterSet, render."""

from django.conf import settings
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from reports import downloads, exports, selectors
from reports.dataversion import data_version_get
from reports.filters import KEYWORD_MAX_LENGTH, canonical_filter_query
from reports.hotlines import hotline_list


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    plans = list(selectors.plan_list())
    if len(plans) == 1:
        return plan_detail(request, plans[0].slug)
    return render(request, "reports/home.html", {"plans": plans})


@require_safe
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    plan = selectors.plan_get(slug=slug)
    goals = selectors.plan_goals_tree(plan=plan)
    fiscal_years = selectors.plan_fiscal_years(plan=plan)
    return render(
        request,
        "reports/plan_detail.html",
        {
            "plan": plan,
            "goals": goals,
            "fiscal_years": fiscal_years,
            "unpublished_years": [year for year in plan.period if year not in fiscal_years],
            "direction_total": sum(g.direction_count for g in goals),
            "project_total": sum(g.project_count for g in goals),
        },
    )


@require_safe
def goal_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    plan = selectors.plan_get(slug=slug)
    goal = selectors.goal_get(plan=plan, number=number)
    return render(
        request,
        "reports/goal_detail.html",
        {
            "plan": plan,
            "goal": goal,
            "partial_years": selectors.plan_partial_fiscal_years(plan=plan),
        },
    )


@require_safe
def direction_detail(request: HttpRequest, slug: str, goal: int, number: int) -> HttpResponse:
    plan = selectors.plan_get(slug=slug)
    direction = selectors.direction_get(plan=plan, goal_number=goal, number=number)
    return render(
        request,
        "reports/direction_detail.html",
        {"plan": plan, "goal": direction.goal, "direction": direction},
    )


@require_safe
def project_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    plan = selectors.plan_get(slug=slug)
    project = selectors.project_get(plan=plan, number=number)
    return render(
        request,
        "reports/project_detail.html",
        {
            "plan": plan,
            "project": project,
            "partial_years": selectors.plan_partial_fiscal_years(plan=plan),
            "years": selectors.project_years(plan=plan, project=project),
            "sources": selectors.plan_source_documents(plan=plan),
        },
    )


@require_safe
def fiscal_year_detail(request: HttpRequest, slug: str, fiscal_year: int) -> HttpResponse:
    """A year's table; a year of the plan's period without statuses says so (200),
    a year outside it is a 404 that says which years the plan has."""
    plan = selectors.plan_get(slug=slug)
    fiscal_years = selectors.plan_fiscal_years(plan=plan)
    context = {"plan": plan, "fiscal_year": fiscal_year, "fiscal_years": fiscal_years}
    if fiscal_year not in fiscal_years:
        in_period = fiscal_year in plan.period
        return render(
            request,
            "reports/fiscal_year_missing.html",
            {**context, "in_period": in_period},
            status=200 if in_period else 404,
        )
    goals = selectors.fiscal_year_table(plan=plan, fiscal_year=fiscal_year)
    return render(
        request,
        "reports/fiscal_year_detail.html",
        {
            **context,
            "goals": goals,
            "status_total": sum(len(d.statuses) for g in goals for d in g.directions),
        },
    )


@require_safe
def status_search(request: HttpRequest, slug: str) -> HttpResponse:
    plan = selectors.plan_get(slug=slug)
    canonical = canonical_filter_query(request.GET)
    if list(canonical.lists()) != list(request.GET.lists()):
        query = canonical.urlencode()
        return HttpResponseRedirect(f"{request.path}?{query}" if query else request.path)
    filterset = selectors.plan_status_filter(plan=plan, data=request.GET)
    context = {
        "plan": plan,
        "filterset": filterset,
        "keyword_max_length": KEYWORD_MAX_LENGTH,
        "errors": [],
    }
    if not filterset.is_valid():
        context["errors"] = [
            f"{filterset.form.fields[name].label}: {message}"
            for name, messages in filterset.errors.items()
            for message in messages
        ]
        return render(request, "reports/status_search.html", context, status=400)
    try:
        page = selectors.status_search_page(
            filterset=filterset, page_number=request.GET.get("page")
        )
    except selectors.PageNumberError as error:
        context["errors"] = [f"ページ: 「{error}」というページはありません。"]
        return render(request, "reports/status_search.html", context, status=400)
    facets = selectors.status_facets(filterset=filterset)
    export_query = filterset.data.copy()
    export_query.pop("page", None)
    context.update(
        export_query=export_query.urlencode(),
        page=page,
        sources=selectors.plan_source_documents(plan=plan),
        facets=facets,
        active_filters=selectors.status_active_filters(filterset=filterset, facets=facets),
    )
    return render(request, "reports/status_search.html", context)


def _export_response(statuses, *, suffix: str, filename: str, ascii_filename: str):
    """The statuses as they are read: CSV and JSON streamed, an .xlsx in a temporary file."""
    export_format = exports.EXPORT_FORMATS[suffix]
    rows = exports.status_export_rows(statuses=statuses)
    if suffix == ".xlsx":
        response = FileResponse(exports.xlsx_file(rows), content_type=export_format.content_type)
    elif suffix == ".json":
        response = StreamingHttpResponse(
            exports.json_chunks(rows, licence=settings.DATA_LICENCE),
            content_type=export_format.content_type,
        )
    else:
        response = StreamingHttpResponse(
            exports.csv_chunks(rows, bom=suffix == "-excel.csv"),
            content_type=export_format.content_type,
        )
    response["Content-Disposition"] = exports.content_disposition(
        filename=filename + suffix, ascii_filename=ascii_filename + suffix
    )
    return response


def _xlsx_too_large(request: HttpRequest, *, csv_url: str, row_count: int) -> HttpResponse:
    """An .xlsx of more rows than can be written while the reader waits: the CSV instead."""
    return render(
        request,
        "reports/export_too_large.html",
        {
            "csv_url": csv_url,
            "excel_csv_url": csv_url.replace(".csv", "-excel.csv", 1),
            "row_count": row_count,
            "row_limit": settings.EXPORT_XLSX_ROW_LIMIT,
        },
        status=400,
    )


@require_safe
def status_export(request: HttpRequest, slug: str, suffix: str) -> HttpResponse:
    """The filter page's statuses, every page of them, as a file."""
    plan = selectors.plan_get(slug=slug)
    filterset = selectors.plan_status_filter(plan=plan, data=request.GET)
    if not filterset.is_valid():
        messages = [
            f"{filterset.form.fields[name].label}: {message}"
            for name, messages in filterset.errors.items()
            for message in messages
        ]
        return HttpResponseBadRequest(
            "\n".join(messages) + "\n", content_type="text/plain; charset=utf-8"
        )
    if suffix == ".xlsx":
        row_count = filterset.qs.count()
        if row_count > settings.EXPORT_XLSX_ROW_LIMIT:
            query = request.GET.urlencode()
            csv_url = reverse("reports:statuses.csv", args=[plan.slug])
            return _xlsx_too_large(
                request, csv_url=f"{csv_url}?{query}" if query else csv_url, row_count=row_count
            )
    return _export_response(filterset.qs, suffix=suffix, **_export_names(plan, filterset))


def _export_names(plan, filterset) -> dict[str, str]:
    """A download's file name, after its plan and filters, so that two downloads
    of different views do not overwrite each other (e.g.
    ``saitama-dv-2_2017_基本目標3_実施状況.xlsx``). The keyword is left out: a
    file kept on a shared device should not name what its reader searched for."""
    chosen = filterset.form.cleaned_data
    parts: list[tuple[str, str]] = []
    if chosen.get("year"):
        parts.append((chosen["year"], chosen["year"]))
    if chosen.get("goal"):
        parts.append((f"基本目標{chosen['goal']}", f"goal{chosen['goal']}"))
    if chosen.get("direction"):
        parts.append((f"施策の方向{chosen['direction']}", f"direction{chosen['direction']}"))
    if chosen.get("department"):
        parts.append((chosen["department"], "department"))
    return {
        "filename": "_".join([plan.slug, *(ja for ja, _ in parts), "実施状況"]),
        "ascii_filename": "_".join([plan.slug, *(en for _, en in parts), "statuses"]),
    }


@require_safe
def dataset_export(request: HttpRequest, suffix: str) -> HttpResponse:
    """Every status of every plan, as a file: the one written for the current
    data version (reports/downloads.py), else read from the database."""
    names = {"filename": "全計画_実施状況", "ascii_filename": "all_statuses"}
    built = downloads.dataset_file(suffix=suffix, version=data_version_get().number)
    if built is not None:
        response = FileResponse(
            built.path.open("rb"), content_type=exports.EXPORT_FORMATS[suffix].content_type
        )
        response["Content-Disposition"] = exports.content_disposition(
            filename=names["filename"] + suffix, ascii_filename=names["ascii_filename"] + suffix
        )
        return response
    statuses = selectors.all_statuses()
    if suffix == ".xlsx" and (row_count := statuses.count()) > settings.EXPORT_XLSX_ROW_LIMIT:
        return _xlsx_too_large(request, csv_url=reverse("reports:data.csv"), row_count=row_count)
    return _export_response(statuses, suffix=suffix, **names)


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """The header's search box on pages outside a plan: the plan's filter page,
    for the only plan or else the first by slug, with the same query string."""
    plan = selectors.plan_list().first()
    if plan is None:
        raise Http404("計画がまだありません")
    url = reverse("reports:statuses", args=[plan.slug])
    query = request.GET.urlencode()
    return HttpResponseRedirect(f"{url}?{query}" if query else url)


@require_safe
def department_index(request: HttpRequest) -> HttpResponse:
    order = _department_order(request)
    return render(
        request,
        "reports/department_index.html",
        {"departments": selectors.department_list(order=order), **_orders(order)},
    )


@require_safe
def municipality_departments(request: HttpRequest, municipality: str) -> HttpResponse:
    found = selectors.municipality_get(slug=municipality)
    order = _department_order(request)
    return render(
        request,
        "reports/department_index.html",
        {
            "municipality": found,
            "departments": selectors.department_list(municipality=found, order=order),
            **_orders(order),
        },
    )


def _department_order(request: HttpRequest) -> str:
    """``?sort=`` of the department index; anything else is the default order."""
    order = request.GET.get("sort", "")
    return (
        order if order in selectors.DEPARTMENT_ORDERS else next(iter(selectors.DEPARTMENT_ORDERS))
    )


def _orders(order: str) -> dict[str, object]:
    return {"order": order, "orders": selectors.DEPARTMENT_ORDERS.items()}


@require_safe
def department_by_name(request: HttpRequest, name: str) -> HttpResponse:
    """/departments/<name>/ from before departments belonged to a municipality:
    the department's page when one municipality has that name, else the
    departments of that name to choose from."""
    departments = selectors.department_list(name=name)
    if not departments:
        raise Http404("no such department")
    if len(departments) == 1:
        department = departments[0]
        return HttpResponsePermanentRedirect(
            reverse("reports:department", args=[department.municipality.slug, department.name])
        )
    return render(
        request,
        "reports/department_index.html",
        {"departments": departments, "same_name": name},
    )


@require_safe
def department_detail(request: HttpRequest, municipality: str, name: str) -> HttpResponse:
    department = selectors.department_get(municipality_slug=municipality, name=name)
    # ?shared=1: only the entries the section shares with others (共管).
    shared_only = request.GET.get("shared") == "1"
    return render(
        request,
        "reports/department_detail.html",
        {
            "department": department,
            "shared_only": shared_only,
            "plans": selectors.department_statuses(department=department, shared_only=shared_only),
        },
    )


@require_safe
def help_page(request: HttpRequest) -> HttpResponse:
    """The hotlines first: national lines, then the centres of the municipalities
    whose plans the site holds (only those the data file lists)."""
    hotlines = hotline_list(settings.HOTLINES_FILE)
    local_centres = [
        {"municipality": m, "hotlines": centres}
        for m in selectors.plan_municipalities()
        if (centres := hotlines.local_for([m]))
    ]
    return render(request, "reports/help.html", {"local_centres": local_centres})


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/about.html",
        {
            "plans": selectors.plan_list_with_sources(),
            "licence": settings.DATA_LICENCE,
        },
    )


@require_safe
def data(request: HttpRequest) -> HttpResponse:
    """The open-data page: what each field means, the licence, how to cite, the downloads."""
    plans = list(selectors.plan_list())
    import_runs = list(selectors.import_run_list())
    return render(
        request,
        "reports/data.html",
        {
            "plans": plans,
            "import_runs": import_runs,
            "licence": settings.DATA_LICENCE,
            "columns": exports.EXPORT_COLUMNS,
            "separator": exports.DEPARTMENT_SEPARATOR,
            "downloads": [
                (reverse(f"reports:data{suffix}"), export_format.label)
                for suffix, export_format in exports.EXPORT_FORMATS.items()
            ],
            "dataset_jsonld": exports.dataset_jsonld(
                request=request, plans=plans, import_runs=import_runs
            ),
        },
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page with the quick exit and the hotlines, like every other page."""
    return render(request, "500.html", status=500)
