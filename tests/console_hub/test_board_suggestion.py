"""Each pending row names the unit the dispatch catalogue suggests, and one click sends
the order there."""

from __future__ import annotations

from civicdesk.catalogue.models import DispatchRule
from civicdesk.orders.workflow import State
from tests.console_hub.helpers import board_numbers, bulk_post, client_for, fresh, row, text
from tests.world import World


def test_it_shows_the_catalogue_unit_for_each_row(w: World) -> None:
    road = w.pending(category=w.cat_potholes, area=w.area_town)  # rule on the parent category
    village = w.pending(category=w.cat_potholes, area=w.area_village)  # the area rule wins
    noise = w.pending(category=w.cat_noise)
    nothing = w.pending(category=None, area=None)  # the fallback owner

    html = text(client_for(w.dispatcher).get("/orders/dispatch/"))

    expected = {road: w.dept_a, village: w.village, noise: w.dept_c, nothing: w.town}
    for order, unit in expected.items():
        shown = row(html, "pending", order.number)
        assert unit.name in shown.split('class="suggestion"')[1], (order.title, unit.name)
        assert f'name="suggested-{order.number}" value="{unit.pk}"' in shown
        assert f'name="accept" value="{order.number}"' in shown


def test_it_says_so_when_the_catalogue_has_no_suggestion(w: World) -> None:
    DispatchRule.objects.filter(category__isnull=True).delete()
    order = w.pending(category=None, area=None)

    shown = row(text(client_for(w.dispatcher).get("/orders/dispatch/")), "pending", order.number)

    assert "目录无建议" in shown
    assert 'name="accept"' not in shown


def test_it_dispatches_to_the_suggestion_in_one_click(w: World) -> None:
    order = w.pending(category=w.cat_potholes, area=w.area_village)
    other = w.pending(category=w.cat_noise)

    response = client_for(w.dispatcher).post(
        "/orders/dispatch/bulk/",
        bulk_post(
            [order, other],
            accept=order.number,
            selected=[other.number],  # ticked, but the click was on order's own button
            **{f"suggested-{order.number}": w.village.pk, f"suggested-{other.number}": w.dept_c.pk},
        ),
    )

    assert response.status_code == 200
    order = fresh(order)
    assert (order.state, order.lead_unit) == (State.DISPATCHED, w.village)
    assert fresh(other).state == State.PENDING_DISPATCH
    html = text(response)
    assert "成功 1 件" in html
    assert board_numbers(html) == [other.number]
    assert f'value="{other.number}" id="sel-{other.number}" checked' in html  # the ticks stay
