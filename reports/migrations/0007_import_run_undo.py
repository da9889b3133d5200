# An import's undo record (what it replaced, for revert_import), whether its
# file covered only some of the plan's projects (--partial), and when it was
# reverted.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0006_department_coverage'),
    ]

    operations = [
        migrations.AddField(
            model_name='importrun',
            name='partial',
            field=models.BooleanField(default=False, verbose_name='一部の事業のみ'),
        ),
        migrations.AddField(
            model_name='importrun',
            name='reverted_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='取り消し'),
        ),
        migrations.AddField(
            model_name='importrun',
            name='undo',
            field=models.JSONField(blank=True, default=dict, verbose_name='取り消し用の記録'),
        ),
    ]
