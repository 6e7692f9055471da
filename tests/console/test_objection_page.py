"""The objection to a refused return on the pages: the unit objects from the order page,
the reviewers find it on the supervision page and rule on the order page."""

from __future__ import annotations

import pytest

from tests.console.helpers import client_for, text
from tests.world import World

pytestmark = pytest.mark.django_db


def _moves(html: str) -> str:
    return html.split('id="moves"')[1].split('id="timeline"')[0]


def test_the_objection_is_offered_only_right_after_a_refusal(w: World) -> None:
    signed = w.signed()
    assert "提出退单异议" not in _moves(text(client_for(w.handler_a).get(f"/orders/{signed.number}/")))

    refused = w.refused()
    client = client_for(w.handler_a)
    assert "提出退单异议" in _moves(text(client.get(f"/orders/{refused.number}/")))

    response = client.post(
        f"/orders/{refused.number}/act/object_to_refusal/",
        {"object_to_refusal-version": refused.version, "object_to_refusal-reason": "有移交文件为证"},
    )
    assert response.status_code == 302
    refused.refresh_from_db()
    assert refused.state == "objection_review"


def test_the_reviewer_finds_it_on_the_supervision_page_and_rules(w: World) -> None:
    order = w.objection_review()
    client = client_for(w.supervisor)

    listing = text(client.get("/orders/supervision/?list=objections"))
    assert order.number in listing
    moves = _moves(text(client.get(f"/orders/{order.number}/")))
    assert "支持退单异议" in moves and "驳回退单异议" in moves
    assert "退单异议" not in _moves(text(client_for(w.dispatcher).get(f"/orders/{order.number}/")))

    response = client.post(
        f"/orders/{order.number}/act/reject_objection/",
        {"reject_objection-version": order.version, "reject_objection-reason": "职责清单明确属本单位"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == "signed"
    assert "已驳回退单异议" in text(client.get("/orders/supervision/?list=objections"))  # the message
    assert order.number not in text(client.get("/orders/supervision/?list=objections"))


def test_the_inbox_shows_the_objection_under_review(w: World) -> None:
    order = w.objection_review()
    html = text(client_for(w.handler_a).get("/orders/inbox/?tab=review"))
    assert order.number in html
