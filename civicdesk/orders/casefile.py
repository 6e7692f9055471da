"""The order's file as the unit handling it needs it (办理卷宗), read from its events.

Everything here is in the history already, but scattered over a long timeline: what the
hub asked for when it dispatched (派单意见, and on a re-dispatch or a passing-down, the
later instructions), what the citizen added since (补充, with their photos), the unit's
earlier returns with their reasons and what the hub decided, and replies the hub sent back.
The reply page, the order page and the inbox show it from here, each note as the reader
may see it (orders.privacy: a confidential caller's number or name is masked).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _

from civicdesk.lib.thumbnails import PREVIEWABLE
from civicdesk.orders.models import Attachment, OrderEvent, WorkOrder
from civicdesk.orders.privacy import text_for
from civicdesk.orders.workflow import label
from civicdesk.org.models import User

# The moves that hand the order to a unit, with what the hub (or the unit above) asked.
_INSTRUCTIONS = ("dispatch", "redispatch", "sub_dispatch")
_RETURN_OUTCOMES = ("approve_return", "refuse_return")


@dataclass(frozen=True)
class Note:
    at: datetime
    who: str
    what: str
    text: str
    files: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class ReturnRecord:
    at: datetime
    who: str
    reason: str
    legal_basis: str
    # The hub's decision: "" while it is pending.
    outcome: str = ""
    outcome_note: str = ""
    outcome_at: datetime | None = None


@dataclass
class CaseFile:
    instructions: list[Note] = field(default_factory=list)
    supplements: list[Note] = field(default_factory=list)
    returns: list[ReturnRecord] = field(default_factory=list)
    sent_back: list[Note] = field(default_factory=list)
    # Files that came with the order itself (the intake's photos).
    original_files: list[Attachment] = field(default_factory=list)
    # Files a unit sent with its reply, and any others (so that no file goes unshown).
    reply_files: list[Attachment] = field(default_factory=list)
    other_files: list[Attachment] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing to show beyond the order's own text and files."""
        return not (self.instructions or self.supplements or self.returns or self.sent_back)


def _who(event: OrderEvent) -> str:
    if event.actor is None and event.acting_unit is None:
        return _("群众") if event.action == "supplement" else _("系统")
    person = str(event.actor) if event.actor is not None else ""
    unit = event.acting_unit.name if event.acting_unit is not None else ""
    return f"{unit} {person}".strip()


def case_file(
    user: User,
    order: WorkOrder,
    *,
    events: Iterable[OrderEvent] | None = None,
    attachments: Iterable[Attachment] | None = None,
) -> CaseFile:
    """`events` (with actor and acting unit, by seq) and `attachments` (by upload): the order's,
    where the page has read them already."""
    if events is None:
        events = OrderEvent.objects.filter(order=order).select_related("actor", "acting_unit").order_by("seq")
    told = [e for e in events if e.action not in ("deadline_notice", "follow_calendar")]
    if attachments is None:
        attachments = Attachment.objects.filter(order=order).order_by("uploaded_at", "pk")
    files: dict[int | None, list[Attachment]] = defaultdict(list)
    for attachment in attachments:
        files[attachment.event_id].append(attachment)
    created = next((e for e in told if e.action == "create"), None)
    result = CaseFile(original_files=files.get(created.pk if created else None, []) + files.get(None, []))
    shown = {created.pk if created else None, None}
    for event in told:
        if event.action == "supplement":
            shown.add(event.pk)
        elif event.action == "reply":
            result.reply_files += files.get(event.pk, [])
            shown.add(event.pk)
    result.other_files = [a for event_id, found in files.items() if event_id not in shown for a in found]
    for event in told:
        note = text_for(user, order, event.note)
        if event.action in _INSTRUCTIONS and note:
            result.instructions.append(Note(event.at, _who(event), label(event.action), note))
        elif event.action == "supplement":
            result.supplements.append(Note(event.at, _who(event), label(event.action), note, tuple(files[event.pk])))
        elif event.action == "request_return":
            basis = text_for(user, order, str(event.data.get("legal_basis") or ""))
            result.returns.append(ReturnRecord(event.at, _who(event), note, basis))
        elif event.action in _RETURN_OUTCOMES and result.returns and not result.returns[-1].outcome:
            last = result.returns[-1]
            outcome = _("同意退单") if event.action == "approve_return" else _("不同意退单，继续办理")
            result.returns[-1] = ReturnRecord(last.at, last.who, last.reason, last.legal_basis, outcome, note, event.at)
        elif event.action == "send_back_reply":
            result.sent_back.append(Note(event.at, _who(event), label(event.action), note))
    return result


def photos_by_order(orders: Iterable[WorkOrder], per_order: int = 4) -> dict[int, tuple[list[Attachment], int]]:
    """Up to `per_order` photos of each order, and how many it has in all (one query)."""
    found: dict[int, list[Attachment]] = defaultdict(list)
    ids = [o.pk for o in orders]
    for attachment in Attachment.objects.filter(order_id__in=ids, content_type__in=sorted(PREVIEWABLE)).order_by(
        "order_id", "uploaded_at", "pk"
    ):
        found[attachment.order_id].append(attachment)
    return {order_id: (photos[:per_order], len(photos)) for order_id, photos in found.items()}
