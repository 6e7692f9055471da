"""The demo's parallel approvals: two applications of demo companies, one approved on time by
every department, one late (a 补正, a late opinion, a department still owing past its
deadline) — added once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from civicdesk.approvals.demo_seed import LATE, ON_TIME, seed
from civicdesk.approvals.models import Application
from civicdesk.approvals.status import status_of
from civicdesk.demo.city import build_city
from civicdesk.enterprises import demo_seed as enterprise_seed
from civicdesk.org.models import User

pytestmark = pytest.mark.django_db


def test_it_seeds_one_application_on_time_and_one_late_once() -> None:
    city = build_city()
    now = timezone.now()
    enterprise_seed.seed(city, now)

    assert seed(city, now)
    assert seed(city, now) == []

    dispatcher = User.objects.get(username="dispatcher1")
    done = status_of(dispatcher, Application.objects.get(name=ON_TIME))
    late = status_of(dispatcher, Application.objects.get(name=LATE))
    assert done.order.replied_at is not None and done.count_given == 3 and done.count_overdue == 0
    assert all(d.part.on_time for d in done.departments)
    assert late.count_overdue == 1 and any(d.part.on_time is False for d in late.departments)
    assert any(d.part.assignment.material_supplied_at for d in late.departments)
    assert late.elapsed_days > 0 and late.serial_days == 27
