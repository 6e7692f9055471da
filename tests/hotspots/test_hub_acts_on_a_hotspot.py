"""The hub's actions on a hotspot: each checks the right, writes one event, and a stale page
gets a clear message; merging goes through the core's merge so every caller is told."""

from __future__ import annotations

import pytest

from civicdesk.hotspots import actions
from civicdesk.hotspots.models import Event, Hotspot, Status
from civicdesk.notifications.models import Medium, OutboxMessage
from civicdesk.orders import actions as order_actions
from civicdesk.orders.errors import ConflictError, InvalidInput, PermissionDenied
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.workflow import State
from tests.hotspots.helpers import call_in
from tests.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def hotspot(w: World, django_capture_on_commit_callbacks) -> Hotspot:
    call_in(w, django_capture_on_commit_callbacks, 4)
    return Hotspot.objects.get()


def test_confirm_name_and_lead_unit_each_write_an_event(w: World, hotspot: Hotspot) -> None:
    actions.confirm(hotspot, actor=w.leader, note="同一商户")
    actions.rename(hotspot, actor=w.dispatcher, name="幸福里小区烧烤油烟扰民")
    actions.set_lead_unit(hotspot, actor=w.dispatcher, unit=w.dept_c, note="生态环境牵头")
    fresh = Hotspot.objects.get()
    assert fresh.status == Status.CONFIRMED
    assert fresh.display_name == "幸福里小区烧烤油烟扰民"
    assert fresh.lead_unit == w.dept_c
    assert list(Event.objects.filter(actor__isnull=False).values_list("action", "actor")) == [
        ("confirm", w.leader.pk),
        ("rename", w.dispatcher.pk),
        ("set_lead_unit", w.dispatcher.pk),
    ]


def test_only_the_hubs_dispatchers_and_leaders_act(w: World, hotspot: Hotspot) -> None:
    for person in (w.operator, w.handler_a, w.supervisor, w.outsider):
        with pytest.raises(PermissionDenied):
            actions.confirm(hotspot, actor=person)
    assert not Event.objects.filter(action="confirm").exists()


def test_a_stale_page_and_bad_input_are_refused_clearly(w: World, hotspot: Hotspot) -> None:
    actions.confirm(hotspot, actor=w.leader, expected_version=0)
    with pytest.raises(ConflictError):
        actions.rename(hotspot, actor=w.dispatcher, name="新名称", expected_version=0)
    with pytest.raises(InvalidInput) as too_long:
        actions.rename(hotspot, actor=w.dispatcher, name="名" * 121)
    assert "120" in too_long.value.fields["name"]
    with pytest.raises(InvalidInput):
        actions.dismiss(hotspot, actor=w.dispatcher, reason="  ")
    assert Hotspot.objects.get().name == ""


def test_merge_puts_the_orders_under_one_and_tells_every_caller(w: World, hotspot: Hotspot) -> None:
    orders = list(WorkOrder.objects.filter(hotspot_member__hotspot=hotspot).order_by("created_at"))
    main = order_actions.dispatch(orders[2], actor=w.dispatcher, lead_unit=w.dept_a)
    _h, merged, skipped = actions.merge(hotspot, actor=w.dispatcher, note="同一商户油烟")
    assert sorted(merged) == sorted(o.number for o in orders if o.pk != main.pk) and skipped == []
    assert set(WorkOrder.objects.filter(parent=main).values_list("state", flat=True)) == {State.MERGED}
    fresh = Hotspot.objects.get()
    assert (fresh.status, fresh.main_order_id) == (Status.MERGED, main.pk)
    told = OutboxMessage.objects.filter(medium=Medium.SMS, template="citizen_merge")
    assert sorted(told.values_list("address", flat=True)) == sorted(o.citizen_phone for o in orders if o.pk != main.pk)
    assert all(main.number in t for t in told.values_list("text", flat=True))
    # When the main order is done, every merged caller hears the outcome.
    signed = order_actions.sign_for(WorkOrder.objects.get(pk=main.pk), actor=w.handler_a)
    replied = order_actions.reply(
        signed, actor=w.handler_a, result="solved", text="已责令商户安装油烟净化器并限时整改，经复查已达标。"
    )
    accepted = order_actions.accept_reply(replied, actor=w.dispatcher)
    closed = order_actions.record_callback(accepted, actor=w.callback_agent, solved="solved", satisfaction="satisfied")
    outcome = OutboxMessage.objects.filter(medium=Medium.SMS, template="citizen_closed_parent")
    assert sorted(outcome.values_list("address", flat=True)) == sorted(
        o.citizen_phone for o in orders if o.pk != closed.pk
    )
    assert all("油烟净化器" in t for t in outcome.values_list("text", flat=True))


def test_an_order_merged_into_a_closed_order_is_told_its_outcome_at_once(w: World) -> None:
    done = w.closed()
    late = w.new_order(citizen_phone="13700009999")
    order_actions.merge(late, actor=w.dispatcher, into=done)
    texts = list(
        OutboxMessage.objects.filter(medium=Medium.SMS, address="13700009999").values_list("template", flat=True)
    )
    assert "citizen_merge" in texts and "citizen_closed_parent" in texts


def test_dismissed_hotspots_cannot_be_merged(w: World, hotspot: Hotspot) -> None:
    actions.dismiss(hotspot, actor=w.dispatcher, reason="不同商户，不是同一事项")
    with pytest.raises(InvalidInput):
        actions.merge(hotspot, actor=w.dispatcher)
    assert not WorkOrder.objects.filter(state=State.MERGED).exists()
