"""The read-only JSON API: the pages' filters, pagination with links, ETags, the OpenAPI contract."""

import json
from urllib.parse import quote

import pytest
import schemathesis
from django.core.cache import cache
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from reports import api
from reports.openapi import openapi_document

PLAN = "saitama-dv-2"
HOUSING = "%E4%BD%8F%E5%AE%85%E6%94%BF%E7%AD%96%E8%AA%B2"


@pytest.mark.django_db
def test_statuses_follow_the_filter_pages_parameters(client, seeded):
    response = client.get(f"/api/v1/plans/{PLAN}/statuses/?department={HOUSING}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Referrer-Policy"] == "no-referrer"
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (2, None, None)
    assert [
        (s["project_number"], s["fiscal_year"], s["fiscal_year_era"]) for s in body["results"]
    ] == [
        (32, 2017, "平成29年度"),
        (33, 2017, "平成29年度"),
    ]
    export = json.loads(client.get(f"/plans/{PLAN}/statuses.json?department={HOUSING}").getvalue())
    # The download's fields, and links and the departments as a list besides.
    links = [
        {key: status.pop(key) for key in ("department_name_list", "url", "html_url")}
        for status in body["results"]
    ]
    assert body["results"] == export["statuses"]
    assert links == [
        {
            "department_name_list": ["住宅政策課"],
            "url": f"http://testserver/api/v1/plans/{PLAN}/statuses/2017/32/",
            "html_url": f"http://testserver/plans/{PLAN}/projects/32/#status-2017",
        },
        {
            "department_name_list": ["住宅政策課"],
            "url": f"http://testserver/api/v1/plans/{PLAN}/statuses/2017/33/",
            "html_url": f"http://testserver/plans/{PLAN}/projects/33/#status-2017",
        },
    ]


@pytest.mark.django_db
def test_a_status_has_a_stable_id_whose_path_answers_the_same_object(client, seeded):
    listed = client.get(f"/api/v1/plans/{PLAN}/statuses/?year=2017").json()["results"]
    status = next(s for s in listed if s["project_number"] == 7)
    assert status["id"] == f"{PLAN}/2017/7"
    assert status["url"] == f"http://testserver/api/v1/plans/{PLAN}/statuses/2017/7/"
    alone = client.get(status["url"])
    assert (alone.status_code, alone.json()) == (200, status)
    for missing in ("2017/58", "2018/7", "1999/1"):
        response = client.get(f"/api/v1/plans/{PLAN}/statuses/{missing}/")
        assert (response.status_code, response.json()) == (
            404,
            {"error": "見つかりません / not found"},
        )


@pytest.mark.django_db
def test_statuses_give_the_reviewed_reading_beside_the_published_text(client, seeded):
    """Project 7's name, content and 2017 status were published with データDV
    (fixtures/corrections.toml); project 2's content has no correction."""
    seven = client.get(f"/api/v1/plans/{PLAN}/statuses/2017/7/").json()
    assert "データDV" in seven["project"] and "デート" not in seven["project"]
    assert seven["project_corrected"] == seven["project"].replace("データDV", "デートDV")
    assert "データDV" in seven["content"]
    assert seven["content_corrected"] == seven["content"].replace("データDV", "デートDV")
    assert seven["status_corrected"] == seven["status"].replace("データDV", "デートDV")
    assert seven["status_corrected"] != seven["status"]
    two = client.get(f"/api/v1/plans/{PLAN}/statuses/2017/2/").json()
    assert two["content_corrected"] == two["content"]
    assert two["status_corrected"] == (
        two["status"].replace("データDV", "デートDV").replace("Y ou & Me", "You & Me")
    )


