"""What a message looks like on its medium: an e-mail subject per template, the rating link,
and SMS cut into segments of at most 70 characters (one UCS-2 SMS) without ever losing the
order number.

The outbox row already holds the text (civicdesk.notifications.queue writes it inside the
move's transaction); delivery only dresses it for the medium.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings

from civicdesk.orders.workflow import label

if TYPE_CHECKING:
    from civicdesk.notifications.models import OutboxMessage

SMS_SEGMENT = 70  # characters of one Chinese (UCS-2) SMS
_PUNCTUATION = "，。；：！？、,.;:!? ）)"
# Order numbers are 13 digits (2026120100017); the first long digit run of a text is the one
# its reader knows (a merged caller's own number, not the parent's).
_NUMBER = re.compile(r"\d{10,}")
_URL = re.compile(r"https?://[^\s，。；！？、）)]+")

# E-mail subjects by outbox template. {number} is the order number the text speaks of,
# {parent} the order a request was merged into, {level} a deadline notice's level.
SUBJECTS: dict[str, str] = {
    "citizen_create": "您的诉求已受理（工单号 {number}）",
    "citizen_accept_reply": "您的诉求已办理答复，请评价（工单号 {number}）",
    "citizen_merge": "您的诉求已并入工单 {parent} 合并办理",
    "citizen_closed_parent": "您反映的问题已办结（工单号 {number}）",
    "citizen_voided_parent": "您反映的问题所合并的工单已撤销（工单号 {number}）",
    "create": "新受理工单 {number}",
    "dispatch": "派至本单位的工单 {number}，请及时签收",
    "redispatch": "改派至本单位的工单 {number}，请及时签收",
    "sub_dispatch": "下派至本单位的工单 {number}，请及时签收",
    "reply": "工单 {number} 已答复，待审核",
    "accept_reply": "工单 {number} 答复已审核通过，待回访",
    "send_back_reply": "工单 {number} 答复被退回，请重新办理",
    "record_callback": "工单 {number} 已回访",
    "merge": "工单 {number} 已并单，请停止办理",
    "supervise": "工单 {number} 督办通知",
    "supplement": "工单 {number} 有群众补充信息",
}
_DEADLINE_NEAR = "工单 {number} 即将到期（{level}级预警）"
_DEADLINE_OVERDUE = "工单 {number} 已超期（{level}级督办）"
_FALLBACK = "12345热线通知：工单 {number} {action}"


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    number: str


def number_in(text: str, default: str) -> str:
    found = _NUMBER.search(text)
    return found.group(0) if found else default


def subject_for(template: str, *, number: str, parent: str = "", level: object = None) -> str:
    if template == "deadline_notice":
        pattern = _DEADLINE_NEAR if str(level or "1") == "1" else _DEADLINE_OVERDUE
        return pattern.format(number=number, level=level or 1)
    if template not in SUBJECTS:
        return _FALLBACK.format(number=number, action=label(template.removeprefix("citizen_")))
    return SUBJECTS[template].format(number=number, parent=parent or number)


def rating_link(number: str) -> str:
    url = str(settings.CIVICDESK_RATING_URL)
    return url.replace("{number}", number) if url else ""


def render(message: OutboxMessage) -> Rendered:
    order = message.order
    if order is None:  # not about an order (a licence reminder): it carries its own subject
        return Rendered(message.subject or message.text[:60], message.text, "")
    number = number_in(message.text, order.number)
    parent = order.parent.number if order.parent_id and order.parent else ""
    event = message.event
    level = event.data.get("level") if event is not None and message.template == "deadline_notice" else None
    body = message.text
    if message.template == "citizen_accept_reply":
        link = rating_link(number)
        if link:
            body += f"评价：{link}"
    return Rendered(subject_for(message.template, number=number, parent=parent, level=level), body, number)


def trim(text: str, limit: int, number: str) -> str:
    """At most `limit` characters, ending in … when cut; the order number always survives."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1] + "…"
    if number and number in text and number not in cut:
        suffix = f"…（工单号 {number}）"
        cut = text[: max(0, limit - len(suffix))] + suffix
    return cut[:limit] if len(cut) > limit else cut


def _chunks(text: str, size: int) -> list[str]:
    chunks: list[str] = []
    while len(text) > size:
        window = text[:size]
        # Break after punctuation near the end of the window, else hard at the limit —
        # but never inside a long digit run (the order number, a phone number).
        cut = max((window.rfind(p) + 1 for p in _PUNCTUATION), default=0)
        if cut < size * 2 // 3:
            cut = size
            while cut > size // 2 and text[cut - 1].isdigit() and text[cut].isdigit():
                cut -= 1
        # A link cut in two opens nothing: start the segment with it instead.
        for link in _URL.finditer(text):
            if link.start() < cut < link.end() and link.start() > 0:
                cut = link.start()
                break
        chunks.append(text[:cut])
        text = text[cut:]
    if text:
        chunks.append(text)
    return chunks


def sms_parts(text: str, number: str, max_segments: int | None = None) -> list[str]:
    """The SMS as one or more segments of at most 70 characters each.

    One segment is sent as is. Longer texts are split at punctuation into parts marked
    "(1/2)"; beyond `max_segments` parts the text is trimmed first, keeping the number.
    """
    limit = int(max_segments if max_segments is not None else settings.CIVICDESK_SMS_MAX_SEGMENTS)
    if len(text) <= SMS_SEGMENT:
        return [text]
    if limit <= 1:
        return [trim(text, SMS_SEGMENT, number)]
    body = SMS_SEGMENT - len(f"({limit}/{limit})")
    text = trim(text, body * limit, number)
    chunks = _chunks(text, body)
    if len(chunks) > limit:  # punctuation breaks used more room than a hard split would
        chunks = _chunks(trim(text, body * limit - body // 3, number), body)[:limit]
    return [f"({i}/{len(chunks)}){chunk}" for i, chunk in enumerate(chunks, start=1)]
