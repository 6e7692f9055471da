from __future__ import annotations

from civicdesk.orders import actions
from civicdesk.statistics.measures import Period, measure
from tests.statistics.helpers import at, t
from tests.world import World

MARCH_APRIL = Period(t(1, 0), t(1, 0, month=5))


def _close(w: World, order):  # type: ignore[no-untyped-def]
    order = actions.accept_reply(order, actor=w.dispatcher)
    return actions.record_callback(order, actor=w.callback_agent, solved="solved", satisfaction="satisfied")


def test_it_counts_an_order_extended_then_closed_on_time(w: World) -> None:
    with at(t(2)):
        order = w.signed()  # complaint: 15 working days from Mon 2 March 09:00 → due Mon 23 March 09:00
    with at(t(20)):
        order = actions.request_extension(order, actor=w.handler_a, days=5, reason="需协调施工单位。")
        order = actions.approve_extension(order, actor=w.dispatcher)
    # Replied after the original deadline but within the extended one (Mon 30 March 09:00).
    with at(t(26)):
        order = actions.reply(order, actor=w.handler_a, result="solved", text="已修复。")
        order = _close(w, order)
    figure = measure("on_time", MARCH_APRIL, as_of=t(30, month=4))
    assert (figure.numerator, figure.denominator) == (1, 1)
    assert figure.value == 1.0


def test_it_counts_a_late_reply_as_due_but_not_on_time(w: World) -> None:
    with at(t(2)):
        order = w.signed()
    with at(t(24)):
        order = _close(w, actions.reply(order, actor=w.handler_a, result="solved", text="已修复。"))
    on_time = measure("on_time", MARCH_APRIL, as_of=t(30, month=4))
    completion = measure("completion", MARCH_APRIL, as_of=t(30, month=4))
    overdue = measure("overdue", MARCH_APRIL, as_of=t(30, month=4))
    assert (on_time.numerator, on_time.denominator) == (0, 1)
    assert (completion.numerator, completion.denominator) == (1, 1)
    assert overdue.value == 1 and overdue.numerator_ids == (order.pk,)


def test_it_counts_an_order_in_the_period_of_its_deadline(w: World) -> None:
    # Dispatched on 26 March: due 16 April, so it belongs to April, not March.
    with at(t(26)):
        late_march = w.signed()
    with at(t(2)):
        early_march = w.signed()
    with at(t(10)):
        _close(w, actions.reply(early_march, actor=w.handler_a, result="solved", text="已修复。"))
    march = measure("on_time", Period(t(1, 0), t(1, 0, month=4)), as_of=t(30, month=4))
    april = measure("on_time", Period(t(1, 0, month=4), t(1, 0, month=5)), as_of=t(30, month=4))
    assert march.denominator_ids == (early_march.pk,)
    assert april.denominator_ids == (late_march.pk,)
    assert april.numerator == 0  # open past its deadline: due, neither completed nor on time


def test_it_does_not_count_an_open_order_before_its_deadline(w: World) -> None:
    with at(t(2)):
        w.signed()
    figure = measure("completion", MARCH_APRIL, as_of=t(10))
    assert figure.denominator == 0 and figure.value is None


def test_it_counts_an_answered_order_as_completed_on_time(w: World) -> None:
    with at(t(2)):
        answered = w.answered()
        w.new_order()  # never dispatched: no deadline, never due
    figure = measure("on_time", MARCH_APRIL, as_of=t(3))
    assert figure.numerator_ids == (answered.pk,) and figure.denominator == 1
