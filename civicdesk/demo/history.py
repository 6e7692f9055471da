"""A year of the demo city's orders, each lived through move by move.

The simulation decides what happens to an order and when; an engine carries the moves
out. `ActionEngine` calls the real actions at the simulated moments (civicdesk.orders.clock),
so every event, deadline and counter is what live use would have produced.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from civicdesk.catalogue.dispatch import responsible_unit
from civicdesk.catalogue.models import Area, Category, Channel, RequestType, Urgency
from civicdesk.demo import texts
from civicdesk.demo.city import City
from civicdesk.orders import actions, clock
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.moves import PERFORM
from civicdesk.orders.permissions import active_assisting_units
from civicdesk.orders.workflow import State
from civicdesk.org.models import OrgUnit, Role, UnitKind, User
from civicdesk.worktime.limits import work_calendar


class Engine(Protocol):
    def create(self, at: datetime, **fields: Any) -> WorkOrder: ...

    def do(self, action: str, order: WorkOrder, at: datetime, actor: User | None, **params: Any) -> WorkOrder: ...

    def current(self, order: WorkOrder) -> WorkOrder: ...

    def assisting_units(self, order: WorkOrder) -> list[OrgUnit]: ...


# Every move an engine can make, by name: the core's table of moves (orders.moves.PERFORM), plus
# link_enterprise (recorded as a supplement) and the undo of an auto-dispatch, which the demo's
# history also makes. Both engines call these same functions.
MOVE_FUNCTIONS: dict[str, Callable[..., WorkOrder]] = {
    **PERFORM,
    "link_enterprise": actions.link_enterprise,
    "undo_auto_dispatch": actions.undo_auto_dispatch,
    # The worker's sweep makes this one (civicdesk.orders.actions.instruction); a history may too.
    "escalate_instruction": actions.escalate_instruction,
    "escalate_notice": actions.escalate_notice,
    # The sweep's reminder before a consultation view falls due (civicdesk.orders.actions.consultation).
    "remind_view": actions.remind_view,
}


class ActionEngine:
    """Carries each move out through the real action at the simulated moment."""

    def create(self, at: datetime, **fields: Any) -> WorkOrder:
        with clock.running_at(at):
            return actions.create_order(**fields)

    def do(self, action: str, order: WorkOrder, at: datetime, actor: User | None, **params: Any) -> WorkOrder:
        with clock.running_at(at):
            return MOVE_FUNCTIONS[action](order, actor=actor, **params)

    def current(self, order: WorkOrder) -> WorkOrder:
        return WorkOrder.objects.select_related("lead_unit", "category", "area", "hub", "owner").get(pk=order.pk)

    def assisting_units(self, order: WorkOrder) -> list[OrgUnit]:
        """The order's active assisting units, in the order they were assigned."""
        return active_assisting_units(order)


_TYPES = [
    (RequestType.ENQUIRY, 35),
    (RequestType.HELP, 20),
    (RequestType.COMPLAINT, 28),
    (RequestType.REPORT, 6),
    (RequestType.SUGGESTION, 8),
    (RequestType.PRAISE, 3),
]
_CHANNELS = [
    (Channel.PHONE, 70),
    (Channel.WEB, 9),
    (Channel.PROVINCIAL, 8),
    (Channel.WECHAT, 6),
    (Channel.UPSTREAM, 3),
    (Channel.API, 2),
    (Channel.EMAIL, 1),
    (Channel.LETTER, 1),
]
_URGENCY = [(Urgency.NORMAL, 92), (Urgency.URGENT, 6), (Urgency.EMERGENCY, 2)]


def _pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


@dataclass
class Stop(Exception):
    """The next move would happen after now: the order stays where it is."""


