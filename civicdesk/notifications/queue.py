"""Who is told of a move, written to the outbox inside the move's transaction.

The rules are a table: an action → the audiences that hear of it. The first-contact owner
hears of every move on the orders they took.

The outbox is a reaction to "a move was recorded" (civicdesk.orders.reactions), subscribed
in NotificationsConfig.ready(). What other apps add to the rules they register here from
their own ready(), so this module imports none of them: the portal the link a citizen's SMS
carries (register_citizen_link), enterprises who its liaison officers are
(register_liaison_lookup).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.lib.masking import scrub_text
from civicdesk.notifications.models import Medium, OutboxMessage
from civicdesk.notifications.tasks import deliver_on_commit
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.permissions import desk_hub, objection_reviewer_roles
from civicdesk.orders.store import RecordedEvent, Store
from civicdesk.orders.workflow import Side, State, label
from civicdesk.org.models import Membership, OrgUnit, Role, User
from civicdesk.worktime.duty import in_office_hours, on_duty_in, shifts_around
from civicdesk.worktime.limits import ROUND_THE_CLOCK_URGENCIES

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
# The unit the hub took a re-dispatched order away from: it must stop working on it.
REDISPATCHED_FROM = "redispatched_from_unit"
# The units the event names in its "units": those a voided or withdrawn order was taken
# from (it has left them, so LEAD and ASSISTING no longer name them, yet they must stop
# working on it); those convened to a consultation, and told its decision.
EVENT_UNITS = "event_units"
# The units a consultation took the order from (the event's "held_by").
HELD_BY = "held_by_units"
# Who rules on objections to refused returns at the order's hub (settings.CIVICDESK_OBJECTION_REVIEWERS).
OBJECTION_REVIEWERS = "objection_reviewers"
# The leaders (instructions) or supervisors (notices) of the hub that started the procedure,
# which the event names in its "by_hub": a prefecture's on a county's order hears how it went.
ISSUING_LEADERS = "issuing_hub_leaders"
ISSUING_SUPERVISORS = "issuing_hub_supervisors"
# Liaison officers (驻企员) stationed at the order's enterprise hear of every move on it.
ENTERPRISE_LIAISONS = "enterprise_liaisons"
# On a non-working day, the people on duty (civicdesk.worktime.duty) at the hub and at the
# unit an order goes to hear of its arrival (周末不打烊).
ON_DUTY = "on_duty_staff"
# The hub's dispatchers, only while no unit holds the order (a 催办 before dispatch).
HUB_WHILE_UNDISPATCHED = "hub_dispatchers_while_undispatched"

# The moves by which an order reaches a unit.
ARRIVALS = frozenset({"dispatch", "redispatch", "sub_dispatch"})

AUDIENCES: dict[str, tuple[str, ...]] = {
    "create": (CITIZEN, ON_DUTY),
    "dispatch": (LEAD, ASSISTING, ON_DUTY),
    "redispatch": (REDISPATCHED_FROM, LEAD, ASSISTING, ON_DUTY),
    # The unit an auto-dispatch was taken back from must leave the order (civicdesk.routing).
    "undo_auto_dispatch": (REDISPATCHED_FROM,),
    "sub_dispatch": (LEAD, ON_DUTY),
    # Handed down: the order is now in the lower hub's queue (order.hub), its dispatchers hear of it.
    "hand_down": (REDISPATCHED_FROM, HUB_DISPATCHERS, ON_DUTY),
    # A hand-back waits at the upper hub (desk_hub): its dispatchers decide.
    "return_to_upper": (HUB_DISPATCHERS,),
    "request_return": (HUB_DISPATCHERS,),
    "approve_return": (RETURNED_FROM, LEAD),
    "refuse_return": (LEAD,),
    "request_extension": (HUB_DISPATCHERS,),
    "object_to_refusal": (OBJECTION_REVIEWERS, HUB_DISPATCHERS),
    "uphold_objection": (RETURNED_FROM, LEAD, HUB_DISPATCHERS),
    "reject_objection": (LEAD, LEAD_HEADS, HUB_DISPATCHERS),
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
    "instruct": (LEAD, LEAD_HEADS, HUB_SUPERVISORS),
    "acknowledge_instruction": (HUB_LEADERS, ISSUING_LEADERS),
    "escalate_instruction": (LEAD, LEAD_HEADS, HUB_SUPERVISORS, HUB_LEADERS, ISSUING_LEADERS),
    "issue_notice": (LEAD, LEAD_HEADS),
    "answer_notice": (HUB_SUPERVISORS, ISSUING_SUPERVISORS),
    "escalate_notice": (LEAD, LEAD_HEADS, HUB_SUPERVISORS, HUB_LEADERS, ISSUING_SUPERVISORS),
    "answer": (),
    # The unit still holding a merged order must stop working on it.
    "merge": (LEAD, CITIZEN),
    "void": (EVENT_UNITS,),
    "withdraw": (EVENT_UNITS, HUB_DISPATCHERS, CITIZEN),
    "mark_difficult": (HUB_SUPERVISORS,),
    "convene_consultation": (EVENT_UNITS, HELD_BY),
    "give_view": (HUB_DISPATCHERS,),
    # The one convened unit whose view falls due soon (the event names it in "units").
    "remind_view": (EVENT_UNITS,),
    "decide_consultation": (LEAD, ASSISTING, EVENT_UNITS, ON_DUTY),
    # New facts from the caller are for whoever is handling the order (none before dispatch).
    "supplement": (LEAD, ASSISTING),
    # 补正: the lead department hears that a part waits for material; the part's unit, that it came.
    "request_material": (LEAD,),
    "supply_material": (ASSISTING,),
    # 催办: the unit holding the order; before dispatch, the hub that still has it.
    "urge": (LEAD, HUB_WHILE_UNDISPATCHED),
}
# A 催办 that raised the order's supervision level also reaches those who supervise.
URGE_SUPERVISED = (LEAD_HEADS, HUB_SUPERVISORS)
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
    "withdraw": "您的诉求（工单号 {number}）已按您的要求撤销。如有新情况，欢迎再次来电或网上提交。",
    "closed_parent": "您反映的问题（工单号 {number}）已办结：{result}",
    "transferred_parent": "您反映的问题（工单号 {number}）已转交其他途径办理：{result}",
    # The order a caller's request was merged into was voided by the hub (or withdrawn by its
    # own caller): their request is no longer being handled, and they must know to call again.
    "voided_parent": "您反映的问题（工单号 {number}）所合并办理的工单已撤销，如问题仍存在，请再次来电或网上提交。",
    # accept_reply when CIVICDESK_PUBLIC_URL is set: the portal's login-free rating link.
    "accept_reply_rating": "您的诉求（工单号 {number}）已办理答复，请点击链接评价（{days}天内有效）：{url}",
}


# Links a citizen's SMS may carry, by action: (order number, seq of the event) → the URL,
# or "" when there is none to give. The portal registers its rating link for accept_reply.
CitizenLink = Callable[[str, int], str]
_citizen_links: dict[str, CitizenLink] = {}
# enterprise ids, day → enterprise id → the liaison officers stationed there that day.
LiaisonLookup = Callable[[Iterable[int], date], dict[int, set[int]]]
_liaison_lookup: list[LiaisonLookup] = []


def register_citizen_link(action: str, url_for: CitizenLink) -> None:
    """The citizen's SMS for `action` carries the link `url_for` gives (when it gives one),
    with the text CITIZEN_TEXTS[f"{action}_rating"]."""
    _citizen_links[action] = url_for


def register_liaison_lookup(lookup: LiaisonLookup) -> None:
    """Who the ENTERPRISE_LIAISONS audience names; without a lookup it names nobody."""
    _liaison_lookup[:] = [lookup]


def citizen_link(action: str, order: WorkOrder) -> str:
    url_for = _citizen_links.get(action)
    # The event being queued is the order's latest: its seq is the event count.
    return url_for(order.number, order.event_count) if url_for is not None else ""


@dataclass(frozen=True)
class Planned:
    """One outbox row before it is written: an inbox message to a user, or an SMS."""

    medium: str
    user_id: int | None
    address: str
    template: str
    text: str


class Directory:
    """Who is who, as the rules need it, asked of the store the move is made in
    (civicdesk.orders.store): a live move and one made while the demo's history loads get
    the same answers, the latter remembered between moves (Store.memo)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def members(self, unit_ids: Iterable[int], roles: tuple[str, ...]) -> set[int]:
        ids = tuple(sorted({u for u in unit_ids if u}))
        if not ids:
            return set()
        return self.store.memo(
            ("members", ids, roles),
            lambda: set(
                Membership.objects.filter(
                    unit_id__in=ids, role__in=roles, user__is_active=True, user__is_service=False
                ).values_list("user_id", flat=True)
            ),
        )

    def assisting_unit_ids(self, order: WorkOrder) -> list[int]:
        return [unit.pk for unit in self.store.assisting_units(order)]

    def merged_callers(self, order: WorkOrder) -> list[tuple[str, str]]:
        """(order number, phone) of merged children whose callers asked for a reply (the
        same rule as for the order's own caller)."""
        return [
            (child.number, child.citizen_phone)
            for child in self.store.merged_children(order)
            if child.citizen_phone and child.wants_reply
        ]

    def liaisons(self, enterprise_id: int, day: date) -> set[int]:
        """Liaison officers stationed at the enterprise on that day."""
        if not _liaison_lookup:
            return set()
        lookup = _liaison_lookup[0]
        return self.store.memo(
            ("liaisons", enterprise_id, day), lambda: lookup([enterprise_id], day).get(enterprise_id, set())
        )

    def emails(self, user_ids: Iterable[int]) -> dict[int, str]:
        """The e-mail address of each of these staff members that has one."""
        ids = tuple(user_ids)
        if not ids:
            return {}
        return self.store.memo(
            ("emails", ids),
            lambda: dict(User.objects.filter(pk__in=ids, is_active=True).exclude(email="").values_list("pk", "email")),
        )

    def on_duty(self, unit_ids: Iterable[int], moment: datetime) -> set[int]:
        """People on duty for those units at that moment (day-off roster or seat shift)."""
        ids = tuple(unit_ids)
        day = timezone.localdate(moment)
        return on_duty_in(self.store.memo(("on_duty", ids, day), lambda: shifts_around(ids, day)), moment)


