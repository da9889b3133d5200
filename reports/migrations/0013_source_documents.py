"""Each plan's page at its municipality, and the municipality's own publication
of each year's status table (``SourceDocument``), which the pages cite."""

import django.db.models.deletion
from django.db import migrations, models

# As every public table (migration 0009): a write changes the data version.
CREATE_TRIGGER = """
CREATE TRIGGER bump_data_version
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON reports_sourcedocument
FOR EACH STATEMENT EXECUTE FUNCTION reports_bump_data_version()
"""
DROP_TRIGGER = "DROP TRIGGER bump_data_version ON reports_sourcedocument"


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0012_department_reading"),
    ]

    operations = [
        migrations.AddField(
            model_name="plan",
            name="city_url",
            field=models.URLField(
                blank=True,
                db_default="",
                default="",
                max_length=500,
                verbose_name="自治体の計画のページ",
            ),
        ),
        migrations.CreateModel(
            name="SourceDocument",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("fiscal_year", models.PositiveSmallIntegerField(verbose_name="年度")),
                ("title", models.TextField(verbose_name="資料名")),
                ("url", models.URLField(blank=True, max_length=500, verbose_name="アドレス")),
                ("published_on", models.DateField(blank=True, null=True, verbose_name="公表日")),
                (
                    "plan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="source_documents",
                        to="reports.plan",
                    ),
                ),
            ],
            options={
                "verbose_name": "公表資料",
                "verbose_name_plural": "公表資料",
                "ordering": ["plan", "fiscal_year"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("plan", "fiscal_year"), name="source_document_one_per_plan_year"
                    )
                ],
            },
        ),
        migrations.RunSQL(CREATE_TRIGGER, DROP_TRIGGER),
    ]
