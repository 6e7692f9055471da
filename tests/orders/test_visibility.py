from __future__ import annotations

from civicdesk.orders import actions
from civicdesk.orders.permissions import can_see_identity, can_view, visible_orders
from civicdesk.org.models import OrgUnit, Role, UnitKind
from tests.world import World


def _pks(user: object) -> set[int]:
    return set(visible_orders(user).values_list("pk", flat=True))  # type: ignore[arg-type]


def test_it_shows_a_handler_only_its_units_orders(w: World) -> None:
    mine = w.dispatched()
    theirs = actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=w.dept_b)
    undispatched = w.new_order()

    assert _pks(w.handler_a) == {mine.pk}
    assert _pks(w.head_a) == {mine.pk}
    assert _pks(w.handler_b) == {theirs.pk}
    assert undispatched.pk not in _pks(w.handler_c)


def test_it_keeps_showing_a_unit_the_orders_it_worked_on(w: World) -> None:
    order = actions.redispatch(w.signed(), actor=w.dispatcher, lead_unit=w.dept_b, reason="改派")
    returned = actions.approve_return(w.return_requested(title="退回的工单"), actor=w.dispatcher)

    assert _pks(w.handler_a) == {order.pk, returned.pk}
    assert order.pk in _pks(w.handler_b)


def test_it_shows_assisting_units_their_joint_orders(w: World) -> None:
    order = w.joint(w.dept_b, w.dept_c)

    assert order.pk in _pks(w.handler_b)
    assert order.pk in _pks(w.handler_c)


def test_it_shows_a_town_head_its_villages_orders_but_not_the_village_the_towns(w: World) -> None:
    to_village = actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=w.village)
    to_town = actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=w.town)
    passed_down = actions.sub_dispatch(
        actions.sign_for(actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=w.town), actor=w.town_handler),
        actor=w.town_handler,
        sub_unit=w.village,
    )

    assert _pks(w.town_head) == {to_village.pk, to_town.pk, passed_down.pk}
    assert _pks(w.village_handler) == {to_village.pk, passed_down.pk}


def test_it_shows_hub_staff_every_order_of_their_hub(w: World) -> None:
    orders = {w.new_order().pk, w.dispatched().pk, w.closed().pk}
    other_hub = OrgUnit.objects.create(name="文登区服务中心", code="wd-hub", kind=UnitKind.CENTER, is_hub=True)
    other_operator = w.person("wd_operator", "文登话务员", (other_hub, Role.OPERATOR))
    elsewhere = w.new_order(actor=other_operator)

    for person in (w.dispatcher, w.callback_agent, w.supervisor, w.leader, w.admin, w.operator):
        assert _pks(person) >= orders
        assert elsewhere.pk not in _pks(person)
    assert _pks(other_operator) == {elsewhere.pk}


def test_it_shows_nothing_to_outsiders_and_inactive_users(w: World) -> None:
    order = w.dispatched()
    w.handler_a.is_active = False
    w.handler_a.save()

    assert _pks(w.outsider) == set()
    assert _pks(w.handler_a) == set()
    assert not can_view(w.outsider, order)


def test_it_always_shows_owners_their_own_orders(w: World) -> None:
    liaison = w.person("liaison", "驻企员", (w.hub, Role.LIAISON))
    order = w.new_order(actor=liaison)

    assert _pks(liaison) == {order.pk}


def test_it_hides_a_confidential_callers_identity_from_the_units(w: World) -> None:
    order = w.joint(w.dept_b, confidential=True)

    assert can_view(w.handler_a, order)
    assert not can_see_identity(w.handler_a, order)
    assert not can_see_identity(w.head_a, order)
    assert not can_see_identity(w.handler_b, order)
    assert can_see_identity(w.dispatcher, order)
    assert can_see_identity(w.operator, order)
    assert can_see_identity(w.callback_agent, order)


def test_it_shows_an_ordinary_callers_identity_to_whoever_may_view(w: World) -> None:
    order = w.dispatched()

    assert can_see_identity(w.handler_a, order)
    assert not can_see_identity(w.handler_b, order)
    assert not can_see_identity(w.outsider, order)


def test_it_hides_a_confidential_identity_from_hub_staff_who_left(w: World) -> None:
    order = w.dispatched(confidential=True)
    for person in (w.dispatcher, w.operator):
        person.is_active = False
        person.save()

    assert not can_see_identity(w.dispatcher, order)
    assert not can_see_identity(w.operator, order)  # even the owner, once gone