_UNIT_ROLES = (Role.HANDLER, Role.UNIT_HEAD)
_HUB_ROLES = {
    HUB_DISPATCHERS: (Role.DISPATCHER,),
    HUB_CALLBACK: (Role.CALLBACK_AGENT,),
    HUB_SUPERVISORS: (Role.SUPERVISOR,),
    HUB_LEADERS: (Role.LEADER,),
}


def _path_ids(unit: OrgUnit) -> list[int]:
    return [int(p) for p in unit.path.strip("/").split("/") if p]


def _staff_ids(audience: str, order: WorkOrder, data: dict[str, Any], directory: Directory) -> set[int]:
    lead = order.lead_unit
    if audience == RETURNED_FROM and data.get("returned_from_hub"):
        # The upper hub took a hand-back: the lower hub's dispatchers are told it left them.
        return directory.members([data["returned_from_hub"]], (Role.DISPATCHER,))
    if audience in (RETURNED_FROM, REDISPATCHED_FROM):
        key = "returned_from" if audience == RETURNED_FROM else "redispatched_from"
        unit_id = data.get(key, data.get("previous_lead"))
        return directory.members([unit_id], _UNIT_ROLES) if unit_id else set()
    if audience in (EVENT_UNITS, HELD_BY):
        named = data.get("units" if audience == EVENT_UNITS else "held_by") or []
        return directory.members(named, _UNIT_ROLES)
    if audience == LEAD:
        return directory.members([lead.pk], _UNIT_ROLES) if lead else set()
    if audience == LEAD_HEADS:
        return directory.members(_path_ids(lead), (Role.UNIT_HEAD,)) if lead else set()
    if audience == ASSISTING:
        return directory.members(directory.assisting_unit_ids(order), _UNIT_ROLES)
    if audience == HUB_WHILE_UNDISPATCHED:
        return directory.members([order.hub_id], (Role.DISPATCHER,)) if lead is None else set()
    if audience in (HUB_DISPATCHERS, HUB_CALLBACK):
        # Whose desk it is (a decision waiting at the upper hub, the pair's callback side).
        side = Side.HUB if audience == HUB_DISPATCHERS else Side.CALLBACK
        return directory.members([desk_hub(order, side, "approve_return").pk], _HUB_ROLES[audience])
    if audience in (ISSUING_LEADERS, ISSUING_SUPERVISORS):
        role = Role.LEADER if audience == ISSUING_LEADERS else Role.SUPERVISOR
        return directory.members([data["by_hub"]], (role,)) if data.get("by_hub") else set()
    if audience == OBJECTION_REVIEWERS:
        return directory.members([order.hub_id], objection_reviewer_roles())
    if audience in _HUB_ROLES:
        return directory.members([order.hub_id], _HUB_ROLES[audience])
    if audience == ENTERPRISE_LIAISONS:
        return directory.liaisons(order.enterprise_id, _day(order)) if order.enterprise_id else set()
    if audience == ON_DUTY:
        moment = order.updated_at  # the move's moment: actions set updated_at to it
        if in_office_hours(moment):
            return set()
        return directory.on_duty([order.hub_id, *([lead.pk] if lead else [])], moment)
    return set()


