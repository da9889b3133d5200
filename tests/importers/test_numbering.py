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
