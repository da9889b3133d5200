# The search index's texts are folded anew (hiragana to katakana, small kana to
# full size, the long-vowel mark after kana dropped: ``reports.search.text``),
# so the documents and blocks are rebuilt in ``layout.FORMAT`` 2.

from django.db import migrations


def rebuild_search_index(apps, schema_editor):
    # The code's own writer, as in 0005: the index is derived data in the code's format.
    from reports import search

    search.rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0010_pdf_page_and_ocr"),
    ]

    operations = [
        migrations.RunPython(rebuild_search_index, migrations.RunPython.noop, elidable=False),
    ]
