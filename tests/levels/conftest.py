"""A prefecture 12345 center above the test city's center (DESIGN §1–§2): 威海 → 荣成 → units."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from civicdesk.orders import actions
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import OrgUnit, Role, UnitKind, User
from tests.world import World


@dataclass
class Chain:
    w: World
    prefecture: OrgUnit
    bureau: OrgUnit  # a prefecture bureau the prefecture dispatches to directly
    pref_operator: User
    pref_dispatcher: User
    pref_callback: User
    pref_supervisor: User
    pref_leader: User
    bureau_handler: User

    @property
    def county(self) -> OrgUnit:
        return self.w.hub

    def new_order(self, **overrides: object) -> WorkOrder:
        """An order taken in at the prefecture, waiting for its dispatch."""
        order = self.w.new_order(actor=self.pref_operator, hub=self.prefecture, **overrides)
        return actions.send_to_hub(order, actor=self.pref_operator)

    def handed_down(self, **overrides: object) -> WorkOrder:
        return actions.dispatch(self.new_order(**overrides), actor=self.pref_dispatcher, lead_unit=self.county)

    def at_county_unit(self, **overrides: object) -> WorkOrder:
        return actions.dispatch(self.handed_down(**overrides), actor=self.w.dispatcher, lead_unit=self.w.dept_a)


def refresh_world(w: World) -> None:
    # The units' paths moved when the city was put under the prefecture.
    for name in ("hub", "dept_a", "dept_b", "dept_c", "town", "village"):
        getattr(w, name).refresh_from_db()


@pytest.fixture
def chain(w: World) -> Chain:
    prefecture = OrgUnit.objects.create(name="威海市12345热线", code="wh-12345", kind=UnitKind.CENTER, is_hub=True)
    city = w.hub.parent
    assert city is not None
    city.parent = prefecture
    city.save()
    refresh_world(w)
    bureau = OrgUnit.objects.create(name="威海市交通运输局", code="wh-jt", kind=UnitKind.DEPARTMENT, parent=prefecture)
    return Chain(
        w=w,
        prefecture=prefecture,
        bureau=bureau,
        pref_operator=w.person("wh_operator", "威海话务员", (prefecture, Role.OPERATOR)),
        pref_dispatcher=w.person("wh_dispatcher", "威海派单员", (prefecture, Role.DISPATCHER)),
        pref_callback=w.person("wh_callback", "威海回访员", (prefecture, Role.CALLBACK_AGENT)),
        pref_supervisor=w.person("wh_supervisor", "威海督办员", (prefecture, Role.SUPERVISOR)),
        pref_leader=w.person("wh_leader", "威海中心主任", (prefecture, Role.LEADER)),
        bureau_handler=w.person("wh_jt_handler", "交通局承办人", (bureau, Role.HANDLER)),
    )
