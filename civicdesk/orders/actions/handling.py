"""What a unit does while it holds an order: extension, suspension, assisting parts, reply."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.orders import attachments as attachment_files
from civicdesk.orders import clock, deadlines, quality
from civicdesk.orders.actions.base import (
    DATABASE,
    OrderRef,
    Store,
    check_move,
    is_choice,
    optional_text,
    record,
    require_text,
)
from civicdesk.orders.actions.dispatching import assisting_assignment
from civicdesk.orders.errors import InvalidInput, PermissionDenied
from civicdesk.orders.halfdays import half_days
from civicdesk.orders.models import Assignment, AssignmentRole, ReplyResult, WorkOrder
from civicdesk.orders.workflow import State
from civicdesk.org.models import User

REPLY_MAX = 5000
# Said only when the reply is empty: translated then, not for every reply (an import makes thousands).
_NO_REPLY = gettext_lazy("请填写答复内容。")


def _days(value: float | int | str | Decimal, field: str) -> float:
    days = half_days(value)
    if days is None:
        message = _("延期天数须为正数，以半个工作日为单位。")
        raise InvalidInput(message, fields={field: message})
    return days


def request_extension(
    order: OrderRef,
    *,
    actor: User,
    days: float | int | str,
    reason: str,
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """Ask for more working days, before the deadline and within the cap (延期)."""
    wanted = _days(days, "days")
    text = require_text(reason, "reason", _("请填写延期理由。"))
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "request_extension", actor, store=store)
        if o.handle_due_at is not None and clock.now() >= o.handle_due_at:
            message = _("工单已超过办理时限，不能再申请延期。")
            raise InvalidInput(message, fields={"days": message})
        room = deadlines.extension_room(o)
        if wanted > room:
            message = _("最多还能延期 %(room)g 个工作日。") % {"room": room}
            raise InvalidInput(message, fields={"days": message})
        o.resume_state = o.state
        data: dict[str, object] = {"days": wanted}
        past_cap = o.upper_due_at is not None and deadlines.extended_due(o, wanted) > o.upper_due_at
        if past_cap and o.upper_hub_id is not None:
            # Past the deadline the hub above set: only that hub may grant it.
            o.awaiting_upper = True
            data["needs_upper"] = o.upper_hub_id
        elif past_cap and o.upstream_platform and o.upstream_due_at is not None:
            # Past what the upstream platform's deadline leaves us: the platform decides; its
            # answer arrives through civicdesk.upstream (approve/refuse_extension, SYSTEM side).
            o.awaiting_upper = True
            data["needs_platform"] = o.upstream_platform
        record(
            o,
            "request_extension",
            actor,
            store=store,
            to_state=State.EXTENSION_REQUESTED,
            acting_unit=unit,
            note=text,
            data=data,
        )
    return o


def _requested_days(store: Store, order: WorkOrder) -> float:
    # A remote hub's ask arrives as its system's report (civicdesk.orders.actions.remote).
    last = store.last_event(order, ("request_extension", "remote_progress"))
    return float(last[1].get("days") or 0) if last is not None else 0.0


def waits_for_platform(order: WorkOrder) -> bool:
    """An extension past an upstream platform's deadline waits for the platform's answer."""
    return order.awaiting_upper and order.upper_hub_id is None and bool(order.upstream_platform)


def _decider(order: WorkOrder, actor: User | None) -> None:
    """Who decides an extension: the upstream platform (the system, actor None) while it waits
    for the platform's answer, a person otherwise."""
    if waits_for_platform(order) and actor is not None:
        raise PermissionDenied(
            _("延期超出上级平台（%(platform)s）的时限，须由上级平台审批，请等待其答复。")
            % {"platform": order.upstream_platform}
        )
    if actor is None and not waits_for_platform(order):
        raise PermissionDenied(_("只有上级平台的答复可以不经人员决定延期。"))


