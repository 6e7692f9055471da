"""`civicdesk worker --once` runs the sweeps and the queued tasks, then exits."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from civicdesk.orders.models import SupervisionNotice
from tests.world import World

TZ = ZoneInfo("Asia/Shanghai")


@pytest.mark.django_db(transaction=True)
def test_it_issues_the_notices_an_overdue_order_is_due(w: World, capsys) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ), tick=False):
        order = w.signed()
    with time_machine.travel(dt.datetime(2026, 3, 30, 9, 0, tzinfo=TZ), tick=False):
        call_command("worker", once=True)
    notices = SupervisionNotice.objects.filter(order=order)
    assert notices.count() == 1
    assert notices.get().level == 4
    assert "deadline_watch=1" in capsys.readouterr().out
