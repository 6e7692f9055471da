"""A leader's instruction on the pages: written on the order page, shown on it and in the
unit's inbox, acknowledged from the inbox row, answered in the reply form."""

from __future__ import annotations

import pytest

from civicdesk.orders import actions
from tests.console.helpers import client_for, text
from tests.world import World

pytestmark = pytest.mark.django_db


def test_the_leader_writes_it_and_it_shows_on_the_order(w: World) -> None:
    order = w.signed()
    client = client_for(w.leader)

    response = client.post(
        f"/orders/{order.number}/act/instruct/",
        {"instruct-version": order.version, "instruct-text": "请住建局会同街道三日内修复。", "instruct-days": ""},
    )

    assert response.status_code == 302
    html = text(client_for(w.handler_a).get(f"/orders/{order.number}/"))
    card = html[html.index('id="instruction"') :]
    assert "请住建局会同街道三日内修复。" in card
    assert "待承办单位签收" in card


def test_the_unit_acknowledges_it_from_its_inbox(w: World) -> None:
    order = w.instructed()
    client = client_for(w.handler_a)

    inbox = text(client.get("/orders/inbox/?tab=instructions"))
    row = inbox[inbox.index(f'id="row-{order.number}"') :]
    row = row[: row.index("</tr>")]
    assert "领导批示" in row and "待签收" in row
    assert "/do/acknowledge_instruction/" in row

    response = client.post(
        f"/orders/inbox/{order.number}/do/acknowledge_instruction/", {"version": order.version}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "已签收批示" in text(response)
    order.refresh_from_db()
    assert order.instruction_acknowledged_at is not None
    assert order.number not in text(client.get("/orders/inbox/?tab=instructions"))


def test_the_reply_form_shows_the_instruction_and_requires_an_answer(w: World) -> None:
    order = actions.acknowledge_instruction(w.instructed(), actor=w.handler_a)
    client = client_for(w.handler_a)
    html = text(client.get(f"/orders/{order.number}/"))
    form = html[html.index("/act/reply/") :]
    form = form[: form.index("</form>")]
    assert "领导批示落实情况" in form
    assert "请住建局三日内修复，确保雨季安全。" in form

    missing = client.post(
        f"/orders/{order.number}/act/reply/",
        {"reply-version": order.version, "reply-result": "solved", "reply-text": "已修复路面。"},
    )
    assert missing.status_code == 400
    assert "已修复路面。" in text(missing)  # what was typed is kept

    done = client.post(
        f"/orders/{order.number}/act/reply/",
        {
            "reply-version": order.version,
            "reply-result": "solved",
            "reply-text": "已修复路面。",
            "reply-instruction_response": "已按批示三日内完成修复。",
        },
    )
    assert done.status_code == 302
    order.refresh_from_db()
    assert order.state == "replied"
    assert "已在答复中落实" in text(client.get(f"/orders/{order.number}/"))