def approve_extension(
    order: OrderRef,
    *,
    actor: User | None,
    days: float | int | str | None = None,
    note: str = "",
    platform_key: str = "",
    upstream_due_at: datetime | None = None,
    upstream_margin: timedelta = timedelta(0),
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """Grant the extension (all of it, or fewer days); the deadline moves. `platform_key`:
    the idempotency key of the upstream platform's answer that grants it (kept on the event).
    `upstream_due_at`: the platform's new deadline, if its answer names one: the order takes
    it as its upstream deadline, and the units' deadline ends `upstream_margin` before it."""
    note = optional_text(note, "note")
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "approve_extension", actor, store=store)
        _decider(o, actor)
        requested = _requested_days(store, o)
        granted = requested if days is None else _days(days, "days")
        if granted > requested:
            message = _("批准天数不能超过申请的 %(n)g 个工作日。") % {"n": requested}
            raise InvalidInput(message, fields={"days": message})
        granted = min(granted, deadlines.extension_room(o))
        old_due = o.handle_due_at
        deadlines.extend(o, granted)
        moved_upstream = upstream_due_at is not None and waits_for_platform(o)
        if moved_upstream:
            # The platform granted it and says by when it now wants the result: that is the
            # order's upstream deadline, and the units' deadline nests within it as at intake.
            assert upstream_due_at is not None
            o.upstream_due_at = upstream_due_at
            o.upper_due_at = upstream_due_at - upstream_margin
            o.awaiting_upper = False
            if o.handle_due_at is not None and o.handle_due_at > o.upper_due_at:
                deadlines.cap_handle_due(o)
        elif o.awaiting_upper:
            # The hub above granted it: its own deadline for the lower hub moves with it.
            o.awaiting_upper = False
            if o.upper_due_at is not None and o.handle_due_at is not None and o.handle_due_at > o.upper_due_at:
                o.upper_due_at = o.handle_due_at
        target = o.resume_state or State.SIGNED
        o.resume_state = ""
        record(
            o,
            "approve_extension",
            actor,
            store=store,
            to_state=target,
            acting_unit=unit,
            note=note,
            data={
                "days": granted,
                "old_due_at": old_due.isoformat() if old_due else None,
                "handle_due_at": o.handle_due_at.isoformat() if o.handle_due_at else None,
                **({"platform_key": platform_key} if platform_key else {}),
                **({"upstream_due_at": o.upstream_due_at.isoformat()} if moved_upstream and o.upstream_due_at else {}),
            },
        )
    return o


def refuse_extension(
    order: OrderRef,
    *,
    actor: User | None,
    reason: str,
    platform_key: str = "",
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    text = require_text(reason, "reason", _("请填写驳回理由。"))
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "refuse_extension", actor, store=store)
        _decider(o, actor)
        target = o.resume_state or State.SIGNED
        o.resume_state = ""
        o.awaiting_upper = False
        data = {"platform_key": platform_key} if platform_key else None
        record(o, "refuse_extension", actor, store=store, to_state=target, acting_unit=unit, note=text, data=data)
    return o


def request_suspension(
    order: OrderRef, *, actor: User, reason: str, expected_version: int | None = None, store: Store = DATABASE
) -> WorkOrder:
    """Ask to pause the clock, e.g. while a court decides (挂起)."""
    text = require_text(reason, "reason", _("请填写挂起理由。"))
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "request_suspension", actor, store=store)
        o.resume_state = o.state
        record(
            o,
            "request_suspension",
            actor,
            store=store,
            to_state=State.SUSPENSION_REQUESTED,
            acting_unit=unit,
            note=text,
        )
    return o


def approve_suspension(
    order: OrderRef, *, actor: User, note: str = "", expected_version: int | None = None, store: Store = DATABASE
) -> WorkOrder:
    note = optional_text(note, "note")
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "approve_suspension", actor, store=store)
        o.suspended_at = clock.now()
        record(o, "approve_suspension", actor, store=store, to_state=State.SUSPENDED, acting_unit=unit, note=note)
    return o


def refuse_suspension(
    order: OrderRef, *, actor: User, reason: str, expected_version: int | None = None, store: Store = DATABASE
) -> WorkOrder:
    text = require_text(reason, "reason", _("请填写驳回理由。"))
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "refuse_suspension", actor, store=store)
        target = o.resume_state or State.SIGNED
        o.resume_state = ""
        record(o, "refuse_suspension", actor, store=store, to_state=target, acting_unit=unit, note=text)
    return o


