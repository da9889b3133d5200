# Municipalities (自治体): a plan's municipality becomes a row of its own, and
# every department belongs to one, named uniquely within it.
#
# The data move: each distinct municipality text of the plans becomes a
# Municipality (an empty text becomes the unnamed one); each department goes
# to the municipality of the plans that list it. A department listed by plans
# of several municipalities (possible while names were unique site-wide) is
# split: a copy per further municipality takes over that municipality's
# listings, and each reorganisation is repeated between the copies in every
# municipality its successor is in. After such a split the search index holds
# the old department ids: run ``manage.py rebuild_search_index``.

import hashlib
import unicodedata

import django.db.models.deletion
from django.db import migrations, models

UNNAMED_SLUG = "unnamed"


def municipality_slug(name):
    """As ``importers.municipalities.municipality_slug`` (a migration keeps its own copy)."""
    if not name:
        return UNNAMED_SLUG
    folded = unicodedata.normalize("NFKC", name).strip()
    return "m-" + hashlib.sha256(folded.encode()).hexdigest()[:8]


def move_to_municipalities(apps, schema_editor):
    Municipality = apps.get_model("reports", "Municipality")
    Plan = apps.get_model("reports", "Plan")
    Department = apps.get_model("reports", "Department")
    DepartmentSuccession = apps.get_model("reports", "DepartmentSuccession")
    StatusDepartment = apps.get_model("reports", "StatusDepartment")

    municipalities = {}

    def municipality(name):
        if name not in municipalities:
            municipalities[name], _ = Municipality.objects.get_or_create(
                name=name, defaults={"slug": municipality_slug(name)}
            )
        return municipalities[name]

    for plan in Plan.objects.order_by("pk"):
        plan.municipality = municipality(plan.municipality_name.strip())
        plan.save(update_fields=["municipality"])

    # (department id, municipality id) → the department's row in that municipality.
    copies = {}
    listed_in = {}
    for department_id, municipality_id in (
        StatusDepartment.objects.values_list(
            "department_id", "status__project__plan__municipality_id"
        )
        .distinct()
        .order_by("department_id", "status__project__plan__municipality_id")
    ):
        listed_in.setdefault(department_id, []).append(municipality_id)
    # A predecessor no status lists any more belongs where its successors are.
    links = list(DepartmentSuccession.objects.values_list("successor_id", "predecessor_id"))
    for _ in links:
        grown = False
        for successor, predecessor in links:
            wanted = set(listed_in.get(successor, [])) - set(listed_in.get(predecessor, []))
            if wanted and predecessor not in listed_in:
                listed_in[predecessor] = sorted(wanted)
                grown = True
        if not grown:
            break
    fallback = None
    for department in Department.objects.order_by("pk"):
        found = listed_in.get(department.pk)
        if not found:
            # Listed by no status: the only municipality, or the unnamed one.
            if fallback is None:
                ids = list(Municipality.objects.values_list("pk", flat=True)[:2])
                fallback = ids[0] if len(ids) == 1 else municipality("").pk
            found = [fallback]
        department.municipality_id = found[0]
        department.save(update_fields=["municipality"])
        copies[(department.pk, found[0])] = department.pk
        for municipality_id in found[1:]:
            copy = Department.objects.create(
                municipality_id=municipality_id, name=department.name, kind=department.kind
            )
            copies[(department.pk, municipality_id)] = copy.pk
            StatusDepartment.objects.filter(
                department_id=department.pk,
                status__project__plan__municipality_id=municipality_id,
            ).update(department_id=copy.pk)

    # Each reorganisation, in every municipality its successor is in, between
    # the two departments' rows in that municipality.
    for link in DepartmentSuccession.objects.order_by("pk"):
        for (department_id, municipality_id), copy_id in list(copies.items()):
            if department_id != link.successor_id:
                continue
            predecessor = copies.get((link.predecessor_id, municipality_id))
            if predecessor is None:
                original = Department.objects.get(pk=link.predecessor_id)
                predecessor = Department.objects.create(
                    municipality_id=municipality_id, name=original.name, kind=original.kind
                ).pk
                copies[(link.predecessor_id, municipality_id)] = predecessor
            if copy_id == link.successor_id:
                if predecessor != link.predecessor_id:
                    link.predecessor_id = predecessor
                    link.save(update_fields=["predecessor"])
                continue
            DepartmentSuccession.objects.create(
                successor_id=copy_id,
                predecessor_id=predecessor,
                effective_fiscal_year=link.effective_fiscal_year,
                note=link.note,
            )
    # The schema changes below alter these tables: the foreign keys' deferred
    # checks must run first (PostgreSQL refuses to alter a table with pending ones).
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def back_to_text(apps, schema_editor):
    Plan = apps.get_model("reports", "Plan")
    for plan in Plan.objects.select_related("municipality"):
        plan.municipality_name = plan.municipality.name
        plan.save(update_fields=["municipality_name"])
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0007_import_run_undo'),
    ]

    operations = [
        migrations.CreateModel(
            name='Municipality',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(blank=True, max_length=80, unique=True, verbose_name='名称')),
                ('slug', models.SlugField(max_length=80, unique=True, verbose_name='識別子')),
                ('code', models.CharField(blank=True, max_length=6, verbose_name='地方公共団体コード')),
            ],
            options={
                'verbose_name': '自治体',
                'verbose_name_plural': '自治体',
                'ordering': ['name'],
            },
        ),
        migrations.RenameField(
            model_name='plan',
            old_name='municipality',
            new_name='municipality_name',
        ),
        migrations.AddField(
            model_name='plan',
            name='municipality',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='plans', to='reports.municipality', verbose_name='自治体'),
        ),
        migrations.AddField(
            model_name='department',
            name='municipality',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='departments', to='reports.municipality', verbose_name='自治体'),
        ),
        migrations.AlterField(
            model_name='department',
            name='name',
            field=models.CharField(max_length=200, verbose_name='名称'),
        ),
        migrations.RunPython(move_to_municipalities, back_to_text),
        migrations.RemoveField(
            model_name='plan',
            name='municipality_name',
        ),
        migrations.AlterField(
            model_name='plan',
            name='municipality',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='plans', to='reports.municipality', verbose_name='自治体'),
        ),
        migrations.AlterField(
            model_name='department',
            name='municipality',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='departments', to='reports.municipality', verbose_name='自治体'),
        ),
        migrations.AddConstraint(
            model_name='department',
            constraint=models.UniqueConstraint(fields=('municipality', 'name'), name='department_unique_name_in_municipality'),
        ),
    ]
