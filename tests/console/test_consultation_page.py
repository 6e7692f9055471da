"""The order page during and after a consultation (疑难件会商): the convened units, their
views against the deadline, the binding decision; the moves each side is offered."""

from __future__ import annotations

import pytest

from civicdesk.orders import actions
from tests.console.helpers import client_for, text
from tests.world import World

pytestmark = pytest.mark.django_db


def test_the_hub_convenes_from_the_order_page(w: World) -> None:
    order = w.bounced()
    client = client_for(w.dispatcher)
    html = text(client.get(f"/orders/{order.number}/"))
    assert "发起会商" in html

    response = client.post(
        f"/orders/{order.number}/act/convene_consultation/",
        {
            "convene_consultation-version": order.version,
            "convene_consultation-units": [w.dept_a.pk, w.dept_b.pk],
            "convene_consultation-days": "2",
            "convene_consultation-reason": "两单位职责交叉",
        },
    )

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == "consulting"
    html = text(client.get(f"/orders/{order.number}/"))
    assert 'id="consultation"' in html
    assert "两单位职责交叉" in html
    assert html.count('class="consult-seat"') == 2


def test_the_convened_units_are_ticked_when_the_form_opens(w: World) -> None:
    order = w.bounced()
    html = text(client_for(w.dispatcher).get(f"/orders/{order.number}/"))
    form = html[html.index("/act/convene_consultation/") :]
    form = form[: form.index("</form>")]
    assert f'value="{w.dept_a.pk}" selected' in form
    assert f'value="{w.dept_b.pk}" selected' in form
    assert f'value="{w.dept_c.pk}" selected' not in form


def test_a_convened_unit_sees_its_view_form_and_the_others_do_not(w: World) -> None:
    order = w.consulting()
    assert "提交会商意见" in text(client_for(w.handler_b).get(f"/orders/{order.number}/"))
    response = client_for(w.handler_c).get(f"/orders/{order.number}/")
    assert response.status_code == 404  # not convened: the order is not theirs to see


def test_the_decision_shows_on_the_page_as_binding(w: World) -> None:
    order = w.consulting()
    order = actions.give_view(order, actor=w.handler_a, text="属物业维修范围。")
    order = actions.give_view(order, actor=w.handler_b, text="不属市场监管。")
    actions.decide_consultation(
        order, actor=w.dispatcher, lead_unit=w.dept_a, assisting_units=[w.dept_b], decision="住建主办，市监协办。"
    )

    html = text(client_for(w.handler_a).get(f"/orders/{order.number}/"))

    decision = html[html.index('id="consultation-decision"') :]
    assert "市住房和城乡建设局" in decision and "市市场监督管理局" in decision
    assert "住建主办，市监协办。" in decision
    assert "不得再退单" in decision
    assert "属物业维修范围。" in html and "不属市场监管。" in html


def test_a_decision_before_the_views_keeps_the_form_with_the_reason(w: World) -> None:
    order = w.consulting()
    response = client_for(w.dispatcher).post(
        f"/orders/{order.number}/act/decide_consultation/",
        {
            "decide_consultation-version": order.version,
            "decide_consultation-lead_unit": w.dept_a.pk,
            "decide_consultation-decision": "住建主办",
        },
    )
    assert response.status_code == 400
    assert "尚未提交会商意见" in text(response)
    assert "住建主办" in text(response)


def test_only_a_bounced_or_difficult_order_offers_a_consultation(w: World) -> None:
    order = w.signed()
    client = client_for(w.dispatcher)
    html = text(client.get(f"/orders/{order.number}/"))
    assert "标记疑难件" in html and "发起会商" not in html

    actions.mark_difficult(order, actor=w.dispatcher, reason="职责交叉")

    html = text(client.get(f"/orders/{order.number}/"))
    assert "标记疑难件" not in html.split('id="moves"')[1].split('id="timeline"')[0]
    assert "发起会商" in html


def test_the_dispatch_board_lists_consultations_with_the_views_so_far(w: World) -> None:
    order = actions.give_view(w.consulting(), actor=w.handler_b, text="属住建管养范围。")

    html = text(client_for(w.dispatcher).get("/orders/dispatch/?tab=consultations"))

    row = html[html.index(f'id="review-{order.number}"') :]
    row = row[: row.index("</tr>")]
    assert "属住建管养范围。" in row
    assert "待提交" in row  # dept_a has not given its view yet
    assert "/dispatch/review/" in row and "decide_consultation" in row
