from __future__ import annotations

from civicdesk.orders import actions
from civicdesk.orders.workflow import State
from tests.world import World


def test_it_counts_approved_returns_only(w: World) -> None:
    order = w.return_requested()
    order = actions.refuse_return(order, actor=w.dispatcher, reason="属本单位")
    order.refresh_from_db()
    assert order.return_count == 0

    order = actions.request_return(order, actor=w.handler_a, reason="确非本单位")
    order = actions.approve_return(order, actor=w.dispatcher)
    order.refresh_from_db()
    assert order.return_count == 1


def test_it_counts_every_dispatch_after_the_first_as_a_redispatch(w: World) -> None:
    order = w.dispatched()
    order = actions.redispatch(order, actor=w.dispatcher, lead_unit=w.dept_b, reason="改派市监")
    order = actions.request_return(order, actor=w.handler_b, reason="不属本单位")
    order = actions.approve_return(order, actor=w.dispatcher)
    order = actions.dispatch(order, actor=w.dispatcher, lead_unit=w.town)

    order.refresh_from_db()
    assert order.redispatch_count == 2
    assert order.return_count == 1
    assert order.bounce_count == 0


def test_it_counts_a_bounce_when_the_order_comes_back_to_a_unit_it_left(w: World) -> None:
    order = w.dispatched()  # A
    order = actions.redispatch(order, actor=w.dispatcher, lead_unit=w.dept_b, reason="改派")  # → B
    order.refresh_from_db()
    assert order.bounce_count == 0

    order = actions.redispatch(order, actor=w.dispatcher, lead_unit=w.dept_a, reason="还是住建")  # → A
    order.refresh_from_db()
    assert order.bounce_count == 1
    assert order.events.last().data["bounce"] is True

    order = actions.redispatch(order, actor=w.dispatcher, lead_unit=w.dept_b, reason="又回市监")  # → B
    order.refresh_from_db()
    assert (order.bounce_count, order.redispatch_count) == (2, 3)


def test_it_counts_a_bounce_through_returns_too(w: World) -> None:
    order = w.return_requested()  # A returns
    order = actions.approve_return(order, actor=w.dispatcher, new_lead_unit=w.dept_b)  # → B
    order = actions.request_return(order, actor=w.handler_b, reason="不属本单位")
    order = actions.approve_return(order, actor=w.dispatcher)
    order = actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_a)  # → A again

    order.refresh_from_db()
    assert order.bounce_count == 1
    assert order.return_count == 2


def test_it_does_not_count_a_bounce_for_a_new_unit(w: World) -> None:
    order = actions.redispatch(w.dispatched(), actor=w.dispatcher, lead_unit=w.dept_b, reason="改派")
    order = actions.redispatch(order, actor=w.dispatcher, lead_unit=w.dept_c, reason="改派")

    order.refresh_from_db()
    assert (order.bounce_count, order.redispatch_count) == (0, 2)


def test_it_counts_reworks(w: World) -> None:
    order = w.rework()
    order = actions.reply(order, actor=w.handler_a, result="solved", text="重办完成")
    order = actions.accept_reply(order, actor=w.dispatcher)
    order = actions.record_callback(
        order, actor=w.callback_agent, solved="partly", satisfaction="unsatisfied", rework=True
    )

    order.refresh_from_db()
    assert order.state == State.REWORK
    assert order.rework_count == 2


def test_it_counts_supervisions_as_a_level_not_per_order_event(w: World) -> None:
    order = actions.supervise(w.signed(), actor=w.supervisor, note="催办")
    order = actions.supervise(order, actor=w.supervisor, note="再次催办")

    order.refresh_from_db()
    assert order.supervision_level == 2
    assert order.events.filter(action="supervise").count() == 2
