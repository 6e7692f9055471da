"""The order page links the caller's ten latest other orders and flags a repeat call (the
caller's latest earlier order on the same matter within the configured days), also when that
earlier order is older than the ten latest: a caller who rang about other things since."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from civicdesk.orders.models import WorkOrder
from tests.console.helpers import client_for, text
from tests.world import World

pytestmark = pytest.mark.django_db


def _age(order: WorkOrder, days: float) -> WorkOrder:
    WorkOrder.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(days=days))
    return order


def _related(html: str) -> list[str]:
    block = html[html.index("同一来电人的其他工单") :]
    block = block[: block.index("</p>")]
    return re.findall(r'href="/orders/(\d{13})/"', block)


@override_settings(CIVICDESK_REPEAT_CALL_DAYS=30)
def test_a_repeat_older_than_the_ten_latest_is_still_flagged(w: World) -> None:
    first = _age(w.new_order(title="人民路坑洼"), 20)
    others = [_age(w.new_order(category=w.cat_noise, title=f"噪音第{i}次"), 10 - i * 0.5) for i in range(11)]
    again = w.new_order(title="人民路坑洼又出现了")
    html = text(client_for(w.dispatcher).get(f"/orders/{again.number}/"))
    assert f"重复来电（前单 {first.number}）" in html
    # The ten latest of the caller's other orders, newest first; the repeat is older than them.
    assert _related(html) == [o.number for o in reversed(others)][:10]


@override_settings(CIVICDESK_REPEAT_CALL_DAYS=30)
def test_no_flag_when_the_same_matter_is_older_than_the_window(w: World) -> None:
    _age(w.new_order(title="人民路坑洼"), 40)
    for i in range(11):
        _age(w.new_order(category=w.cat_noise, title=f"噪音第{i}次"), 35 - i)
    again = w.new_order(title="人民路坑洼又出现了")
    html = text(client_for(w.dispatcher).get(f"/orders/{again.number}/"))
    assert 'id="repeat-call"' not in html


@override_settings(CIVICDESK_REPEAT_CALL_DAYS=30)
def test_the_latest_repeat_among_the_ten_is_flagged(w: World) -> None:
    _age(w.new_order(title="人民路坑洼一"), 9)
    latest = _age(w.new_order(title="人民路坑洼二"), 3)
    _age(w.new_order(category=w.cat_noise, title="噪音"), 1)
    again = w.new_order(title="人民路坑洼又出现了")
    html = text(client_for(w.dispatcher).get(f"/orders/{again.number}/"))
    assert f"重复来电（前单 {latest.number}）" in html
