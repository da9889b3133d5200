"""Each layout quirk cities publish, in files the tests build: read and normalised
without a database."""

import re
import zipfile

import pytest

from importers.normaliser import normalise
from importers.problems import Place
from importers.readers import read_table
from tests.importers.helpers import GOAL, HEADER, ROWS, write_csv, write_xlsx


def _structure(path, **options):
    table, problems = normalise(read_table(path), **options)
    assert problems == []
    return (
        [(g.number, g.title) for g in table.goals],
        [(d.goal_number, d.number, d.title) for d in table.directions],
        [(p.number, p.goal_number, p.direction_number, p.name) for p in table.projects],
    )


EXPECTED = (
    [(1, "教育・啓発の推進")],
    [(1, 1, "市民への意識啓発"), (1, 2, "学校等における人権教育の推進")],
    [
        (1, 1, 1, "DVの防止・啓発"),
        (2, 1, 1, "女性に対する暴力をなくす運動の周知"),
        (3, 1, 2, "人権教育の推進"),
    ],
)


def test_title_notes_footnotes_spacers_and_a_repeated_header_are_skipped(tmp_path):
    rows = [
        ["平成29年度 実施状況一覧"],
        ["（単位：件）", None, None, None, None, "令和元年3月作成"],
        [],
        HEADER,
        ROWS[0],
        [],
        ["※ 参加人数は延べ人数です。"],
        HEADER,
        ROWS[1],
        ["", "", "", "", "", ""],
        ROWS[2],
        ["※1 担当課は年度末の組織名"],
        ["注）数値は速報値"],
    ]
    path = write_xlsx(tmp_path / "notes.xlsx", {"Sheet1": rows})

    table, problems = normalise(read_table(path))

    assert problems == []
    assert table.title == "平成29年度 実施状況一覧"
    assert [p.place.row for p in table.projects] == [5, 9, 11]
    assert _structure(path) == EXPECTED


def test_vertically_merged_cells_carry_down_their_range(tmp_path):
    rows = [
        HEADER,
        [GOAL, "1 市民への意識啓発", "1 DVの防止・啓発", "内容1", "状況1", "男女共同参画課"],
        [None, None, "2 女性に対する暴力をなくす運動の周知", "内容2", "状況2", None],
        [
            None,
            "2 学校等における人権教育の推進",
            "3 人権教育の推進",
            "内容3",
            "状況3",
            "人権教育推進室",
        ],
    ]
    merges = ["A2:A4", "B2:B3", "F2:F3"]
    path = write_xlsx(tmp_path / "merged.xlsx", {"表": rows}, {"表": merges})

    source = read_table(path)
    table, problems = normalise(source, fiscal_year=2017)

    assert problems == []
    assert [row.cells[0] for row in source.rows] == ["基本目標", GOAL, GOAL, GOAL]
    assert [row.cells[5] for row in source.rows[1:]] == [
        "男女共同参画課",
        "男女共同参画課",
        "人権教育推進室",
    ]
    assert [p.departments_text for p in table.projects] == [
        "男女共同参画課",
        "男女共同参画課",
        "人権教育推進室",
    ]
    assert _structure(path, fiscal_year=2017) == EXPECTED


def test_a_horizontal_merge_is_not_repeated_across_the_row(tmp_path):
    rows = [["平成29年度の実施状況"], HEADER, *ROWS]
    path = write_xlsx(tmp_path / "title.xlsx", {"表": rows}, {"表": ["A1:F1"]})

    table, problems = normalise(read_table(path))

    assert problems == []
    assert table.title == "平成29年度の実施状況"
    assert table.fiscal_year == 2017


