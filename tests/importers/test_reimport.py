"""What a second import of a year rewrites: the statuses it changed, and the
search documents of exactly those statuses (every year of a renamed project)."""

import pytest

from importers.loader import status_import
from reports.models import AnnualStatus, StatusSearchDocument
from reports.search.text import normalise

PLAN = "saitama-dv-2"


def _year_of(seed_path, tmp_path, heading: str, replacements: dict[str, str]):
    text = seed_path.read_text(encoding="utf-8").replace("平成29年度実施状況", heading)
    for old, new in replacements.items():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / f"{heading}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _documents() -> dict[tuple[int, int], str]:
    return {
        (project, year): text
        for project, year, text in StatusSearchDocument.objects.values_list(
            "status__project__number", "status__fiscal_year", "text"
        )
    }


@pytest.mark.django_db
def test_a_reimport_rewrites_the_documents_of_what_it_changed_and_no_others(seed_path, tmp_path):
    status_import(path=seed_path, plan_slug=PLAN)
    status_import(path=_year_of(seed_path, tmp_path, "平成30年度実施状況", {}), plan_slug=PLAN)
    before = _documents()
    assert len(before) == 2 * 57

    report = status_import(
        path=_year_of(
            seed_path,
            tmp_path,
            "平成29年度実施状況",
            {
                "11 要保護児童対策地域協議会の開催": "11 要保護児童対策ネットワーク会議の開催",
                "法律相談（109件）": "法律相談（110件）",
                "DV被害者の負担軽減を図った。\t男女共同参画課": (
                    "DV被害者の負担軽減を図った。\t男女共同参画課 子育て支援政策課"
                ),
            },
        ),
        plan_slug=PLAN,
    )

    assert sorted((c.kind, c.action, c.label) for c in report.changes) == [
        ("project", "changed", "11 要保護児童対策ネットワーク会議の開催"),
        ("status", "changed", "12 DV相談事業（2017年度）"),
        ("status", "changed", "13 ワンストップサービスの実施（2017年度）"),
    ]
    after = _documents()
    rewritten = {key for key in before if before[key] != after[key]}
    # The renamed project in both years; in the year imported, the status whose
    # text changed and the one whose departments changed.
    assert rewritten == {(11, 2017), (11, 2018), (12, 2017), (13, 2017)}
    assert normalise("ネットワ") in after[(11, 2018)]
    assert "110件" in after[(12, 2017)]
    assert after[(13, 2017)].endswith("男女共同参画課\n" + normalise("子育て支援政策課"))
    assert list(
        AnnualStatus.objects.get(project__number=13, fiscal_year=2017)
        .statusdepartment_set.order_by("position")
        .values_list("department__name", flat=True)
    ) == ["男女共同参画課", "子育て支援政策課"]
