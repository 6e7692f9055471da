"""What the hub does with a hotspot: confirm it, name it, give it a lead unit, merge its
orders, or dismiss it. Each is one action: it checks the person's right, locks the hotspot
(a stale page gets a clear message), and writes one Event."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.hotspots.models import Event, Hotspot, Member, Status
from civicdesk.orders import actions as order_actions
from civicdesk.orders.errors import ConflictError, InvalidInput, PermissionDenied
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.workflow import MOVES, State
from civicdesk.org.models import OrgUnit, Role, User

HUB_ROLES = (Role.DISPATCHER, Role.LEADER)
NAME_MAX = 120
NOTE_MAX = 500


def hub_ids(user: User, roles: tuple[str, ...] = HUB_ROLES) -> list[int]:
    """The hubs whose hotspots this person may work on."""
    return [unit.pk for unit in user.units_with_role(*roles) if unit.is_hub]


def may_act(user: User, hotspot: Hotspot, roles: tuple[str, ...] = HUB_ROLES) -> bool:
    return hotspot.hub_id in hub_ids(user, roles)


def _locked(hotspot: Hotspot | int, actor: User, expected_version: int | None) -> Hotspot:
    pk = hotspot.pk if isinstance(hotspot, Hotspot) else hotspot
    found = Hotspot.objects.select_for_update().get(pk=pk)
    if not may_act(actor, found):
        raise PermissionDenied(_("只有本中心的派单员和领导可以处理热点。"))
    if expected_version is not None and found.version != expected_version:
        raise ConflictError(_("该热点刚被他人处理过，请查看最新情况后再操作。"))
    return found


def _note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        message = _("不能超过 %(n)s 个字（现有 %(m)s 个）。") % {"n": NOTE_MAX, "m": len(note)}
        raise InvalidInput(message, fields={"note": message})
    return note


def _record(hotspot: Hotspot, action: str, actor: User, note: str = "", data: dict[str, Any] | None = None) -> None:
    hotspot.version += 1
    hotspot.updated_at = timezone.now()
    hotspot.save()
    Event.objects.create(hotspot=hotspot, action=action, actor=actor, note=note, data=data or {})


def confirm(hotspot: Hotspot | int, *, actor: User, note: str = "", expected_version: int | None = None) -> Hotspot:
    """The hub confirms it is one matter worth handling as a whole (确认)."""
    note = _note(note)
    with transaction.atomic():
        h = _locked(hotspot, actor, expected_version)
        if h.status not in (Status.NEW, Status.DISMISSED):
            raise InvalidInput(_("该热点已确认或已并单。"))
        h.status = Status.CONFIRMED
        _record(h, "confirm", actor, note)
    return h


def rename(hotspot: Hotspot | int, *, actor: User, name: str, expected_version: int | None = None) -> Hotspot:
    """The hub names the hotspot in its own words (命名); an empty name restores the generated title."""
    name = (name or "").strip()
    if len(name) > NAME_MAX:
        message = _("名称不能超过 %(n)s 个字（现有 %(m)s 个）。") % {"n": NAME_MAX, "m": len(name)}
        raise InvalidInput(message, fields={"name": message})
    with transaction.atomic():
        h = _locked(hotspot, actor, expected_version)
        before = h.name
        h.name = name
        _record(h, "rename", actor, data={"from": before, "to": name})
    return h


def set_lead_unit(
    hotspot: Hotspot | int, *, actor: User, unit: OrgUnit | int, note: str = "", expected_version: int | None = None
) -> Hotspot:
    """The unit that leads the handling of the whole matter (牵头单位)."""
    note = _note(note)
    unit_obj = unit if isinstance(unit, OrgUnit) else OrgUnit.objects.filter(pk=unit, active=True).first()
    if unit_obj is None or not unit_obj.active:
        message = _("请选择有效的牵头单位。")
        raise InvalidInput(message, fields={"unit": message})
    with transaction.atomic():
        h = _locked(hotspot, actor, expected_version)
        h.lead_unit = unit_obj
        if h.status == Status.NEW:
            h.status = Status.CONFIRMED  # naming who leads it is confirming it
        _record(h, "set_lead_unit", actor, note, {"unit": unit_obj.pk, "unit_name": unit_obj.name})
    return h


def dismiss(hotspot: Hotspot | int, *, actor: User, reason: str, expected_version: int | None = None) -> Hotspot:
    """Not one matter, or nothing to do as a whole (排除), with the reason."""
    reason = _note(reason)
    if not reason:
        message = _("请填写排除理由。")
        raise InvalidInput(message, fields={"note": message})
    with transaction.atomic():
        h = _locked(hotspot, actor, expected_version)
        if h.status == Status.MERGED:
            raise InvalidInput(_("已并单的热点不能排除。"))
        h.status = Status.DISMISSED
        _record(h, "dismiss", actor, reason)
    return h


def default_main(hotspot: Hotspot) -> WorkOrder | None:
    """The order the others are merged into: one already being handled (dispatched, signed …),
    else the earliest open one."""
    orders = WorkOrder.objects.filter(hotspot_member__hotspot=hotspot, parent__isnull=True).exclude(
        state__in=(State.MERGED, State.VOID, State.TRANSFERRED)
    )
    handled = orders.exclude(state__in=(State.RECEIVED, State.PENDING_DISPATCH, State.CLOSED)).order_by("created_at")
    return handled.first() or orders.exclude(state=State.CLOSED).order_by("created_at").first() or orders.first()


def merge(
    hotspot: Hotspot | int,
    *,
    actor: User,
    into: WorkOrder | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> tuple[Hotspot, list[str], list[str]]:
    """Merge the hotspot's orders into one (并单) through the core's merge, so each caller is
    told their request joined it and, when it is done, the outcome. Orders that can no longer
    be merged (closed, already merged) are left as they are and listed.
    Returns (hotspot, merged order numbers, skipped order numbers)."""
    note = _note(note) or _("热点并单")
    with transaction.atomic():
        h = _locked(hotspot, actor, expected_version)
        if h.status == Status.DISMISSED:
            raise InvalidInput(_("已排除的热点不能并单。"))
        main = into or (WorkOrder.objects.filter(pk=h.main_order_id).first() if h.main_order_id else None)
        main = main or default_main(h)
        if main is None or not Member.objects.filter(hotspot=h, order=main).exists():
            message = _("请从本热点的工单中选择主单。")
            raise InvalidInput(message, fields={"into": message})
        merged: list[str] = []
        skipped: list[str] = []
        sources = MOVES["merge"].sources
        members = WorkOrder.objects.filter(hotspot_member__hotspot=h).exclude(pk=main.pk).order_by("created_at")
        for order in members:
            if order.parent_id == main.pk:
                continue
            if order.state not in sources:
                skipped.append(order.number)
                continue
            order_actions.merge(order, actor=actor, into=main, note=note)
            merged.append(order.number)
        h.status = Status.MERGED
        h.main_order = main
        _record(h, "merge", actor, note, {"into": main.number, "merged": merged, "skipped": skipped})
    return h, merged, skipped
