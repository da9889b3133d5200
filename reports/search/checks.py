"""Whether the stored search index is complete and in the code's format.

A system check, so ``manage.py check``, ``runserver`` and ``migrate`` say so,
and ``log_index_state`` for the WSGI entry point (gunicorn, with or without
``--preload``). Both name the command that repairs it."""

import logging

from django.core import checks
from django.db import DatabaseError, OperationalError, connection

from reports.search import layout

logger = logging.getLogger(__name__)

REPAIR = "manage.py rebuild_search_index"


def index_problems() -> list[str]:
    """What is out of date in the stored index, in words; nothing when it is current."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM reports_searchblock WHERE format <> %s),"
            " (SELECT count(*) FROM reports_annualstatus s WHERE NOT EXISTS"
            " (SELECT 1 FROM reports_statussearchdocument d WHERE d.status_id = s.id))",
            [layout.FORMAT],
        )
        stale, missing = cursor.fetchone()
    problems = []
    if stale:
        problems.append(
            f"形式の古いブロック {stale} 件 / blocks in another format than {layout.FORMAT}: {stale}"
        )
    if missing:
        problems.append(
            f"検索用の文書のない実施状況 {missing} 件 / statuses without a search document: {missing}"
        )
    return problems


@checks.register("search")
def check_search_index(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if app_configs is not None and not any(c.label == "reports" for c in app_configs):
        return []
    try:
        if "reports_searchblock" not in connection.introspection.table_names():
            return []  # not migrated yet: the migrations build the index
        problems = index_problems()
    except OperationalError as error:
        return [
            checks.Warning(
                "検索索引を確かめられませんでした（データベースに接続できません）"
                " / The search index could not be checked: the database is unreachable.",
                hint=str(error).strip().splitlines()[0] if str(error).strip() else None,
                id="reports.W002",
            )
        ]
    except DatabaseError:
        return [
            checks.Warning(
                "検索索引を確かめられませんでした（移行が済んでいません）"
                " / The search index could not be checked: the database is not fully migrated.",
                hint="manage.py migrate（検索索引も作り直します / it rebuilds the search index too）",
                id="reports.W003",
            )
        ]
    if not problems:
        return []
    return [
        checks.Warning(
            "検索索引が古くなっています。その分の実施状況は検索で見つかりません"
            " / The search index is out of date, and searches miss what it lacks: "
            + "、".join(problems),
            hint=f"{REPAIR} を実行してください / run {REPAIR}",
            id="reports.W001",
        )
    ]


def log_index_state() -> None:
    """Log what the check finds, for a server that does not run the checks itself."""
    for message in check_search_index():
        logger.warning("%s (%s) %s", message.msg, message.id, message.hint or "")
