"""The import_status command: what --dry-run shows, and the progress bar."""

import io

import pytest
from django.core.management import call_command

from importers.loader import status_import
from reports.models import ImportRun, Project
from tests.importers.helpers import snapshot

PLAN = "saitama-dv-2"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def corrected(seed_path, tmp_path):
    """The seed with a status corrected and a section renamed by a reorganisation."""
    text = seed_path.read_text(encoding="utf-8")
    text = text.replace("（代表者会議1回、区会議12回）", "（代表者会議1回、区会議10回）")
    old = "\t人権政策推進課\n"
    assert text.count(old) == 1
    text = text.replace(old, "\t人権政策課（平成29年度より人権政策推進課から組織変更）\n")
    path = tmp_path / "corrected.txt"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_dry_run_lists_every_change_and_writes_nothing(seed_path, corrected):
    status_import(path=seed_path, plan_slug=PLAN)
    before = snapshot()
    out = io.StringIO()

    call_command("import_status", str(corrected), plan_slug=PLAN, dry_run=True, stdout=out)

    assert out.getvalue().splitlines() == [
        "[dry-run] 担当課を追加: 人権政策課",
        "[dry-run] 組織変更を追加: 人権政策推進課 → 人権政策課（2017年度から）",
        "[dry-run] 実施状況を変更: 11 要保護児童対策地域協議会の開催（2017年度）",
        "-要保護児童対策地域協議会を開催した（代表者会議1回、区会議12回）。",
        "+要保護児童対策地域協議会を開催した（代表者会議1回、区会議10回）。",
        "[dry-run] 実施状況を変更: 17 人権相談事業（2017年度）",
        "-人権政策推進課",
        "+人権政策課（平成29年度より人権政策推進課から組織変更）",
        "[dry-run] 内訳: 実施状況 変更 2、担当課 追加 1、組織変更 追加 1",
        "[dry-run] corrected.txt: 2017年度 57 事業、追加 2 件、変更 2 件（書き込みはしていません）",
    ]
    assert snapshot() == before


@pytest.mark.django_db
def test_dry_run_of_a_new_plan_lists_new_projects(seed_path):
    out = io.StringIO()

    call_command("import_status", str(seed_path), plan_slug=PLAN, dry_run=True, stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "[dry-run] 自治体を追加: m-e5de92c6 さいたま市"
    assert lines[1] == (
        "[dry-run] 計画を追加: saitama-dv-2 第2次さいたま市配偶者等からの暴力の防止及び被害者の"
        "支援に関する基本計画"
    )
    assert "[dry-run] 事業を追加: 1 DVの防止・啓発" in lines
    assert "[dry-run] 組織変更を追加: 指導2課 → 総合教育相談室（2017年度から）" in lines
    assert lines[-2:] == [
        "[dry-run] 内訳: 自治体 追加 1、計画 追加 1、基本目標 追加 5、施策の方向 追加 15、事業 追加 57、"
        "実施状況 追加 57、担当課 追加 26、組織変更 追加 5",
        "[dry-run] saitama_dv2_H29_status.txt: 2017年度 57 事業、追加 167 件、変更 0 件"
        "（書き込みはしていません）",
    ]
    assert len(lines) == 167 + 2


@pytest.mark.django_db
def test_no_progress_bar_when_output_is_not_a_terminal(seed_path):
    out, err = io.StringIO(), io.StringIO()

    call_command("import_status", str(seed_path), plan_slug=PLAN, stdout=out, stderr=err)

    assert err.getvalue() == ""


@pytest.mark.django_db
def test_progress_bar_on_a_terminal(seed_path):
    out, err = _Terminal(), _Terminal()

    call_command("import_status", str(seed_path), plan_slug=PLAN, stdout=out, stderr=err)

    drawn = err.getvalue()
    assert "読み込み" in drawn
    assert "照合" in drawn
    assert "| 0/57 " in drawn
    assert out.getvalue().splitlines()[-1] == (
        "saitama_dv2_H29_status.txt: 2017年度 57 事業、追加 167 件、変更 0 件"
    )


@pytest.mark.django_db
def test_warnings_are_shown_and_recorded_but_do_not_block(seed_path, tmp_path):
    status_import(path=seed_path, plan_slug=PLAN)
    text = seed_path.read_text(encoding="utf-8").replace(
        "\t\t17 人権相談事業\t", "\t\t17 人権相談の事業\t"
    )
    path = tmp_path / "reworded.txt"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()

    call_command("import_status", str(path), plan_slug=PLAN, stdout=out, stderr=err)

    assert err.getvalue().splitlines() == [
        "reworded.txt:-:26:-: 警告 事業 17 の名称が計画の表記と違います（計画: 人権相談事業） / "
        "project 17 is named differently from the plan「人権相談の事業」"
    ]
    run = ImportRun.objects.latest("started_at")
    assert run.file_name == "reworded.txt"
    assert run.warnings == [
        {
            "severity": "warning",
            "place": "reworded.txt:-:26:-",
            "message_ja": "事業 17 の名称が計画の表記と違います（計画: 人権相談事業）",
            "message_en": "project 17 is named differently from the plan",
            "value": "人権相談の事業",
        }
    ]
    assert Project.objects.get(number=17).name == "人権相談の事業"
