"""The operator's intake page: pre-filled caller, the three ways to submit, errors that keep
what was typed, and the suggestions shown while typing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import override_settings

from civicdesk.orders.models import OrderEvent, OrderNumberCounter, WorkOrder
from civicdesk.orders.workflow import State
from tests.console.helpers import client_for, field_block, field_errors, order_numbers, text
from tests.world import World

pytestmark = pytest.mark.django_db


def typed(w: World, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "citizen_phone": "13912345678",
        "citizen_name": "刘女士",
        "channel": "phone",
        "request_type": "complaint",
        "urgency": "normal",
        "title": "北山社区路灯不亮",
        "content": "北山社区三号楼前路灯连续一周不亮，夜间出行不便，请尽快维修。",
        "address": "崖头街道北山社区三号楼",
        "area": w.area_village.pk,
        "category": w.cat_potholes.pk,
        "wants_reply": "on",
        "intent": "send_to_hub",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_it_prefills_the_callers_phone_and_shows_their_past_orders(w: World) -> None:
    past = w.closed(citizen_phone="13912345678", title="三号楼下水道堵塞")
    other = w.new_order(citizen_phone="13700000000", title="别人的工单")
    response = client_for(w.operator).get("/intake/new", {"caller": "13912345678"})
    assert response.status_code == 200
    html = text(response)
    assert 'value="13912345678"' in field_block(html, "id_citizen_phone")
    history = html[html.index('id="caller-history"') :]
    assert past.number in history and "三号楼下水道堵塞" in history
    assert other.number not in html


def test_it_keeps_old_screen_pop_links_working(w: World) -> None:
    response = client_for(w.operator).get("/intake/", {"caller": "13912345678"})
    assert response.status_code == 302
    assert response["Location"] == "/intake/new?caller=13912345678"


def test_it_sends_an_order_to_the_hub_with_the_operator_as_owner(w: World) -> None:
    response = client_for(w.operator).post("/intake/new", typed(w), follow=True)
    assert response.redirect_chain[-1][1] == 302
    order = WorkOrder.objects.get()
    assert order.state == State.PENDING_DISPATCH
    assert order.owner == w.operator
    assert (order.title, order.citizen_phone, order.area, order.category) == (
        "北山社区路灯不亮",
        "13912345678",
        w.area_village,
        w.cat_potholes,
    )
    html = text(response)
    assert order.number in html and "待派单" in html


def test_it_closes_an_order_answered_on_the_call(w: World) -> None:
    response = client_for(w.operator).post(
        "/intake/new", typed(w, intent="answer", answer="已告知来电人路灯报修电话及办理时限。"), follow=True
    )
    assert response.redirect_chain[-1][1] == 302
    order = WorkOrder.objects.get()
    assert order.state == State.ANSWERED
    assert order.owner == w.operator
    assert order.answer_text == "已告知来电人路灯报修电话及办理时限。"


def test_it_dispatches_straight_to_a_unit(w: World) -> None:
    response = client_for(w.operator).post(
        "/intake/new", typed(w, intent="dispatch", lead_unit=w.village.pk), follow=True
    )
    assert response.redirect_chain[-1][1] == 302
    order = WorkOrder.objects.get()
    assert order.state == State.DISPATCHED
    assert order.lead_unit == w.village
    assert order.owner == w.operator
    assert order.handle_due_at is not None


def _assert_kept(html: str, w: World, **data: Any) -> None:
    """Everything typed is still in the form."""
    for field_id, value in data.items():
        assert str(value) in field_block(html, field_id), field_id


def test_it_keeps_everything_typed_when_the_title_is_missing(w: World) -> None:
    response = client_for(w.operator).post(
        "/intake/new",
        typed(w, title="", urgency="urgent", request_type="help", confidential="on", topics=[w.topic_epidemic.pk]),
    )
    assert response.status_code == 400
    html = text(response)
    assert re.search(r'<option value="urgent" selected>', field_block(html, "id_urgency"))
    assert re.search(r'<option value="help" selected>', field_block(html, "id_request_type"))
    assert re.search(r'name="confidential"[^>]*checked', html)
    assert re.search(rf'name="topics" value="{w.topic_epidemic.pk}"[^>]*checked', html)
    assert field_errors(html, "id_title")
    assert not field_errors(html, "id_content")
    _assert_kept(
        html,
        w,
        id_citizen_phone='value="13912345678"',
        id_citizen_name='value="刘女士"',
        id_content="北山社区三号楼前路灯连续一周不亮",
        id_address='value="崖头街道北山社区三号楼"',
    )
    assert re.search(rf'<option value="{w.area_village.pk}"[^>]*\bselected\b', field_block(html, "id_area"))
    assert re.search(rf'<option value="{w.cat_potholes.pk}"[^>]*\bselected\b', field_block(html, "id_category"))
    assert WorkOrder.objects.count() == 0


def test_it_says_next_to_the_phone_that_it_is_malformed(w: World) -> None:
    response = client_for(w.operator).post("/intake/new", typed(w, citizen_phone="139-abc-5678"))
    assert response.status_code == 400
    html = text(response)
    assert any("电话号码格式不正确" in e for e in field_errors(html, "id_citizen_phone"))
    _assert_kept(html, w, id_citizen_phone='value="139-abc-5678"', id_title='value="北山社区路灯不亮"')
    assert WorkOrder.objects.count() == 0


def test_it_asks_for_the_answer_when_closing_on_the_call(w: World) -> None:
    response = client_for(w.operator).post("/intake/new", typed(w, intent="answer", answer=""))
    assert response.status_code == 400
    html = text(response)
    assert any("答复内容" in e for e in field_errors(html, "id_answer"))
    _assert_kept(html, w, id_title='value="北山社区路灯不亮"', id_content="北山社区三号楼前路灯连续一周不亮")
    assert WorkOrder.objects.count() == 0


def test_it_asks_for_the_unit_when_dispatching(w: World) -> None:
    response = client_for(w.operator).post("/intake/new", typed(w, intent="dispatch", answer="顺便记下的答复草稿"))
    assert response.status_code == 400
    html = text(response)
    assert any("派单单位" in e for e in field_errors(html, "id_lead_unit"))
    _assert_kept(html, w, id_title='value="北山社区路灯不亮"', id_answer="顺便记下的答复草稿")
    assert WorkOrder.objects.count() == 0


@override_settings(CIVICDESK_OPERATOR_MAY_DISPATCH=False)
def test_it_leaves_no_half_taken_order_when_the_second_move_fails(w: World) -> None:
    # Creating succeeds, dispatching is refused (this center makes operators go through
    # the hub): neither the order, nor its events, nor a used number may remain.
    response = client_for(w.operator).post("/intake/new", typed(w, intent="dispatch", lead_unit=w.village.pk))
    assert response.status_code == 400
    html = text(response)
    assert "不允许话务员直接派单" in html
    _assert_kept(html, w, id_title='value="北山社区路灯不亮"', id_citizen_phone='value="13912345678"')
    assert WorkOrder.objects.count() == 0
    assert OrderEvent.objects.count() == 0
    assert OrderNumberCounter.objects.filter(last__gt=0).count() == 0


@override_settings(CIVICDESK_OPERATOR_MAY_DISPATCH=False)
def test_it_offers_direct_dispatch_only_where_operators_may_dispatch(w: World) -> None:
    assert 'value="dispatch"' not in text(client_for(w.operator).get("/intake/new"))
    assert 'value="dispatch"' in text(client_for(w.dispatcher).get("/intake/new"))


def test_it_refuses_the_intake_page_to_unit_staff(w: World) -> None:
    client = client_for(w.handler_a)
    assert client.get("/intake/new").status_code == 403
    assert client.post("/intake/new", typed(w)).status_code == 403
    assert client.post("/intake/suggest", {"title": "路面破损"}).status_code == 403
    assert client.post("/intake/caller", {"citizen_phone": "13800001234"}).status_code == 403
    assert WorkOrder.objects.count() == 0


def test_it_suggests_the_category_from_the_catalogue_words(w: World) -> None:
    response = client_for(w.operator).post(
        "/intake/suggest", {"title": "人民路路面破损", "content": "路面破损严重，车辆难行"}
    )
    assert response.status_code == 200
    html = text(response)
    suggestions = html[html.index('id="category-suggestions"') :]
    assert f'data-category="{w.cat_potholes.pk}"' in suggestions
    assert "路面破损" in suggestions


def test_it_names_the_responsible_unit_from_the_dispatch_catalogue(w: World) -> None:
    client = client_for(w.operator)
    html = text(client.post("/intake/suggest", {"title": "路面破损", "category": w.cat_potholes.pk}))
    assert "市住房和城乡建设局" in html[html.index('id="unit-suggestion"') :]
    # In the village the catalogue names the village itself.
    html = text(
        client.post("/intake/suggest", {"title": "路面破损", "category": w.cat_potholes.pk, "area": w.area_village.pk})
    )
    assert "崖头街道北山社区" in html[html.index('id="unit-suggestion"') :]


def test_it_lists_similar_open_orders_from_the_same_caller(w: World) -> None:
    open_one = w.dispatched(citizen_phone="13912345678", title="三号楼路灯不亮")
    closed_one = w.closed(citizen_phone="13912345678", title="去年的下水道")
    stranger = w.dispatched(citizen_phone="13700000000", title="别处的路灯")
    html = text(client_for(w.operator).post("/intake/suggest", {"title": "路灯", "citizen_phone": "13912345678"}))
    similar = html[html.index('id="similar-orders"') : html.index('id="caller-history"')]
    assert order_numbers(similar) == [open_one.number]
    history = html[html.index('id="caller-history"') :]
    assert set(order_numbers(history)) == {open_one.number, closed_one.number}
    assert stranger.number not in html


def test_it_shows_the_caller_history_as_the_phone_is_typed(w: World) -> None:
    past = w.answered(citizen_phone="13912345678")
    client = client_for(w.operator)
    assert order_numbers(text(client.post("/intake/caller", {"citizen_phone": "13912345678"}))) == [past.number]
    assert order_numbers(text(client.post("/intake/caller", {"citizen_phone": "139"}))) == []


def test_it_takes_the_call_once_when_the_result_page_is_reloaded(w: World) -> None:
    client = client_for(w.operator)
    response = client.post("/intake/new", typed(w))
    assert response.status_code == 302
    done_url = response["Location"]
    assert client.get(done_url).status_code == 200
    assert client.get(done_url).status_code == 200
    assert WorkOrder.objects.count() == 1
