"""Outside staffed hours the chat offers the portal's form; on days off it is open only when
someone of the hub is on the duty roster; a citizen waiting long is told when to expect an answer."""

from __future__ import annotations

from datetime import date, time, timedelta

import time_machine
from django.test import Client
from django.utils import timezone

from civicdesk.chat import actions, figures, hours
from civicdesk.chat.models import Chat
from civicdesk.worktime.limits import work_calendar
from civicdesk.worktime.models import DutyShift
from tests.chat.helpers import QUESTION, start, waiting_chat
from tests.world import World


def test_at_night_the_chat_offers_the_portal_form(w: World) -> None:
    with time_machine.travel("2026-12-08 22:30:00+08:00", tick=False):
        client = Client()
        page = client.get("/chat/").content.decode()
        assert 'id="chat-closed"' in page and 'href="/portal/submit"' in page
        assert 'id="chat-start-form"' not in page
        response = client.post("/chat/", {"citizen_phone": "13912345678", "text": QUESTION, "captcha_key": ""})
        assert response.status_code == 503 and QUESTION in response.content.decode()
        assert not Chat.objects.exists()


def test_on_a_sunday_it_is_open_only_with_someone_on_duty(w: World) -> None:
    sunday = date(2026, 12, 13)
    with time_machine.travel("2026-12-13 10:00:00+08:00", tick=False):
        assert not hours.staffed(w.hub)
        DutyShift.objects.create(day=sunday, unit=w.hub, user=w.operator)
        assert hours.staffed(w.hub)
        assert start(Client()).status_code == 302


def test_a_long_wait_is_told_when_to_expect_an_answer(w: World) -> None:
    first = waiting_chat(w.hub)
    client = Client()
    start(client)
    mine = Chat.objects.exclude(pk=first.pk).get()
    assert figures.expectation(mine) is None  # a short wait says nothing yet

    # Lately a chat waited four minutes to be taken; one citizen is ahead of this one.
    earlier = waiting_chat(w.hub)
    now = timezone.now()
    Chat.objects.filter(pk=earlier.pk).update(started_at=now - timedelta(minutes=30))
    actions.take(earlier, actor=w.operator)
    Chat.objects.filter(pk=earlier.pk).update(taken_at=now - timedelta(minutes=26))
    with time_machine.travel(timezone.now() + timedelta(minutes=4), tick=False):
        log = client.get("/chat/messages", HTTP_HX_REQUEST="true").content.decode()
        expect = figures.expectation(Chat.objects.get(pk=mine.pk))
    assert expect is not None and expect.ahead == 1 and expect.minutes == 8
    assert 'id="chat-expect"' in log and "预计 8 分钟内回复您" in log


def test_on_a_day_off_the_seat_shifts_decide_the_hours(w: World) -> None:
    sunday = date(2026, 12, 13)
    DutyShift.objects.create(day=sunday, unit=w.hub, user=w.operator, starts=time(8), ends=time(12))
    with time_machine.travel("2026-12-13 10:00:00+08:00", tick=False):
        assert hours.staffed(w.hub)
    with time_machine.travel("2026-12-13 15:00:00+08:00", tick=False):
        assert not hours.staffed(w.hub)  # the morning seat has gone home
        assert Client().post("/chat/", {"citizen_phone": "13912345678", "text": QUESTION}).status_code == 503


def test_on_a_public_holiday_it_is_open_with_someone_on_duty(w: World) -> None:
    holiday = date(2026, 10, 1)  # National Day, a Thursday
    assert not work_calendar().is_workday(holiday)
    with time_machine.travel("2026-10-01 10:00:00+08:00", tick=False):
        assert not hours.staffed(w.hub)
        DutyShift.objects.create(day=holiday, unit=w.hub, user=w.dispatcher)
        assert hours.staffed(w.hub)
        assert start(Client()).status_code == 302
