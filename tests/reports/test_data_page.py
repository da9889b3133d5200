"""The open-data page: fields, licence, citation, update history, schema.org Dataset."""

import hashlib
import json

import pytest

from reports.exports import EXPORT_COLUMNS
from tests.conftest import SEED
from tests.pages import PAGE_URLS
from tests.reports.html import main_of, parse


@pytest.mark.django_db
def test_data_page_describes_every_field_in_japanese_and_english(client, seeded):
    main = main_of(client.get(PAGE_URLS["data"]))
    table = main.one("table", cls="field-table")
    rows = [[cell.text for cell in row.all("th") + row.all("td")] for row in table.all("tr")]
    assert rows[1:] == [
        [c.label, c.key, c.description_ja, c.description_en] for c in EXPORT_COLUMNS
    ]


@pytest.mark.django_db
def test_data_page_links_the_whole_dataset_and_names_the_licence(client, seeded, settings):
    settings.DATA_LICENCE = {"name": "別のライセンス", "url": "https://example.org/licence"}
    main = main_of(client.get(PAGE_URLS["data"]))
    downloads = [(a.text, a.attrs["href"]) for a in main.all("a") if "download" in a.attrs]
    assert downloads == [
        ("CSV（UTF-8）", "/data/statuses.csv"),
        ("Excel用CSV（UTF-8 BOM付き）", "/data/statuses-excel.csv"),
        ("Excel（.xlsx）", "/data/statuses.xlsx"),
        ("JSON", "/data/statuses.json"),
    ]
    licence = main.one("a", rel="license")
    assert (licence.text, licence.attrs["href"]) == (
        "別のライセンス",
        "https://example.org/licence",
    )
    assert main.texts("p", cls="citation")[0].startswith(
        "出典：さいたま市「第2次さいたま市配偶者等からの暴力の防止及び被害者の支援に関する基本計画」"
        "年度実施状況（testserver/data/ から"
    )
    history = main.one("table", cls="import-table")
    assert [cell.text for cell in history.all("tr")[1].all("th")] == ["saitama_dv2_H29_status.txt"]
    # The file's hash for researchers, in groups that wrap only between them.
    hash_cell = history.all("tr")[1].all("td")[-1].one("code", cls="hash")
    assert hash_cell.text == hashlib.sha256(SEED.read_bytes()).hexdigest()
    assert [len(group.text) for group in hash_cell.all("span", cls="nowrap")] == [16] * 4


@pytest.mark.django_db
def test_data_page_carries_a_schema_org_dataset(client, seeded):
    page = parse(client.get(PAGE_URLS["data"]))
    (block,) = [s for s in page.all("script") if s.attrs.get("type") == "application/ld+json"]
    dataset = json.loads(block.text)
    assert dataset["@type"] == "Dataset"
    assert dataset["@context"] == "https://schema.org"
    assert dataset["license"] == "https://creativecommons.org/licenses/by/4.0/deed.ja"
    assert dataset["url"] == "http://testserver/data/"
    assert dataset["creator"] == [{"@type": "GovernmentOrganization", "name": "さいたま市"}]
    assert [(d["encodingFormat"], d["contentUrl"]) for d in dataset["distribution"]] == [
        ("text/csv", "http://testserver/data/statuses.csv"),
        ("text/csv", "http://testserver/data/statuses-excel.csv"),
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "http://testserver/data/statuses.xlsx",
        ),
        ("application/json", "http://testserver/data/statuses.json"),
    ]
    assert dataset["variableMeasured"] == [c.label for c in EXPORT_COLUMNS]


@pytest.mark.django_db
def test_the_data_page_and_every_filtered_view_link_the_api(client, seeded):
    main = main_of(client.get(PAGE_URLS["data"]))
    assert main.one("h2", id="api").text == "API (JSON API)"
    assert [link for link in main.links() if link[1].startswith("/api/")] == [
        ("API の入口（/api/v1/）", "/api/v1/"),
        ("OpenAPI による API の説明（/api/v1/openapi.json）", "/api/v1/openapi.json"),
    ]
    for name, api in [
        ("filter_combined", "/api/v1/plans/saitama-dv-2/statuses/?goal=2&department="),
        ("fiscal_year", "/api/v1/plans/saitama-dv-2/statuses/?year=2017"),
        ("goal", "/api/v1/plans/saitama-dv-2/statuses/?goal=2"),
        ("department", "/api/v1/plans/saitama-dv-2/statuses/?department="),
    ]:
        downloads = main_of(client.get(PAGE_URLS[name])).all("p", cls="downloads")
        links = [
            href for p in downloads for text, href in p.links() if text == "同じ条件の JSON API"
        ]
        assert links and links[0].startswith(api), name
        assert client.get(links[0]).status_code == 200, name
        assert ("API の仕様（OpenAPI）", "/api/v1/openapi.json") in downloads[0].links(), name