def _local(moment: str) -> str:
    """An ISO moment from an event's data in the center's time, to the minute."""
    return timezone.localtime(datetime.fromisoformat(moment)).strftime("%Y-%m-%d %H:%M")


def _day(order: WorkOrder) -> date:
    # The move's moment: actions set updated_at to it before queueing.
    return timezone.localdate(order.updated_at)


def staff_text(order: WorkOrder, action: str, note: str, data: dict[str, Any]) -> str:
    if order.confidential:
        # The same words go to the units, who may not know a confidential caller: a number
        # or the name written into the title or the note is masked (orders.privacy).
        note = scrub_text(note, name=order.citizen_name)
    title = scrub_text(order.title, name=order.citizen_name) if order.confidential else order.title
    text = _("工单 %(number)s「%(title)s」：%(action)s") % {
        "number": order.number,
        "title": title[:30],
        "action": label(action),
    }
    if action == "deadline_notice":
        text += _("（%(level)s级，时限 %(due)s）") % {
            "level": data.get("level"),
            "due": str(data.get("due_at", ""))[:16].replace("T", " "),
        }
    if action == "urge":
        text += _("（第%(count)s次）") % {"count": data.get("count")}
        if data.get("supervision_level"):
            text += _("，已升为%(level)s级督办") % {"level": data.get("supervision_level")}
    if action == "convene_consultation" and data.get("due_at"):
        text += _("（请于 %(due)s 前提交会商意见）") % {"due": _local(str(data["due_at"]))}
    if action == "instruct" and data.get("due_at"):
        text += _("（请于 %(due)s 前签收，答复时须说明落实情况）") % {"due": _local(str(data["due_at"]))}
    if action in ("issue_notice", "answer_notice", "escalate_notice") and data.get("number"):
        text += f" {data['number']}"
    if action == "issue_notice" and data.get("due_at"):
        text += _("（请于 %(due)s 前书面答复）") % {"due": _local(str(data["due_at"]))}
    if action == "escalate_notice" and data.get("due_at"):
        text += _("（答复时限 %(due)s 已过）") % {"due": _local(str(data["due_at"]))}
    if action == "escalate_instruction" and data.get("due_at"):
        text += _("（签收时限 %(due)s 已过）") % {"due": _local(str(data["due_at"]))}
    if action == "remind_view" and data.get("due_at"):
        text += _("（会商意见请于 %(due)s 前提交）") % {"due": _local(str(data["due_at"]))}
    if action == "give_view" and data.get("all_views_in"):
        text += _("（会商意见已全部提交，可以作出决定）")
    if action == "give_part" and data.get("all_parts_in"):
        # The last part of a joint order: the lead unit can now reply.
        text += _("（协办意见已全部提交，可以答复）")
    if action in ARRIVALS and order.urgency in ROUND_THE_CLOCK_URGENCIES and order.sign_due_at is not None:
        # 7×24 duty: the person on duty must know at once that this cannot wait for Monday.
        text += _("（%(urgency)s，请于 %(due)s 前签收）") % {
            "urgency": order.get_urgency_display(),
            "due": timezone.localtime(order.sign_due_at).strftime("%m-%d %H:%M"),
        }
    if note:
        text += f" — {note[:60]}"
    return text


