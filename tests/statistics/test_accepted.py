from __future__ import annotations

from civicdesk.statistics.measures import Filters, Period, measure
from tests.statistics.helpers import at, t
from tests.world import World

MARCH = Period(t(1, 0), t(1, 0, month=4))


def test_it_counts_orders_created_in_the_period(w: World) -> None:
    with at(t(28, 23, month=2)):
        w.new_order()  # February, just before the boundary
    with at(t(1, 0, 0)):
        first = w.new_order()
    with at(t(31, 23, 59)):
        last = w.new_order()
    with at(t(1, 0, 0, month=4)):
        w.new_order()  # April
    figure = measure("accepted", MARCH, as_of=t(2, month=4))
    assert figure.value == 2 and figure.numerator_ids == (first.pk, last.pk)


def test_it_counts_a_merged_order_once(w: World) -> None:
    with at(t(2)):
        child = w.merged()
    figure = measure("accepted", MARCH, as_of=t(3))
    assert figure.value == 1
    assert child.parent_id in figure.numerator_ids and child.pk not in figure.numerator_ids


def test_it_leaves_out_void_and_transferred_orders(w: World) -> None:
    with at(t(2)):
        w.voided()
        w.transferred()
        kept = w.new_order()
    assert measure("accepted", MARCH, as_of=t(3)).numerator_ids == (kept.pk,)


def test_it_filters_by_category_area_topic_and_unit(w: World) -> None:
    with at(t(2)):
        pothole = w.dispatched(topics=[w.topic_epidemic])
        noise = w.new_order(category=w.cat_noise, area=w.area_village)
    as_of = t(3)
    assert measure("accepted", MARCH, Filters(category=w.cat_roads.parent), as_of=as_of).numerator_ids == (pothole.pk,)
    assert measure("accepted", MARCH, Filters(area=w.area_town), as_of=as_of).value == 2
    assert measure("accepted", MARCH, Filters(area=w.area_village), as_of=as_of).numerator_ids == (noise.pk,)
    assert measure("accepted", MARCH, Filters(topic=w.topic_epidemic), as_of=as_of).numerator_ids == (pothole.pk,)
    assert measure("accepted", MARCH, Filters(lead_unit=w.hub), as_of=as_of).numerator_ids == (pothole.pk,)
    assert measure("accepted", MARCH, Filters(lead_unit=w.hub, include_sub_units=False), as_of=as_of).value == 0
    assert measure("accepted", MARCH, Filters(channel="web"), as_of=as_of).value == 0


def test_it_gives_the_answered_on_call_rate(w: World) -> None:
    with at(t(2)):
        answered = w.answered()
        w.new_order()
        w.merged()  # the merge's parent is a third order; the child is not counted
    figure = measure("answered_on_call", MARCH, as_of=t(3))
    assert (figure.numerator_ids, figure.denominator) == ((answered.pk,), 3)
    assert list(figure.orders()) == [answered]
