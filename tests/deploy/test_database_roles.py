"""Least privilege: the web process reads with a role that cannot write any table."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from psycopg import errors, sql

ROOT = Path(__file__).resolve().parent.parent.parent

# Every model's table, at least: the test fails if a table escapes the list below.
SITE_TABLES = {
    "reports_plan",
    "reports_basicgoal",
    "reports_policydirection",
    "reports_project",
    "reports_annualstatus",
    "reports_department",
    "reports_importrun",
    "django_migrations",
}


def web_connection() -> psycopg.Connection:
    """Connected as the web process connects (settings.WEB_DATABASE), to the test database."""
    web = settings.WEB_DATABASE
    params = {"host": web["HOST"], "port": web["PORT"], "password": web["PASSWORD"]}
    return psycopg.connect(
        dbname=connection.settings_dict["NAME"],
        user=web["USER"],
        **{name: value for name, value in params.items() if value},
        **web["OPTIONS"],
        autocommit=True,
    )


def site_tables() -> dict[str, str]:
    """Every table of the database, with its first column."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND ordinal_position = 1 ORDER BY 1"
        )
        return dict(cursor.fetchall())


@pytest.mark.django_db
def test_the_web_role_is_not_the_owner_and_reads_every_table():
    assert settings.WEB_DATABASE["USER"] != connection.settings_dict["USER"]
    tables = site_tables()
    assert set(tables) >= SITE_TABLES
    with web_connection() as web:
        for table in tables:
            web.execute(sql.SQL("SELECT * FROM {} LIMIT 1").format(sql.Identifier(table)))
        assert web.execute("SELECT current_user").fetchone() == (settings.WEB_DATABASE["USER"],)


@pytest.mark.django_db
def test_the_web_connection_cannot_write_any_table():
    tables = site_tables()
    refused = []
    with web_connection() as web:
        # Its transactions start read-only...
        with pytest.raises(errors.ReadOnlySqlTransaction):
            web.execute("DELETE FROM reports_annualstatus")
        # ...and with that lifted, the grants refuse every write, on every table.
        for table, column in tables.items():
            name, first = sql.Identifier(table), sql.Identifier(column)
            for statement in [
                sql.SQL("INSERT INTO {} DEFAULT VALUES").format(name),
                sql.SQL("UPDATE {} SET {} = {}").format(name, first, first),
                sql.SQL("DELETE FROM {}").format(name),
                sql.SQL("TRUNCATE {}").format(name),
                sql.SQL("ALTER TABLE {} ADD COLUMN intruder integer").format(name),
                sql.SQL("DROP TABLE {}").format(name),
            ]:
                with web.transaction():
                    web.execute("SET TRANSACTION READ WRITE")
                    try:
                        with web.transaction():
                            web.execute(statement)
                    except errors.InsufficientPrivilege:
                        refused.append(table)
                    else:
                        raise AssertionError(f"the web role could run {statement.as_string(web)}")
        with web.transaction():
            web.execute("SET TRANSACTION READ WRITE")
            with pytest.raises(errors.InsufficientPrivilege):
                web.execute("CREATE TABLE intruder (id integer)")
    assert len(refused) == 6 * len(tables)


def test_gunicorn_and_runserver_connect_as_the_web_role_and_commands_as_the_owner():
    check = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['USER'], settings.WEB_DATABASE['USER'])"
    )
    env = {k: v for k, v in os.environ.items() if k != "DVPLAN_SERVES_WEB"}
    as_web = subprocess.run(
        [sys.executable, "-c", f"import dvplan.wsgi; {check}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    as_command = subprocess.run(
        [sys.executable, "manage.py", "shell", "--verbosity", "0", "-c", check],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert as_web == [settings.WEB_DATABASE["USER"]] * 2
    assert as_command == [connection.settings_dict["USER"], settings.WEB_DATABASE["USER"]]
