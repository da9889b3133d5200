# The data version: one row, bumped by a statement-level trigger on every public
# table, so that no writer (an import, a correction load, a plan's removal, a
# revert, or a hand-written statement) can change what readers see without
# changing the version in the same transaction. reports.dataversion reads it.

from django.db import migrations, models

PUBLIC_TABLES = (
    "reports_municipality",
    "reports_plan",
    "reports_basicgoal",
    "reports_policydirection",
    "reports_project",
    "reports_department",
    "reports_departmentsuccession",
    "reports_importrun",
    "reports_annualstatus",
    "reports_statusdepartment",
    "reports_correction",
    "reports_statussearchdocument",
    "reports_searchblock",
    "reports_searchpostings",
)

# A new number on every writing statement (only the last one of a transaction
# is ever seen by others; the sequence never hands one out twice, even after a
# rollback), and the time of that statement, so that it ends near the commit.
# An upsert, so that a table emptied by hand (or by a test's flush) gets its
# row back on the next write.
CREATE_FUNCTION = """
CREATE SEQUENCE reports_dataversion_number;
CREATE FUNCTION reports_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reports_dataversion (id, version, changed_at)
    VALUES (1, nextval('reports_dataversion_number'), clock_timestamp())
    ON CONFLICT (id) DO UPDATE SET version = excluded.version, changed_at = excluded.changed_at;
    RETURN NULL;
END
$$;
INSERT INTO reports_dataversion (id, version, changed_at)
VALUES (1, nextval('reports_dataversion_number'), clock_timestamp());
"""
DROP_FUNCTION = """
DROP FUNCTION reports_bump_data_version();
DROP SEQUENCE reports_dataversion_number;
"""

CREATE_TRIGGER = """
CREATE TRIGGER bump_data_version
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
FOR EACH STATEMENT EXECUTE FUNCTION reports_bump_data_version()
"""
DROP_TRIGGER = "DROP TRIGGER bump_data_version ON {table}"


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0008_municipality"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("version", models.BigIntegerField(verbose_name="版")),
                ("changed_at", models.DateTimeField(verbose_name="更新")),
            ],
            options={
                "verbose_name": "データの版",
                "verbose_name_plural": "データの版",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="data_version_one_row"
                    )
                ],
            },
        ),
        migrations.RunSQL(CREATE_FUNCTION, DROP_FUNCTION),
        *(
            migrations.RunSQL(CREATE_TRIGGER.format(table=table), DROP_TRIGGER.format(table=table))
            for table in PUBLIC_TABLES
        ),
    ]
