"""Department names read through OCR, matched to the municipality's known ones
(``importers.ocr_departments``): what is taken, what is split, what stays as read."""

import pytest

from importers.departments import DepartmentEntry, parse_departments
from importers.loader import status_import
from importers.normaliser import ProjectRecord, StatusTable
from importers.ocr import OCR_FORMAT
from importers.ocr_departments import DepartmentMatch, department_match, departments_matched
from importers.problems import Place
from reports.models import AnnualStatus, Department, ImportRun

KNOWN = frozenset(
    {
        "男女共同参画課",
        "人権教育推進室",
        "人権政策推進課",
        "子育て支援政策課",
        "区政推進部",
        "危機管理課",
        "安心安全課",
        "全庁",
        "保育課",
        "学事課",
        "指導2課",
    }
)


def test_a_misread_character_is_taken_for_the_known_name():
    assert department_match("子育て支援政信課", KNOWN) == DepartmentMatch(
        "子育て支援政信課", ("子育て支援政策課",)
    )
    # One of five characters: a lost character, or one misread.
    assert department_match("女共同参画課", KNOWN).names == ("男女共同参画課",)
    assert department_match("区政推進当", KNOWN).names == ("区政推進部",)


def test_two_names_read_without_their_separator_are_split():
    assert department_match("男女共同参画課人権教育推進室", KNOWN) == DepartmentMatch(
        "男女共同参画課人権教育推進室", ("男女共同参画課", "人権教育推進室")
    )
    assert department_match("男女共同参画課人権教育推進室全庁", KNOWN).names == (
        "男女共同参画課",
        "人権教育推進室",
        "全庁",
    )


def test_a_joined_pair_with_a_misread_character_is_split_into_the_known_names():
    # 全店 alone is not 全庁 (see below); beside a name read right, it is.
    assert department_match("男女共同参画課全店", KNOWN).names == ("男女共同参画課", "全庁")


def test_a_near_miss_of_several_known_names_is_kept_as_read_naming_them():
    known = KNOWN | {"人権政策推進室"}

    assert department_match("人権政策推進宝", known) == DepartmentMatch(
        "人権政策推進宝",
        ("人権政策推進宝",),
        near=(("人権政策推進室",), ("人権政策推進課",)),
    )


def test_a_reading_split_two_ways_is_kept_as_read():
    known = frozenset({"市民課", "市民課税課", "税課"})

    match = department_match("市民課税課市民課", known)

    assert match.names == ("市民課税課市民課",)
    assert match.near == (("市民課", "税課", "市民課"), ("市民課税課", "市民課"))


@pytest.mark.parametrize(
    "read",
    [
        "全店",  # 全庁 misread, or a new entry: two characters cannot tell
        "全庁的",  # a whole-government entry of its own
        "保健課",  # one character from 保育課, but a department of its own
        "指導1課",  # one character from 指導2課
        "男女共同参画課XY",  # a known name beside a new one is not split
        "こども政策課",
    ],
)
def test_short_and_new_names_are_never_taken_for_another(read):
    assert department_match(read, KNOWN) == DepartmentMatch(read, (read,))


def test_a_known_name_and_an_empty_list_keep_the_reading():
    assert department_match("保育課", KNOWN) == DepartmentMatch("保育課", ("保育課",))
    assert department_match("女共同参画課", frozenset()) == DepartmentMatch(
        "女共同参画課", ("女共同参画課",)
    )


def _table(*cells: str) -> StatusTable:
    projects = []
    for number, cell in enumerate(cells, start=1):
        entries, _problems = parse_departments(cell)
        projects.append(
            ProjectRecord(
                number=number,
                name=f"事業{number}",
                content="内容",
                goal_number=1,
                direction_number=1,
                status_text="実施した。",
                departments_text=cell,
                departments=tuple(entries),
                place=Place("scanned.pdf", "page 2", number + 3),
                departments_column=5,
            )
        )
    return StatusTable("scanned.pdf", OCR_FORMAT, fiscal_year=2017, projects=projects)


