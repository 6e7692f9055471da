"""Per hub pair, either the upper or the lower hub calls back: never both, never neither."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from civicdesk.orders import actions, queues
from civicdesk.orders.errors import PermissionDenied
from civicdesk.org.models import CallbackBy, HubLink
from tests.levels.conftest import Chain

pytestmark = pytest.mark.django_db


def _awaiting_callback(chain: Chain):  # type: ignore[no-untyped-def]
    w = chain.w
    order = actions.sign_for(chain.at_county_unit(), actor=w.handler_a)
    order = actions.reply(order, actor=w.handler_a, result="solved", text="已修复。")
    return actions.accept_reply(order, actor=w.dispatcher)


def test_when_the_upper_hub_calls_back_only_it_may(chain: Chain) -> None:
    HubLink.objects.create(upper=chain.prefecture, lower=chain.county, callback_by=CallbackBy.UPPER)
    order = _awaiting_callback(chain)

    assert order.callback_upper
    assert order in queues.callback_queue(chain.pref_callback)
    assert order not in queues.callback_queue(chain.w.callback_agent)
    with pytest.raises(PermissionDenied):
        actions.record_callback(order, actor=chain.w.callback_agent, solved="solved", satisfaction="satisfied")
    order = actions.record_callback(order, actor=chain.pref_callback, solved="solved", satisfaction="satisfied")
    assert order.state == "closed" and order.events.last().acting_unit == chain.prefecture


def test_rework_from_the_upper_callback_goes_back_to_the_lower_hubs_unit(chain: Chain) -> None:
    HubLink.objects.create(upper=chain.prefecture, lower=chain.county, callback_by=CallbackBy.UPPER)
    order = _awaiting_callback(chain)

    order = actions.record_callback(
        order, actor=chain.pref_callback, solved="unsolved", satisfaction="unsatisfied", rework=True
    )

    assert order.state == "rework" and order.lead_unit == chain.w.dept_a
    assert order.handle_due_at is not None and order.handle_due_at <= order.upper_due_at


def test_by_default_the_lower_hub_calls_back(chain: Chain) -> None:
    order = _awaiting_callback(chain)

    assert order in queues.callback_queue(chain.w.callback_agent)
    assert order not in queues.callback_queue(chain.pref_callback)
    with pytest.raises(PermissionDenied):
        actions.close_without_callback(order, actor=chain.pref_callback, reason="无法联系")


def test_a_pair_must_be_a_hub_over_a_hub_below_it(chain: Chain) -> None:
    with pytest.raises(ValidationError):
        HubLink(upper=chain.county, lower=chain.prefecture).full_clean()
    with pytest.raises(ValidationError):
        HubLink(upper=chain.prefecture, lower=chain.bureau).full_clean()
    HubLink(upper=chain.prefecture, lower=chain.county, callback_by=CallbackBy.UPPER).full_clean()
