"""Goal and direction labels with their kind word before the number, lower-case
roman numerals and labels written vertically: split without a database."""

import pytest

from importers.numbering import (
    DIRECTION_KINDS,
    GOAL_KINDS,
    Numbered,
    join_vertical,
    split_label,
    split_number,
)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("基本目標1　教育・啓発の推進", Numbered(1, "1", "教育・啓発の推進")),
        ("基本目標Ⅱ", Numbered(2, "Ⅱ", "")),
        ("基本目標 Ⅲ：被害者の保護", Numbered(3, "Ⅲ", "被害者の保護")),
        ("目標３", Numbered(3, "３", "")),
        ("重点目標（２）相談体制の充実", Numbered(2, "（２）", "相談体制の充実")),
        ("基本方針① 教育", Numbered(1, "①", "教育")),
        ("基本目標第4 関係機関", Numbered(4, "第4", "関係機関")),
        ("基本目標ⅳ 子どもへの支援", Numbered(4, "ⅳ", "子どもへの支援")),
        # No number after the kind word: the cell is a title, kept whole.
        ("目標値の設定", Numbered(None, "", "目標値の設定")),
        ("Ⅰ 教育・啓発の推進", Numbered(1, "Ⅰ", "教育・啓発の推進")),
    ],
)
def test_goal_labels_with_and_without_their_kind_word(cell, expected):
    assert split_label(cell, GOAL_KINDS) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("施策の方向(1)", Numbered(1, "(1)", "")),
        ("施策の方向（２）学校等における人権教育", Numbered(2, "（２）", "学校等における人権教育")),
        ("施策の方向性3 相談体制", Numbered(3, "3", "相談体制")),
        ("方向性１", Numbered(1, "１", "")),
        ("施策1 市民への意識啓発", Numbered(1, "1", "市民への意識啓発")),
        ("施策の展開② 若年層", Numbered(2, "②", "若年層")),
        ("施策の推進", Numbered(None, "", "施策の推進")),
        ("1 市民への意識啓発", Numbered(1, "1", "市民への意識啓発")),
    ],
)
def test_direction_labels_with_and_without_their_kind_word(cell, expected):
    assert split_label(cell, DIRECTION_KINDS) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("ii 被害者の早期発見", Numbered(2, "ii", "被害者の早期発見")),
        ("iv 子どもへの支援", Numbered(4, "iv", "子どもへの支援")),
        ("(iii) 関係機関", Numbered(3, "(iii)", "関係機関")),
        ("ⅱ被害者の保護", Numbered(2, "ⅱ", "被害者の保護")),
        ("x", Numbered(10, "x", "")),
        # Mixed case is no numeral; neither is a word.
        ("Iv 子ども", Numbered(None, "", "Iv 子ども")),
        ("item 一覧", Numbered(None, "", "item 一覧")),
    ],
)
def test_lower_case_roman_numerals(cell, expected):
    assert split_number(cell) == expected


def test_a_label_written_vertically_is_joined_back_into_one_line():
    assert join_vertical("基\n本\n目\n標\nⅡ") == "基本目標Ⅱ"
    assert join_vertical("施\n策\n\n10\n") == "施策10"
    assert split_label("基\n本\n目\n標\nⅡ\n被\n害\n者\nの\n保\n護", GOAL_KINDS) == Numbered(
        2, "Ⅱ", "被害者の保護"
    )
    # A title broken over lines of its own is left as it was.
    assert join_vertical("1 市民への\n意識啓発") == "1 市民への\n意識啓発"
    assert join_vertical("1\n市民への\n意識啓発") == "1\n市民への\n意識啓発"
