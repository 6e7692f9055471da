"""Who is told of a move, written to the outbox inside the move's transaction.

The rules are a table: an action → the audiences that hear of it. The first-contact owner
hears of every move on the orders they took.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from civicdesk.notifications.models import Medium, OutboxMessage
from civicdesk.orders.models import Assignment, AssignmentRole, OrderEvent, WorkOrder
from civicdesk.orders.workflow import label
from civicdesk.org.models import OrgUnit, Role, User

LEAD = "lead_unit"
ASSISTING = "assisting_units"
LEAD_HEADS = "lead_unit_heads"
HUB_DISPATCHERS = "hub_dispatchers"
HUB_CALLBACK = "hub_callback_agents"
HUB_SUPERVISORS = "hub_supervisors"
HUB_LEADERS = "hub_leaders"
CITIZEN = "citizen"
MERGED_CALLERS = "merged_callers"
# The unit whose return was approved: by the time the event is written the order has
# left it (lead_unit is cleared or already the next unit), so LEAD no longer names it.
RETURNED_FROM = "returned_from_unit"

AUDIENCES: dict[str, tuple[str, ...]] = {
    "create": (CITIZEN,),
    "dispatch": (LEAD, ASSISTING),
    "redispatch": (LEAD, ASSISTING),
    "sub_dispatch": (LEAD,),
    "request_return": (HUB_DISPATCHERS,),
    "approve_return": (RETURNED_FROM, LEAD),
    "refuse_return": (LEAD,),
    "request_extension": (HUB_DISPATCHERS,),
    "approve_extension": (LEAD,),
    "refuse_extension": (LEAD,),
    "request_suspension": (HUB_DISPATCHERS,),
    "approve_suspension": (LEAD,),
    "refuse_suspension": (LEAD,),
    "resume": (LEAD,),
    "give_part": (LEAD,),
    "reply": (HUB_DISPATCHERS,),
    "accept_reply": (HUB_CALLBACK, CITIZEN),
    "send_back_reply": (LEAD,),
    "record_callback": (LEAD, MERGED_CALLERS),
    "close_without_callback": (LEAD, MERGED_CALLERS),
    "supervise": (LEAD, LEAD_HEADS),
    "answer": (),
    # The unit still holding a merged order must stop working on it.
    "merge": (LEAD, CITIZEN),
    # New facts from the caller are for whoever is handling the order (none before dispatch).
    "supplement": (LEAD, ASSISTING),
}
# Deadline notices escalate: level 1 near due → the unit; 2 overdue → + its heads;
# 3 → + the hub's supervisors; 4 → + the leaders.
NOTICE_AUDIENCES = {
    1: (LEAD,),
    2: (LEAD, LEAD_HEADS),
    3: (LEAD, LEAD_HEADS, HUB_SUPERVISORS),
    4: (LEAD, LEAD_HEADS, HUB_SUPERVISORS, HUB_LEADERS),
}
# Citizens get an SMS only for these moves, and only if they asked for a reply.
CITIZEN_TEXTS = {
    "create": "您的诉求已受理，工单号 {number}，可凭工单号和手机号后四位查询办理进度。",
    "accept_reply": "您的诉求（工单号 {number}）已办理答复，稍后将有回访，感谢您的支持。",
    "merge": "您反映的问题与已受理的工单 {parent} 为同一事项，已合并办理，办理结果将一并告知。",
    "closed_parent": "您反映的问题（工单号 {number}）已办结：{result}",
}


def _members(units: Iterable[OrgUnit], roles: tuple[str, ...]) -> list[User]:
    unit_ids = [u.pk for u in units]
    if not unit_ids:
        return []
    return list(
        User.objects.filter(memberships__unit_id__in=unit_ids, memberships__role__in=roles, is_active=True).distinct()
    )


def _staff_for(audience: str, order: WorkOrder, event: OrderEvent | None = None) -> list[User]:
    unit_roles = (Role.HANDLER, Role.UNIT_HEAD)
    if audience == RETURNED_FROM:
        unit_id = event.data.get("returned_from") if event is not None else None
        return _members(list(OrgUnit.objects.filter(pk=unit_id)), unit_roles) if unit_id else []
    if audience == LEAD:
        return _members([order.lead_unit] if order.lead_unit else [], unit_roles)
    if audience == LEAD_HEADS:
        if order.lead_unit is None:
            return []
        return _members([order.lead_unit, *order.lead_unit.ancestors()], (Role.UNIT_HEAD,))
    if audience == ASSISTING:
        active = Assignment.objects.filter(order=order, active=True, role=AssignmentRole.ASSIST)
        units = [a.unit for a in active.select_related("unit")]
        return _members(units, unit_roles)
    hub_roles = {
        HUB_DISPATCHERS: (Role.DISPATCHER,),
        HUB_CALLBACK: (Role.CALLBACK_AGENT,),
        HUB_SUPERVISORS: (Role.SUPERVISOR,),
        HUB_LEADERS: (Role.LEADER,),
    }
    if audience in hub_roles:
        return _members([order.hub], hub_roles[audience])
    return []


def _staff_text(order: WorkOrder, event: OrderEvent) -> str:
    text = _("工单 %(number)s「%(title)s」：%(action)s") % {
        "number": order.number, "title": order.title[:30], "action": label(event.action),
    }
    if event.action == "deadline_notice":
        text += _("（%(level)s级，时限 %(due)s）") % {
            "level": event.data.get("level"), "due": event.data.get("due_at", "")[:16].replace("T", " "),
        }
    if event.note:
        text += f" — {event.note[:60]}"
    return text


def queue_for_event(order: WorkOrder, event: OrderEvent) -> list[OutboxMessage]:
    """Write the outbox rows for one event. Called inside the move's transaction."""
    if event.action == "deadline_notice":
        audiences = NOTICE_AUDIENCES.get(int(event.data.get("level", 1)), NOTICE_AUDIENCES[4])
    else:
        audiences = AUDIENCES.get(event.action, ())
    messages: list[OutboxMessage] = []
    recipients: dict[int, User] = {}
    for audience in audiences:
        for user in _staff_for(audience, order, event):
            recipients[user.pk] = user
    # First-contact responsibility: the owner sees every move.
    recipients[order.owner_id] = order.owner
    if event.actor_id is not None:
        recipients.pop(event.actor_id, None)
    text = _staff_text(order, event)
    for user in recipients.values():
        messages.append(
            OutboxMessage(order=order, event=event, medium=Medium.INBOX, user=user, template=event.action, text=text)
        )
    if CITIZEN in audiences and order.citizen_phone and (order.wants_reply or event.action == "create"):
        parent_number = order.parent.number if order.parent else ""
        sms = CITIZEN_TEXTS[event.action].format(number=order.number, parent=parent_number)
        messages.append(
            OutboxMessage(order=order, event=event, medium=Medium.SMS, address=order.citizen_phone,
                          template=f"citizen_{event.action}", text=sms)
        )
    if MERGED_CALLERS in audiences and event.to_state == "closed":
        result = order.reply_text[:60] or order.get_reply_result_display()
        # Same rule as for the order's own caller: only those who asked for a reply.
        for child in order.merged_children.exclude(citizen_phone="").filter(wants_reply=True):
            messages.append(
                OutboxMessage(order=order, event=event, medium=Medium.SMS, address=child.citizen_phone,
                              template="citizen_closed_parent",
                              text=CITIZEN_TEXTS["closed_parent"].format(number=child.number, result=result))
            )
    OutboxMessage.objects.bulk_create(messages)
    return messages