def test_several_sheets_each_with_its_own_header(tmp_path):
    second_header = ["事業名", "基本目標", "施策の方向", "所管課", "取組実績", "事業の概要"]
    path = write_xlsx(
        tmp_path / "sheets.xlsx",
        {
            "基本目標1": [["平成29年度"], HEADER, ROWS[0], ROWS[1]],
            "基本目標2": [
                ["（続き）"],
                second_header,
                [
                    "3 人権教育の推進",
                    GOAL,
                    "2 学校等における人権教育の推進",
                    "人権教育推進室",
                    "状況3",
                    "内容3",
                ],
            ],
        },
    )

    table, problems = normalise(read_table(path))

    assert problems == []
    assert [(p.number, p.place.sheet, p.place.row) for p in table.projects] == [
        (1, "基本目標1", 3),
        (2, "基本目標1", 4),
        (3, "基本目標2", 3),
    ]
    assert table.projects[2].content == "内容3"
    assert table.projects[2].status_text == "状況3"
    assert _structure(path) == EXPECTED


def test_a_sheet_per_goal_named_in_a_heading_above_the_table(tmp_path):
    header = ["施策の方向", "事業名称", "事業内容", "平成29年度実施状況", "担当課"]
    path = write_xlsx(
        tmp_path / "headings.xlsx",
        {
            "1": [
                ["第2次 基本計画の実施状況"],
                ["基本目標Ⅰ　教育・啓発の推進"],
                header,
                *[row[1:] for row in ROWS],
            ],
            "2": [
                ["基本目標 Ⅱ：被害者の早期発見と相談体制の充実"],
                header,
                ["1 早期発見・通報体制の整備・充実", "4 通報体制の周知", "内容4", "状況4", "課"],
            ],
        },
    )

    table, problems = normalise(read_table(path))

    assert problems == []
    assert table.title == "第2次 基本計画の実施状況"
    assert [(g.number, g.label, g.title) for g in table.goals] == [
        (1, "Ⅰ", "教育・啓発の推進"),
        (2, "Ⅱ", "被害者の早期発見と相談体制の充実"),
    ]
    assert [(p.number, p.goal_number, p.direction_number) for p in table.projects][-1] == (
        4,
        2,
        1,
    )


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_line_breaks_inside_cells_are_kept_as_published(tmp_path, suffix):
    rows = [
        HEADER,
        [
            GOAL,
            "1 市民への\n意識啓発",
            "1 DVの防止・\n啓発",
            "内容\n二行目",
            "状況1\n状況2\n",
            "男女共同参画課\n人権教育推進室",
        ],
        ["", "", "2 女性に対する暴力をなくす運動の周知", "内容2", "状況2", "男女共同参画課"],
    ]
    if suffix == "xlsx":
        path = write_xlsx(tmp_path / "breaks.xlsx", {"表": rows})
    else:
        path = write_csv(tmp_path / "breaks.csv", rows)

    table, problems = normalise(read_table(path))

    assert problems == []
    first, second = table.projects
    assert first.name == "DVの防止・\n啓発"
    assert first.content == "内容\n二行目"
    assert first.status_text == "状況1\n状況2"
    assert [d.name for d in first.departments] == ["男女共同参画課", "人権教育推進室"]
    assert table.directions[0].title == "市民への\n意識啓発"
    # A CSV row is a record, as a spreadsheet shows it, however many lines it spans.
    assert second.place.row == 3


@pytest.mark.parametrize(
    ("goal", "direction", "project"),
    [
        ("Ⅰ 教育", "1 市民", "1 啓発"),
        ("I 教育", "１ 市民", "１ 啓発"),
        ("１ 教育", "(1) 市民", "(1) 啓発"),
        ("1 教育", "（１） 市民", "（１）啓発"),
        ("(1) 教育", "① 市民", "① 啓発"),
        ("（１）教育", "第1 市民", "第1 啓発"),
        ("① 教育", "1. 市民", "1. 啓発"),
        ("第1 教育", "1 市民", "1 啓発"),
        ("第１　教育", "Ⅰ 市民", "1 啓発"),
        ("Ｉ　教育", "ⅰ 市民", "1 啓発"),
    ],
)
def test_numbering_in_its_usual_forms_inside_the_name_cell(tmp_path, goal, direction, project):
    path = write_csv(
        tmp_path / "numbers.csv",
        [HEADER, [goal, direction, project, "内容", "状況", "男女共同参画課"]],
    )

    table, problems = normalise(read_table(path), fiscal_year=2017)

    assert problems == []
    assert [(g.number, g.title) for g in table.goals] == [(1, "教育")]
    assert [(d.number, d.title) for d in table.directions] == [(1, "市民")]
    assert [(p.number, p.name) for p in table.projects] == [(1, "啓発")]


