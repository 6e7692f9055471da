"""An admin enters next year's schedule in the Django admin; deadlines follow at once."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.test import Client

from civicdesk.catalogue.models import RequestType
from civicdesk.orders import actions
from civicdesk.org.models import User
from civicdesk.worktime.models import CalendarDay
from tests.worktime.helpers import at
from tests.world import World


@pytest.fixture
def admin_client(w: World, settings: object) -> tuple[Client, User]:
    # The manifest storage needs collectstatic, which the test run does not do.
    settings.STORAGES = {  # type: ignore[attr-defined]
        **settings.STORAGES,  # type: ignore[attr-defined]
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    user = User.objects.create_superuser(username="calendar_admin", password="pw-calendar-admin")
    client = Client()
    client.force_login(user)
    return client, user


def _dispatch_enquiry(w: World) -> object:
    with time_machine.travel(at(2026, 12, 31, 10, 0), tick=False):
        order = w.new_order(request_type=RequestType.ENQUIRY)
        return actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_a)


def test_it_records_who_entered_a_day_and_uses_it_for_the_next_dispatch(
    w: World, admin_client: tuple[Client, User]
) -> None:
    client, user = admin_client
    before = _dispatch_enquiry(w)
    response = client.post("/admin/worktime/calendarday/add/", {"day": "2027-01-01", "is_workday": "", "note": "元旦"})
    assert response.status_code == 302, response.content.decode()[:2000]
    day = CalendarDay.objects.get(day=date(2027, 1, 1))
    assert not day.is_workday
    assert day.entered_by == user
    after = _dispatch_enquiry(w)
    assert before.handle_due_at == at(2027, 1, 4, 10, 0)  # type: ignore[attr-defined]
    assert after.handle_due_at == at(2027, 1, 5, 10, 0)  # type: ignore[attr-defined]


def test_it_refuses_a_second_entry_for_the_same_day(w: World, admin_client: tuple[Client, User]) -> None:
    client, _user = admin_client
    CalendarDay.objects.create(day=date(2027, 1, 1), is_workday=False, note="元旦")
    response = client.post(
        "/admin/worktime/calendarday/add/", {"day": "2027-01-01", "is_workday": "on", "note": "重复"}
    )
    assert response.status_code == 200
    assert CalendarDay.objects.filter(day=date(2027, 1, 1)).count() == 1
    assert not CalendarDay.objects.get(day=date(2027, 1, 1)).is_workday


def test_it_follows_an_edit_and_a_delete_in_the_admin(w: World, admin_client: tuple[Client, User]) -> None:
    client, _user = admin_client
    day = CalendarDay.objects.create(day=date(2027, 1, 1), is_workday=False, note="元旦")
    assert _dispatch_enquiry(w).handle_due_at == at(2027, 1, 5, 10, 0)  # type: ignore[attr-defined]
    response = client.post(
        f"/admin/worktime/calendarday/{day.pk}/change/", {"day": "2027-01-01", "is_workday": "on", "note": "上班"}
    )
    assert response.status_code == 302
    assert _dispatch_enquiry(w).handle_due_at == at(2027, 1, 4, 10, 0)  # type: ignore[attr-defined]
    CalendarDay.objects.filter(pk=day.pk).update(is_workday=False)
    response = client.post(f"/admin/worktime/calendarday/{day.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not CalendarDay.objects.exists()
    assert _dispatch_enquiry(w).handle_due_at == at(2027, 1, 4, 10, 0)  # type: ignore[attr-defined]


def test_it_lists_the_entered_days_in_the_admin(w: World, admin_client: tuple[Client, User]) -> None:
    client, _user = admin_client
    CalendarDay.objects.create(day=date(2027, 1, 1), is_workday=False, note="元旦")
    response = client.get("/admin/worktime/calendarday/")
    assert response.status_code == 200
    assert "元旦" in response.content.decode()


def test_an_open_orders_deadline_follows_a_day_entered_in_the_admin(
    w: World, admin_client: tuple[Client, User]
) -> None:
    client, user = admin_client
    order = _dispatch_enquiry(w)
    with time_machine.travel(at(2026, 12, 31, 11, 0), tick=False):
        client.force_login(user)  # a session of that day
        response = client.post(
            "/admin/worktime/calendarday/add/", {"day": "2027-01-01", "is_workday": "", "note": "元旦"}
        )
    assert response.status_code == 302
    order.refresh_from_db()  # type: ignore[attr-defined]
    assert order.handle_due_at == at(2027, 1, 5, 10, 0)  # type: ignore[attr-defined]
    event = order.events.order_by("-seq").first()  # type: ignore[attr-defined]
    assert (event.action, event.actor) == ("follow_calendar", user)
