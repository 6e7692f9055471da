"""When an order closes, no unit holds it any more: its assignments end with it."""

from civicdesk.orders import actions
from civicdesk.orders.models import Assignment
from tests.world import World


def test_it_ends_the_units_parts_when_the_callback_closes_the_order(w: World) -> None:
    order = actions.record_callback(
        w.awaiting_callback(), actor=w.callback_agent, solved="solved", satisfaction="satisfied"
    )
    parts = Assignment.objects.filter(order=order)
    assert parts.exists()
    assert not parts.filter(active=True).exists()
    assert set(parts.values_list("end_reason", flat=True)) == {"closed"}
    assert all(p.ended_at == order.closed_at for p in parts)


def test_a_rework_keeps_the_unit_on_the_order(w: World) -> None:
    order = actions.record_callback(
        w.awaiting_callback(), actor=w.callback_agent, solved="unsolved", satisfaction="unsatisfied", rework=True
    )
    assert Assignment.objects.filter(order=order, active=True, unit=w.dept_a).exists()
