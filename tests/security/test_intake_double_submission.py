"""Back after submitting, a double click or a retried post must not take the call twice:
the intake form carries a one-time token (the intake page's Idempotency-Key), and a second
order for a call that already has one needs the operator's explicit confirmation."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from django.db import connection

from civicdesk.intake.calls import record_event
from civicdesk.orders.models import WorkOrder
from tests.console.helpers import client_for, field_errors, text
from tests.world import World

pytestmark = pytest.mark.django_db


def _form_page(client: Any, **params: str) -> dict[str, str]:
    html = text(client.get("/intake/new", params))
    hidden = dict(re.findall(r'<input type="hidden" name="(submission|call_id|draft)" value="([^"]*)"', html))
    return hidden


def _typed(w: World, **extra: str) -> dict[str, Any]:
    return {
        "citizen_phone": "13912345678",
        "citizen_name": "刘女士",
        "channel": "phone",
        "request_type": "complaint",
        "urgency": "normal",
        "title": "北山社区路灯不亮",
        "content": "三号楼前路灯连续一周不亮。",
        "wants_reply": "on",
        "intent": "send_to_hub",
        **extra,
    }


def test_sending_the_same_form_again_makes_no_second_order(w: World) -> None:
    client = client_for(w.operator)
    hidden = _form_page(client)
    assert len(hidden["submission"]) >= 20
    first = client.post("/intake/new", _typed(w, **hidden))
    assert first.status_code == 302
    # Back, then 提交 again: the very same form.
    again = client.post("/intake/new", _typed(w, **hidden), follow=True)
    assert WorkOrder.objects.count() == 1
    order = WorkOrder.objects.get()
    assert again.redirect_chain[-1][0] == f"/intake/done/{order.number}"
    assert "这张受理单已提交过" in text(again) and order.number in text(again)


def test_each_shown_form_has_its_own_token(w: World) -> None:
    client = client_for(w.operator)
    first, second = _form_page(client), _form_page(client)
    assert first["submission"] != second["submission"]
    client.post("/intake/new", _typed(w, **first))
    client.post("/intake/new", _typed(w, title="另一件事", **second))
    assert WorkOrder.objects.count() == 2


def test_a_second_order_on_the_same_call_is_warned_and_needs_confirmation(w: World) -> None:
    record_event(poster=w.operator, call_id="call-77", kind="answered", phone="13912345678")
    client = client_for(w.operator)
    first = _form_page(client, caller="13912345678", call_id="call-77")
    assert client.post("/intake/new", _typed(w, **first)).status_code == 302
    order = WorkOrder.objects.get()
    # The screen-pop of the same call again (a reload of the old page, back): a warning.
    page = text(client.get("/intake/new", {"caller": "13912345678", "call_id": "call-77"}))
    assert "这个来电已受理为工单" in page and order.number in page
    second = _form_page(client, caller="13912345678", call_id="call-77")
    refused = client.post("/intake/new", _typed(w, **second))
    assert refused.status_code == 400
    assert WorkOrder.objects.count() == 1
    assert order.number in " ".join(field_errors(text(refused), "id_same_call_confirmed"))
    assert "三号楼前路灯连续一周不亮。" in text(refused)  # nothing typed is lost
    confirmed = client.post("/intake/new", _typed(w, same_call_confirmed="on", **second))
    assert confirmed.status_code == 302
    assert WorkOrder.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_posts_of_one_form_at_the_same_moment_make_one_order(w: World) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers: the race needs PostgreSQL (run with DATABASE_URL=postgres://…)")
    client = client_for(w.operator)
    hidden = _form_page(client)
    answers: list[int] = []

    def post() -> None:
        try:
            answers.append(client_for(w.operator).post("/intake/new", _typed(w, **hidden)).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [302, 302]
    assert WorkOrder.objects.count() == 1
