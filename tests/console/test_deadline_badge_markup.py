"""The deadline badge of the lists and the order page reads as it always did — the status's
colour and words, the handling deadline in local time as its title, in the reader's
language — for every status, now that it is put together without a template per row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from civicdesk.orders.models import WorkOrder
from civicdesk.orders.templatetags.orders_tags import deadline_badge
from civicdesk.orders.workflow import State

# The badge's template before it was put together in Python (orders/_deadline.html).
AS_IT_WAS = Template(
    '{% load i18n %}<span class="badge badge-deadline-{{ status }}" '
    "title=\"{% translate '办理时限' %} {{ due|date:'Y-m-d H:i' }}\">{{ label }}</span>"
)


def _orders() -> list[WorkOrder]:
    now = timezone.now()
    # 23:30 UTC is the next day in the center's time zone (Asia/Shanghai).
    late = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    return [
        WorkOrder(state=State.PENDING_DISPATCH),
        WorkOrder(state=State.DISPATCHED, handle_due_at=now + timedelta(days=3)),
        WorkOrder(
            state=State.DISPATCHED, handle_due_at=now + timedelta(hours=2), handle_warn_at=now - timedelta(hours=1)
        ),
        WorkOrder(state=State.DISPATCHED, handle_due_at=now - timedelta(hours=1)),
        WorkOrder(state=State.SUSPENDED, handle_due_at=now - timedelta(days=1)),
        WorkOrder(state=State.CLOSED, handle_due_at=late, replied_at=late - timedelta(days=1)),
        WorkOrder(state=State.CLOSED, handle_due_at=late, replied_at=late + timedelta(days=1)),
        WorkOrder(state=State.CLOSED, handle_due_at=late),
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_status_reads_as_the_template_drew_it(language: str) -> None:
    with translation.override(language):
        for order in _orders():
            status = order.deadline_status()
            expected = AS_IT_WAS.render(
                Context({"status": status.value, "label": status.label, "due": order.handle_due_at})
            )
            assert deadline_badge(order) == expected
