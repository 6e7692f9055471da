"""涉企诉求 are tagged with the topic 涉企 when an enterprise is linked, at intake or later."""

from __future__ import annotations

import pytest

from civicdesk.catalogue.models import Topic
from civicdesk.enterprises.models import Enterprise
from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput, PermissionDenied
from civicdesk.org.models import User
from tests.world import World


def _topics(order: object) -> set[str]:
    return set(order.topics.values_list("name", flat=True))  # type: ignore[attr-defined]


def test_it_creates_the_topic_when_missing_and_tags_the_order(w: World, company: Enterprise) -> None:
    assert not Topic.objects.filter(name="涉企").exists()

    order = w.new_order(enterprise=company, topics=[w.topic_epidemic])

    assert _topics(order) == {"涉疫", "涉企"}
    assert order.events.get().data["topics"] == ["epidemic", "enterprise"]


def test_it_reuses_the_existing_topic_once(w: World, company: Enterprise) -> None:
    existing = Topic.objects.create(code="enterprise", name="涉企")

    order = w.new_order(enterprise=company, topics=[existing])

    assert list(order.topics.all()) == [existing]
    assert Topic.objects.filter(name="涉企").count() == 1


def test_an_order_without_enterprise_is_not_tagged(w: World) -> None:
    assert _topics(w.new_order()) == set()


def test_linking_an_enterprise_later_tags_it_and_tells_the_unit(w: World, company: Enterprise, officer: User) -> None:
    order = w.dispatched()

    order = actions.link_enterprise(order, actor=w.dispatcher, enterprise=company)

    order.refresh_from_db()
    assert order.enterprise == company and _topics(order) == {"涉企"}
    event = order.events.last()
    assert event.action == "supplement" and event.data["enterprise"] == company.pk
    assert company.name in event.note
    told = set(OutboxMessage.objects.filter(event=event).values_list("user_id", flat=True))
    assert {w.handler_a.pk, officer.pk} <= told


def test_linking_twice_or_without_the_right_is_refused(w: World, company: Enterprise) -> None:
    order = actions.link_enterprise(w.dispatched(), actor=w.dispatcher, enterprise=company)
    with pytest.raises(InvalidInput):
        actions.link_enterprise(order, actor=w.dispatcher, enterprise=company)
    with pytest.raises(PermissionDenied):
        actions.link_enterprise(w.dispatched(), actor=w.handler_b, enterprise=company)


def test_the_order_page_links_an_enterprise(w: World, company: Enterprise) -> None:
    from tests.console.helpers import client_for, text

    order = w.dispatched()
    client = client_for(w.dispatcher)
    assert 'id="link-enterprise"' in text(client.get(f"/orders/{order.number}/"))
    assert 'id="link-enterprise"' not in text(client_for(w.handler_a).get(f"/orders/{order.number}/"))

    unknown = client.post(
        f"/enterprises/link/{order.number}/", {"enterprise": "没有这家", "version": order.version}, follow=True
    )
    assert "没有找到该企业" in text(unknown)
    response = client.post(
        f"/enterprises/link/{order.number}/",
        {"enterprise": f"{company.name}（{company.credit_code}）", "version": order.version},
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.enterprise == company and _topics(order) == {"涉企"}
    assert 'id="link-enterprise"' not in text(client.get(f"/orders/{order.number}/"))
    assert client_for(w.town_handler).post(f"/enterprises/link/{order.number}/", {}).status_code == 404
