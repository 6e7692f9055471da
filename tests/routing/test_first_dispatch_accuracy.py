"""First-dispatch accuracy (1 − returned or re-dispatched ÷ dispatched) per category and per
first unit, on the routing page next to the model's own offline figures."""

from __future__ import annotations

import re

from civicdesk.orders import actions
from civicdesk.routing import accuracy
from civicdesk.statistics.measures import Filters, Period, measure
from tests.console_hub.helpers import client_for, text
from tests.routing.helpers import trained_world
from tests.world import World


def _orders(w: World) -> None:
    actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=w.dept_a)  # right
    wrong = actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=w.dept_b)
    actions.redispatch(wrong, actor=w.dispatcher, lead_unit=w.dept_a, reason="属住建职责")  # re-dispatched
    returned = actions.sign_for(
        actions.dispatch(w.new_order(), actor=w.dispatcher, lead_unit=w.dept_c), actor=w.handler_c
    )
    returned = actions.request_return(returned, actor=w.handler_c, reason="不属本单位")
    returned = actions.approve_return(returned, actor=w.dispatcher)
    actions.dispatch(returned, actor=w.dispatcher, lead_unit=w.dept_a)  # returned
    passed_down = actions.sign_for(
        actions.dispatch(w.new_order(area=w.area_village), actor=w.dispatcher, lead_unit=w.town), actor=w.town_handler
    )
    actions.sub_dispatch(passed_down, actor=w.town_handler, sub_unit=w.village)  # not a wrong dispatch
    actions.dispatch(
        w.new_order(category=w.cat_noise, title="噪音", content="夜间噪音"), actor=w.dispatcher, lead_unit=w.dept_c
    )  # right
    w.pending()  # never dispatched: not counted
    actions.merge(w.dispatched(), actor=w.dispatcher, into=w.dispatched(category=w.cat_noise))  # merged: not counted


def test_the_figures_by_hand(w: World) -> None:
    _orders(w)
    period = Period()
    from django.utils import timezone

    by_category = accuracy.by_category(period, timezone.now())
    by_unit = accuracy.by_first_unit(period, timezone.now())

    # potholes: right, re-dispatched, returned, passed down → 2 of 4; noise: 2 of 2 (one is the merge parent)
    assert (by_category[w.cat_potholes.pk].dispatched, by_category[w.cat_potholes.pk].right_first_time) == (4, 2)
    assert by_category[w.cat_potholes.pk].accuracy == 0.5
    assert (by_category[w.cat_noise.pk].dispatched, by_category[w.cat_noise.pk].accuracy) == (2, 1.0)
    # The same as the statistics' own measure for the category.
    assert measure("first_dispatch_accuracy", filters=Filters(category=w.cat_potholes)).value == 0.5
    # by the unit that got the first dispatch
    assert {k: (r.dispatched, r.right_first_time) for k, r in by_unit.items()} == {
        w.dept_a.pk: (2, 2),
        w.dept_b.pk: (1, 0),
        w.dept_c.pk: (2, 1),
        w.town.pk: (1, 1),
    }


def test_the_page_shows_them_next_to_the_model_figures(w: World) -> None:
    _history, version = trained_world(w)
    _orders(w)

    html = text(client_for(w.leader).get("/routing/accuracy"))

    table = html[html.index('id="accuracy-by-category"') : html.index('id="accuracy-by-unit"')]
    potholes = re.search(rf'<tr data-category="{w.cat_potholes.pk}">(.*?)</tr>', table, re.S).group(1)
    model = version.per_category()[str(w.cat_potholes.pk)]
    # The history's 12 orders were all right the first time: (12 + 2) of (12 + 4).
    assert "87.5%" in potholes
    assert f"{model['unit_accuracy_given_category'] * 100:.1f}%" in potholes
    by_unit = html[html.index('id="accuracy-by-unit"') :]
    dept_b = re.search(rf'<tr data-unit="{w.dept_b.pk}">(.*?)</tr>', by_unit, re.S).group(1)
    # 12 food orders of the history, right; one road order sent there by mistake: 12 of 13.
    assert ">13<" in dept_b and ">12<" in dept_b and "92.3%" in dept_b
    assert client_for(w.handler_a).get("/routing/accuracy").status_code == 403
