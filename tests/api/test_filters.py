"""GET /orders: filters, paging, and only what the caller may see."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from civicdesk.orders.models import WorkOrder


def _numbers(response) -> set[str]:
    assert response.status_code == 200, response.content.decode()
    return {o["number"] for o in response.json()["results"]}


def test_filters(w, as_user):
    new = w.new_order()
    dispatched = w.dispatched()
    noise = w.new_order(category=w.cat_noise)
    hub = as_user(w.dispatcher)
    assert _numbers(hub.get("/orders")) == {new.number, dispatched.number, noise.number}
    assert _numbers(hub.get("/orders", {"state": "dispatched"})) == {dispatched.number}
    assert _numbers(hub.get("/orders?state=dispatched&state=received")) == {new.number, dispatched.number, noise.number}
    assert _numbers(hub.get("/orders", {"category": "c-hj-zs"})) == {noise.number}
    # A parent category takes in its sub-categories.
    assert _numbers(hub.get("/orders", {"category": "c-cj"})) == {new.number, dispatched.number}
    assert _numbers(hub.get("/orders", {"lead_unit": "rc-zj"})) == {dispatched.number}


def test_time_filters(w, as_user):
    old = w.new_order()
    WorkOrder.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=10), updated_at=timezone.now() - timedelta(days=10)
    )
    recent = w.new_order()
    hub = as_user(w.dispatcher)
    cut = (timezone.now() - timedelta(days=1)).isoformat()
    assert _numbers(hub.get("/orders", {"created_after": cut})) == {recent.number}
    assert _numbers(hub.get("/orders", {"created_before": cut})) == {old.number}
    assert _numbers(hub.get("/orders", {"updated_after": cut})) == {recent.number}
    # A time without an offset is local time.
    naive = timezone.localtime(timezone.now() - timedelta(days=1)).replace(tzinfo=None).isoformat()
    assert _numbers(hub.get("/orders", {"created_after": naive})) == {recent.number}


def test_paging(w, as_user):
    made = [w.new_order() for _ in range(5)]
    hub = as_user(w.dispatcher)
    first = hub.get("/orders", {"page_size": 2}).json()
    assert first["count"] == 5 and first["pages"] == 3 and len(first["results"]) == 2
    # Newest first.
    assert first["results"][0]["number"] == made[-1].number
    seen = set()
    for page in (1, 2, 3):
        seen |= _numbers(hub.get("/orders", {"page_size": 2, "page": page}))
    assert seen == {o.number for o in made}
    assert hub.get("/orders", {"page": 9}).json()["results"] == []


def test_page_size_has_a_maximum(w, as_user):
    response = as_user(w.dispatcher).get("/orders", {"page_size": 201})
    assert response.status_code == 422
    assert "page_size" in response.json()["fields"]


def test_bad_filter_values_are_422(w, as_user):
    hub = as_user(w.dispatcher)
    for params in ({"state": "flying"}, {"created_after": "yesterday"}, {"page": 0}):
        response = hub.get("/orders", params)
        assert response.status_code == 422, params
        assert response.json()["code"] == "validation_error"


def test_units_see_only_their_orders(w, as_user):
    mine = w.dispatched()
    w.new_order()
    assert _numbers(as_user(w.handler_a).get("/orders")) == {mine.number}
    assert _numbers(as_user(w.handler_c).get("/orders")) == set()
    assert _numbers(as_user(w.outsider).get("/orders")) == set()