def duty_gap_warning(order: WorkOrder, action: str, directory: Directory) -> list[Planned]:
    """7×24 duty: an urgent or emergency order that reaches a unit outside office hours (a day
    off, or a weeknight) when no one there is on duty would sit unread until the next working
    morning. The hub's dispatchers on duty (else whoever is on duty at the hub, such as the
    night shift's operators) are warned to phone the unit."""
    lead = order.lead_unit
    if action not in ARRIVALS or order.urgency not in ROUND_THE_CLOCK_URGENCIES or lead is None:
        return []
    moment = order.updated_at
    if in_office_hours(moment) or directory.on_duty([lead.pk], moment):
        return []
    hub_on_duty = directory.on_duty([order.hub_id], moment)
    dispatchers = hub_on_duty & directory.members([order.hub_id], (Role.DISPATCHER,))
    due = timezone.localtime(order.sign_due_at).strftime("%m-%d %H:%M") if order.sign_due_at else ""
    text = _(
        "值班提醒：%(urgency)s工单 %(number)s 已派至 %(unit)s，该单位今日无人值班，"
        "请电话联系该单位，确保于 %(due)s 前签收。"
    ) % {"urgency": order.get_urgency_display(), "number": order.number, "unit": lead.name, "due": due}
    return [
        Planned(Medium.INBOX, user_id, "", "duty_gap_urgent", text) for user_id in sorted(dispatchers or hub_on_duty)
    ]


