"""Merging a duplicate: the order side by side with the orders it may repeat (same caller,
same area and category, a similar title, a recent open order of the kind), then merged into
the one picked through actions.merge."""

from __future__ import annotations

import re

from civicdesk.orders import actions
from civicdesk.orders.workflow import State
from tests.console_hub.helpers import client_for, fresh, text
from tests.world import World


def candidates(html: str) -> list[str]:
    return re.findall(r'data-candidate="(\d{13})"', html)


def page(w: World, number: str, **params: object) -> str:
    response = client_for(w.dispatcher).get(f"/orders/{number}/merge/", params)
    assert response.status_code == 200
    return text(response)


def test_it_lists_the_orders_the_request_may_repeat(w: World) -> None:
    child = w.pending(
        title="人民路路面坑洼积水", citizen_phone="13800001234", category=w.cat_potholes, area=w.area_town
    )
    same_caller = w.dispatched(
        title="楼下垃圾清运不及时", citizen_phone="13800001234", category=w.cat_noise, area=w.area_village
    )
    same_place = w.signed(
        title="成山大道井盖缺失", citizen_phone="13911112222", category=w.cat_potholes, area=w.area_town
    )
    similar = w.pending(title="人民路路面坑洼", citizen_phone="13933334444", category=w.cat_noise, area=w.area_village)
    same_kind_open = w.dispatched(
        title="石岛路面破损", citizen_phone="13955556666", category=w.cat_potholes, area=w.area_village
    )
    unrelated = w.dispatched(
        title="广场舞噪声扰民", citizen_phone="13977778888", category=w.cat_noise, area=w.area_village
    )
    voided = w.voided(title="人民路路面坑洼积水", citizen_phone="13800001234")
    merged = w.merged(title="人民路路面坑洼积水", citizen_phone="13800001234")

    html = page(w, child.number)

    listed = candidates(html)
    assert set(listed) >= {same_caller.number, same_place.number, similar.number, same_kind_open.number}
    for absent in (child, unrelated, voided, merged):
        assert absent.number not in listed, absent.title
    # Strongest signals first: the same caller about a similar matter outranks the rest.
    assert listed.index(similar.number) < listed.index(same_kind_open.number)
    assert "同一来电号码" in html and "同区域同分类" in html and "标题相近" in html and "近期同类未办结" in html


def test_it_puts_the_order_and_the_chosen_parent_side_by_side(w: World) -> None:
    child = w.pending(title="人民路路面坑洼", content="交叉口南侧两处坑洼。", address="人民路与成山大道交叉口")
    parent = w.dispatched(title="人民路坑洼积水", content="雨后积水严重，车辆绕行。", address="人民路88号")

    html = page(w, child.number, parent=parent.number)

    compare = html[html.index('id="compare"') :]
    for shown in (child.content, child.address, parent.content, parent.address, "待派单", "已派单"):
        assert shown in compare, shown
    assert compare.index(child.content) < compare.index(parent.content)  # the order left, the parent right
    assert f'name="merge-into" value="{parent.number}"' in html
    assert f'name="merge-version" value="{child.version}"' in html


def test_it_swaps_only_the_comparison_for_htmx(w: World) -> None:
    child = w.pending()
    parent = w.dispatched()

    response = client_for(w.dispatcher).get(
        f"/orders/{child.number}/merge/", {"parent": parent.number}, headers={"HX-Request": "true"}
    )

    assert text(response).lstrip().startswith('<div id="compare">')


def test_it_merges_into_the_chosen_parent(w: World) -> None:
    child = w.pending()
    parent = w.dispatched()

    response = client_for(w.dispatcher).post(
        f"/orders/{child.number}/merge/",
        {
            "merge-version": child.version,
            "merge-into": parent.number,
            "merge-note": "同一坑洼",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/orders/{parent.number}/"
    child = fresh(child)
    assert (child.state, child.parent) == (State.MERGED, parent)
    assert child.events.last().note == "同一坑洼"


def test_it_goes_back_to_the_board_when_it_came_from_there(w: World) -> None:
    child, parent = w.pending(), w.dispatched()

    response = client_for(w.dispatcher).post(
        f"/orders/{child.number}/merge/",
        {
            "merge-version": child.version,
            "merge-into": parent.number,
            "next": "/orders/dispatch/",
        },
    )

    assert response["Location"] == "/orders/dispatch/"


def test_it_shows_a_clear_message_and_the_fresh_order_when_it_changed_meanwhile(w: World) -> None:
    child, parent = w.pending(), w.dispatched()
    seen = child.version
    actions.supplement(child, actor=w.operator, text="来电人补充：已有邻居反映过。")

    response = client_for(w.dispatcher).post(
        f"/orders/{child.number}/merge/",
        {
            "merge-version": seen,
            "merge-into": parent.number,
            "merge-note": "重复反映",
        },
    )

    assert response.status_code == 409
    html = text(response)
    assert f"刚被 {w.hub.name} {w.operator.display_name} 于" in html
    assert f'name="merge-version" value="{fresh(child).version}"' in html
    assert "重复反映" in html  # what was typed stays
    assert fresh(child).state == State.PENDING_DISPATCH


def test_it_explains_why_an_order_cannot_be_the_parent(w: World) -> None:
    child = w.pending()
    gone = w.merged()

    response = client_for(w.dispatcher).post(
        f"/orders/{child.number}/merge/",
        {
            "merge-version": child.version,
            "merge-into": gone.number,
        },
    )

    assert response.status_code == 400
    assert "不能作为并单主单" in text(response)
    assert fresh(child).state == State.PENDING_DISPATCH


def test_it_is_linked_from_the_board_and_from_the_order_page(w: World) -> None:
    order = w.pending()
    client = client_for(w.dispatcher)

    assert f'href="/orders/{order.number}/merge/' in text(client.get("/orders/dispatch/"))
    detail = text(client.get(f"/orders/{order.number}/"))
    assert f'href="/orders/{order.number}/merge/"' in detail
    assert f'action="/orders/{order.number}/act/merge/"' in detail  # the plain merge form stays
