from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.db import models
from django.template.defaultfilters import floatformat, timesince_filter
from django.template.defaultfilters import urlencode as urlencode_filter
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from civicdesk.lib.markup import escaped
from civicdesk.lib.reversing import number_url
from civicdesk.lib.thumbnails import PREVIEWABLE
from civicdesk.orders import quality
from civicdesk.orders.models import Attachment, WorkOrder
from civicdesk.orders.privacy import text_for
from civicdesk.orders.suggesting import confidence_badge

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


WARNING = ' class="table-warning"'
# The words every pending row says, translated once per page (_row_words).
_ROW_WORDS = ("上级时限", "派单目录", "：", "不确定", "候选", "、", "派至此单位", "同类已办结", "目录无建议", "并单")
_ROW_CHOICES = ("state", "request_type", "urgency", "channel")


def _t(message: str) -> str:
    """`{% translate message %}`: the translation, escaped."""
    return str(conditional_escape(_(message)))


def _e(value: Any) -> str:
    """`{{ value }}`: its text, escaped (lib.markup)."""
    return escaped(value)


def _row_words(context: template.Context) -> dict[str, str]:
    """What every row of the page says the same way, in the reader's language and escaped, worked
    out for the first row and kept for the others (in the render's own context, so the next
    page, perhaps in another language, works them out afresh): the fixed words, the labels of
    the order's choices ("state:received"), and the two sentences with a blank. Fifty rows asked
    for them some twenty times each (issue #20)."""
    words: dict[str, str] | None = context.render_context.get("pending_row_words")
    if words is None:
        words = {message: _t(message) for message in _ROW_WORDS}
        for name in _ROW_CHOICES:
            field = WorkOrder._meta.get_field(name)
            assert isinstance(field, models.Field)  # a column of the order's own
            for value, label in field.flatchoices:
                words[f"{name}:{value}"] = _e(label)
        words["handed"] = _("%(hub)s下转")
        words["accept"] = _("把 %(number)s 派至 %(unit)s")
        context.render_context["pending_row_words"] = words
    return words


def _choice(words: dict[str, str], order: WorkOrder, name: str) -> str:
    """`{{ order.get_<name>_display }}` from the page's words (a value no longer among the
    choices shows as itself, as get_<name>_display shows it)."""
    value = getattr(order, name)
    return words.get(f"{name}:{value}") or _e(value)


@register.simple_tag(takes_context=True)
def pending_row(context: template.Context, row: Any, board_url: str) -> SafeString:
    """One row of the dispatch board's pending list (orders/hub/_pending.html), written out
    here: fifty rows of some thirty template cells each were half the board's CPU (issue #20).
    The HTML is what the row template wrote, byte for byte (compared over every branch, in
    both languages, when it was written)."""
    back: str | None = context.render_context.get("pending_row_back")
    if back is None:
        back = context.render_context["pending_row_back"] = _e(urlencode_filter(board_url))
    words = _row_words(context)
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
        parts.append(f'<span class="badge bg-light text-dark border">{_choice(words, o, "state")}</span>')
    parts.append("\n          ")
    if o.upper_hub_id:
        handed = words["handed"] % {"hub": _e(o.upper_hub.name)}
        parts.append(f'<span class="badge bg-primary-subtle text-primary-emphasis border handed-down">{handed}')
        if o.upper_due_at:
            parts.append(f" · {words['上级时限']} {_e(minute(o.upper_due_at, year=False))}")
        parts.append("</span>")
    parts.append(f"</td>\n        <td>{_choice(words, o, 'request_type')}")
    if o.urgency != "normal":
        colour = "bg-danger" if o.urgency == "emergency" else "bg-warning text-dark"
        parts.append(f' <span class="badge {colour}">{_choice(words, o, "urgency")}</span>')
    category = o.category.name if o.category is not None else ""
    area = o.area.name if o.area is not None else ""
    parts.append(
        f'</td>\n        <td class="small">{_choice(words, o, "channel")}</td>\n'
        f'        <td class="small">{_e(category or "—")} / {_e(area or "—")}</td>\n'
        f'        <td class="small" title="{_e(minute(o.created_at))}">{_e(timesince_filter(o.created_at))}</td>\n'
        '        <td class="suggestion">\n          '
    )
    if suggestion:
        parts.append("\n            ")
        if row.suggested_category:
            parts.append(f'<span class="small text-muted d-block">{_e(row.suggested_category.name)} →</span>')
        note = _e(row.suggestion_note)
        title = note if row.model_version else f"{words['派单目录']}{words['：']}{note}"
        parts.append(f'\n            <span title="{title}">{_e(suggestion.name)}</span>\n            ')
        if row.model_version:
            parts.append(confidence_badge(row.confidence, row.model_version))
        parts.append("\n            ")
        if row.candidates:
            names = words["、"].join(
                f'<span title="{_e(floatformat(p, 2))}">{_e(unit.name)}</span>' for unit, p in row.candidates
            )
            parts.append(
                f'<div class="small routing-unsure"><span class="badge bg-secondary">{words["不确定"]}</span>'
                f" {words['候选']}{words['：']}{names}</div>"
            )
        label = words["accept"] % {"number": number, "unit": _e(suggestion.name)}
        parts.append(
            '\n            <button class="btn btn-sm btn-outline-primary py-0 ms-1" type="submit" name="accept"'
            f' value="{number}"\n                    aria-label="{label}">{words["派至此单位"]}</button>\n          '
        )
        if row.examples:
            links = words["、"].join(
                f'<a href="{_e(number_url("orders:detail", example))}" title="{_e(named)}">{_e(example)}</a>'
                for example, named in row.examples[:2]
            )
            parts.append(
                f'<div class="small text-muted supporting-orders">{words["同类已办结"]}{words["："]}{links}</div>'
            )
        parts.append("\n          ")
    else:
        parts.append(f'<span class="text-muted">{words["目录无建议"]}</span>')
    merge = f"{_e(number_url('orders:merge', o.number))}?next={back}"
    parts.append(f'\n        </td>\n        <td class="small text-nowrap"><a href="{merge}">{words["并单"]}</a></td>')
    parts.append("\n      </tr>\n    ")
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)