def test_each_decision_is_a_warning_at_the_department_cell_with_both_readings():
    table, problems = departments_matched(
        _table("男女共同参画課全店", "子育て支援政信課 保育課", "保育課", "人権政策推進宝"),
        KNOWN | {"人権政策推進室"},
    )

    assert [[e.name for e in p.departments] for p in table.projects] == [
        ["男女共同参画課", "全庁"],
        ["子育て支援政策課", "保育課"],
        ["保育課"],
        ["人権政策推進宝"],
    ]
    assert [e.is_whole_government for e in table.projects[0].departments] == [False, True]
    # The cell's text stays as read: the decisions are in the warnings.
    assert table.projects[0].departments_text == "男女共同参画課全店"
    assert [str(p).split(" / ")[0] for p in problems] == [
        "scanned.pdf:page 2:4:F: 警告 画像から読み取った担当課が既にある担当課と違います"
        "（事業 1。読み取り「男女共同参画課全店」、既にある担当課 「男女共同参画課」「全庁」）。"
        "区切りが読み取れなかったものとみて、既にある担当課に分けて取り込みました。確かめてください",
        "scanned.pdf:page 2:5:F: 警告 画像から読み取った担当課が既にある担当課と違います"
        "（事業 2。読み取り「子育て支援政信課」、既にある担当課 「子育て支援政策課」）。"
        "読み違いとみて、既にある担当課として取り込みました。確かめてください",
        "scanned.pdf:page 2:7:F: 警告 画像から読み取った担当課が、既にあるいくつかの担当課に"
        "同じように近いため、読み取りのまま新しい担当課として取り込みました（事業 4。"
        "読み取り「人権政策推進宝」、近い担当課 「人権政策推進室」、「人権政策推進課」）。"
        "読み違いでないか確かめてください",
    ]
    assert problems[1].message_en == (
        "the department read through OCR is not a known department (project 2; read "
        "「子育て支援政信課」, known 「子育て支援政策課」): taken for the known department, "
        "as a misreading; check it"
    )
    assert [p.value for p in problems] == [
        "男女共同参画課全店",
        "子育て支援政信課",
        "人権政策推進宝",
    ]


def test_a_note_that_lost_its_opening_bracket_is_parted_from_its_department():
    table, problems = departments_matched(
        _table("危機管理康平成30年度より安安全課から組織変更)"), KNOWN
    )

    assert table.projects[0].departments == (
        DepartmentEntry(
            "危機管理課",
            False,
            predecessor="安心安全課",
            effective_fiscal_year=2018,
            note="(平成30年度より安安全課から組織変更)",
        ),
    )
    assert [p.message_ja for p in problems] == [
        "画像から読み取った担当課の欄に、始まりの括弧のない組織変更の注記があります"
        "（事業 1。読み取り「危機管理康平成30年度より安安全課から組織変更)」）。"
        "括弧が読み取れなかったものとみて、担当課「危機管理康」と注記"
        "「(平成30年度より安安全課から組織変更)」に分けて取り込みました。確かめてください",
        "画像から読み取った担当課が既にある担当課と違います（事業 1。読み取り「危機管理康」、"
        "既にある担当課 「危機管理課」）。読み違いとみて、既にある担当課として取り込みました。"
        "確かめてください",
        "画像から読み取った組織変更前の担当課が既にある担当課と違います（事業 1。"
        "読み取り「安安全課」、既にある担当課 「安心安全課」）。読み違いとみて、"
        "既にある担当課として取り込みました。確かめてください",
    ]


def test_a_joined_reading_keeps_its_note_on_the_last_name():
    table, _problems = departments_matched(
        _table("男女共同参画課危機管理課 (平成30年度より安心安全課から組織変更)"), KNOWN
    )

    assert table.projects[0].departments == (
        DepartmentEntry("男女共同参画課", False),
        DepartmentEntry(
            "危機管理課",
            False,
            predecessor="安心安全課",
            effective_fiscal_year=2018,
            note="(平成30年度より安心安全課から組織変更)",
        ),
    )


def test_a_table_of_known_names_is_left_as_it_is():
    table = _table("男女共同参画課 全庁", "危機管理課 (平成30年度より安心安全課から組織変更)")

    matched, problems = departments_matched(table, KNOWN)

    assert matched.projects == table.projects
    assert problems == []


def _typed_year(seed_path, tmp_path, replacements: dict[str, str]):
    text = seed_path.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "typed.txt"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_a_typed_file_keeps_its_department_names_as_typed(seed_path, tmp_path):
    """Only a table read through OCR is matched: a near miss typed in a file is a
    new department, exactly as typed."""
    status_import(path=seed_path, plan_slug="saitama-dv-2")

    report = status_import(
        path=_typed_year(
            seed_path,
            tmp_path,
            {
                "\t区政推進部\n": "\t区政推進当\n",
                "\t男女共同参画課 人権教育推進室\n": "\t男女共同参画課人権教育推進室\n",
            },
        ),
        plan_slug="saitama-dv-2",
    )

    listed = {
        number: name
        for number, name in AnnualStatus.objects.filter(
            project__number__in=[7, 25], fiscal_year=2017
        ).values_list("project__number", "departments__name")
    }
    assert listed == {7: "男女共同参画課人権教育推進室", 25: "区政推進当"}
    assert set(
        Department.objects.filter(
            name__in=["区政推進当", "男女共同参画課人権教育推進室"]
        ).values_list("name", flat=True)
    ) == {"区政推進当", "男女共同参画課人権教育推進室"}
    run = ImportRun.objects.get(pk=report.import_run.pk)
    assert run.ocr is False
    assert [w for w in run.warnings if "担当課" in w["message_ja"]] == []
