from __future__ import annotations

from datetime import UTC, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from civicdesk.orders.models import WorkOrder
from tests.open311.helpers import BASE, both, errors_of, get_json, validate
from tests.world import World


def _ids(body: list[dict[str, object]]) -> set[object]:
    return {r["service_request_id"] for r in body}


def _old_order(w: World, days: int) -> WorkOrder:
    with time_machine.travel(timezone.now() - timedelta(days=days), tick=False):
        return w.new_order()


def test_it_lists_recent_requests_newest_first(w: World, client: Client) -> None:
    first, second = w.new_order(), w.dispatched(category=w.cat_noise)
    body = both(client, "/requests")
    validate(body, "requests.json")
    assert [r["service_request_id"] for r in body] == [second.number, first.number]


def test_by_default_only_the_last_90_days(w: World, client: Client) -> None:
    old, recent = _old_order(w, 100), w.new_order()
    assert _ids(get_json(client, "/requests")) == {recent.number}
    start = (timezone.now() - timedelta(days=101)).isoformat()
    end = (timezone.now() - timedelta(days=99)).isoformat()
    assert _ids(get_json(client, "/requests", start_date=start, end_date=end)) == {old.number}
    assert _ids(get_json(client, "/requests", start_date=start)) == {old.number}


def test_dates_may_be_w3c_utc_or_bare_days(w: World, client: Client) -> None:
    order = w.new_order()
    today = timezone.localdate()
    assert _ids(get_json(client, "/requests", start_date=today.isoformat(), end_date=today.isoformat())) == {
        order.number
    }
    utc = timezone.now().astimezone(UTC) - timedelta(hours=1)
    assert _ids(get_json(client, "/requests", start_date=utc.strftime("%Y-%m-%dT%H:%M:%SZ"))) == {order.number}


def test_service_request_id_overrides_every_other_filter(w: World, client: Client) -> None:
    old, a, b = _old_order(w, 200), w.new_order(), w.closed()
    body = get_json(
        client, "/requests", service_request_id=f"{old.number}, {b.number},nope", status="open", service_code="c-hj-zs"
    )
    assert _ids(body) == {old.number, b.number}
    assert a.number not in _ids(body)


def test_service_code_and_status_filters(w: World, client: Client) -> None:
    pothole, noise, closed = w.new_order(), w.new_order(category=w.cat_noise), w.closed()
    assert _ids(get_json(client, "/requests", service_code="c-hj-zs")) == {noise.number}
    assert _ids(get_json(client, "/requests", service_code="c-hj-zs,c-cj-dl-ph")) == {
        pothole.number,
        noise.number,
        closed.number,
    }
    assert _ids(get_json(client, "/requests", status="closed")) == {closed.number}
    assert _ids(get_json(client, "/requests", status="open")) == {pothole.number, noise.number}
    assert len(get_json(client, "/requests", status="open,closed")) == 3


def test_updated_after_and_before(w: World, client: Client) -> None:
    old = _old_order(w, 120)
    fresh = w.new_order()
    cut = timezone.now() - timedelta(days=1)
    # Asking by update time drops the default 90-day window on the request time.
    assert _ids(get_json(client, "/requests", updated_before=cut.isoformat())) == {old.number}
    assert _ids(get_json(client, "/requests", updated_after=cut.isoformat())) == {fresh.number}


def test_pages(w: World, client: Client) -> None:
    orders = [w.new_order() for _ in range(5)]
    newest_first = [o.number for o in reversed(orders)]
    page1 = get_json(client, "/requests", page_size="2")
    page3 = get_json(client, "/requests", page_size="2", page="3")
    assert [r["service_request_id"] for r in page1] == newest_first[:2]
    assert [r["service_request_id"] for r in page3] == newest_first[4:]
    assert get_json(client, "/requests", page_size="2", page="9") == []


def test_at_most_1000_requests(w: World, client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from civicdesk.open311 import views

    orders = [w.new_order() for _ in range(3)]
    monkeypatch.setattr(views, "MAX_RESULTS", 2)
    assert len(get_json(client, "/requests")) == 2
    assert len(get_json(client, "/requests", page_size="50")) == 2
    assert views.MAX_RESULTS == 2 and len(orders) == 3


def test_bad_filters_are_400(w: World, client: Client) -> None:
    bad = [
        {"start_date": "last week"},
        {"end_date": "2026-13-45"},
        {"status": "pending"},
        {"start_date": "2026-01-01", "end_date": "2025-12-01"},
        {"start_date": "2025-01-01", "end_date": "2025-06-30"},
        {"page": "0"},
        {"page_size": "many"},
        {"updated_after": "soon"},
    ]
    for params in bad:
        errors_of(client.get(f"{BASE}/requests.json", params), 400)
        errors_of(client.get(f"{BASE}/requests.xml", params), 400)


def test_jurisdiction_limits_the_hub(w: World, client: Client) -> None:
    order = w.new_order()
    assert _ids(get_json(client, "/requests", jurisdiction_id="rc-hub")) == {order.number}
    errors_of(client.get(f"{BASE}/requests.json", {"jurisdiction_id": "rc-zj"}), 404)
