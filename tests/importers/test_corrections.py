"""The reviewed corrections file: loaded by load_fixtures, strict, idempotent."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from importers.corrections import CorrectionsError, corrections_load
from reports.models import AnnualStatus, Correction, Project, StatusSearchDocument
from tests.conftest import ROOT

FIXTURE = ROOT / "fixtures" / "corrections.toml"

ENTRY = """
[[correction]]
plan = "saitama-dv-2"
fiscal_year = 2017
project = 7
field = "name"
published = "データDV"
corrected = "デートDV"
reason = "読み違い"
"""


def corrections_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "corrections.toml"
    path.write_text(text, encoding="utf-8")
    return path


def snapshot() -> list[tuple]:
    return list(
        Correction.objects.order_by("pk").values_list(
            "pk", "project__number", "fiscal_year", "field", "published", "corrected", "reason"
        )
    )


def documents() -> dict[int, str]:
    return dict(StatusSearchDocument.objects.values_list("status_id", "text"))


@pytest.mark.django_db
def test_load_fixtures_loads_every_reviewed_correction(seeded):
    by_kind: dict[tuple[str, str], int] = {}
    for published, corrected in Correction.objects.values_list("published", "corrected"):
        by_kind[(published, corrected)] = by_kind.get((published, corrected), 0) + 1
    assert by_kind == {
        ("データDV", "デートDV"): 7,
        ("テートDV", "デートDV"): 1,
        ("府内", "庁内"): 7,
        ("府内外", "庁内外"): 2,
        ("府内及び府外", "庁内及び庁外"): 1,
        ("志春期", "思春期"): 2,
        ("Y ou & Me", "You & Me"): 3,
        ("行つ", "行う"): 1,
        ("行ふ", "行う"): 1,
        ("保護者的人権意識", "保護者の人権意識"): 1,
    }
    assert Correction.objects.filter(field="name").count() == 2
    assert Correction.objects.filter(field="content").count() == 12
    assert Correction.objects.filter(field="status").count() == 12
    assert set(Correction.objects.values_list("fiscal_year", flat=True)) == {2017}
    # The published texts are untouched.
    assert Project.objects.get(number=7).name == "データDVの防止・啓発"
    assert "府内ドメスティック" in AnnualStatus.objects.get(project__number=9).status_text


@pytest.mark.django_db
def test_loading_the_fixtures_twice_changes_nothing(seeded):
    before, before_documents = snapshot(), documents()
    out = StringIO()
    call_command("load_fixtures", stdout=out)
    assert snapshot() == before
    assert documents() == before_documents
    assert out.getvalue().splitlines()[-1] == (
        "corrections.toml: 補正 26 件（追加 0、変更 0、削除 0、変更なし 26）、検索用の文書 0 件を更新"
    )


@pytest.mark.django_db
def test_a_first_load_reports_what_it_added(db):
    out = StringIO()
    call_command("load_fixtures", stdout=out)
    assert out.getvalue().splitlines()[-1] == (
        "corrections.toml: 補正 26 件（追加 26、変更 0、削除 0、変更なし 0）、検索用の文書 16 件を更新"
    )


@pytest.mark.django_db
def test_a_removed_entry_disappears_and_a_changed_reason_is_updated(seeded, tmp_path):
    name_entry = Correction.objects.get(project__number=7, field="name")
    path = corrections_file(tmp_path, ENTRY.replace("読み違い", "理由を書き直した"))
    report = corrections_load(path=path)
    assert (report.total, report.added, report.changed, report.removed) == (1, 0, 1, 25)
    assert snapshot() == [
        (name_entry.pk, 7, 2017, "name", "データDV", "デートDV", "理由を書き直した")
    ]
    # Every status whose texts a removed or changed correction touched is
    # indexed again: project 9's status no longer has the corrected reading.
    status_9 = AnnualStatus.objects.get(project__number=9)
    assert "庁内" not in StatusSearchDocument.objects.get(status=status_9).text
    status_7 = AnnualStatus.objects.get(project__number=7)
    name_text = StatusSearchDocument.objects.get(status=status_7).name_text
    assert name_text == "デタdvノ防止・啓発\nデトdvノ防止・啓発"


@pytest.mark.django_db
def test_a_correction_is_searched_under_both_readings_and_never_across_them(seeded):
    document = StatusSearchDocument.objects.get(status__project__number=2)
    published, corrected = document.status_text.split("\n")
    # Folded: lower case, ー as -.
    assert "you & me" not in published
    assert "y ou & me" in published and "デタdv" in published
    assert "you & me" in corrected and "デトdv" in corrected
    assert "y ou & me" not in corrected and "デタdv" not in corrected
    # An uncorrected field is indexed once, as before.
    assert "\n" not in document.content_text


BAD_ENTRIES = [
    (
        ENTRY.replace('plan = "saitama-dv-2"', 'plan = "no-such-plan"'),
        "corrections.toml: 1件目（plan='no-such-plan', fiscal_year=2017, project=7, field='name', "
        "published='データDV'）: エラー 計画「no-such-plan」がありません / no such plan",
    ),
    (
        ENTRY.replace("project = 7", "project = 99"),
        "corrections.toml: 1件目（plan='saitama-dv-2', fiscal_year=2017, project=99, field='name', "
        "published='データDV'）: エラー 計画「saitama-dv-2」に事業99がありません / the plan has no project 99",
    ),
    (
        ENTRY.replace("fiscal_year = 2017", "fiscal_year = 2018"),
        "corrections.toml: 1件目（plan='saitama-dv-2', fiscal_year=2018, project=7, field='name', "
        "published='データDV'）: エラー 事業7の2018年度の実施状況はまだ取り込まれていません"
        "（補正はその年度の表を取り込んでから書きます）"
        " / no status of project 7 for fiscal year 2018 has been imported",
    ),
    (
        ENTRY.replace('field = "name"', 'field = "title"'),
        "corrections.toml: 1件目（plan='saitama-dv-2', fiscal_year=2017, project=7, field='title', "
        "published='データDV'）: エラー field は name（事業名称）・content（事業内容）・status（実施状況）のどれかです"
        " / field must be name, content or status",
    ),
    (
        ENTRY.replace('published = "データDV"', 'published = "テートDV"'),
        "corrections.toml: 1件目（plan='saitama-dv-2', fiscal_year=2017, project=7, field='name', "
        "published='テートDV'）: エラー 事業名称に「テートDV」がありません"
        " / the published text does not occur in the name",
    ),
    (
        ENTRY.replace('field = "name"', 'field = "status"').replace(
            'published = "データDV"', 'published = "データDVの防止・啓発"'
        ),
        "corrections.toml: 1件目（plan='saitama-dv-2', fiscal_year=2017, project=7, field='status', "
        "published='データDVの防止・啓発'）: エラー 実施状況に「データDVの防止・啓発」がありません"
        " / the published text does not occur in the status",
    ),
    (
        ENTRY.replace('corrected = "デートDV"', 'corrected = "データDV"'),
        "corrections.toml: 1件目（plan='saitama-dv-2', fiscal_year=2017, project=7, field='name', "
        "published='データDV'）: エラー published と corrected が同じです / published and corrected are the same",
    ),
    (
        ENTRY.replace('reason = "読み違い"\n', ""),
        "corrections.toml: 1件目（plan='saitama-dv-2', fiscal_year=2017, project=7, field='name', "
        "published='データDV'）: エラー reason がありません / missing: reason",
    ),
    (
        ENTRY.replace("project = 7", 'project = "7"'),
        "corrections.toml: 1件目（plan='saitama-dv-2', fiscal_year=2017, project='7', field='name', "
        "published='データDV'）: エラー project は整数で書きます / project must be an integer",
    ),
    (
        ENTRY.replace('reason = "読み違い"', 'reason = "読み違い"\nnote = "?"'),
        "corrections.toml: 1件目（plan='saitama-dv-2', fiscal_year=2017, project=7, field='name', "
        "published='データDV'）: エラー 知らない項目です / unknown keys: note",
    ),
    (
        ENTRY + ENTRY.replace("読み違い", "同じもの"),
        "corrections.toml: 2件目（plan='saitama-dv-2', fiscal_year=2017, project=7, field='name', "
        "published='データDV'）: エラー 1件目と同じ補正です（事業名称・事業内容は年度によらず一つ）"
        " / the same correction as entry 1",
    ),
    (
        ENTRY.replace('published = "データDV"', 'published = "データ"').replace(
            'corrected = "デートDV"', 'corrected = "デート"'
        )
        + ENTRY,
        "corrections.toml: 1件目（plan='saitama-dv-2', fiscal_year=2017, project=7, field='name', "
        "published='データ'）: エラー 「データ」はどこでも他の補正の「published」に含まれていて、当たる所がありません"
        " / every occurrence is inside another entry's published text",
    ),
    (
        "[[correction]]\nplan = ",
        None,  # the TOML parser's own message follows the file name
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("text, message", BAD_ENTRIES)
def test_a_bad_entry_is_named_with_its_file_and_values_and_changes_nothing(
    seeded, tmp_path, text, message
):
    before, before_documents = snapshot(), documents()
    path = corrections_file(tmp_path, text)
    with pytest.raises(CorrectionsError) as raised:
        corrections_load(path=path)
    if message is None:
        assert raised.value.messages[0].startswith(
            "corrections.toml: TOML として読めません / not valid TOML: "
        )
    else:
        assert raised.value.messages == [message]
    assert snapshot() == before
    assert documents() == before_documents


@pytest.mark.django_db
def test_a_status_correction_for_a_year_not_imported_is_refused_even_when_another_year_has_it(
    seeded, import_seed_as, tmp_path
):
    import_seed_as("平成30年度実施状況")
    path = corrections_file(
        tmp_path,
        ENTRY.replace('field = "name"', 'field = "status"').replace("2017", "2019"),
    )
    with pytest.raises(CorrectionsError) as raised:
        corrections_load(path=path)
    assert raised.value.messages == [
        "corrections.toml: 1件目（plan='saitama-dv-2', fiscal_year=2019, project=7, field='status', "
        "published='データDV'）: エラー 事業7の2019年度の実施状況はまだ取り込まれていません"
        "（補正はその年度の表を取り込んでから書きます）"
        " / no status of project 7 for fiscal year 2019 has been imported"
    ]


@pytest.mark.django_db
def test_a_name_correction_applies_to_every_year_and_reindexes_each(
    seeded, import_seed_as, tmp_path
):
    import_seed_as("平成30年度実施状況")
    corrections_load(path=corrections_file(tmp_path, ""))
    assert not Correction.objects.exists()
    report = corrections_load(path=corrections_file(tmp_path, ENTRY))
    assert (report.added, report.rebuilt_documents) == (1, 2)
    documents = StatusSearchDocument.objects.filter(status__project__number=7)
    assert [d.name_text for d in documents] == ["デタdvノ防止・啓発\nデトdvノ防止・啓発"] * 2


@pytest.mark.django_db
def test_load_fixtures_stops_with_every_message_and_changes_nothing(seeded, tmp_path):
    before = snapshot()
    path = corrections_file(
        tmp_path,
        ENTRY.replace("project = 7", "project = 98") + ENTRY.replace("project = 7", "project = 99"),
    )
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("load_fixtures", corrections=path, stdout=StringIO(), stderr=err)
    assert str(raised.value) == (
        "corrections.toml: 2 件のエラー。何も変更していません。上の件を直してから再実行してください"
        " / 2 error(s); nothing was changed"
    )
    assert [line.split("）: ")[1] for line in err.getvalue().splitlines()] == [
        "エラー 計画「saitama-dv-2」に事業98がありません / the plan has no project 98",
        "エラー 計画「saitama-dv-2」に事業99がありません / the plan has no project 99",
    ]
    assert snapshot() == before


def test_the_fixture_has_a_reason_for_every_entry_and_says_how_it_is_reviewed():
    text = FIXTURE.read_text(encoding="utf-8")
    header = text.split("[[correction]]")[0]
    assert "Nothing is" in header and "corrected automatically" in header
    assert "One entry corrects every occurrence of `published` in that field" in header
    for column in ("plan", "fiscal_year", "project", "field", "published", "corrected", "reason"):
        assert f"#   {column} " in header
