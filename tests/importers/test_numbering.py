import pytest

from importers.numbering import Numbered, split_number


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("I 教育・啓発の推進", Numbered(1, "I", "教育・啓発の推進")),
        ("II 被害者の早期発見", Numbered(2, "II", "被害者の早期発見")),
        ("IV 子どもへの支援", Numbered(4, "IV", "子どもへの支援")),
        ("Ⅲ被害者の保護", Numbered(3, "Ⅲ", "被害者の保護")),
        ("１　市民への意識啓発", Numbered(1, "１", "市民への意識啓発")),
        ("(2) 学校等", Numbered(2, "(2)", "学校等")),
        ("（１２）学校等", Numbered(12, "（１２）", "学校等")),
        ("③ 若年層", Numbered(3, "③", "若年層")),
        ("第4 関係機関", Numbered(4, "第4", "関係機関")),
        ("10 24時間児童虐待通告電話の充実", Numbered(10, "10", "24時間児童虐待通告電話の充実")),
        (
            "46 (仮称)さいたま市子ども総合センター",
            Numbered(46, "46", "(仮称)さいたま市子ども総合センター"),
        ),
        ("12.DV相談事業", Numbered(12, "12.", "DV相談事業")),
        ("IT講習", Numbered(None, "", "IT講習")),
        ("24時間相談", Numbered(None, "", "24時間相談")),
        ("", Numbered(None, "", "")),
    ],
)
def test_leading_numbers_in_their_usual_forms(cell, expected):
    assert split_number(cell) == expected


def test_a_separator_after_a_one_character_number_is_not_part_of_the_text():
    assert split_number("Ⅱ：被害者の保護") == Numbered(2, "Ⅱ", "被害者の保護")
    assert split_number("①．市民への啓発") == Numbered(1, "①", "市民への啓発")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("12 事業名", Numbered(12, "12", "事業名")),
        ("12\u3000事業名", Numbered(12, "12", "事業名")),
        ("007  事業名", Numbered(7, "007", "事業名")),
        # What the quick way leaves to the patterns: another separator, a
        # fullwidth character, a digit, a mark that folds into the number.
        ("12 ）事業名", Numbered(12, "12 ）", "事業名")),
        ("12 ．事業名", Numbered(12, "12 ．", "事業名")),
        ("12 ３事業名", Numbered(12, "12", "３事業名")),
        ("1 Ⅱ 事業名", Numbered(1, "1", "Ⅱ 事業名")),
    ],
)
def test_a_number_and_spaces_before_the_name(cell, expected):
    assert split_number(cell) == expected


def test_the_quick_split_of_a_plain_number_agrees_with_the_patterns():
    """``12 事業名`` is split without folding the cell; for every character
    that may follow the number and its spaces, the result is the patterns' own."""
    from importers.numbering import _plain_number, _split_number

    quick = 0
    for code_point in range(0x20, 0x10000):
        for cell in (f"12 {chr(code_point)}事業", f"3\u3000 {chr(code_point)}".strip()):
            found = _plain_number(cell)
            if found is not None:
                quick += 1
                assert found == _split_number(cell), hex(code_point)
    assert quick > 50_000
