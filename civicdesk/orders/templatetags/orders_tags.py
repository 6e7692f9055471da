from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from django import template
from django.template import engines
from django.template.defaultfilters import floatformat, timesince_filter
from django.template.defaultfilters import urlencode as urlencode_filter
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from civicdesk.lib.reversing import number_url
from civicdesk.lib.thumbnails import PREVIEWABLE
from civicdesk.orders import quality
from civicdesk.orders.models import Attachment, WorkOrder
from civicdesk.orders.privacy import text_for

register = template.Library()


def minute(value: datetime | None, *, year: bool = True) -> str:
    """An aware moment in the current time zone as the `date` filter writes "Y-m-d H:i" (or
    "m-d H:i"), without the filter's format parsing (~40 µs a cell, several cells a row)."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    day = f"{local.month:02d}-{local.day:02d} {local.hour:02d}:{local.minute:02d}"
    return f"{local.year:04d}-{day}" if year else day


@register.filter(is_safe=True)
def at_minute(value: datetime | None, form: str = "") -> str:
    """`{{ value|at_minute }}`: as `|date:"Y-m-d H:i"` writes it; `|at_minute:"m-d"`: as
    `|date:"m-d H:i"`. For the cells every row of a list has (see minute)."""
    if form not in ("", "m-d"):
        raise ValueError(f"at_minute writes Y-m-d H:i or m-d H:i, not {form!r}")
    return minute(value, year=form == "")


@register.simple_tag
def deadline_badge(order: WorkOrder) -> SafeString:
    """On time / near due / overdue, in colour and in words, with the deadline (local time) as
    its title. Put together here rather than by a template of its own: a list draws one per
    row, and rendering a template fifty times was a seventh of a search page's CPU."""
    status = order.deadline_status()
    return format_html(
        '<span class="badge badge-deadline-{}" title="{} {}">{}</span>',
        status.value,
        _("办理时限"),
        minute(order.handle_due_at),
        status.label,
    )


