"""Softphones post call events; missed calls wait for a call back; an order taken from the
screen-pop links to its call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from civicdesk.intake.calls import missed_calls
from civicdesk.intake.models import Call, CallEvent
from civicdesk.open311.keys import create_client
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import User
from tests.api.conftest import Caller
from tests.world import World

PHONE = "13700001111"


def _event(caller: Caller, call_id: str, event: str, phone: str = PHONE, **extra: Any) -> Any:
    return caller.post("/calls/events", {"call_id": call_id, "event": event, "phone": phone, **extra})


def test_a_softphone_reports_an_answered_call(w: World, as_user: Callable[[User], Caller]) -> None:
    softphone = as_user(w.operator)
    assert _event(softphone, "c-1", "ringing", extension="8001").status_code == 201
    assert _event(softphone, "c-1", "answered").status_code == 201
    response = _event(softphone, "c-1", "hung_up")
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "completed"
    assert body["agent"] == "operator"
    call = Call.objects.get(call_id="c-1")
    assert call.phone == PHONE and call.hub == w.hub and call.extension == "8001"
    assert call.answered_at is not None and call.ended_at is not None
    assert list(call.events.values_list("kind", flat=True)) == ["ringing", "answered", "hung_up"]
    assert not missed_calls(w.operator).exists()


def test_a_retried_post_changes_nothing(w: World, as_user: Callable[[User], Caller]) -> None:
    softphone = as_user(w.operator)
    _event(softphone, "c-2", "ringing")
    again = _event(softphone, "c-2", "ringing")
    assert again.status_code == 200
    assert again.json()["recorded"] is False
    assert CallEvent.objects.filter(call__call_id="c-2").count() == 1


def test_missed_calls_wait_for_a_call_back(w: World, as_user: Callable[[User], Caller]) -> None:
    softphone = as_user(w.operator)
    _event(softphone, "c-3", "ringing")
    assert _event(softphone, "c-3", "missed").json()["state"] == "missed"
    _event(softphone, "c-4", "ringing", phone="13700002222")
    # Hung up before anyone answered: missed as well.
    assert _event(softphone, "c-4", "hung_up", phone="13700002222").json()["state"] == "missed"
    assert set(missed_calls(w.operator).values_list("call_id", flat=True)) == {"c-3", "c-4"}

    page = Client()
    page.force_login(w.operator)
    html = page.get("/intake/missed").content.decode()
    assert PHONE in html and "13700002222" in html
    assert "未接来电" in page.get("/").content.decode()  # the navigation entry

    call = Call.objects.get(call_id="c-3")
    assert page.post(f"/intake/missed/{call.pk}/called-back").status_code == 302
    call.refresh_from_db()
    assert call.called_back_by == w.operator and call.called_back_at is not None
    assert set(missed_calls(w.operator).values_list("call_id", flat=True)) == {"c-4"}


def test_a_later_answered_call_settles_a_missed_one(w: World, as_user: Callable[[User], Caller]) -> None:
    softphone = as_user(w.operator)
    _event(softphone, "c-5", "missed")
    _event(softphone, "c-6", "ringing")
    _event(softphone, "c-6", "answered")
    assert not missed_calls(w.operator).exists()


def test_events_out_of_order_still_end_right(w: World, as_user: Callable[[User], Caller]) -> None:
    softphone = as_user(w.operator)
    _event(softphone, "c-7", "hung_up", at="2026-12-01T10:00:30+08:00")
    body = _event(softphone, "c-7", "answered", at="2026-12-01T10:00:05+08:00").json()
    assert body["state"] == "completed"


def test_a_system_account_names_the_agent(w: World, as_user: Callable[[User], Caller]) -> None:
    client, _key = create_client("呼叫中心", w.hub)  # a service account with the operator role
    telephony = as_user(client.user)
    body = _event(telephony, "c-8", "answered", agent="operator").json()
    assert body["agent"] == "operator"
    unknown = _event(telephony, "c-9", "answered", agent="handler_a")
    assert unknown.status_code == 422
    assert "agent" in unknown.json()["fields"]


def test_only_intake_staff_may_post(w: World, as_user: Callable[[User], Caller]) -> None:
    response = _event(as_user(w.handler_a), "c-10", "ringing")
    assert response.status_code == 403
    assert not Call.objects.exists()
    assert Client().post("/api/v1/calls/events", {}, content_type="application/json").status_code == 401


def test_bad_input_is_named(w: World, as_user: Callable[[User], Caller]) -> None:
    softphone = as_user(w.operator)
    assert _event(softphone, "c 11", "ringing").status_code == 422
    assert _event(softphone, "c-12", "exploded").status_code == 422
    assert _event(softphone, "c-13", "ringing", phone="call me").status_code == 422
    _event(softphone, "c-14", "ringing")
    reused = _event(softphone, "c-14", "answered", phone="13000000000")
    assert reused.status_code == 422


def test_an_order_from_the_screen_pop_links_to_its_call(w: World, as_user: Callable[[User], Caller]) -> None:
    softphone = as_user(w.operator)
    _event(softphone, "pbx-42", "ringing", extension="8001")
    _event(softphone, "pbx-42", "answered")
    page = Client()
    page.force_login(w.operator)
    pop = page.get("/intake/", {"caller": PHONE, "call_id": "pbx-42"})
    assert pop.status_code == 302
    form = page.get(pop["Location"]).content.decode()
    assert 'name="call_id"' in form and 'value="pbx-42"' in form
    response = page.post(
        "/intake/new",
        {
            "citizen_phone": PHONE,
            "channel": "phone",
            "request_type": "complaint",
            "urgency": "normal",
            "title": "路灯不亮",
            "content": "人民路路灯不亮一周。",
            "wants_reply": "on",
            "call_id": "pbx-42",
            "intent": "send_to_hub",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    order = WorkOrder.objects.get()
    assert Call.objects.get(call_id="pbx-42").order == order
    detail = page.get(f"/orders/{order.number}/").content.decode()
    assert "来电记录" in detail and "pbx-42" in detail
    assert _event(softphone, "pbx-42", "hung_up").json()["order"] == order.number


def test_the_missed_calls_page_is_for_intake_staff_only(w: World) -> None:
    page = Client()
    page.force_login(w.handler_a)
    assert page.get("/intake/missed").status_code == 403
    assert "未接来电" not in page.get("/").content.decode()
