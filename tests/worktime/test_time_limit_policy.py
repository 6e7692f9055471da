"""Which time limit applies: the most specific policy, else the field defaults of DESIGN §5."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction

from civicdesk.catalogue.models import Category, RequestType, Urgency
from civicdesk.lib.worktime import LimitUnit
from civicdesk.worktime.limits import Limit, resolve_limit
from civicdesk.worktime.models import Stage, TimeLimitPolicy
from tests.worktime.helpers import at
from tests.world import World

WH, WD, CH = LimitUnit.WORKING_HOURS, LimitUnit.WORKING_DAYS, LimitUnit.CALENDAR_HOURS


def _policy(
    stage: str, amount: str, unit: str, *, request_type: str = "", urgency: str = "", category: Category | None = None
) -> TimeLimitPolicy:
    return TimeLimitPolicy.objects.create(
        stage=stage, request_type=request_type, urgency=urgency, category=category, amount=Decimal(amount), unit=unit
    )


@pytest.mark.parametrize(
    ("stage", "request_type", "urgency", "expected"),
    [
        (Stage.SIGN, RequestType.COMPLAINT, Urgency.NORMAL, Limit(2, WH)),
        (Stage.SIGN, RequestType.COMPLAINT, Urgency.EMERGENCY, Limit(0.5, CH)),
        (Stage.HANDLE, RequestType.ENQUIRY, Urgency.NORMAL, Limit(2, WD)),
        (Stage.HANDLE, RequestType.HELP, Urgency.NORMAL, Limit(10, WD)),
        (Stage.HANDLE, RequestType.SUGGESTION, Urgency.NORMAL, Limit(10, WD)),
        (Stage.HANDLE, RequestType.COMPLAINT, Urgency.NORMAL, Limit(15, WD)),
        (Stage.HANDLE, RequestType.REPORT, Urgency.NORMAL, Limit(15, WD)),
        (Stage.HANDLE, RequestType.COMPLAINT, Urgency.EMERGENCY, Limit(2, CH)),
        (Stage.HANDLE, RequestType.HELP, Urgency.URGENT, Limit(24, CH)),
        (Stage.RETURN, RequestType.COMPLAINT, Urgency.EMERGENCY, Limit(2, WD)),
        (Stage.EXTENSION_CAP, RequestType.ENQUIRY, Urgency.NORMAL, Limit(10, WD)),
        (Stage.CALLBACK, RequestType.HELP, Urgency.URGENT, Limit(1, WD)),
    ],
)
def test_it_uses_the_field_defaults_when_no_policy_is_entered(
    db: None, stage: str, request_type: str, urgency: str, expected: Limit
) -> None:
    assert resolve_limit(stage, request_type, urgency, None) == expected


def test_it_prefers_a_category_policy_to_one_without(w: World) -> None:
    _policy(Stage.HANDLE, "12", WD, request_type=RequestType.COMPLAINT, urgency=Urgency.NORMAL)
    _policy(Stage.HANDLE, "5", WD, category=w.cat_roads)
    assert resolve_limit(Stage.HANDLE, RequestType.COMPLAINT, Urgency.NORMAL, w.cat_potholes) == Limit(5, WD)
    # Another category's rule does not apply; the general one does.
    assert resolve_limit(Stage.HANDLE, RequestType.COMPLAINT, Urgency.NORMAL, w.cat_noise) == Limit(12, WD)
    assert resolve_limit(Stage.HANDLE, RequestType.COMPLAINT, Urgency.NORMAL, None) == Limit(12, WD)


def test_it_prefers_the_nearer_category_to_its_parent(w: World) -> None:
    _policy(Stage.HANDLE, "7", WD, category=w.cat_roads)
    _policy(Stage.HANDLE, "3", WD, category=w.cat_potholes)
    root = w.cat_roads.parent
    _policy(Stage.HANDLE, "9", WD, request_type=RequestType.COMPLAINT, urgency=Urgency.NORMAL, category=root)
    assert resolve_limit(Stage.HANDLE, RequestType.COMPLAINT, Urgency.NORMAL, w.cat_potholes) == Limit(3, WD)
    assert resolve_limit(Stage.HANDLE, RequestType.COMPLAINT, Urgency.NORMAL, w.cat_roads) == Limit(7, WD)
    assert resolve_limit(Stage.HANDLE, RequestType.COMPLAINT, Urgency.NORMAL, root) == Limit(9, WD)


def test_it_prefers_type_and_urgency_to_type_alone_to_urgency_alone(w: World) -> None:
    _policy(Stage.HANDLE, "8", WD, category=w.cat_roads)
    # Urgent orders run on the 7×24 clock: their rows are in clock hours (limits.round_the_clock).
    _policy(Stage.HANDLE, "48", CH, urgency=Urgency.URGENT, category=w.cat_roads)
    _policy(Stage.HANDLE, "4", WD, request_type=RequestType.HELP, category=w.cat_roads)
    _policy(Stage.HANDLE, "36", CH, request_type=RequestType.HELP, urgency=Urgency.URGENT, category=w.cat_roads)
    assert resolve_limit(Stage.HANDLE, RequestType.HELP, Urgency.URGENT, w.cat_roads) == Limit(36, CH)
    assert resolve_limit(Stage.HANDLE, RequestType.HELP, Urgency.NORMAL, w.cat_roads) == Limit(4, WD)
    assert resolve_limit(Stage.HANDLE, RequestType.COMPLAINT, Urgency.URGENT, w.cat_roads) == Limit(48, CH)
    assert resolve_limit(Stage.HANDLE, RequestType.COMPLAINT, Urgency.NORMAL, w.cat_roads) == Limit(8, WD)


def test_it_keeps_policies_of_one_stage_apart_from_another(w: World) -> None:
    _policy(Stage.SIGN, "1", WH)
    assert resolve_limit(Stage.SIGN, RequestType.HELP, Urgency.NORMAL, w.cat_roads) == Limit(1, WH)
    assert resolve_limit(Stage.HANDLE, RequestType.HELP, Urgency.NORMAL, w.cat_roads) == Limit(10, WD)


def test_it_refuses_two_policies_for_the_same_scope(w: World) -> None:
    _policy(Stage.HANDLE, "5", WD, request_type=RequestType.HELP)
    with pytest.raises(IntegrityError), transaction.atomic():
        _policy(Stage.HANDLE, "6", WD, request_type=RequestType.HELP)
    _policy(Stage.HANDLE, "5", WD, request_type=RequestType.HELP, category=w.cat_roads)
    with pytest.raises(IntegrityError), transaction.atomic():
        _policy(Stage.HANDLE, "7", WD, request_type=RequestType.HELP, category=w.cat_roads)


def test_it_gives_a_dispatched_order_the_deadlines_of_its_policies(w: World) -> None:
    _policy(Stage.HANDLE, "3", WD, request_type=RequestType.COMPLAINT, category=w.cat_potholes)
    _policy(Stage.SIGN, "0.5", WH, category=w.cat_roads)
    with time_machine.travel(at(2025, 11, 3, 10, 0), tick=False):
        order = w.dispatched()
    assert order.handle_due_at == at(2025, 11, 6, 10, 0)
    assert order.sign_due_at == at(2025, 11, 3, 10, 30)
    assert str(Limit(2.5, WD)) == "2.5个工作日"
