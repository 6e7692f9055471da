"""The demo's enterprise services: valid companies, officers, licences, enterprise orders,
and a roster with one uncovered day — added once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from civicdesk.demo.city import build_city
from civicdesk.enterprises.demo_seed import seed
from civicdesk.enterprises.models import Enterprise, LiaisonAssignment, Licence
from civicdesk.lib import creditcode
from civicdesk.orders.models import WorkOrder
from civicdesk.worktime.duty import coverage_gaps
from civicdesk.worktime.models import DutyShift

pytestmark = pytest.mark.django_db


def test_it_seeds_enterprise_services_once() -> None:
    city = build_city()
    now = timezone.now()

    lines = seed(city, now)
    counts = (
        Enterprise.objects.count(),
        Licence.objects.count(),
        WorkOrder.objects.count(),
        DutyShift.objects.count(),
        LiaisonAssignment.objects.count(),
    )
    again = seed(city, now)

    codes = Enterprise.objects.values_list("credit_code", flat=True)
    assert counts[0] == 30 and all(creditcode.is_valid(c) for c in codes)
    assert counts[2] >= 10 and WorkOrder.objects.filter(topics__name="涉企").count() == counts[2]
    assert (
        Enterprise.objects.count(),
        Licence.objects.count(),
        WorkOrder.objects.count(),
        DutyShift.objects.count(),
        LiaisonAssignment.objects.count(),
    ) == counts
    assert any("liaison2" in line for line in lines) and any("qinglan2026" in line for line in lines)
    assert len(again) == len(lines)
    gaps = coverage_gaps([city.hub])
    assert len(gaps) == 1 and gaps[0].hub_uncovered
