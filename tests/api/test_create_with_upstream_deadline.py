"""An upstream platform that creates its orders through the REST API gives its own number and
deadline: the order keeps both, and its units' deadline ends the platform's margin before
it. A deadline that cannot be right is refused with the field named, and nothing is created."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import User
from civicdesk.upstream.models import UpstreamPlatform
from tests.api.conftest import Caller, order_body
from tests.world import World

pytestmark = pytest.mark.django_db


def _due(days: int) -> str:
    return (timezone.localtime() + timedelta(days=days)).replace(microsecond=0).isoformat()


def test_the_upstream_number_and_deadline_are_kept_and_cap_the_units(
    w: World, as_user: Callable[[User], Caller]
) -> None:
    UpstreamPlatform.objects.create(code="minxin", name="民心网", hub=w.hub, margin_hours=24)
    due = _due(3)
    answer = as_user(w.operator).create(order_body(upstream_platform="minxin", upstream_id="MX-9", upstream_due_at=due))
    assert answer.status_code == 201, answer.json()
    assert datetime.fromisoformat(answer.json()["upstream_due_at"]) == datetime.fromisoformat(due)
    order = WorkOrder.objects.get(number=answer.json()["number"])
    assert order.upper_due_at == datetime.fromisoformat(due) - timedelta(hours=24)


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"upstream_due_at": _due(3)}, "no platform named"),
        ({"upstream_platform": "minxin", "upstream_id": "MX-9", "upstream_due_at": _due(-1)}, "already past"),
        (
            {"upstream_platform": "minxin", "upstream_id": "MX-9", "upstream_due_at": "2030-03-10T17:00:00"},
            "no time zone",
        ),
        ({"upstream_platform": "minxin", "upstream_id": "MX-9", "upstream_due_at": "next friday"}, "not a time"),
    ],
)
def test_a_deadline_that_cannot_be_right_is_refused(
    w: World, as_user: Callable[[User], Caller], fields: dict[str, str], why: str
) -> None:
    answer = as_user(w.operator).create(order_body(**fields))
    assert answer.status_code == 422, why
    assert "upstream_due_at" in str(answer.json()["fields"]), why
    assert not WorkOrder.objects.exists()