def plan(
    order: WorkOrder,
    *,
    action: str,
    actor_id: int | None,
    to_state: str,
    note: str,
    data: dict[str, Any],
    directory: Directory,
) -> list[Planned]:
    """The messages one event sends, by the rules above."""
    if action == "deadline_notice":
        audiences = NOTICE_AUDIENCES.get(int(data.get("level", 1)), NOTICE_AUDIENCES[4])
    else:
        audiences = AUDIENCES.get(action, ())
    if action == "urge" and data.get("supervision_level"):
        audiences = (*audiences, *URGE_SUPERVISED)
    audiences = (*audiences, ENTERPRISE_LIAISONS)
    recipients: list[int] = []
    for audience in audiences:
        for user_id in sorted(_staff_ids(audience, order, data, directory)):
            if user_id not in recipients:
                recipients.append(user_id)
    # First-contact responsibility: the owner sees every move.
    if order.owner_id not in recipients:
        recipients.append(order.owner_id)
    if actor_id is not None and actor_id in recipients:
        recipients.remove(actor_id)
    planned: list[Planned] = []
    if recipients:
        text = staff_text(order, action, note, data)
        planned += [Planned(Medium.INBOX, user_id, "", action, text) for user_id in recipients]
        # The same news by e-mail to those who have an address (the subject comes with delivery).
        emails = directory.emails(recipients)
        planned += [Planned(Medium.EMAIL, u, emails[u], action, text) for u in recipients if u in emails]
    planned += duty_gap_warning(order, action, directory)
    if CITIZEN in audiences and order.citizen_phone and (order.wants_reply or action == "create"):
        parent_number = order.parent.number if order.parent else ""
        sms = CITIZEN_TEXTS[action].format(number=order.number, parent=parent_number)
        url = citizen_link(action, order)
        if url:
            days = settings.CIVICDESK_RATING_LINK_DAYS
            sms = CITIZEN_TEXTS[f"{action}_rating"].format(number=order.number, days=days, url=url)
        planned.append(Planned(Medium.SMS, None, order.citizen_phone, f"citizen_{action}", sms))
    # Every caller of a merged request is told the outcome (并单: 每位来电人都收到结果), whatever
    # move ends the order they were merged into: the callback, closing without one, an answer
    # on the call, a transfer to another route.
    if to_state in (State.CLOSED, State.TRANSFERRED):
        for number, phone in directory.merged_callers(order):
            text = _outcome_text(order, number, to_state, note)
            planned.append(Planned(Medium.SMS, None, phone, "citizen_closed_parent", text))
    # Voided (or withdrawn by its own caller) with requests merged into it: those callers are
    # told that nothing more will come of it (the hub's reason is for staff, not in the SMS).
    if to_state in (State.VOID, State.WITHDRAWN):
        for number, phone in directory.merged_callers(order):
            text = CITIZEN_TEXTS["voided_parent"].format(number=number)
            planned.append(Planned(Medium.SMS, None, phone, "citizen_voided_parent", text))
    # Merged into an order already done: the caller is told its outcome at once (no later
    # move will tell them).
    parent = order.parent if action == "merge" else None
    told = parent is not None and parent.state in (State.CLOSED, State.TRANSFERRED)
    if parent is not None and told and order.citizen_phone and order.wants_reply:
        text = _outcome_text(parent, order.number, parent.state, "")
        planned.append(Planned(Medium.SMS, None, order.citizen_phone, "citizen_closed_parent", text))
    return planned


