# Which department's entries count as which department's, from which fiscal
# year: a view of departments (each covers itself from the start) and their
# successions (a successor covers its predecessor from the reorganisation's
# year). See ``reports.models.DepartmentCoverage``.

import django.db.models.deletion
from django.db import migrations, models

CREATE_VIEW = """
CREATE VIEW reports_departmentcoverage AS
SELECT -d.id AS id, d.id AS department_id, d.id AS covered_id, 0 AS first_fiscal_year
FROM reports_department d
UNION ALL
SELECT s.id, s.successor_id, s.predecessor_id, s.effective_fiscal_year
FROM reports_departmentsuccession s
"""


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0005_search_block_format'),
    ]

    operations = [
        migrations.RunSQL(CREATE_VIEW, "DROP VIEW reports_departmentcoverage"),
        migrations.CreateModel(
            name='DepartmentCoverage',
            fields=[
                ('id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('first_fiscal_year', models.PositiveSmallIntegerField(verbose_name='初年度')),
                ('covered', models.ForeignKey(on_delete=django.db.models.deletion.DO_NOTHING, related_name='covered_by', to='reports.department')),
                ('department', models.ForeignKey(on_delete=django.db.models.deletion.DO_NOTHING, related_name='coverage', to='reports.department')),
            ],
            options={
                'verbose_name': '担当課の範囲',
                'verbose_name_plural': '担当課の範囲',
                'db_table': 'reports_departmentcoverage',
                'managed': False,
            },
        ),
    ]
