"""Downloads of the filtered view and of the whole dataset: CSV, CSV for Excel, .xlsx, JSON."""

import csv
import io
import json
from urllib.parse import quote

import pytest
from django.conf import settings
from openpyxl import load_workbook

from importers.columns import match_header
from reports.cells import neutralise, unneutralise
from reports.exports import EXPORT_COLUMNS
from reports.models import AnnualStatus
from tests.reports.html import parse

PLAN = "saitama-dv-2"
PLAN_TITLE = "第2次さいたま市配偶者等からの暴力の防止及び被害者の支援に関する基本計画"
PLAN_AIM = "配偶者等からの暴力の根絶と被害者の自立支援をすすめるまちづくり"
HEADER = (
    "ID,計画ID,計画名,自治体,計画の目標,計画期間（初年度）,計画期間（最終年度）,基本目標番号,基本目標,"
    "施策の方向番号,施策の方向,事業番号,事業名称,名称（補正後）,事業内容,事業内容（補正後）,"
    "年度,年度（和暦）,実施状況,実施状況（補正後）,担当課一覧,担当課,取り込み元ファイル,取り込み元の行\r\n"
)


def _housing_row(number: int, name: str, content: str, status: str, row: int) -> str:
    """No correction applies to these: each reviewed reading is the published text."""
    return (
        f"saitama-dv-2/2017/{number},saitama-dv-2,{PLAN_TITLE},さいたま市,{PLAN_AIM},2016,2020,"
        f"3,被害者の保護と自立支援の充実,3,自立に向けた各種支援,{number},{name},{name},"
        f"{content},{content},2017,平成29年度,{status},{status},"
        f"住宅政策課,住宅政策課 (平成28年度より住宅課から組織変更),saitama_dv2_H29_status.txt,{row}\r\n"
    )


HOUSING_ROWS = _housing_row(
    32,
    "DV被害者に対する民間賃貸住宅への入居支援",
    "埼玉県住まい安心支援ネットワークで取り組んでいる「埼玉県あんしん賃貸住宅等登録制度」において、"
    "DV被害者等の住宅確保要配慮者の民間賃貸住宅への円滑な入居を促進するため、情報提供を行います。",
    "DV被害者等の住宅確保要配慮者が民間賃貸住宅に円滑に入居できるよう、"
    "「埼玉県あんしん賃貸住宅等登録制度」で登録された不動産店の情報提供を行った。",
    43,
) + _housing_row(
    33,
    "DV被害者に対する市営住宅の提供",
    "DV被害者で住宅に困窮している方に対し、生活の場を提供し、DV被害者の精神的、時間的ゆとりの確保及び"
    "生活基盤の立て直しに寄与します。",
    "DV被害者で住宅に困窮する方のために市営住宅を確保した。また、市営住宅入居者の募集手続きにおいて、"
    "母子・父子世帯などに対する優遇措置を実施した。",
    44,
)
AT = {column.key: index for index, column in enumerate(EXPORT_COLUMNS)}
"""Each column's position in a row."""
INTEGER_COLUMNS = {
    AT[key]
    for key in (
        "plan_first_fiscal_year", "plan_last_fiscal_year", "goal_number", "direction_number",
        "project_number", "fiscal_year", "source_row",
    )
}  # fmt: skip
HOUSING = "/plans/saitama-dv-2/statuses{}?department=%E4%BD%8F%E5%AE%85%E6%94%BF%E7%AD%96%E8%AA%B2"


@pytest.mark.django_db
def test_filtered_csv_is_exactly_the_filtered_statuses(client, seeded):
    response = client.get(HOUSING.format(".csv"))
    assert response.status_code == 200
    assert response.getvalue() == (HEADER + HOUSING_ROWS).encode()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"saitama-dv-2_department_statuses.csv\"; filename*=UTF-8''"
        "saitama-dv-2_%E4%BD%8F%E5%AE%85%E6%94%BF%E7%AD%96%E8%AA%B2_%E5%AE%9F%E6%96%BD%E7%8A%B6%E6%B3%81.csv"
    )
    assert response["Referrer-Policy"] == "no-referrer"
    assert "Set-Cookie" not in response


@pytest.mark.django_db
def test_csv_for_excel_is_the_same_bytes_after_a_bom(client, seeded):
    response = client.get(HOUSING.format("-excel.csv"))
    assert response.getvalue() == b"\xef\xbb\xbf" + (HEADER + HOUSING_ROWS).encode()
    assert response["Content-Disposition"] == (
        "attachment; filename=\"saitama-dv-2_department_statuses-excel.csv\"; filename*=UTF-8''"
        "saitama-dv-2_%E4%BD%8F%E5%AE%85%E6%94%BF%E7%AD%96%E8%AA%B2_%E5%AE%9F%E6%96%BD%E7%8A%B6%E6%B3%81-excel.csv"
    )