@pytest.mark.parametrize(
    ("goal_number", "direction_number", "project_number"),
    [
        ("Ⅰ", "1", 1),
        ("I", "(1)", "1"),
        ("１", "（１）", "１"),
        ("第1", "①", "(1)"),
    ],
)
def test_numbers_in_columns_of_their_own(tmp_path, goal_number, direction_number, project_number):
    header = [
        "目標番号",
        "基本目標",
        "施策番号",
        "施策の方向",
        "事業番号",
        "事業名",
        "実施状況",
        "担当課",
    ]
    path = write_xlsx(
        tmp_path / "columns.xlsx",
        {
            "表": [
                header,
                [
                    goal_number,
                    "教育",
                    direction_number,
                    "市民",
                    project_number,
                    "啓発",
                    "状況",
                    "課",
                ],
                [goal_number, "", direction_number, "", 2, "周知", "状況", "課"],
            ]
        },
    )

    table, problems = normalise(read_table(path), fiscal_year=2017)

    assert problems == []
    assert [(g.number, g.title) for g in table.goals] == [(1, "教育")]
    assert [(d.number, d.title) for d in table.directions] == [(1, "市民")]
    assert [(p.number, p.name) for p in table.projects] == [(1, "啓発"), (2, "周知")]
    assert table.goals[0].place == Place("columns.xlsx", "表", 2)


@pytest.mark.parametrize(
    "header",
    [
        ["基本目標", "施策の方向", "事業名称", "事業内容", "実施状況", "担当課"],
        ["基本目標", "施策", "事業名", "事業の概要", "取組実績", "所管課"],
        ["基本目標", "施策の方向性", "事業名", "内容", "実績", "担当部署"],
        ["基本 目標", "施策の\n方向", "事業\n名称", "事業内容", "取組状況", "担当"],
        ["基本目標", "施策の方向", "事業名称", "事業内容", "進捗状況", "担当課"],
    ],
)
def test_header_synonyms_cities_use(tmp_path, header):
    path = write_csv(tmp_path / "synonyms.csv", [header, *ROWS])
    assert _structure(path, fiscal_year=2017) == EXPECTED


@pytest.mark.parametrize(
    ("title", "status_header", "sheet", "option", "year"),
    [
        ("実施状況", "平成29年度実施状況", "Sheet1", None, 2017),
        ("実施状況", "令和元年度の取組実績", "Sheet1", None, 2019),
        ("実施状況", "2021年度 進捗状況", "Sheet1", None, 2021),
        ("令和２年度 実施状況報告", "実施状況", "Sheet1", None, 2020),
        ("実施状況", "実施状況", "平成30年度", None, 2018),
        ("実施状況", "実施状況", "Sheet1", 2016, 2016),
        ("平成29年度 実施状況", "平成29年度実施状況", "平成29年度", 2017, 2017),
    ],
)
def test_fiscal_year_from_header_title_sheet_name_or_option(
    tmp_path, title, status_header, sheet, option, year
):
    header = [*HEADER[:4], status_header, HEADER[5]]
    path = write_xlsx(tmp_path / "years.xlsx", {sheet: [[title], header, *ROWS]})

    table, problems = normalise(read_table(path), fiscal_year=option)

    assert problems == []
    assert table.fiscal_year == year


