"""Matching on a made-up register: each condition is met, failed or unknown (the register lacks
the fact); a company probably qualifies when nothing is known to fail, and is told which
conditions are still to be confirmed."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from civicdesk.enterprises.models import Enterprise, LicenceKind
from civicdesk.policies.actions import withdraw_policy
from civicdesk.policies.matching import MET, UNKNOWN, UNMET, evaluate, matches_for
from civicdesk.policies.models import Policy
from tests.policies.conftest import measure
from tests.world import World

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 1)


def _status(policy: Policy, enterprise: Enterprise, key: str) -> str:
    policy = Policy.objects.prefetch_related("areas").get(pk=policy.pk)
    enterprise = Enterprise.objects.select_related("area__parent__parent").get(pk=enterprise.pk)
    found = {c.key: c.status for c in evaluate(policy, enterprise, TODAY).conditions}
    return found[key]


@pytest.mark.parametrize(
    ("condition", "company", "expected"),
    [
        ({"industries": ["C"]}, {"industry": "C"}, MET),
        ({"industries": ["C", "I"]}, {"industry": "H"}, UNMET),
        ({"industries": ["C"]}, {"industry": ""}, UNKNOWN),
        ({"sizes": ["micro", "small"]}, {"size": "small"}, MET),
        ({"sizes": ["micro", "small"]}, {"size": "large"}, UNMET),
        ({"sizes": ["small"]}, {"size": ""}, UNKNOWN),
        ({"min_age_years": 3}, {"founded_on": date(2020, 1, 1)}, MET),
        ({"min_age_years": 3}, {"founded_on": date(2024, 1, 1)}, UNMET),
        ({"max_age_years": 3}, {"founded_on": date(2024, 1, 1)}, MET),
        ({"max_age_years": 3}, {"founded_on": date(2023, 6, 1)}, UNMET),  # three years to the day
        ({"min_age_years": 1}, {"founded_on": None}, UNKNOWN),
        ({"min_annual_tax": Decimal("50")}, {"annual_tax": Decimal("50.00")}, MET),
        ({"min_annual_tax": Decimal("50")}, {"annual_tax": Decimal("49.99")}, UNMET),
        ({"min_annual_tax": Decimal("50")}, {"annual_tax": None}, UNKNOWN),
        ({"min_employees": 10, "max_employees": 100}, {"employees": 100}, MET),
        ({"min_employees": 10, "max_employees": 100}, {"employees": 101}, UNMET),
        ({"min_employees": 10}, {"employees": 9}, UNMET),
        ({"max_employees": 20}, {"employees": None}, UNKNOWN),
    ],
)
def test_each_condition_is_met_failed_or_unknown(
    w: World, factory: Enterprise, condition: dict[str, Any], company: dict[str, Any], expected: str
) -> None:
    policy = measure(w, **condition)
    Enterprise.objects.filter(pk=factory.pk).update(**company)
    key = {
        "industries": "industry",
        "sizes": "size",
        "min_age_years": "age",
        "max_age_years": "age",
        "min_annual_tax": "tax",
        "min_employees": "employees",
        "max_employees": "employees",
    }[next(iter(condition))]

    assert _status(policy, factory, key) == expected


def test_an_area_covers_the_areas_inside_it(w: World, factory: Enterprise, hotel: Enterprise) -> None:
    policy = measure(w, areas=[w.area_town])  # the factory is in a community of that town
    Enterprise.objects.filter(pk=hotel.pk).update(area=None)

    assert _status(policy, factory, "area") == MET
    assert _status(policy, hotel, "area") == UNKNOWN
    policy = measure(w, areas=[w.area_village])
    Enterprise.objects.filter(pk=factory.pk).update(area=w.area_town)  # the town is not inside the community
    assert _status(policy, factory, "area") == UNMET


def test_a_licence_held_is_met_and_one_missing_from_the_register_is_to_be_confirmed(
    w: World, factory: Enterprise
) -> None:
    policy = measure(w, licences=[LicenceKind.FOOD_PRODUCTION])
    assert _status(policy, factory, "licences") == UNKNOWN
    factory.licences.create(
        kind=LicenceKind.FOOD_PRODUCTION,
        number="SC123",
        issuing_unit=w.dept_b,
        valid_from=TODAY - timedelta(days=300),
        valid_to=TODAY + timedelta(days=300),
    )
    assert _status(policy, factory, "licences") == MET


def test_a_company_qualifies_unless_a_condition_fails_and_is_told_what_to_confirm(
    w: World, factory: Enterprise, hotel: Enterprise
) -> None:
    policy = measure(w, industries=["C", "H"], sizes=["small"], min_annual_tax=Decimal("10"))
    found = matches_for(Enterprise.objects.filter(pk__in=[factory.pk, hotel.pk]))

    (match,) = found[factory.pk]
    assert match.policy == policy
    assert [c.key for c in match.met] == ["industry", "size"]
    assert [c.key for c in match.unknown] == ["tax"]
    assert found[hotel.pk] == []  # a medium-sized hotel: size fails


def test_a_withdrawn_or_ended_measure_matches_nobody(w: World, factory: Enterprise) -> None:
    ended = measure(w, "RC-OLD", valid_to=timezone.localdate() - timedelta(days=1))
    withdrawn = measure(w, "RC-GONE")
    withdraw_policy(withdrawn, actor=w.dispatcher, reason="政策已到期废止")
    kept = measure(w, "RC-NOW")

    titles = [m.policy for m in matches_for(Enterprise.objects.filter(pk=factory.pk))[factory.pk]]

    assert kept in titles and ended not in titles and withdrawn not in titles
