"""More of the forms municipalities publish, as real files through the real
import into PostgreSQL: labels with their kind word, lower-case numerals,
vertical labels, two-row headers, other header words, several years side by side."""

import pytest

from importers.loader import status_import
from importers.problems import ImportProblems
from reports.models import AnnualStatus, BasicGoal, PolicyDirection, Project
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
