"""An assisting unit sees the part it owes in its inbox and hands it in from there."""

from __future__ import annotations

from civicdesk.orders import actions
from civicdesk.orders.models import Assignment
from civicdesk.orders.workflow import State
from tests.console_units.helpers import client_for, inbox_rows, order_numbers, text
from tests.world import World

HTMX = {"HX-Request": "true"}


def test_it_lists_the_part_owed_and_takes_it_in(w: World) -> None:
    order = actions.sign_for(w.joint(w.dept_b), actor=w.handler_a)
    client = client_for(w.handler_b)
    html = text(client.get("/orders/inbox/?tab=assist"))
    assert order_numbers(html) == [order.number]
    row = inbox_rows(html)[order.number]
    assert "市市场监督管理局（协办）待提交协办意见" in row
    assert f"/orders/inbox/{order.number}/give_part/" in row

    page = text(client.get(f"/orders/inbox/{order.number}/give_part/?next=/orders/inbox/%3Ftab%3Dassist"))
    # The form posts back to its own page (a mistake stays there), which returns to the inbox.
    assert f'action="/orders/inbox/{order.number}/give_part/"' in page
    assert 'name="next" value="/orders/inbox/?tab=assist"' in page

    response = client.post(
        f"/orders/inbox/{order.number}/give_part/",
        {
            "give_part-version": order.version,
            "give_part-text": "经核查，该路段无占道经营。",
            "next": "/orders/inbox/?tab=assist",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/orders/inbox/?tab=assist"
    part = Assignment.objects.get(order=order, unit=w.dept_b)
    assert part.part_text == "经核查，该路段无占道经营。"
    assert order_numbers(text(client.get("/orders/inbox/?tab=assist"))) == []
    # The lead unit now sees the part next to its reply form.
    reply_page = text(client_for(w.handler_a).get(f"/orders/inbox/{order.number}/reply/"))
    assert "经核查，该路段无占道经营。" in reply_page


def test_it_signs_for_an_assisting_part_in_the_row(w: World) -> None:
    order = w.joint(w.dept_b)
    client = client_for(w.handler_b)
    row = inbox_rows(text(client.get("/orders/inbox/?tab=sign")))[order.number]
    assert f"/orders/inbox/{order.number}/do/sign_part/" in row
    assert f"/orders/inbox/{order.number}/do/sign/" not in row  # the lead's sign-for is not theirs

    response = client.post(f"/orders/inbox/{order.number}/do/sign_part/", {"version": order.version}, headers=HTMX)

    assert f"已协办签收：{order.number}" in text(response)
    assert Assignment.objects.get(order=order, unit=w.dept_b).signed_at is not None
    order.refresh_from_db()
    assert order.state == State.DISPATCHED