@pytest.mark.django_db
def test_a_plan_links_its_page_and_its_lists_and_each_item_its_page(client, seeded):
    plan = client.get(f"/api/v1/plans/{PLAN}/").json()
    base = "http://testserver"
    # The city's own page for the plan, and its publication of each year's table.
    assert plan.pop("city_url") == "http://www.city.saitama.jp/006/010/003/p046096.html"
    assert plan.pop("source_documents") == [
        {
            "fiscal_year": 2017,
            "title": "第2次さいたま市配偶者等からの暴力の防止及び被害者の支援に関する基本計画"
            "の実施状況について",
            "url": None,
            "published_on": None,
        }
    ]
    assert {key: value for key, value in plan.items() if key.endswith("url")} == {
        "url": f"{base}/api/v1/plans/{PLAN}/",
        "html_url": f"{base}/plans/{PLAN}/",
        "goals_url": f"{base}/api/v1/plans/{PLAN}/goals/",
        "directions_url": f"{base}/api/v1/plans/{PLAN}/directions/",
        "projects_url": f"{base}/api/v1/plans/{PLAN}/projects/",
        "statuses_url": f"{base}/api/v1/plans/{PLAN}/statuses/",
    }
    for url in [plan[key] for key in plan if key.endswith("url")]:
        assert client.get(url).status_code == 200, url
    goal = client.get(plan["goals_url"]).json()["results"][1]
    assert goal["html_url"] == f"{base}/plans/{PLAN}/goals/2/"
    direction = client.get(plan["directions_url"]).json()["results"][0]
    assert direction["html_url"] == f"{base}/plans/{PLAN}/goals/1/directions/1/"
    project = client.get(plan["projects_url"]).json()["results"][19]
    assert project["html_url"] == f"{base}/plans/{PLAN}/projects/20/"
    department = client.get("/api/v1/departments/").json()["results"][0]
    assert department["html_url"] == (
        f"{base}/m/saitama-city/departments/{quote(department['name'])}/"
    )
    for item in (goal, direction, project, department):
        assert client.get(item["html_url"]).status_code == 200


@pytest.mark.django_db
def test_a_bad_filter_value_is_a_400_naming_the_parameter(client, seeded):
    response = client.get(f"/api/v1/plans/{PLAN}/statuses/?goal=99")
    assert response.status_code == 400
    assert response.json() == {"error": "goal: 「99」という基本目標はこの計画にありません。"}
    response = client.get(f"/api/v1/plans/{PLAN}/statuses/?page=0")
    assert response.status_code == 400
    assert response.json() == {"error": "page: 「0」というページはありません。"}
    response = client.get(f"/api/v1/plans/{PLAN}/statuses/?page=2")
    assert response.status_code == 404
    assert response.json() == {"error": "見つかりません / not found"}


@pytest.mark.django_db
def test_lists_are_paginated_with_next_and_previous_links(client, seeded, monkeypatch):
    monkeypatch.setattr(api, "PAGE_SIZE", 20)
    cache.clear()  # pages are cached by the data, and the page size is code
    first = client.get(f"/api/v1/plans/{PLAN}/projects/?x=1").json()
    assert first["count"] == 57
    assert [p["number"] for p in first["results"]] == list(range(1, 21))
    assert first["previous"] is None
    assert first["next"] == f"http://testserver/api/v1/plans/{PLAN}/projects/?x=1&page=2"
    second = client.get(first["next"]).json()
    assert [p["number"] for p in second["results"]] == list(range(21, 41))
    assert second["previous"] == f"http://testserver/api/v1/plans/{PLAN}/projects/?x=1&page=1"
    third = client.get(second["next"]).json()
    assert [p["number"] for p in third["results"]] == list(range(41, 58))
    assert third["next"] is None