def _outcome_text(order: WorkOrder, number: str, to_state: str, note: str) -> str:
    """The outcome of `order` in a merged caller's SMS (about their own order `number`)."""
    if to_state == State.TRANSFERRED:
        return CITIZEN_TEXTS["transferred_parent"].format(number=number, result=(note or order.reply_text)[:60])
    result = order.reply_text[:60] or str(order.get_reply_result_display()) or note[:60]
    return CITIZEN_TEXTS["closed_parent"].format(number=number, result=result)


def queue_for_event(order: WorkOrder, event: RecordedEvent, store: Store) -> list[OutboxMessage]:
    """Write the outbox rows for one event. Called inside the move's transaction."""
    planned = plan(
        order,
        action=event.action,
        actor_id=event.actor_id,
        to_state=event.to_state,
        note=event.note,
        data=event.data,
        directory=Directory(store),
    )
    messages = [
        OutboxMessage(
            order_id=order.pk,
            event_id=event.pk,
            medium=p.medium,
            user_id=p.user_id,
            address=p.address,
            template=p.template,
            text=p.text,
            # Queued at the move's moment (the same as now, except for imported history).
            created_at=event.at,
        )
        for p in planned
    ]
    store.add_rows(messages)
    deliver_on_commit(messages, on_commit=store.on_commit)
    return messages


def react_to_move(order: WorkOrder, event: RecordedEvent, store: Store) -> None:
    """The outbox's reaction to a recorded move (in its transaction: the rows commit with it)."""
    queue_for_event(order, event, store)
