# The search index moves from a GIN index of each document's grams to postings
# per plan, gram and block of documents. Documents are derived data: they are
# dropped here and written again, with their positions, by the next
# ``load_fixtures`` or ``rebuild_search_index`` (statuses without a document
# get one).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0003_correction'),
    ]

    operations = [
        migrations.DeleteModel(name='StatusSearchGrams'),
        migrations.DeleteModel(name='StatusSearchDocument'),
        migrations.CreateModel(
            name='StatusSearchDocument',
            fields=[
                ('status', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='search_document', serialize=False, to='reports.annualstatus')),
                ('ordinal', models.PositiveIntegerField()),
                ('text', models.TextField()),
                ('length', models.PositiveIntegerField()),
                ('name_end', models.PositiveIntegerField()),
                ('content_end', models.PositiveIntegerField()),
                ('status_end', models.PositiveIntegerField()),
                ('plan', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='reports.plan')),
            ],
            options={
                'verbose_name': '検索用の文書',
                'verbose_name_plural': '検索用の文書',
                'constraints': [models.UniqueConstraint(fields=('plan', 'ordinal'), name='search_document_ordinal')],
            },
        ),
        migrations.CreateModel(
            name='SearchBlock',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField()),
                ('version', models.BigIntegerField()),
                ('statuses', models.BinaryField()),
                ('departments', models.BinaryField()),
                ('plan', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='reports.plan')),
            ],
            options={
                'verbose_name': '検索索引のブロック',
                'verbose_name_plural': '検索索引のブロック',
                'constraints': [models.UniqueConstraint(fields=('plan', 'number'), name='search_block_number')],
            },
        ),
        migrations.CreateModel(
            name='SearchPostings',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('gram', models.TextField(db_collation='C')),
                ('block', models.PositiveIntegerField()),
                ('postings', models.BinaryField()),
                ('plan', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='reports.plan')),
            ],
            options={
                'verbose_name': '検索索引の出現位置',
                'verbose_name_plural': '検索索引の出現位置',
                'constraints': [models.UniqueConstraint(fields=('plan', 'gram', 'block'), name='search_postings_gram')],
            },
        ),
        # Postings are read whole and are mostly unique numbers: compressing them
    # costs more at every write than it saves.
    migrations.RunSQL(
        "ALTER TABLE reports_searchpostings ALTER COLUMN postings SET STORAGE EXTERNAL",
        migrations.RunSQL.noop,
    ),
    ]
