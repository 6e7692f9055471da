"""Units form a tree kept as a materialised path; moving a unit moves its subtree."""

from civicdesk.org.models import OrgUnit, UnitKind
from tests.world import World


def test_it_keeps_the_path_of_new_units(w: World) -> None:
    assert w.village.path == f"{w.town.path}{w.village.pk}/"
    assert set(w.town.subtree()) == {w.town, w.village}


def test_moving_a_unit_moves_everything_under_it(w: World) -> None:
    office = OrgUnit.objects.create(name="北山社区网格站", code="grid", kind=UnitKind.OFFICE, parent=w.village)
    w.village.parent = w.dept_a
    w.village.save()
    office.refresh_from_db()
    assert office.path == f"{w.dept_a.path}{w.village.pk}/{office.pk}/"
    assert office.is_within(w.dept_a) and not office.is_within(w.town)


def test_the_nearest_hub_runs_dispatch_for_a_unit(w: World) -> None:
    assert w.village.hub() == w.hub
    assert w.hub.hub() == w.hub
    assert [u.name for u in w.village.ancestors()][-2:] == [w.hub.name, w.town.name]
