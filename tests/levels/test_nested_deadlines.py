"""Deadlines nest: the lower hub's unit never gets longer than the hub above gave the lower
hub; an extension that would pass it waits for the upper hub's approval."""

from __future__ import annotations

import pytest

from civicdesk.orders import actions, queues
from civicdesk.orders.errors import PermissionDenied
from civicdesk.orders.moves import available_moves
from civicdesk.worktime.models import Stage, TimeLimitPolicy
from tests.levels.conftest import Chain

pytestmark = pytest.mark.django_db


def _handle_days(days: float) -> None:
    # Every order's handling limit (the catch-all policy row).
    TimeLimitPolicy.objects.filter(stage=Stage.HANDLE).delete()
    TimeLimitPolicy.objects.create(stage=Stage.HANDLE, amount=days, unit="working_days")


def test_the_units_deadline_is_capped_by_the_upper_hubs(chain: Chain) -> None:
    _handle_days(5)
    order = chain.handed_down()
    upper_due = order.upper_due_at
    assert upper_due is not None and order.handle_due_at == upper_due

    # The county hands it on a day later: the unit's own 5 days would pass the prefecture's.
    order = actions.dispatch(order, actor=chain.w.dispatcher, lead_unit=chain.w.dept_a)
    assert order.handle_due_at == upper_due


def test_an_extension_within_the_upper_deadline_is_the_lower_hubs_decision(chain: Chain) -> None:
    _handle_days(5)
    order = chain.handed_down()
    order.upper_due_at = order.upper_due_at.replace(year=order.upper_due_at.year + 1)  # room above
    order.save(update_fields=["upper_due_at"])
    order = actions.sign_for(
        actions.dispatch(order, actor=chain.w.dispatcher, lead_unit=chain.w.dept_a), actor=chain.w.handler_a
    )
    order = actions.request_extension(order, actor=chain.w.handler_a, days=2, reason="需协调施工队")

    assert not order.awaiting_upper
    assert order in queues.review_queue(chain.w.dispatcher, "extension_requested")
    order = actions.approve_extension(order, actor=chain.w.dispatcher)
    assert order.state == "signed"


def test_an_extension_past_the_upper_deadline_needs_the_upper_hub(chain: Chain) -> None:
    _handle_days(5)
    order = actions.sign_for(chain.at_county_unit(), actor=chain.w.handler_a)
    upper_due = order.upper_due_at
    order = actions.request_extension(order, actor=chain.w.handler_a, days=3, reason="需协调施工队")

    assert order.awaiting_upper and order.events.last().data["needs_upper"] == chain.prefecture.pk
    assert order in queues.review_queue(chain.pref_dispatcher, "extension_requested")
    assert order not in queues.review_queue(chain.w.dispatcher, "extension_requested")
    assert "approve_extension" not in available_moves(chain.w.dispatcher, order)
    with pytest.raises(PermissionDenied):
        actions.approve_extension(order, actor=chain.w.dispatcher)

    order = actions.approve_extension(order, actor=chain.pref_dispatcher)

    assert order.state == "signed" and not order.awaiting_upper
    assert order.handle_due_at > upper_due
    assert order.upper_due_at == order.handle_due_at
    assert order.events.last().acting_unit == chain.prefecture


def test_the_upper_hub_may_refuse_it_and_the_deadline_stays(chain: Chain) -> None:
    _handle_days(5)
    order = actions.sign_for(chain.at_county_unit(), actor=chain.w.handler_a)
    due = order.handle_due_at
    order = actions.request_extension(order, actor=chain.w.handler_a, days=3, reason="需协调施工队")

    order = actions.refuse_extension(order, actor=chain.pref_dispatcher, reason="上级时限不能延")

    assert order.state == "signed" and order.handle_due_at == due and not order.awaiting_upper
    # Back at the county's desk for everything else.
    assert "accept_reply" not in available_moves(chain.pref_dispatcher, order)