class Simulation:
    def __init__(self, city: City, engine: Engine, rng: random.Random, now: datetime) -> None:
        self.city = city
        self.engine = engine
        self.rng = rng
        self.now = now
        self.calendar = work_calendar()
        self.recent_open: list[WorkOrder] = []
        self._route_cache: dict[tuple[int, int], OrgUnit] = {}
        self.all_units = [*city.departments.values(), *city.towns.values()]

    # --- time -----------------------------------------------------------------------
    def working_later(self, at: datetime, min_hours: float, max_hours: float) -> datetime:
        moment = self.calendar.add_working_minutes(at, self.rng.uniform(min_hours, max_hours) * 60)
        if moment > self.now:
            raise Stop()
        return moment

    def wall_later(self, at: datetime, min_minutes: float, max_minutes: float) -> datetime:
        moment = at + timedelta(minutes=self.rng.uniform(min_minutes, max_minutes))
        if moment > self.now:
            raise Stop()
        return moment

    # --- people ---------------------------------------------------------------------
    def one(self, role: str) -> User:
        return self.rng.choice(self.city.staff[role])

    def handler(self, unit: OrgUnit) -> User:
        return self.city.handlers_of(unit)[0]

    def route(self, category: Category, area: Area) -> OrgUnit:
        key = (category.pk, area.pk)
        if key not in self._route_cache:
            match = responsible_unit(category, area)
            assert match is not None, "the demo catalogue has a fallback rule"
            self._route_cache[key] = match.unit
        return self._route_cache[key]

    # --- one order ------------------------------------------------------------------
    def new_order_fields(self, created_at: datetime) -> dict[str, Any]:
        rng = self.rng
        leaf = rng.choice(self.city.leaves)
        town_code = rng.choice(list(self.city.towns))
        town_area = self.city.town_areas[town_code]
        area = rng.choice([town_area, *self.city.village_areas[town_code]])
        title, content, address = texts.request_text(rng, leaf.name, area.name, town_area.name)
        request_type = _pick(rng, _TYPES)
        topics = []
        parent_name = leaf.parent.name if leaf.parent else ""
        if parent_name == "疫情防控" or rng.random() < 0.015:
            topics.append(self.city.topics["epidemic"])
        if parent_name in ("养老服务",):
            topics.append(self.city.topics["elderly"])
        if parent_name == "供暖" and created_at.month in (11, 12, 1, 2, 3):
            topics.append(self.city.topics["heating"])
        if parent_name in ("消费维权", "劳动关系", "行政审批", "税务", "农产品销售") and rng.random() < 0.25:
            topics.append(self.city.topics["enterprise"])
        return {
            "actor": self.one(Role.OPERATOR),
            "channel": _pick(rng, _CHANNELS),
            "request_type": request_type,
            "urgency": _pick(rng, _URGENCY),
            "title": title,
            "content": content,
            "address": address,
            "area": area,
            "category": leaf,
            "topics": topics,
            "citizen_name": texts.citizen_name(rng),
            "citizen_phone": texts.phone(rng),
            "confidential": rng.random() < 0.04,
            "wants_reply": rng.random() < 0.9,
        }

    def run(self, created_at: datetime) -> WorkOrder:
        fields = self.new_order_fields(created_at)
        order = self.engine.create(created_at, **fields)
        with contextlib.suppress(Stop):
            self._live(order, created_at)
        order = self.engine.current(order)
        # Later callers about the same matter can be merged into it, open or closed.
        if order.state not in (State.ANSWERED, State.MERGED, State.VOID, State.TRANSFERRED):
            self.recent_open.append(order)
            del self.recent_open[:-200]
        return order

    def _live(self, order: WorkOrder, at: datetime) -> None:
        rng, do = self.rng, self.engine.do
        roll = rng.random()
        if roll < 0.015:
            do(
                "void",
                order,
                self.wall_later(at, 1, 10),
                self.one(Role.DISPATCHER),
                reason="骚扰电话，来电人辱骂话务员",
            )
            return
        if roll < 0.04:
            route = rng.choice(["110", "119", "120", "122", "court", "petition"])
            do(
                "transfer_out",
                order,
                self.wall_later(at, 1, 5),
                order.owner,
                route=route,
                told_caller="已告知来电人该事项应通过相应法定途径办理，并提供了联系方式。",
            )
            return
        if order.request_type in (RequestType.ENQUIRY, RequestType.PRAISE) and rng.random() < 0.8:
            do("answer", order, self.wall_later(at, 2, 8), order.owner, answer=rng.choice(texts.ANSWERS))
            return
        if roll < 0.07 and self.recent_open:
            parent = rng.choice(self.recent_open)
            if parent.state not in (State.MERGED, State.VOID, State.TRANSFERRED) and parent.pk != order.pk:
                do(
                    "merge",
                    order,
                    self.wall_later(at, 5, 60),
                    self.one(Role.DISPATCHER),
                    into=parent,
                    note="同一事项重复来电",
                )
                return
        at = self.wall_later(at, 2, 10)
        order = do("send_to_hub", order, at, order.owner)
        at = self.working_later(at, 0.1, 2.5)
        right_unit = self.route(order.category, order.area)  # type: ignore[arg-type]
        first_unit = right_unit
        if rng.random() < 0.08:
            first_unit = rng.choice([u for u in self.all_units if u.pk != right_unit.pk])
        assisting: list[OrgUnit] = []
        if rng.random() < 0.06:
            others = [u for u in self.city.departments.values() if u.pk not in (first_unit.pk, right_unit.pk)]
            assisting = rng.sample(others, rng.randint(1, 2))
        dispatcher = self.one(Role.DISPATCHER)
        order = do("dispatch", order, at, dispatcher, lead_unit=first_unit, assisting_units=assisting)
        if first_unit.pk != right_unit.pk:
            at = self.working_later(at, 0.3, 6)
            order = do(
                "request_return",
                order,
                at,
                self.handler(first_unit),
                reason="经核实该事项不属于我单位职责范围",
                legal_basis="依据《青岚市部门职责清单》",
            )
            at = self.working_later(at, 0.2, 4)
            order = do("approve_return", order, at, dispatcher, new_lead_unit=right_unit, note="同意退单，改派责任单位")
        self._handle(order, at, dispatcher)

    def _handle(self, order: WorkOrder, at: datetime, dispatcher: User) -> None:
        rng, do = self.rng, self.engine.do
        lead = order.lead_unit
        assert lead is not None
        worker = self.handler(lead)
        urgent = order.urgency != Urgency.NORMAL
        at = self.wall_later(at, 3, 25) if urgent else self.working_later(at, 0.1, 2.6)
        order = do("sign", order, at, worker)
        for unit in self.engine.assisting_units(order):
            part_at = self.working_later(at, 1, 30)
            do(
                "give_part",
                order,
                part_at,
                self.handler(unit),
                text=f"{unit.name}已按职责完成相关核查，意见已提交主办单位。",
            )
            at = max(at, part_at)
        if lead.kind == UnitKind.TOWN and rng.random() < 0.4:
            villages = self.city.villages.get(lead.code.removeprefix("ql-"), [])
            if villages:
                village = rng.choice(villages)
                at = self.working_later(at, 0.2, 3)
                order = do("sub_dispatch", order, at, worker, sub_unit=village, note="请社区（村）核实处理")
                worker = self.handler(village)
                at = self.working_later(at, 0.2, 3)
                order = do("sign", order, at, worker)
        if rng.random() < 0.05:
            at = self.working_later(at, 2, 20)
            order = do("supervise", order, at, self.one(Role.SUPERVISOR), note="请加快办理进度，按时答复群众")
        if rng.random() < 0.012:
            at = self.working_later(at, 1, 6)
            order = do("request_suspension", order, at, worker, reason="该事项已进入诉讼程序，需等待法院判决")
            at = self.working_later(at, 0.5, 4)
            order = do("approve_suspension", order, at, dispatcher)
            at = self.working_later(at, 16, 80)
            order = do("resume", order, at, dispatcher, note="法院已作出判决，恢复办理")
        if order.handle_due_at is not None and rng.random() < 0.06 and not urgent:
            ask_at = self.working_later(at, 1, 8)
            if ask_at < order.handle_due_at:
                order = do(
                    "request_extension",
                    order,
                    ask_at,
                    worker,
                    days=rng.choice([3, 5, 10]),
                    reason="需协调多个部门现场会商，无法在时限内办结",
                )
                at = self.working_later(ask_at, 0.2, 4)
                if rng.random() < 0.85:
                    order = do("approve_extension", order, at, dispatcher)
                else:
                    order = do("refuse_extension", order, at, dispatcher, reason="该事项可在原时限内办结")
        self._reply_and_callback(order, at, worker, dispatcher, rework_allowed=True)

    def _reply_and_callback(
        self, order: WorkOrder, at: datetime, worker: User, dispatcher: User, *, rework_allowed: bool
    ) -> None:
        rng, do = self.rng, self.engine.do
        due = order.handle_due_at
        assert due is not None
        # Most units reply in the first half of their time; some are late.
        span = max(0.5, self.calendar.elapsed(at, due, "working_hours"))
        late = rng.random() < 0.07
        hours = span * (rng.uniform(1.05, 1.6) if late else rng.uniform(0.1, 0.9))
        at = (
            self.working_later(at, hours, hours + 0.2)
            if order.urgency == Urgency.NORMAL
            else self.wall_later(at, 20, 120 if not late else 300)
        )
        result = _pick(rng, [("solved", 85), ("partly", 11), ("unsolved", 4)])
        order = do(
            "reply",
            order,
            at,
            worker,
            result=result,
            text=rng.choice(texts.REPLIES[result]).format(day=f"{at:%m月%d日}"),
        )
        at = self.working_later(at, 0.2, 5)
        if rng.random() < 0.05:
            order = do("send_back_reply", order, at, dispatcher, reason="答复内容过于简单，请补充处理过程和结果")
            at = self.working_later(at, 1, 10)
            order = do(
                "reply",
                order,
                at,
                worker,
                result=result,
                text=rng.choice(texts.REPLIES[result]).format(day=f"{at:%m月%d日}") + "现将处理过程补充如下。",
            )
            at = self.working_later(at, 0.2, 4)
        order = do("accept_reply", order, at, dispatcher)
        at = self.working_later(at, 0.2, 7.5)
        agent = self.one(Role.CALLBACK_AGENT)
        if rng.random() < 0.04:
            do("close_without_callback", order, at, agent, reason="三次回访电话均无人接听")
            return
        satisfaction = _pick(rng, [("satisfied", 82), ("basically", 9), ("unsatisfied", 6), ("no_rating", 3)])
        solved = result if satisfaction != "unsatisfied" else rng.choice(["partly", "unsolved"])
        rework = satisfaction == "unsatisfied" and rework_allowed and rng.random() < 0.5
        order = do(
            "record_callback",
            order,
            at,
            agent,
            solved=solved,
            satisfaction=satisfaction,
            comment="群众表示认可" if satisfaction in ("satisfied", "basically") else "群众认为问题未真正解决",
            rework=rework,
        )
        if rework:
            self._reply_and_callback(order, at, worker, dispatcher, rework_allowed=False)


# Calls per hour of the day at a 12345 center: quiet nights, peaks mid-morning and afternoon.
_HOURLY_WEIGHTS = [1, 1, 1, 1, 1, 1, 2, 4, 9, 12, 12, 10, 6, 7, 11, 11, 10, 9, 6, 5, 4, 3, 2, 1]


def creation_times(rng: random.Random, count: int, now: datetime, days: int = 365) -> list[datetime]:
    """Request arrival times over the past `days`: more in working hours, some at night
    and on weekends (the hotline never closes), more in recent months."""
    tz = work_calendar().tz
    start = now - timedelta(days=days)
    moments = []
    for _ in range(count):
        day_offset = days * (rng.random() ** 0.85)
        base = (start + timedelta(days=day_offset)).astimezone(tz)
        hour = rng.choices(range(24), weights=_HOURLY_WEIGHTS)[0]
        moment = base.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60), microsecond=0)
        if moment > now - timedelta(minutes=5):
            moment = now - timedelta(minutes=rng.randrange(5, 600))
        moments.append(moment)
    moments.sort()
    return moments
