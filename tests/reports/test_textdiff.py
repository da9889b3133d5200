"""What changed between two years' 実施状況, on sentences from the seed's table."""

from reports.textdiff import Piece, diff, is_unchanged, new_html, old_html

# Project 1's status in the seed, and as a later year might word it.
SEMINAR_2017 = (
    "DV防止セミナーを開催した（参加人数：60人）。女性に対する暴力に関する資料や情報を"
    "収集し提供した（男女共同参画推進センター：図書購入76冊）。"
)
SEMINAR_2018 = (
    "DV防止セミナーを2回開催した（参加人数：計85人）。女性に対する暴力に関する資料や情報を"
    "収集し提供した（男女共同参画推進センター：図書購入52冊）。"
)


def test_words_added_and_numbers_changed_are_marked_whole():
    assert diff(SEMINAR_2017, SEMINAR_2018) == [
        Piece("equal", "DV防止セミナーを"),
        Piece("insert", "2回"),
        Piece("equal", "開催した（参加人数："),
        Piece("delete", "60"),
        Piece("insert", "計85"),
        Piece(
            "equal",
            "人）。女性に対する暴力に関する資料や情報を収集し提供した（男女共同参画推進センター：図書購入",
        ),
        Piece("delete", "76"),
        Piece("insert", "52"),
        Piece("equal", "冊）。"),
    ]


def test_a_number_sharing_a_digit_is_replaced_whole_not_digit_by_digit():
    # SequenceMatcher alone keeps the shared 「1」 of 135 and 142.
    assert diff("相談件数135件", "相談件数142件") == [
        Piece("equal", "相談件数"),
        Piece("delete", "135"),
        Piece("insert", "142"),
        Piece("equal", "件"),
    ]
    assert diff("参加人数：６０人", "参加人数：８５人")[1:3] == [
        Piece("delete", "６０"),
        Piece("insert", "８５"),
    ]


def test_short_equal_runs_between_changes_are_folded_into_one_change():
    # 「相談を」 matches inside a rewritten clause: three characters between two
    # changes, folded so the clause reads as one replacement.
    old = "大宮区くらし応援室において外国人相談を実施した（相談件数135件）。"
    new = "区役所において外国人のための生活相談を行った（相談件数142件）。"
    assert diff(old, new) == [
        Piece("delete", "大宮区くらし応援室"),
        Piece("insert", "区役所"),
        Piece("equal", "において外国人"),
        Piece("delete", "相談を実施し"),
        Piece("insert", "のための生活相談を行っ"),
        Piece("equal", "た（相談件数"),
        Piece("delete", "135"),
        Piece("insert", "142"),
        Piece("equal", "件）。"),
    ]


def test_a_corrected_misreading_and_a_dropped_clause():
    old = "データDV防止出前講座を開催した（埼玉大学：1105名）。"
    new = "市立中学校でデートDV防止出前講座を開催した。"
    assert diff(old, new) == [
        Piece("delete", "データ"),
        Piece("insert", "市立中学校でデート"),
        Piece("equal", "DV防止出前講座を開催した"),
        Piece("delete", "（埼玉大学：1105名）"),
        Piece("equal", "。"),
    ]


def test_every_piece_is_kept_so_each_side_reads_back_whole():
    old, new = SEMINAR_2017, "人権教育主任研修会で、デートDVを含む人権課題の状況を説明した。"
    pieces = diff(old, new)
    assert "".join(p.text for p in pieces if p.kind != "insert") == old
    assert "".join(p.text for p in pieces if p.kind != "delete") == new


def test_a_number_changed_at_either_end_of_the_text_keeps_every_piece():
    """A change that opens or closes the text has no equal text beside it on
    that side: nothing is taken from the other end of the text."""
    pieces = diff("12件の相談に対応した。詳しくは表3", "15件の相談に対応した。詳しくは表4")
    assert pieces == [
        Piece("delete", "12"),
        Piece("insert", "15"),
        Piece("equal", "件の相談に対応した。詳しくは表"),
        Piece("delete", "3"),
        Piece("insert", "4"),
    ]


def test_any_two_texts_read_back_whole_from_their_pieces():
    """Seeded random texts of digits, Latin letters, kana and kanji, changed at
    random places, the ends included."""
    import random

    alphabet = "0123456789ABab相談件のをした。、 "
    chooser = random.Random(20261201)
    for _ in range(2000):
        old = "".join(chooser.choice(alphabet) for _ in range(chooser.randint(0, 30)))
        new = list(old)
        for _ in range(chooser.randint(1, 4)):
            at = chooser.randint(0, len(new))
            if new and chooser.random() < 0.5:
                del new[min(at, len(new) - 1)]
            else:
                new.insert(at, chooser.choice(alphabet))
        new = "".join(new)
        pieces = diff(old, new)
        assert "".join(p.text for p in pieces if p.kind != "insert") == old, (old, new)
        assert "".join(p.text for p in pieces if p.kind != "delete") == new, (old, new)


def test_the_same_text_is_unchanged():
    pieces = diff(SEMINAR_2017, SEMINAR_2017)
    assert pieces == [Piece("equal", SEMINAR_2017)]
    assert is_unchanged(pieces)
    assert not is_unchanged(diff(SEMINAR_2017, SEMINAR_2018))
    assert diff("", "") == []


def test_html_marks_each_side_with_words_for_screen_readers_and_escapes():
    pieces = diff("講座<1回>を開催した\n研修会", "講座<2回>を開催した\n研修会も")
    assert old_html(pieces) == (
        '講座&lt;<del class="removed"><span class="visually-hidden">［削除: </span>1'
        '<span class="visually-hidden">］</span></del>回&gt;を開催した<br>研修会'
    )
    assert new_html(pieces) == (
        '講座&lt;<ins class="added"><span class="visually-hidden">［追加: </span>2'
        '<span class="visually-hidden">］</span></ins>回&gt;を開催した<br>研修会'
        '<ins class="added"><span class="visually-hidden">［追加: </span>も'
        '<span class="visually-hidden">］</span></ins>'
    )