@pytest.mark.django_db
def test_each_resource_has_stable_field_names(client, seeded):
    assert client.get("/api/v1/plans/").json()["results"][0].keys() == {
        "slug", "title", "municipality", "municipality_slug", "aim", "first_fiscal_year",
        "last_fiscal_year", "city_url", "source_documents", "url", "html_url", "goals_url", "directions_url", "projects_url",
        "statuses_url",
    }  # fmt: skip
    assert client.get(f"/api/v1/plans/{PLAN}/goals/").json()["results"][1] == {
        "number": 2,
        "title": "被害者の早期発見と相談体制の充実",
        "html_url": f"http://testserver/plans/{PLAN}/goals/2/",
    }
    assert client.get(f"/api/v1/plans/{PLAN}/directions/").json()["count"] == 15
    assert client.get(f"/api/v1/plans/{PLAN}/projects/").json()["results"][31] == {
        "number": 32,
        "name": "DV被害者に対する民間賃貸住宅への入居支援",
        "content": "埼玉県住まい安心支援ネットワークで取り組んでいる「埼玉県あんしん賃貸住宅等登録制度」において、"
        "DV被害者等の住宅確保要配慮者の民間賃貸住宅への円滑な入居を促進するため、情報提供を行います。",
        "goal_number": 3,
        "direction_number": 3,
        "html_url": f"http://testserver/plans/{PLAN}/projects/32/",
    }
    departments = client.get("/api/v1/departments/").json()["results"]
    assert next(d for d in departments if d["name"] == "住宅政策課") == {
        "municipality": "さいたま市",
        "municipality_slug": "saitama-city",
        "name": "住宅政策課",
        "kind": "section",
        "predecessors": [
            {
                "name": "住宅課",
                "effective_fiscal_year": 2016,
                "effective_fiscal_year_era": "平成28年度",
                "note": "(平成28年度より住宅課から組織変更)",
            }
        ],
        "html_url": "http://testserver/m/saitama-city/departments/"
        "%E4%BD%8F%E5%AE%85%E6%94%BF%E7%AD%96%E8%AA%B2/",
    }
    for url in ("/api/v1/plans/no-such-plan/goals/", "/api/v1/plans/not%20a%20slug/", "/api/v2/"):
        missing = client.get(url)
        assert (missing.status_code, missing.json()) == (
            404,
            {"error": "見つかりません / not found"},
        )


