from __future__ import annotations

from civicdesk.orders import actions
from civicdesk.statistics.measures import Filters, Period, measure
from tests.statistics.helpers import at, t
from tests.world import World

MARCH = Period(t(1, 0), t(1, 0, month=4))


def test_it_counts_a_returned_and_redispatched_order(w: World) -> None:
    with at(t(2)):
        returned = w.return_requested()
        returned = actions.approve_return(returned, actor=w.dispatcher, new_lead_unit=w.dept_b)
        clean = w.dispatched()
    return_rate = measure("return_rate", MARCH, as_of=t(3))
    accuracy = measure("first_dispatch_accuracy", MARCH, as_of=t(3))
    assert (return_rate.numerator_ids, return_rate.denominator) == ((returned.pk,), 2)
    assert (accuracy.numerator_ids, accuracy.denominator) == ((clean.pk,), 2)
    assert accuracy.value == 0.5


def test_it_gives_the_response_rate_per_dispatch(w: World) -> None:
    with at(t(2, 9)):
        quick = w.dispatched()
        slow = w.dispatched()
        waiting = w.dispatched()
    with at(t(2, 10)):
        actions.sign_for(quick, actor=w.handler_a)  # within the 2 working hours
    with at(t(2, 15)):
        actions.sign_for(slow, actor=w.handler_a)  # due 11:00: late
    # Judged at 10:30 the limit has not passed: only the signed one counts.
    assert measure("response", MARCH, as_of=t(2, 10, 30)).denominator_ids == (quick.pk,)
    figure = measure("response", MARCH, as_of=t(3))
    assert figure.numerator_ids == (quick.pk,)
    assert sorted(figure.denominator_ids) == sorted([quick.pk, slow.pk, waiting.pk])
    assert measure("response", MARCH, Filters(lead_unit=w.dept_b), as_of=t(3)).denominator == 0


def test_it_averages_working_hours_from_first_dispatch_to_reply(w: World) -> None:
    with at(t(2, 9)):
        one = w.signed()
        two = w.signed()
    with at(t(2, 11)):
        actions.reply(one, actor=w.handler_a, result="solved", text="已修复。")  # 2 working hours
    with at(t(3, 9)):
        actions.reply(two, actor=w.handler_a, result="solved", text="已修复。")  # 7 h on the 2nd + 0.5 h
    figure = measure("handling_time", MARCH, as_of=t(4))
    assert figure.denominator == 2 and figure.value == (2 + 7.5) / 2
