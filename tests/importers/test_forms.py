"""More of the forms municipalities publish, as real files through the real
import into PostgreSQL: labels with their kind word, lower-case numerals,
vertical labels, two-row headers, other header words, several years side by side."""

from io import StringIO

import pytest
from django.core.management import call_command

from importers.loader import status_import, status_import_years
from importers.problems import ImportProblems
from reports.models import AnnualStatus, BasicGoal, ImportRun, PolicyDirection, Project
from tests.importers.helpers import snapshot, write_csv, write_xlsx

PLAN = "forms"


def _database() -> tuple[list, list, list, list]:
    """Goals, directions, projects and statuses, as the database holds them."""
    return (
        list(BasicGoal.objects.order_by("number").values_list("number", "title")),
        list(
            PolicyDirection.objects.order_by("goal__number", "number").values_list(
                "goal__number", "number", "title"
            )
        ),
        list(
            Project.objects.order_by("number").values_list(
                "number", "direction__goal__number", "direction__number", "name", "content"
            )
        ),
        list(
            AnnualStatus.objects.order_by("fiscal_year", "project__number").values_list(
                "project__number", "fiscal_year", "status_text", "departments_text", "source_row"
            )
        ),
    )


TWO_GOALS = (
    [(1, "教育・啓発の推進"), (2, "被害者の早期発見")],
    [(1, 1, "市民への意識啓発"), (1, 2, "学校等における人権教育"), (2, 1, "相談体制の充実")],
)


@pytest.mark.django_db
def test_labels_with_their_kind_word_before_the_number(tmp_path):
    rows = [
        ["平成29年度 実施状況"],
        ["基本目標", "施策の方向", "事業名称", "事業内容", "平成29年度実施状況", "担当課"],
        [
            "基本目標1　教育・啓発の推進",
            "施策の方向(1)　市民への意識啓発",
            "1 DV防止",
            "内容1",
            "状況1",
            "男女共同参画課",
        ],
        [
            "",
            "施策の方向(2)　学校等における人権教育",
            "2 人権教育",
            "内容2",
            "状況2",
            "人権教育推進室",
        ],
        [
            "基本目標Ⅱ　被害者の早期発見",
            "方向性１　相談体制の充実",
            "3 相談",
            "内容3",
            "状況3",
            "男女共同参画課",
        ],
    ]
    path = write_csv(tmp_path / "kinds.csv", rows)

    status_import(path=path, plan_slug=PLAN)

    assert _database() == (
        *TWO_GOALS,
        [
            (1, 1, 1, "DV防止", "内容1"),
            (2, 1, 2, "人権教育", "内容2"),
            (3, 2, 1, "相談", "内容3"),
        ],
        [
            (1, 2017, "状況1", "男女共同参画課", 3),
            (2, 2017, "状況2", "人権教育推進室", 4),
            (3, 2017, "状況3", "男女共同参画課", 5),
        ],
    )


@pytest.mark.django_db
def test_kind_and_number_alone_in_number_columns_beside_the_titles(tmp_path):
    rows = [
        [
            "目標番号",
            "基本目標",
            "施策番号",
            "施策の方向",
            "事業名",
            "平成29年度の取組実績",
            "所管課",
        ],
        [
            "目標１",
            "教育・啓発の推進",
            "施策の方向性ⅰ",
            "市民への意識啓発",
            "1 DV防止",
            "状況1",
            "課A",
        ],
        [
            "目標１",
            "教育・啓発の推進",
            "施策の方向性ii",
            "学校等における人権教育",
            "2 人権教育",
            "状況2",
            "課B",
        ],
        ["目標２", "被害者の早期発見", "施策の方向性i", "相談体制の充実", "3 相談", "状況3", "課A"],
    ]
    path = write_xlsx(tmp_path / "numbers.xlsx", {"表": rows})

    status_import(path=path, plan_slug=PLAN)

    goals, directions, projects, statuses = _database()
    assert (goals, directions) == TWO_GOALS
    assert projects == [(1, 1, 1, "DV防止", ""), (2, 1, 2, "人権教育", ""), (3, 2, 1, "相談", "")]
    assert [s[:4] for s in statuses] == [
        (1, 2017, "状況1", "課A"),
        (2, 2017, "状況2", "課B"),
        (3, 2017, "状況3", "課A"),
    ]