@pytest.mark.django_db
def test_etag_answers_if_none_match_with_304(client, seeded):
    response = client.get(f"/api/v1/plans/{PLAN}/statuses/?year=2017")
    etag = response["ETag"]
    assert etag.startswith('W/"') and etag.endswith('"')
    again = client.get(f"/api/v1/plans/{PLAN}/statuses/?year=2017", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    other = client.get(
        f"/api/v1/plans/{PLAN}/statuses/?year=2017&goal=1", headers={"If-None-Match": etag}
    )
    assert other.status_code == 200


@pytest.mark.django_db
def test_the_api_is_read_only(client, seeded):
    assert client.post(f"/api/v1/plans/{PLAN}/statuses/").status_code == 405
    assert client.head(f"/api/v1/plans/{PLAN}/statuses/").status_code == 200


@pytest.mark.django_db
def test_openapi_document_is_served_at_a_stable_url(client, seeded):
    response = client.get("/api/v1/openapi.json")
    assert response["Content-Type"] == "application/json"
    assert response.json() == openapi_document()
    assert sorted(response.json()["paths"]) == [
        "/api/v1/departments/",
        "/api/v1/plans/",
        "/api/v1/plans/{slug}/",
        "/api/v1/plans/{slug}/directions/",
        "/api/v1/plans/{slug}/goals/",
        "/api/v1/plans/{slug}/projects/",
        "/api/v1/plans/{slug}/statuses/",
        "/api/v1/plans/{slug}/statuses/{fiscal_year}/{number}/",
    ]


schema = schemathesis.openapi.from_dict(openapi_document())


@pytest.fixture
def api_site(live_server, seeded) -> str:
    return live_server.url


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_server_error_and_every_response_matches_the_schema(case, api_site):
    # Every check but one: filter values are data (a goal number the plan lacks
    # is a documented 400), so a value the schema allows may rightly be refused.
    case.call_and_validate(base_url=api_site, excluded_checks=[positive_data_acceptance])


API_PATHS = [
    "/api/v1/",
    "/api/v1/openapi.json",
    "/api/v1/plans/",
    f"/api/v1/plans/{PLAN}/",
    f"/api/v1/plans/{PLAN}/goals/",
    f"/api/v1/plans/{PLAN}/directions/",
    f"/api/v1/plans/{PLAN}/projects/",
    f"/api/v1/plans/{PLAN}/statuses/",
    "/api/v1/departments/",
    "/api/v2/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_every_other_method_is_a_405_naming_get_and_head(client, seeded, method):
    for path in API_PATHS:
        response = client.generic(method, path)
        assert (
            response.status_code,
            response["Allow"],
            response["Content-Type"],
            response.json(),
        ) == (
            405,
            "GET, HEAD",
            "application/json",
            {"error": "GET と HEAD だけが使えます / only GET and HEAD are allowed"},
        ), path


@pytest.mark.django_db
def test_every_answer_is_json_without_cookies_and_with_the_sites_headers(client, seeded):
    for path in [*API_PATHS, f"/api/v1/plans/{PLAN}/statuses/?goal=99", "/api/v1/plans/x/"]:
        response = client.get(path, headers={"Accept": "text/html"})
        assert response["Content-Type"] == "application/json", path
        assert response.cookies == {} and "Set-Cookie" not in response.headers, path
        assert response["Referrer-Policy"] == "no-referrer"
        assert response["Content-Security-Policy"].startswith("default-src 'self';")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "Allow" not in response.headers and "Vary" not in response.headers, path
    index = client.get("/api/v1/").json()
    assert index == {
        "plans": "http://testserver/api/v1/plans/",
        "departments": "http://testserver/api/v1/departments/",
        "openapi": "http://testserver/api/v1/openapi.json",
    }


@pytest.mark.django_db
def test_no_parameter_picks_another_format_or_page_alias(client, seeded):
    plain = client.get(f"/api/v1/plans/{PLAN}/goals/")
    for query in ("format=xml", "format=api", "page_size=1"):
        response = client.get(f"/api/v1/plans/{PLAN}/goals/?{query}")
        assert response["Content-Type"] == "application/json"
        assert response.json()["results"] == plain.json()["results"], query
    for page in ("", "last", "-1", "1.0", "%EF%BC%92"):
        response = client.get(f"/api/v1/plans/{PLAN}/goals/?page={page}")
        assert response.status_code == 400, page
        assert response.json()["error"].startswith("page: 「"), page


@pytest.mark.django_db
def test_every_refused_filter_is_named_in_the_filtersets_order(client, seeded):
    response = client.get(f"/api/v1/plans/{PLAN}/statuses/?year=1&direction=x&goal=99&page=0")
    assert response.status_code == 400
    assert response.json() == {
        "error": "goal: 「99」という基本目標はこの計画にありません。 "
        "direction: 「x」という施策の方向はこの計画にありません。 "
        "year: 「1」という年度はこの計画にありません"
        "（計画期間: 平成28年度（2016年度）から令和2年度（2020年度）まで）。"
    }
    unknown_plan = client.get("/api/v1/plans/no-such-plan/statuses/?goal=99")
    assert (unknown_plan.status_code, unknown_plan.json()) == (
        404,
        {"error": "見つかりません / not found"},
    )


@pytest.mark.django_db
def test_a_keyword_search_pages_keep_the_ranked_order_and_the_snippets(client, seeded, monkeypatch):
    ranked = client.get(f"/api/v1/plans/{PLAN}/statuses/?q=%E7%9B%B8%E8%AB%87").json()
    assert ranked["count"] == 33
    monkeypatch.setattr(api, "PAGE_SIZE", 20)
    cache.clear()  # pages are cached by the data, and the page size is code
    first = client.get(f"/api/v1/plans/{PLAN}/statuses/?q=%E7%9B%B8%E8%AB%87").json()
    second = client.get(first["next"]).json()
    assert (
        first["next"]
        == f"http://testserver/api/v1/plans/{PLAN}/statuses/?q=%E7%9B%B8%E8%AB%87&page=2"
    )
    assert first["results"] + second["results"] == ranked["results"]
    assert all("<mark>相談</mark>" in str(r["search"]) for r in ranked["results"])