@pytest.mark.django_db
def test_filters_combine_as_on_the_filter_page(client, seeded):
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/plans/{PLAN}/statuses.csv?goal=2&direction=2-1&year=2017")
                .getvalue()
                .decode()
            )
        )
    )
    assert [(row[AT["project_number"]], row[AT["fiscal_year"]]) for row in rows[1:]] == [
        ("8", "2017"),
        ("9", "2017"),
        ("10", "2017"),
        ("11", "2017"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", [".csv", "-excel.csv", ".xlsx", ".json"])
def test_a_bad_parameter_is_a_400_naming_it(client, seeded, suffix):
    response = client.get(f"/plans/{PLAN}/statuses{suffix}?goal=99")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == ("基本目標: 「99」という基本目標はこの計画にありません。\n")


@pytest.mark.django_db
def test_unknown_plan_is_404(client, seeded):
    assert client.get("/plans/no-such-plan/statuses.csv").status_code == 404


@pytest.mark.django_db
def test_whole_dataset_csv_has_every_status_once(client, seeded):
    response = client.get("/data/statuses.csv")
    assert response["Content-Disposition"] == (
        "attachment; filename=\"all_statuses.csv\"; filename*=UTF-8''"
        "%E5%85%A8%E8%A8%88%E7%94%BB_%E5%AE%9F%E6%96%BD%E7%8A%B6%E6%B3%81.csv"
    )
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert rows[0] == [column.label for column in EXPORT_COLUMNS]
    assert sorted(int(row[AT["project_number"]]) for row in rows[1:]) == list(range(1, 58))
    assert {len(row) for row in rows} == {len(EXPORT_COLUMNS)}
    assert AnnualStatus.objects.count() == 57
    assert len({row[AT["id"]] for row in rows[1:]}) == 57


@pytest.mark.django_db
def test_the_whole_dataset_gives_each_reviewed_reading_beside_the_published_text(client, seeded):
    """The reviewed corrections (fixtures/corrections.toml) fill the 補正後 columns
    of their own project and, for a status, their own year; every other text is
    repeated as published."""
    rows = list(csv.DictReader(io.StringIO(client.get("/data/statuses.csv").getvalue().decode())))
    by_number = {int(row["事業番号"]): row for row in rows}
    assert "府内" in by_number[9]["実施状況"]
    assert by_number[9]["実施状況（補正後）"] == by_number[9]["実施状況"].replace("府内", "庁内")
    assert "保護者的人権意識" in by_number[4]["事業内容"]
    assert by_number[4]["事業内容（補正後）"] == (
        by_number[4]["事業内容"].replace("保護者的人権意識", "保護者の人権意識")
    )
    assert by_number[7]["名称（補正後）"] == by_number[7]["事業名称"].replace(
        "データDV", "デートDV"
    )
    corrected = {
        number
        for number, row in by_number.items()
        for published, reviewed in (
            ("事業名称", "名称（補正後）"),
            ("事業内容", "事業内容（補正後）"),
            ("実施状況", "実施状況（補正後）"),
        )
        if row[published] != row[reviewed]
    }
    projects_in_fixture = {
        int(line.split("=")[1])
        for line in (settings.BASE_DIR / "fixtures" / "corrections.toml").read_text().splitlines()
        if line.startswith("project = ")
    }
    assert corrected == projects_in_fixture


@pytest.mark.django_db
def test_departments_are_joined_in_their_order_and_the_cell_is_kept_as_published(client, seeded):
    rows = list(csv.DictReader(io.StringIO(client.get("/data/statuses.csv").getvalue().decode())))
    project_20 = next(row for row in rows if row["事業番号"] == "20")
    assert project_20["担当課一覧"] == "市民生活安全課、観光国際課"
    assert (
        project_20["担当課"] == "市民生活安全課 (平成28年度より市民総務課から組織変更) 観光国際課"
    )


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'quoted", "''quoted"),
        ("実施した。", "実施した。"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_formula_neutralisation_is_reversible(text, written):
    assert neutralise(text) == written
    assert unneutralise(written) == text


@pytest.mark.django_db
def test_cells_that_would_run_as_formulas_are_neutralised_in_csv_and_xlsx(client, seeded):
    AnnualStatus.objects.filter(project__number=32).update(status_text="=1+1")
    AnnualStatus.objects.filter(project__number=33).update(status_text="-")
    rows = list(csv.reader(io.StringIO(client.get(HOUSING.format(".csv")).getvalue().decode())))
    assert [row[AT["status"]] for row in rows[1:]] == ["'=1+1", "'-"]

    workbook = load_workbook(io.BytesIO(client.get(HOUSING.format(".xlsx")).getvalue()))
    cells = [row[AT["status"]] for row in workbook["実施状況"].iter_rows(min_row=2)]
    assert [(cell.value, cell.data_type) for cell in cells] == [("'=1+1", "s"), ("'-", "s")]

    statuses = json.loads(client.get(HOUSING.format(".json")).getvalue())["statuses"]
    assert [s["status"] for s in statuses] == ["=1+1", "-"]


@pytest.mark.django_db
def test_xlsx_has_a_frozen_wrapped_header_and_a_sheet_describing_the_columns(client, seeded):
    response = client.get(HOUSING.format(".xlsx"))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        "attachment; filename=\"saitama-dv-2_department_statuses.xlsx\"; filename*=UTF-8''"
        "saitama-dv-2_%E4%BD%8F%E5%AE%85%E6%94%BF%E7%AD%96%E8%AA%B2_%E5%AE%9F%E6%96%BD%E7%8A%B6%E6%B3%81.xlsx"
    )
    workbook = load_workbook(io.BytesIO(response.getvalue()))
    assert workbook.sheetnames == ["実施状況", "列の説明"]
    sheet = workbook["実施状況"]
    assert sheet.freeze_panes == "A2"
    assert sheet.merged_cells.ranges == set()
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    expected = list(csv.reader(io.StringIO(HEADER + HOUSING_ROWS)))
    assert rows == [
        expected[0],
        *[[int(v) if i in INTEGER_COLUMNS else v for i, v in enumerate(r)] for r in expected[1:]],
    ]
    assert all(cell.alignment.wrap_text for row in sheet.iter_rows() for cell in row)
    assert sheet["A1"].font.bold
    status_letter = chr(ord("A") + AT["status"])
    assert sheet.column_dimensions[status_letter].width == 60
    about = [[cell.value for cell in row] for row in workbook["列の説明"].iter_rows()]
    assert about[0] == ["列名", "Field", "説明", "Description"]
    assert about[1:] == [
        [c.label, c.key, c.description_ja, c.description_en] for c in EXPORT_COLUMNS
    ]


HOUSING_CONTENT = (
    "埼玉県住まい安心支援ネットワークで取り組んでいる「埼玉県あんしん賃貸住宅等登録制度」において、"
    "DV被害者等の住宅確保要配慮者の民間賃貸住宅への円滑な入居を促進するため、情報提供を行います。"
)
HOUSING_STATUS = (
    "DV被害者等の住宅確保要配慮者が民間賃貸住宅に円滑に入居できるよう、"
    "「埼玉県あんしん賃貸住宅等登録制度」で登録された不動産店の情報提供を行った。"
)


@pytest.mark.django_db
def test_json_carries_the_licence_the_fields_and_one_object_per_status(client, seeded):
    response = client.get(HOUSING.format(".json"))
    assert response["Content-Type"] == "application/json"
    document = json.loads(response.getvalue())
    assert document["licence"] == {
        "name": "クリエイティブ・コモンズ 表示 4.0 国際（CC BY 4.0）",
        "url": "https://creativecommons.org/licenses/by/4.0/deed.ja",
    }
    assert [field["name"] for field in document["fields"]] == [c.key for c in EXPORT_COLUMNS]
    assert document["statuses"][0] == {
        "id": "saitama-dv-2/2017/32",
        "plan": "saitama-dv-2",
        "plan_title": PLAN_TITLE,
        "plan_municipality": "さいたま市",
        "plan_aim": PLAN_AIM,
        "plan_first_fiscal_year": 2016,
        "plan_last_fiscal_year": 2020,
        "goal_number": 3,
        "goal": "被害者の保護と自立支援の充実",
        "direction_number": 3,
        "direction": "自立に向けた各種支援",
        "project_number": 32,
        "project": "DV被害者に対する民間賃貸住宅への入居支援",
        "project_corrected": "DV被害者に対する民間賃貸住宅への入居支援",
        "content": HOUSING_CONTENT,
        "content_corrected": HOUSING_CONTENT,
        "fiscal_year": 2017,
        "fiscal_year_era": "平成29年度",
        "status": HOUSING_STATUS,
        "status_corrected": HOUSING_STATUS,
        "department_names": "住宅政策課",
        "departments": "住宅政策課 (平成28年度より住宅課から組織変更)",
        "source_file": "saitama_dv2_H29_status.txt",
        "source_row": 43,
    }
    assert [s["project_number"] for s in document["statuses"]] == [32, 33]


@pytest.mark.django_db
def test_an_empty_view_is_a_header_only(client, seeded):
    response = client.get(
        f"/plans/{PLAN}/statuses.csv?q=%E5%AD%98%E5%9C%A8%E3%81%97%E3%81%AA%E3%81%84%E8%AA%9E"
    )
    assert response.getvalue() == HEADER.encode()
    document = json.loads(
        client.get(f"/plans/{PLAN}/statuses.json?year=2017&goal=1&direction=2-1").getvalue()
    )
    assert document["statuses"] == []


def _download_links(response) -> list[tuple[str, str]]:
    return [
        (link.text, link.attrs["href"])
        for link in parse(response).all("a")
        if "download" in link.attrs
    ]


@pytest.mark.django_db
def test_filter_page_links_to_its_own_view_as_files_without_the_page_number(client, seeded):
    response = client.get(f"/plans/{PLAN}/statuses/?year=2017&goal=2&page=1")
    query = "?year=2017&amp;goal=2".replace("&amp;", "&")
    assert _download_links(response) == [
        ("CSV（UTF-8）", f"/plans/{PLAN}/statuses.csv{query}"),
        ("Excel用CSV（UTF-8 BOM付き）", f"/plans/{PLAN}/statuses-excel.csv{query}"),
        ("Excel（.xlsx）", f"/plans/{PLAN}/statuses.xlsx{query}"),
        ("JSON", f"/plans/{PLAN}/statuses.json{query}"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "query"),
    [
        (f"/plans/{PLAN}/goals/2/", "?goal=2"),
        (f"/plans/{PLAN}/years/2017/", "?year=2017"),
        (
            "/m/saitama-city/departments/%E4%BD%8F%E5%AE%85%E6%94%BF%E7%AD%96%E8%AA%B2/",
            "?department=%E4%BD%8F%E5%AE%85%E6%94%BF%E7%AD%96%E8%AA%B2",
        ),
    ],
)
def test_goal_year_and_department_pages_link_to_their_statuses_as_files(client, seeded, url, query):
    assert [href for _, href in _download_links(client.get(url))] == [
        f"/plans/{PLAN}/statuses.csv{query}",
        f"/plans/{PLAN}/statuses-excel.csv{query}",
        f"/plans/{PLAN}/statuses.xlsx{query}",
        f"/plans/{PLAN}/statuses.json{query}",
    ]


def test_the_importers_header_words_find_each_column_of_the_export():
    """The importer reads the export's header as it should: the department cell as
    published (with its notes), never the joined names; the numbers from their columns."""
    found = match_header(tuple(column.label for column in EXPORT_COLUMNS))
    labels = {identifier: EXPORT_COLUMNS[index].label for identifier, index in found.items()}
    assert labels == {
        "goal_number": "基本目標番号",
        "goal": "基本目標",
        "direction_number": "施策の方向番号",
        "direction": "施策の方向",
        "project_number": "事業番号",
        "project": "事業名称",
        "content": "事業内容",
        "status": "実施状況",
        "departments": "担当課",
    }


@pytest.mark.django_db
def test_a_downloads_name_carries_its_filters_but_never_the_keyword(client, seeded):
    response = client.get(
        "/plans/saitama-dv-2/statuses.xlsx?year=2017&goal=3&direction=3-2&q=%E7%9B%B8%E8%AB%87"
    )
    response.close()
    assert response["Content-Disposition"] == (
        'attachment; filename="saitama-dv-2_2017_goal3_direction3-2_statuses.xlsx"; '
        "filename*=UTF-8''saitama-dv-2_2017_"
        + quote("基本目標3_施策の方向3-2_実施状況.xlsx", safe="")
    )


@pytest.mark.django_db
def test_open_data_may_be_read_by_any_sites_script_and_pages_may_not(client, seeded):
    for url in ("/api/v1/plans/", HOUSING.format(".csv"), "/data/statuses.json"):
        response = client.get(url)
        response.close()  # a download is a file or a stream: closed, as a server closes it
        assert response["Access-Control-Allow-Origin"] == "*", url
    for url in ("/", "/data/", "/plans/saitama-dv-2/statuses/"):
        assert "Access-Control-Allow-Origin" not in client.get(url), url
