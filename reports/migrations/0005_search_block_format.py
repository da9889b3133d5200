# Each block of the search index records the format it was written in
# (``reports.search.layout.FORMAT``), and the index is rebuilt in that format
# here, so that a migrated database answers searches at once. A later
# migration that changes the format ends the same way.

from django.db import migrations, models


def rebuild_search_index(apps, schema_editor):
    # The code's own writer, not historical models: the index is derived data
    # in the code's format. It reads and writes only columns that exist from
    # this migration on.
    from reports import search

    search.rebuild()


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0004_search_index_blocks'),
    ]

    operations = [
        migrations.AddField(
            model_name='searchblock',
            name='format',
            field=models.PositiveSmallIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.RunPython(rebuild_search_index, migrations.RunPython.noop, elidable=False),
    ]
