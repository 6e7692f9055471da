from __future__ import annotations

from civicdesk.orders import actions
from civicdesk.statistics.measures import Config, Period, measure
from tests.statistics.helpers import at, t
from tests.world import World

MARCH = Period(t(1, 0), t(1, 0, month=4))


def test_it_counts_both_callbacks_of_a_reworked_order(w: World) -> None:
    with at(t(2)):
        order = w.rework()  # first callback: unsolved, unsatisfied
        order = actions.reply(order, actor=w.handler_a, result="solved", text="已重新修复。")
        order = actions.accept_reply(order, actor=w.dispatcher)
        actions.record_callback(order, actor=w.callback_agent, solved="solved", satisfaction="satisfied")
    resolution = measure("resolution", MARCH, as_of=t(3))
    satisfaction = measure("satisfaction", MARCH, as_of=t(3))
    assert (resolution.numerator, resolution.denominator) == (1, 2)
    assert (satisfaction.numerator, satisfaction.denominator) == (1, 2)
    assert resolution.denominator_ids == (order.pk, order.pk)


def test_it_leaves_callbacks_without_a_rating_out_of_satisfaction(w: World) -> None:
    with at(t(2)):
        rated = w.closed()
        actions.record_callback(
            w.awaiting_callback(), actor=w.callback_agent, solved="solved", satisfaction="no_rating"
        )
    satisfaction = measure("satisfaction", MARCH, as_of=t(3))
    resolution = measure("resolution", MARCH, as_of=t(3))
    assert satisfaction.denominator_ids == (rated.pk,) and satisfaction.value == 1.0
    assert (resolution.numerator, resolution.denominator) == (2, 2)


def test_it_counts_basically_satisfied_and_partly_solved_as_configured(w: World) -> None:
    with at(t(2)):
        actions.record_callback(
            w.awaiting_callback(), actor=w.callback_agent, solved="partly", satisfaction="basically"
        )
    default = Config()
    strict = Config(basically_counts_as_satisfied=False, partly_counts_as_solved=True)
    assert measure("satisfaction", MARCH, as_of=t(3), config=default).value == 1.0
    assert measure("resolution", MARCH, as_of=t(3), config=default).value == 0.0
    assert measure("satisfaction", MARCH, as_of=t(3), config=strict).value == 0.0
    assert measure("resolution", MARCH, as_of=t(3), config=strict).value == 1.0