@register.simple_tag(takes_context=True)
def order_text(context: template.Context, order: WorkOrder, field: str) -> str:
    """An order's free-text field as the signed-in reader may see it (orders.privacy):
    `{% order_text order "title" as title %}{{ title|truncatechars:40 }}`."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return text_for(user if getattr(user, "is_authenticated", False) else None, order, getattr(order, field, ""))


@register.filter
def is_photo(attachment: Attachment) -> bool:
    """Whether the attachment is a picture shown as a preview (the rest are links)."""
    return attachment.content_type in PREVIEWABLE


@register.filter
def finding_text(finding: dict[str, Any]) -> str:
    """A reply check's finding in the reader's language (civicdesk.orders.quality)."""
    return quality.finding_text(finding)


# The confidence badge is the dispatch model's (civicdesk.routing, above this app): drawn by its
# own tag through the template engine, for the rows that have a model's suggestion only.
WARNING = ' class="table-warning"'


@cache
def _confidence() -> Any:
    return engines["django"].from_string("{% load routing_confidence %}{% confidence_badge confidence version %}")


def _t(message: str) -> str:
    """`{% translate message %}`: the translation, escaped."""
    return str(conditional_escape(_(message)))


def _e(value: Any) -> str:
    """`{{ value }}`: its text, escaped."""
    return str(conditional_escape(value))


@register.simple_tag(takes_context=True)
def pending_row(context: template.Context, row: Any, board_url: str) -> SafeString:
    """One row of the dispatch board's pending list (orders/hub/_pending.html), written out
    here: fifty rows of some thirty template cells each were half the board's CPU (issue #20).
    The HTML is what the row template wrote, byte for byte (compared over every branch, in
    both languages, when it was written)."""
    back: str | None = context.render_context.get("pending_row_back")
    if back is None:
        back = context.render_context["pending_row_back"] = _e(urlencode_filter(board_url))
    o = row.order
    number = _e(o.number)
    checked = row.checked
    suggestion = row.suggestion
    parts: list[str] = [
        f'\n      <tr id="pending-{number}"{WARNING if checked else ""}>\n        <td>\n'
        f'          <input class="form-check-input" type="checkbox" name="selected" value="{number}"'
        f' id="sel-{number}"{" checked" if checked else ""}>\n'
        f'          <input type="hidden" name="version-{number}" value="{_e(o.version)}">\n          ',
        f'<input type="hidden" name="suggested-{number}" value="{_e(suggestion.pk)}">' if suggestion else "",
        f'\n        </td>\n        <td><a href="{_e(number_url("orders:detail", o.number))}">{number}</a></td>\n'
        f'        <td><label for="sel-{number}" class="d-block">{_e(Truncator(o.title).chars(34))}</label>\n          ',
    ]
    parts.extend(f'<span class="badge bg-info text-dark">{_e(topic.name)}</span> ' for topic in o.topics.all())
    parts.append("\n          ")
    if o.state == "received":
        parts.append(f'<span class="badge bg-light text-dark border">{_e(o.get_state_display())}</span>')
    parts.append("\n          ")
    if o.upper_hub_id:
        handed = _("%(hub)s下转") % {"hub": _e(o.upper_hub.name)}
        parts.append(f'<span class="badge bg-primary-subtle text-primary-emphasis border handed-down">{handed}')
        if o.upper_due_at:
            parts.append(f" · {_t('上级时限')} {_e(minute(o.upper_due_at, year=False))}")
        parts.append("</span>")
    parts.append(f"</td>\n        <td>{_e(o.get_request_type_display())}")
    if o.urgency != "normal":
        colour = "bg-danger" if o.urgency == "emergency" else "bg-warning text-dark"
        parts.append(f' <span class="badge {colour}">{_e(o.get_urgency_display())}</span>')
    category = o.category.name if o.category is not None else ""
    area = o.area.name if o.area is not None else ""
    parts.append(
        f'</td>\n        <td class="small">{_e(o.get_channel_display())}</td>\n'
        f'        <td class="small">{_e(category or "—")} / {_e(area or "—")}</td>\n'
        f'        <td class="small" title="{_e(minute(o.created_at))}">{_e(timesince_filter(o.created_at))}</td>\n'
        '        <td class="suggestion">\n          '
    )
    if suggestion:
        parts.append("\n            ")
        if row.suggested_category:
            parts.append(f'<span class="small text-muted d-block">{_e(row.suggested_category.name)} →</span>')
        note = _e(row.suggestion_note)
        title = note if row.model_version else f"{_t('派单目录')}{_t('：')}{note}"
        parts.append(f'\n            <span title="{title}">{_e(suggestion.name)}</span>\n            ')
        if row.model_version:
            parts.append(_confidence().render({"confidence": row.confidence, "version": row.model_version}))
        parts.append("\n            ")
        if row.candidates:
            names = _t("、").join(
                f'<span title="{_e(floatformat(p, 2))}">{_e(unit.name)}</span>' for unit, p in row.candidates
            )
            parts.append(
                f'<div class="small routing-unsure"><span class="badge bg-secondary">{_t("不确定")}</span>'
                f" {_t('候选')}{_t('：')}{names}</div>"
            )
        label = _("把 %(number)s 派至 %(unit)s") % {"number": number, "unit": _e(suggestion.name)}
        parts.append(
            '\n            <button class="btn btn-sm btn-outline-primary py-0 ms-1" type="submit" name="accept"'
            f' value="{number}"\n                    aria-label="{label}">{_t("派至此单位")}</button>\n          '
        )
        if row.examples:
            links = _t("、").join(
                f'<a href="{_e(number_url("orders:detail", example))}" title="{_e(named)}">{_e(example)}</a>'
                for example, named in row.examples[:2]
            )
            parts.append(f'<div class="small text-muted supporting-orders">{_t("同类已办结")}{_t("：")}{links}</div>')
        parts.append("\n          ")
    else:
        parts.append(f'<span class="text-muted">{_t("目录无建议")}</span>')
    merge = f"{_e(number_url('orders:merge', o.number))}?next={back}"
    parts.append(f'\n        </td>\n        <td class="small text-nowrap"><a href="{merge}">{_t("并单")}</a></td>')
    parts.append("\n      </tr>\n    ")
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)
