"""补正 in a joint order (parallel approval, 并联审批): an assisting unit may ask once for more
material; only its own part's clock pauses, and it moves on by the working time it waited
when the material is in. The lead unit's deadline and the other parts' are not touched: in a
parallel approval each department answers for its own time."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.orders import clock
from civicdesk.orders.actions.base import DATABASE, OrderRef, Store, check_move, optional_text, record, require_text
from civicdesk.orders.actions.dispatching import assisting_assignment
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.models import Assignment, AssignmentRole, WorkOrder
from civicdesk.orders.store import History
from civicdesk.org.models import OrgUnit, User
from civicdesk.worktime.limits import work_calendar

MATERIAL_MAX = 2000


def request_material(
    order: OrderRef, *, actor: User, reason: str, expected_version: int | None = None, store: Store = DATABASE
) -> WorkOrder:
    """The assisting unit asks for more material (补正), saying what is missing; once per part."""
    text = require_text(reason, "reason", _("请写明需要补正的材料。"), max_length=MATERIAL_MAX)
    with store.locked(order, expected_version) as o:
        _side, unit = check_move(o, "request_material", actor, store=store)
        part = assisting_assignment(store, o, unit)
        if part.material_requested_at is not None:
            message = _("%(unit)s 已要求过一次补正，不能再次要求。") % {"unit": part.unit.name}
            raise InvalidInput(message, fields={"reason": message})
        if part.part_given_at is not None:
            message = _("%(unit)s 已提交意见，不能再要求补正。") % {"unit": part.unit.name}
            raise InvalidInput(message, fields={"reason": message})
        now = clock.now()
        part.material_requested_at = now
        if part.signed_at is None:
            part.signed_at = now
        store.save_assignment(part, ["material_requested_at", "signed_at"])
        record(o, "request_material", actor, store=store, acting_unit=unit, note=text, data={"unit": part.unit_id})
    return o


def waiting_for_material(store: History, order: WorkOrder) -> list[Assignment]:
    """The active parts that asked for material which is not in yet."""
    return [
        a
        for a in store.active_assignments(order)
        if a.role == AssignmentRole.ASSIST and a.material_requested_at is not None and a.material_supplied_at is None
    ]


def supply_material(
    order: OrderRef,
    *,
    actor: User,
    unit: OrgUnit | None = None,
    note: str = "",
    expected_version: int | None = None,
    store: Store = DATABASE,
) -> WorkOrder:
    """The material asked for is in (补正到位): the part of `unit` (every part waiting, when
    None) restarts its clock; its deadline moves on by the working time it waited."""
    text = optional_text(note, "note")
    with store.locked(order, expected_version) as o:
        _side, acting = check_move(o, "supply_material", actor, store=store)
        waiting = [a for a in waiting_for_material(store, o) if unit is None or a.unit_id == unit.pk]
        if not waiting:
            raise InvalidInput(_("没有等待补正材料的部门。"))
        now = clock.now()
        calendar = work_calendar()
        resumed: list[dict[str, object]] = []
        for part in waiting:
            assert part.material_requested_at is not None
            paused = round(calendar.working_minutes_between(part.material_requested_at, now))
            part.material_supplied_at = now
            if part.part_due_at is not None:
                part.part_due_at = calendar.shift(part.part_due_at, paused)
            store.save_assignment(part, ["material_supplied_at", "part_due_at"])
            resumed.append(
                {
                    "unit": part.unit_id,
                    "paused_working_minutes": paused,
                    # In the center's time: a row read back from the database is in UTC.
                    "part_due_at": timezone.localtime(part.part_due_at).isoformat() if part.part_due_at else None,
                }
            )
        record(o, "supply_material", actor, store=store, acting_unit=acting, note=text, data={"parts": resumed})
    return o
