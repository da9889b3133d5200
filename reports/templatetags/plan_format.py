import unicodedata
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from reports.corrections import Reading, project_reading, status_reading
from reports.eras import fiscal_year_label
from reports.exports import EXPORT_FORMATS

register = template.Library()

_ROMAN = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ"


@register.filter
def fiscal_year(value: int) -> str:
    """2017 → 平成29年度（2017年度）."""
    return fiscal_year_label(int(value))


@register.filter
def goal_numeral(value: int) -> str:
    """Basic goals are shown with Roman numerals, as plans print them: 2 → Ⅱ."""
    value = int(value)
    return _ROMAN[value - 1] if 1 <= value <= len(_ROMAN) else str(value)


@register.filter
def hash_groups(value: str) -> str:
    """A hash in groups of 16 characters that may wrap between groups, never
    inside one; copied, it is the hash unchanged (``<wbr>`` adds no character)."""
    text = str(value)
    groups = (escape(text[i : i + 16]) for i in range(0, len(text), 16))
    return mark_safe("<wbr>".join(f'<span class="nowrap">{g}</span>' for g in groups))


@register.filter
def printable(value: object) -> str:
    """Drops control characters, which a reader's URL may carry but HTML may not."""
    return "".join(ch for ch in str(value) if ch in "\t\n" or unicodedata.category(ch) != "Cc")


@register.inclusion_tag("reports/_provenance.html")
def provenance(status, plan, sources: dict) -> dict:
    """Where a status comes from: the municipality's publication of its year
    (``sources``, by fiscal year: ``selectors.plan_source_documents``), then
    the imported file's page and row; the file alone where the publication is
    not recorded. The import's date is on the data page."""
    return {"status": status, "plan": plan, "source": sources.get(status.fiscal_year)}


@register.inclusion_tag("reports/_downloads.html")
def download_links(plan, label: str, query: str = "", **filters) -> dict:
    """Links to a plan's statuses as files, filtered by ``query`` (a URL query string)
    or by the filter page's parameters given as keywords (``goal=2``)."""
    query = query or urlencode(filters)
    suffix = f"?{query}" if query else ""
    return {
        "label": label,
        "links": [
            (reverse(f"reports:statuses{s}", args=[plan.slug]) + suffix, f.label)
            for s, f in EXPORT_FORMATS.items()
        ],
        # The same statuses from the JSON API, for a program.
        "api_url": reverse("reports:api_statuses", args=[plan.slug]) + suffix,
    }


# Reviewed corrections: ``{{ project|corrected:"name" }}``,
# ``{{ project|corrected:"content"|linebreaksbr }}``, ``{{ status|corrected:"status"|linebreaksbr }}``
# show the corrected reading, each corrected piece in <ins>. A page section (a
# heading section, a year's status, a table row or card, a search result, a list
# of projects) has ONE 「補正」 note listing every correction applied in it:
# ``{% correction_note project "name" project "content" status "status" %}``, or
# ``{% list_correction_note projects %}`` for a list of projects.

_FIELD_LABELS = {"name": "事業名称", "content": "事業内容", "status": "実施状況"}


def _reading(value, field: str) -> Reading:
    if field == "status":
        return status_reading(value)
    if field not in ("name", "content"):
        raise template.TemplateSyntaxError(f"unknown field for corrections: {field!r}")
    return project_reading(value, field)


@register.filter
def corrected(value, field: str):
    """The corrected reading as HTML (escaped), each corrected piece marked with <ins>."""
    return _reading(value, field).html()


@register.filter
def corrected_text(value, field: str) -> str:
    """The corrected reading as plain text (for a page title or a breadcrumb)."""
    return _reading(value, field).corrected


def _note(labelled: list[tuple[str, Reading]]) -> dict:
    """Every correction applied in a section, each with the field it is in."""
    return {
        "items": [(label, applied) for label, reading in labelled for applied in reading.applied]
    }


@register.inclusion_tag("reports/_correction_note.html")
def correction_note(*objects_and_fields) -> dict:
    """One 「補正」 marker for a section, opening onto the published text and the
    reason of each correction applied to the given ``object "field"`` pairs;
    nothing when none applies."""
    if not objects_and_fields or len(objects_and_fields) % 2:
        raise template.TemplateSyntaxError("correction_note takes object and field pairs")
    pairs = zip(objects_and_fields[::2], objects_and_fields[1::2], strict=True)
    return _note(
        [
            (_FIELD_LABELS[field], _reading(value, field))
            for value, field in pairs
            if value is not None  # a project without a status in the year shown
        ]
    )


@register.inclusion_tag("reports/_correction_note.html")
def list_correction_note(projects, status_attribute: str = "") -> dict:
    """One 「補正」 marker for a list of projects: their names, and with
    ``status_attribute`` the status each shows (an attribute holding a status or
    None), each correction labelled with its project's number."""
    labelled = []
    for project in projects:
        labelled.append((f"事業{project.number}の事業名称", _reading(project, "name")))
        status = getattr(project, status_attribute, None) if status_attribute else None
        if status is not None:
            labelled.append(
                (
                    f"事業{project.number}の{fiscal_year_label(status.fiscal_year)}実施状況",
                    _reading(status, "status"),
                )
            )
    return _note(labelled)
