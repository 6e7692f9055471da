"""A call's recording is offered on the order page to those allowed to hear it, and every
play goes through a view that checks the right and writes it down."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from civicdesk.intake.models import Call, RecordingPlay
from tests.intake.calls_helpers import at, call, telephony
from tests.world import World

pytestmark = pytest.mark.django_db

D = dt.date(2026, 3, 2)
SERVER = "https://rec.example.cn/play?id={recording_id}"


@pytest.fixture
def on_order(w: World) -> Call:
    c = call(
        telephony(w),
        "R-2",
        ("answered", at(D, "09:00:00"), "operator"),
        ("hung_up", at(D, "09:03:00"), ""),
        recording_id="REC-0302-1",
    )
    order = w.new_order()
    Call.objects.filter(pk=c.pk).update(order=order)
    return Call.objects.select_related("order").get(pk=c.pk)


def _page(user: object, c: Call) -> str:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client.get(reverse("orders:detail", args=[c.order.number])).content.decode()  # type: ignore[union-attr]


@override_settings(CIVICDESK_RECORDING_URL=SERVER)
def test_the_order_page_offers_the_recording_to_whom_may_hear_it(w: World, on_order: Call) -> None:
    play = f"/intake/calls/{on_order.pk}/recording"
    assert play in _page(w.supervisor, on_order)
    assert play in _page(w.operator, on_order)  # the agent who took the call
    dispatcher_page = _page(w.dispatcher, on_order)
    assert play in dispatcher_page
    assert play not in _page(w.handler_a, on_order)  # the unit handling the order reads, never hears


@override_settings(CIVICDESK_RECORDING_URL=SERVER)
def test_every_play_is_checked_and_written_down(w: World, on_order: Call) -> None:
    client = Client()
    client.force_login(w.leader)
    response = client.get(f"/intake/calls/{on_order.pk}/recording")
    assert response.status_code == 302
    assert response["Location"] == "https://rec.example.cn/play?id=REC-0302-1"
    client.get(f"/intake/calls/{on_order.pk}/recording")
    assert list(RecordingPlay.objects.values_list("user__username", flat=True)) == ["leader", "leader"]

    callback = Client()
    callback.force_login(w.callback_agent)
    assert callback.get(f"/intake/calls/{on_order.pk}/recording").status_code == 403
    other_operator = w.person("op2", "另一话务员", (w.hub, "operator"))
    stranger = Client()
    stranger.force_login(other_operator)
    assert stranger.get(f"/intake/calls/{on_order.pk}/recording").status_code == 403  # not their call
    assert RecordingPlay.objects.count() == 2


def test_without_a_recording_server_nothing_is_offered(w: World, on_order: Call) -> None:
    assert "/recording" not in _page(w.supervisor, on_order)
    client = Client()
    client.force_login(w.supervisor)
    assert client.get(f"/intake/calls/{on_order.pk}/recording").status_code == 404
    assert not RecordingPlay.objects.exists()
