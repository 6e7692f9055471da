"""The pickers a dispatcher chooses units from offer what the move accepts: the upper hub sees
its own bureaus and the lower hub itself (choosing it hands the order down, 下转), never the
units under the lower hub, which the move would refuse after the choice; the lower hub's
dispatcher sees its own units. A suggested unit under the lower hub becomes that hub."""

from __future__ import annotations

import pytest

from civicdesk.catalogue.models import DispatchRule
from civicdesk.orders.forms import ApproveReturnForm, DispatchForm, RedispatchForm
from civicdesk.orders.suggesting import suggest_units
from civicdesk.orders.views.common import hub_units
from civicdesk.org.models import OrgUnit
from tests.levels.conftest import Chain

pytestmark = pytest.mark.django_db


def _names(units: object) -> set[str]:
    return {unit.name for unit in units}  # type: ignore[attr-defined]


def test_the_upper_hubs_dispatch_form_offers_the_lower_hub_not_its_units(chain: Chain) -> None:
    form = DispatchForm(order=chain.new_order())

    leads = _names(form.fields["lead_unit"].queryset)
    assert {chain.bureau.name, chain.county.name} <= leads
    assert not leads & {chain.w.dept_a.name, chain.w.town.name, chain.w.village.name}
    # A lower hub is never an assisting unit, nor are its units (they are its to dispatch to).
    assisting = _names(form.fields["assisting_units"].queryset)
    assert chain.bureau.name in assisting
    assert not assisting & {chain.county.name, chain.w.dept_a.name, chain.w.town.name, chain.w.village.name}


def test_the_lower_hubs_forms_offer_its_own_units(chain: Chain) -> None:
    order = chain.at_county_unit()

    leads = _names(RedispatchForm(order=order).fields["lead_unit"].queryset)

    assert {chain.w.dept_a.name, chain.w.dept_b.name, chain.w.town.name, chain.w.village.name} <= leads
    assert chain.bureau.name not in leads and chain.county.name not in leads
    assert chain.w.dept_b.name in _names(ApproveReturnForm(order=order).fields["new_lead_unit"].queryset)


def test_the_board_of_a_prefecture_dispatcher_offers_the_county_hub_not_its_units(chain: Chain) -> None:
    units = _names(hub_units(chain.pref_dispatcher))

    assert {chain.bureau.name, chain.county.name} <= units
    assert not units & {chain.w.dept_a.name, chain.w.dept_b.name, chain.w.town.name, chain.w.village.name}
    # (The city's own unit between the two centers is the prefecture's, as before.)


def test_a_suggested_unit_under_the_lower_hub_becomes_the_lower_hub(chain: Chain) -> None:
    DispatchRule.objects.create(category=chain.w.cat_potholes, unit=chain.w.dept_a, note="道路归住建")
    upper = chain.new_order()
    county_order = chain.handed_down()

    suggested_up, suggested_down = suggest_units([upper, county_order])

    assert suggested_up is not None and suggested_up.unit == chain.county
    assert chain.w.dept_a.name in suggested_up.note
    assert suggested_down is not None and suggested_down.unit == chain.w.dept_a
    assert OrgUnit.objects.get(pk=suggested_up.unit.pk).is_hub
