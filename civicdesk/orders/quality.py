"""The reply checks (civicdesk.text.replycheck) applied to an order's reply: what the
request was, where, by when, and which phrases the center bans. Run by the reply move, whose
event keeps the result for the reviewer and the statistics."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from civicdesk.catalogue.phrases import reply_phrases
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.store import Store
from civicdesk.text.replycheck import ReplyQuality, check_reply
from civicdesk.worktime.limits import work_calendar


def assess(order: WorkOrder, *, result: str, text: str, at: datetime, store: Store) -> ReplyQuality:
    """The checks of a reply `order`'s lead unit gives at `at`."""
    late_days = None
    if order.handle_due_at is not None and at > order.handle_due_at:
        calendar = work_calendar()
        late_days = calendar.working_minutes_between(order.handle_due_at, at) / calendar.minutes_per_day
    place = " ".join(p for p in (order.address, order.area.name if order.area_id and order.area else "") if p)
    return check_reply(
        request=f"{order.title} {order.content}",
        reply=text,
        result=result,
        place=place,
        # One read of the administrators' list per move; the demo's history asks once.
        phrases=store.memo(("reply_phrases", order._state.db), lambda: reply_phrases(order._state.db)),
        replied_at=at,
        due_at=order.handle_due_at,
        late_days=late_days,
    )


def reply_quality(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """The checks kept with a reply event, or None for replies made before they existed."""
    if not data:
        return None
    quality = data.get("quality")
    return quality if isinstance(quality, dict) else None


# The findings' sentences (civicdesk.text.replycheck.REASONS) in the reader's language, by code.
FINDING_TEXTS = {
    "no_overlap": _("答复与诉求几乎没有共同的内容（共有词语不足 6%），可能答非所问。"),
    "place_missing": _("答复没有提到诉求所说的地点（%(places)s）。"),
    "parts_missing": _("答复缺少：%(parts)s。"),
    "banned": _("答复含有不文明用语：“%(phrases)s”。"),
    "evasive": _("答复含有推诿、敷衍的说法：“%(phrases)s”。"),
    "solved_but_later": _("标为“已解决”，答复却说“%(quote)s”：事情还没有办完。"),
    "unsolved_but_solved": _("标为“未解决”，答复却说“%(quote)s”。"),
    "late_days": _("超过办理时限 %(days)s 个工作日答复。"),
    "late": _("超过办理时限答复。"),
}
PART_TEXTS = {
    "done": pgettext_lazy("reply part", "做了什么"),
    "basis": pgettext_lazy("reply part", "依据"),
    "result": pgettext_lazy("reply part", "结果"),
    "contact": pgettext_lazy("reply part", "联系方式"),
}


def finding_text(finding: dict[str, Any]) -> str:
    """One kept finding in the reader's language. Replies checked before the findings were
    kept as codes carry their sentence in Chinese ("reason"): shown as it was written."""
    template = FINDING_TEXTS.get(str(finding.get("code", "")))
    if template is None:
        return str(finding.get("reason", ""))
    values: dict[str, str] = {}
    for key, value in (finding.get("params") or {}).items():
        if isinstance(value, list):
            items = [str(PART_TEXTS.get(x, x)) for x in value] if key == "parts" else [str(x) for x in value]
            values[key] = ("”“" if key == "phrases" else gettext("、")).join(items)
        else:
            values[key] = str(value)
    text = str(template)
    # The one sentence without parameters that holds a literal per cent sign.
    return text % values if values else text