@pytest.mark.django_db
def test_a_label_written_vertically_in_a_merged_cell_is_joined_back(tmp_path):
    """What a PDF's text gives for a tall merged cell: a character a line."""
    rows = [
        ["基本目標", "施策の方向", "事業名称", "平成29年度実施状況", "担当課"],
        ["基\n本\n目\n標\nⅠ", "施\n策\n１", "1 DV防止", "状況1", "課A"],
        [None, "施\n策\n２", "2 人権教育", "状況2", "課B"],
        ["基\n本\n目\n標\nⅡ", "施\n策\n１", "3 相談", "状況3", "課A"],
    ]
    path = write_xlsx(tmp_path / "vertical.xlsx", {"表": rows}, {"表": ["A2:A3"]})

    status_import(path=path, plan_slug=PLAN)

    goals, directions, projects, _ = _database()
    assert goals == [(1, ""), (2, "")]
    assert directions == [(1, 1, ""), (1, 2, ""), (2, 1, "")]
    assert [p[:3] for p in projects] == [(1, 1, 1), (2, 1, 2), (3, 2, 1)]


@pytest.mark.django_db
def test_a_goal_label_with_an_unreadable_number_is_refused_with_its_place(tmp_path):
    rows = [
        ["基本目標", "施策の方向", "事業名称", "平成29年度実施状況", "担当課"],
        ["基本目標　教育・啓発の推進", "施策の方向(1) 市民", "1 DV防止", "状況1", "課A"],
    ]
    path = write_csv(tmp_path / "unnumbered.csv", rows)
    before = snapshot()

    with pytest.raises(ImportProblems) as raised:
        status_import(path=path, plan_slug=PLAN)

    assert [str(p) for p in raised.value.errors] == [
        "unnumbered.csv:-:2:A: エラー 基本目標の番号が読めません / the basic goal has no number"
        "「基本目標　教育・啓発の推進」",
        "unnumbered.csv:-:2:-: エラー この基本目標のまとまりに、番号付きの基本目標の見出しがありません"
        " / no numbered basic goal label in this block of rows",
    ]
    assert snapshot() == before


SIDE_BY_SIDE = [
    ["平成25年度 DV対策基本計画 実施状況"],
    [
        "施策",
        "主な取り組み",
        "取組内容",
        "24年度実施事業",
        "25年度実施事業",
        "今後の予定",
        "所管課",
    ],
    ["基本目標１　教育・啓発の推進"],
    ["施策の方向(1)　市民への意識啓発", "1 DV防止", "内容1", "講座2回", "講座3回", "継続", "課A"],
    ["", "2 周知", "内容2", "ポスター掲示", "ポスター掲示", "拡充", "課A"],
    [
        "施策の方向(2)　学校等における人権教育",
        "3 人権教育",
        "内容3",
        "研修",
        "研修と講演",
        "継続",
        "課B",
    ],
]


@pytest.mark.django_db
def test_two_years_side_by_side_give_a_status_a_year_each_with_its_own_place(tmp_path):
    """施策 / 主な取り組み / 取組内容 / 24年度・25年度実施事業 / 今後の予定 / 所管課;
    a goal named on a row of its own; the era of 24年度 comes from the title."""
    # The goal heading sits above the header, as a sheet per goal has it.
    rows = [SIDE_BY_SIDE[0], SIDE_BY_SIDE[2], SIDE_BY_SIDE[1], *SIDE_BY_SIDE[3:]]
    path = write_xlsx(tmp_path / "years.xlsx", {"H24-25": rows})
    out = StringIO()

    call_command("import_status", str(path), "--plan", PLAN, stdout=out)

    assert _database() == (
        [(1, "教育・啓発の推進")],
        [(1, 1, "市民への意識啓発"), (1, 2, "学校等における人権教育")],
        [(1, 1, 1, "DV防止", "内容1"), (2, 1, 1, "周知", "内容2"), (3, 1, 2, "人権教育", "内容3")],
        [
            (1, 2012, "講座2回", "課A", 4),
            (2, 2012, "ポスター掲示", "課A", 5),
            (3, 2012, "研修", "課B", 6),
            (1, 2013, "講座3回", "課A", 4),
            (2, 2013, "ポスター掲示", "課A", 5),
            (3, 2013, "研修と講演", "課B", 6),
        ],
    )
    # The plans for the next year (今後の予定) are not a status and are not kept.
    assert not AnnualStatus.objects.filter(status_text__in=["継続", "拡充"]).exists()
    assert sorted(ImportRun.objects.values_list("fiscal_year", "row_count", "created_count")) == [
        (2012, 3, 13),  # the plan's municipality, goal, directions, projects and departments too
        (2013, 3, 3),
    ]
    assert [line for line in out.getvalue().splitlines() if line.startswith("years.xlsx")] == [
        "years.xlsx: 2012年度 3 事業、追加 13 件、変更 0 件",
        "years.xlsx: 2013年度 3 事業、追加 3 件、変更 0 件",
    ]