def test_department_cells_split_on_spaces_breaks_and_japanese_separators(tmp_path):
    departments = [
        "男女共同参画課　人権教育推進室",
        "保育課、学事課・青少年育成課",
        "住宅政策課\n（平成２８年度より住宅課から組織変更）\n全庁",
    ]
    rows = [HEADER, *[[*row[:5], cell] for row, cell in zip(ROWS, departments, strict=True)]]
    path = write_xlsx(tmp_path / "departments.xlsx", {"表": rows})

    table, problems = normalise(read_table(path), fiscal_year=2017)

    assert problems == []
    assert [
        [
            (d.name, d.predecessor, d.effective_fiscal_year, d.is_whole_government)
            for d in p.departments
        ]
        for p in table.projects
    ] == [
        [("男女共同参画課", None, None, False), ("人権教育推進室", None, None, False)],
        [
            ("保育課", None, None, False),
            ("学事課", None, None, False),
            ("青少年育成課", None, None, False),
        ],
        [("住宅政策課", "住宅課", 2016, False), ("全庁", None, None, True)],
    ]
    assert table.projects[2].departments[0].note == "（平成２８年度より住宅課から組織変更）"
    assert table.projects[2].departments_text == departments[2]


@pytest.mark.parametrize(
    ("encoding", "file_format"),
    [("utf-8", "csv (utf-8)"), ("utf-8-sig", "csv (utf-8-sig)"), ("cp932", "csv (cp932)")],
)
def test_csv_encoding_is_detected_and_reported(tmp_path, encoding, file_format):
    path = write_csv(tmp_path / "encoded.csv", [HEADER, *ROWS], encoding=encoding)

    source = read_table(path)

    assert source.file_format == file_format
    assert source.rows[1].cells == tuple(ROWS[0])
    assert _structure(path, fiscal_year=2017) == EXPECTED


def test_tab_separated_text_is_told_from_csv_by_content(tmp_path):
    text = "\n".join("\t".join(row) for row in [HEADER, *ROWS])
    named_csv = tmp_path / "extracted.csv"
    named_csv.write_text(text.replace("内容1", "内容1,2,3"), encoding="cp932")

    source = read_table(named_csv)

    assert source.file_format == "tsv (cp932)"
    assert source.rows[1].cells[3] == "内容1,2,3"


def test_a_workbook_named_csv_is_read_as_a_workbook(tmp_path):
    path = write_xlsx(tmp_path / "book.xlsx", {"表": [HEADER, *ROWS]})
    renamed = path.rename(tmp_path / "book.csv")

    assert read_table(renamed).file_format == "xlsx"
    assert _structure(renamed, fiscal_year=2017) == EXPECTED


def test_a_header_that_cannot_be_understood_names_what_it_saw_and_expected(tmp_path):
    path = write_csv(
        tmp_path / "unknown.csv",
        [
            ["一覧"],
            ["項目", "施策", "取組", "実施状況", "課名"],
            ["1", "啓発", "セミナー", "開催", "男女共同参画課"],
        ],
    )

    table, problems = normalise(read_table(path))

    assert [str(p) for p in problems] == [
        "unknown.csv:-:2:-: エラー 見出し行が見つかりません。必要な列: 基本目標、施策の方向、事業名称、"
        "実施状況、担当課（この行にあるのは: 項目 | 施策 | 取組 | 実施状況 | 課名） / no header row found; "
        "expected columns: 基本目標、施策の方向、事業名称、実施状況、担当課 (this row has: 項目 | 施策 | 取組 | "
        "実施状況 | 課名)"
    ]
    assert table.projects == []


def test_a_workbook_that_records_its_size_wrongly_is_read_whole(tmp_path):
    written = write_xlsx(tmp_path / "written.xlsx", {"表": [HEADER, *ROWS]})
    path = tmp_path / "wrong-size.xlsx"
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', data)
                assert b'<dimension ref="A1:B2"' in data
            target.writestr(item, data)

    assert _structure(path, fiscal_year=2017) == EXPECTED
