"""Who may use the hub pages: the board and merging are for the dispatchers of the order's
hub; supervision for supervisors, leaders and dispatchers, escalation for supervisors."""

from __future__ import annotations

import pytest
from django.test import Client

from civicdesk.orders import actions
from civicdesk.orders.workflow import State
from civicdesk.org.models import OrgUnit, Role, UnitKind
from tests.console_hub.helpers import HTMX, board_numbers, bulk_post, client_for, fresh, result_line, text
from tests.world import World


@pytest.mark.parametrize("persona", ["handler_a", "head_a", "operator", "callback_agent", "supervisor", "leader"])
def test_it_forbids_the_board_to_everyone_but_dispatchers(w: World, persona: str) -> None:
    order = w.pending()
    review = w.return_requested()
    client = client_for(getattr(w, persona))

    assert client.get("/orders/dispatch/").status_code == 403
    assert client.get("/orders/dispatch/", {"tab": "returns"}).status_code == 403
    assert client.post("/orders/dispatch/bulk/", bulk_post([order], selected=[order.number])).status_code == 403
    response = client.post(
        f"/orders/dispatch/review/{review.number}/approve_return/",
        {
            "approve_return-version": review.version,
        },
        headers=HTMX,
    )
    assert response.status_code == 403
    assert fresh(order).state == State.PENDING_DISPATCH
    assert fresh(review).state == State.RETURN_REQUESTED


@pytest.mark.parametrize("persona", ["handler_a", "operator"])
def test_it_forbids_merging_to_handlers_and_operators(w: World, persona: str) -> None:
    order = w.dispatched()  # the operator owns it, dept_a handles it: both may open the order
    parent = w.dispatched()
    client = client_for(getattr(w, persona))

    assert client.get(f"/orders/{order.number}/merge/").status_code == 403
    response = client.post(
        f"/orders/{order.number}/merge/",
        {
            "merge-version": order.version,
            "merge-into": parent.number,
        },
    )
    assert response.status_code == 403
    assert fresh(order).state == State.DISPATCHED


@pytest.mark.parametrize("persona", ["supervisor", "leader", "dispatcher"])
def test_it_opens_supervision_to_supervisors_leaders_and_dispatchers(w: World, persona: str) -> None:
    assert client_for(getattr(w, persona)).get("/orders/supervision/").status_code == 200


@pytest.mark.parametrize("persona", ["handler_a", "operator", "callback_agent", "outsider"])
def test_it_forbids_supervision_to_the_others(w: World, persona: str) -> None:
    order = w.signed()
    client = client_for(getattr(w, persona))

    assert client.get("/orders/supervision/").status_code == 403
    response = client.post(
        f"/orders/supervision/{order.number}/escalate/",
        {
            "supervise-version": order.version,
            "supervise-note": "催办",
        },
    )
    assert response.status_code == 403
    assert fresh(order).supervision_level == 0


@pytest.mark.parametrize("persona", ["leader", "dispatcher"])
def test_it_offers_escalation_to_supervisors_only(w: World, persona: str) -> None:
    order = w.signed()
    actions.supervise(order, actor=w.supervisor, note="首次督办")
    client = client_for(getattr(w, persona))

    html = text(client.get("/orders/supervision/", {"list": "flagged"}))
    assert f'id="sv-{order.number}"' in html
    assert "/escalate/" not in html
    assert 'action="/orders/supervision/' in text(
        client_for(w.supervisor).get("/orders/supervision/", {"list": "flagged"})
    )
    response = client.post(
        f"/orders/supervision/{order.number}/escalate/",
        {
            "supervise-version": fresh(order).version,
            "supervise-note": "再次督办",
        },
    )
    assert response.status_code == 403
    assert fresh(order).supervision_level == 1


def test_it_keeps_another_hubs_orders_away_from_its_dispatchers(w: World) -> None:
    other_hub = OrgUnit.objects.create(
        name="石岛管理区服务中心", code="sd-hub", kind=UnitKind.CENTER, parent=w.hub.parent, is_hub=True
    )
    other_dispatcher = w.person("sd_dispatcher", "石岛派单员", (other_hub, Role.DISPATCHER))
    order = w.pending()
    review = w.return_requested()
    client = client_for(other_dispatcher)

    assert order.number not in board_numbers(text(client.get("/orders/dispatch/")))
    html = text(client.post("/orders/dispatch/bulk/", bulk_post([order], selected=[order.number])))
    assert "找不到该工单" in result_line(html, order.number)
    assert (
        client.post(
            f"/orders/dispatch/review/{review.number}/approve_return/",
            {
                "approve_return-version": review.version,
            },
        ).status_code
        == 404
    )
    assert client.get(f"/orders/{order.number}/merge/").status_code == 404
    assert fresh(order).state == State.PENDING_DISPATCH
    assert fresh(review).state == State.RETURN_REQUESTED


def test_it_sends_people_who_are_not_signed_in_to_the_sign_in_page(w: World) -> None:
    for url in ("/orders/dispatch/", "/orders/supervision/", f"/orders/{w.pending().number}/merge/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]