@pytest.mark.django_db
def test_each_years_status_has_its_own_place_in_a_message(tmp_path):
    rows = [
        [
            "基本目標",
            "施策の方向",
            "事業名称",
            "平成29年度実施状況",
            "平成30年度実施状況",
            "次年度計画",
            "担当課",
        ],
        ["Ⅰ 教育", "1 市民", "1 DV防止", "状況29", "状況30", "継続", "課A"],
        ["", "", "2 周知", "状況29", "", "継続", "課A"],
    ]
    path = write_csv(tmp_path / "gap.csv", rows)
    before = snapshot()

    with pytest.raises(ImportProblems) as raised:
        status_import(path=path, plan_slug=PLAN)

    assert [str(p) for p in raised.value.errors] == [
        "gap.csv:-:3:E: エラー 実施状況が空欄です / the status cell is empty「」",
        "gap.csv:-:-:-: エラー このファイルには複数の年度の実施状況があります（status_import_years で取り込みます）"
        " / this file holds several fiscal years' statuses (import it with status_import_years)",
    ]
    assert snapshot() == before


@pytest.mark.django_db
def test_one_year_of_several_is_imported_with_fiscal_year(tmp_path):
    rows = [
        [
            "基本目標",
            "施策の方向",
            "事業名称",
            "平成29年度実施状況",
            "平成30年度実施状況",
            "担当課",
        ],
        ["Ⅰ 教育", "1 市民", "1 DV防止", "状況29", "状況30", "課A"],
    ]
    path = write_csv(tmp_path / "two.csv", rows)

    status_import(path=path, plan_slug=PLAN, fiscal_year=2018)

    assert _database()[3] == [(1, 2018, "状況30", "課A", 2)]
    with pytest.raises(ImportProblems) as raised:
        status_import(path=path, plan_slug=PLAN, fiscal_year=2019)
    assert [str(p) for p in raised.value.errors] == [
        "two.csv:-:-:-: エラー 指定された年度 2019 の列がありません（このファイルの年度: 2017、2018）"
        " / --fiscal-year 2019 has no column in this file (its years: 2017, 2018)",
    ]


@pytest.mark.django_db
def test_years_side_by_side_with_no_era_anywhere_are_refused(tmp_path):
    rows = [
        ["基本目標1 教育"],
        ["施策", "事業名", "24年度実施事業", "25年度実施事業", "所管課"],
        ["1 市民", "1 DV防止", "a", "b", "課A"],
    ]
    path = write_csv(tmp_path / "noera.csv", rows)
    before = snapshot()

    with pytest.raises(ImportProblems) as raised:
        status_import(path=path, plan_slug=PLAN, fiscal_year=2013)

    assert [str(p) for p in raised.value.errors] == [
        "noera.csv:-:2:C: エラー この列の年度の元号が分かりません。表題か見出しに元号を書いてください"
        "（例: 平成24年度実施事業） / this column's year has no era; name it in the title or the "
        "header (e.g. 平成24年度実施事業)「24年度実施事業」",
    ]
    assert snapshot() == before


@pytest.mark.django_db
def test_a_header_split_over_two_rows(tmp_path):
    """平成29年度 above 実施状況, the other headers merged down over both rows."""
    rows = [
        ["基本目標", "施策の方向", "事業名称", "平成29年度", "担当課"],
        [None, None, None, "実施状況", None],
        ["Ⅰ 教育・啓発の推進", "1 市民への意識啓発", "1 DV防止", "状況1", "課A"],
    ]
    merges = ["A1:A2", "B1:B2", "C1:C2", "E1:E2"]
    path = write_xlsx(tmp_path / "two-rows.xlsx", {"表": rows}, {"表": merges})

    status_import(path=path, plan_slug=PLAN)

    assert _database() == (
        [(1, "教育・啓発の推進")],
        [(1, 1, "市民への意識啓発")],
        [(1, 1, 1, "DV防止", "")],
        [(1, 2017, "状況1", "課A", 3)],
    )


@pytest.mark.django_db
def test_a_header_cell_merged_over_two_year_columns(tmp_path):
    rows = [
        ["基本目標", "施策の方向", "事業名称", "実施状況", None, "担当課"],
        [None, None, None, "平成29年度", "平成30年度", None],
        ["Ⅰ 教育・啓発の推進", "1 市民への意識啓発", "1 DV防止", "状況29", "状況30", "課A"],
    ]
    merges = ["A1:A2", "B1:B2", "C1:C2", "D1:E1", "F1:F2"]
    path = write_xlsx(tmp_path / "merged-years.xlsx", {"表": rows}, {"表": merges})

    status_import_years(path=path, plan_slug=PLAN)

    assert _database()[3] == [(1, 2017, "状況29", "課A", 3), (1, 2018, "状況30", "課A", 3)]