def resume(
    order: OrderRef, *, actor: User, note: str = "", expected_version: int | None = None, store: Store = DATABASE
) -> WorkOrder:
    """End a suspension; every running deadline moves by the working time it was paused."""
    note = optional_text(note, "note")
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "resume", actor, store=store)
        assert o.suspended_at is not None
        paused = deadlines.resume_after_pause(o, o.suspended_at, clock.now())
        o.suspended_at = None
        target = o.resume_state or State.SIGNED
        o.resume_state = ""
        record(
            o,
            "resume",
            actor,
            store=store,
            to_state=target,
            acting_unit=unit,
            note=note,
            data={
                "paused_working_minutes": paused,
                "handle_due_at": o.handle_due_at.isoformat() if o.handle_due_at else None,
            },
        )
    return o


def _parts_missing(store: Store, order: WorkOrder) -> list[Assignment]:
    """The active assisting assignments whose part is not in yet."""
    return [a for a in store.active_assignments(order) if a.role == AssignmentRole.ASSIST and a.part_given_at is None]


def give_part(
    order: OrderRef, *, actor: User, text: str, expected_version: int | None = None, store: Store = DATABASE
) -> WorkOrder:
    """An assisting unit hands in its part of a joint order (协办意见)."""
    body = require_text(text, "text", _("请填写协办意见。"), max_length=REPLY_MAX)
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "give_part", actor, store=store)
        assignment = assisting_assignment(store, o, unit)
        now = clock.now()
        if assignment.signed_at is None:
            assignment.signed_at = now
        assignment.part_text = body
        assignment.part_given_at = now
        store.save_assignment(assignment, ["signed_at", "part_text", "part_given_at"])
        missing = len(_parts_missing(store, o))
        record(
            o,
            "give_part",
            actor,
            store=store,
            acting_unit=unit,
            note=body,
            data={"unit": assignment.unit_id, "all_parts_in": missing == 0},
        )
    return o


def _instruction_answer(order: WorkOrder, text: str) -> str:
    """How the reply carried out the open leader's instruction ("" if there is none)."""
    if not order.instruction_open:
        return ""
    if order.instruction_acknowledged_at is None:
        message = _("本工单有领导批示，请先签收批示再答复。")
        raise InvalidInput(message, fields={"instruction_response": message})
    return require_text(
        text,
        "instruction_response",
        _("本工单有领导批示，请在答复中说明批示的落实情况。"),
        max_length=REPLY_MAX,
    )


def reply(
    order: OrderRef,
    *,
    actor: User,
    result: str,
    text: str,
    attachments: Iterable[UploadedFile] = (),
    instruction_response: str = "",
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """The lead unit's account of what it did (答复). A joint order waits for every part; an
    order with a leader's instruction (领导批示) needs it acknowledged, and the reply says how
    it was carried out (`instruction_response`)."""
    files = attachment_files.validate(attachments)
    if not is_choice(result, ReplyResult):
        message = _("请选择办理结果。")
        raise InvalidInput(message, fields={"result": message})
    body = require_text(text, "text", _NO_REPLY, max_length=REPLY_MAX)
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "reply", actor, store=store)
        missing = _parts_missing(store, o)
        if missing:
            names = "、".join(a.unit.name for a in missing)
            raise InvalidInput(_("协办单位尚未提交意见：%(units)s。") % {"units": names})
        now = clock.now()
        answer = _instruction_answer(o, instruction_response)
        o.reply_result = result
        o.reply_text = body
        o.replied_at = now
        o.resume_state = o.state
        on_time = o.handle_due_at is None or now <= o.handle_due_at
        # Checked before the hub reviews it; the reviewer sees why (orders.quality).
        checked = quality.assess(o, result=result, text=body, at=now, store=store)
        data: dict[str, object] = {"result": result, "on_time": on_time, "attachments": len(files)}
        if answer:
            o.instruction_answered_at = now
            data["instruction_response"] = answer
        data["quality"] = checked.as_data()
        event = record(
            o,
            "reply",
            actor,
            store=store,
            to_state=State.REPLIED,
            acting_unit=unit,
            note=body,
            data=data,
        )
        store.attach(o, event, files, actor)
    return o
