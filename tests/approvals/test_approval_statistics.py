"""The statistics of parallel approval: how many applications, each department's approvals
on time, and the working days the applications took against the sum of the departments'
serial times (what one after another would have taken)."""

from __future__ import annotations

import pytest
import time_machine

from civicdesk.approvals.status import figures
from civicdesk.enterprises.models import Enterprise
from civicdesk.orders import actions
from tests.approvals.conftest import open_cold_store
from tests.console.helpers import client_for, text
from tests.worktime.helpers import at
from tests.world import World

pytestmark = pytest.mark.django_db


def test_on_time_per_department_and_days_against_the_serial_sum(w: World, company: Enterprise) -> None:
    on_time = open_cold_store(w, company).order
    with time_machine.travel(at(2026, 3, 10, 9), tick=False):
        actions.give_part(on_time, actor=w.handler_b, text="同意。")
        actions.give_part(on_time, actor=w.handler_c, text="同意。")
        actions.sign_for(on_time, actor=w.handler_a)
        actions.reply(on_time, actor=w.handler_a, result="solved", text="各部门均同意，准予建设。")
    late = open_cold_store(w, company, at(2026, 3, 16, 9)).order
    with time_machine.travel(at(2026, 3, 19, 9), tick=False):  # market supervision was due Wednesday
        actions.give_part(late, actor=w.handler_b, text="同意。")

    with time_machine.travel(at(2026, 3, 19, 10), tick=False):  # the environment bureau was due at 09:00
        f = figures(w.dispatcher)

    assert f.applications == 2 and f.finished == 1
    by_unit = {d.unit_id: (d.assigned, d.given, d.on_time, d.overdue_open) for d in f.departments}
    assert by_unit[w.dept_b.pk] == (2, 2, 1, 0)
    assert by_unit[w.dept_c.pk] == (2, 1, 1, 1)
    # One working day for the first (Mon → Tue), three so far for the second; serial 10 each.
    assert f.elapsed_days == pytest.approx(4.0, abs=0.2)
    assert f.serial_days == 20
    page = text(client_for(w.dispatcher).get("/approvals/stats/"))
    assert "市市场监督管理局" in page and "50%" in page
