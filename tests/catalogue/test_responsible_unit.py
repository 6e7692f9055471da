"""The dispatch catalogue names the unit: nearest category first, an area rule beats the
same category without area, and the fallback takes what no rule covers."""

from civicdesk.catalogue.dispatch import responsible_unit
from civicdesk.catalogue.models import Category, DispatchRule
from tests.world import World


def test_it_uses_the_parent_category_rule_for_a_leaf(w: World) -> None:
    match = responsible_unit(w.cat_potholes, w.area_town)
    assert match is not None and match.unit == w.dept_a


def test_it_prefers_the_rule_for_the_area_the_order_is_in(w: World) -> None:
    match = responsible_unit(w.cat_potholes, w.area_village)
    assert match is not None and match.unit == w.village


def test_a_rule_on_the_leaf_itself_beats_its_parents(w: World) -> None:
    DispatchRule.objects.create(category=w.cat_potholes, unit=w.dept_b)
    match = responsible_unit(w.cat_potholes, w.area_village)
    assert match is not None and match.unit == w.dept_b


def test_it_falls_back_for_what_no_rule_covers(w: World) -> None:
    stray = Category.objects.create(name="其他事项", code="c-other")
    match = responsible_unit(stray, None)
    assert match is not None and match.unit == w.town and match.rule.category is None
    assert responsible_unit(None, None).unit == w.town  # type: ignore[union-attr]


def test_it_skips_a_rule_whose_unit_was_deactivated(w: World) -> None:
    w.dept_a.active = False
    w.dept_a.save()
    match = responsible_unit(w.cat_potholes, w.area_town)
    assert match is not None and match.unit == w.town
