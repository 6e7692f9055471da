"""The area is recognised from the address and the content: the city's areas and their
aliases, as whole jieba words."""

from __future__ import annotations

from civicdesk.catalogue.models import Area, AreaKind
from civicdesk.routing.gazetteer import recognise
from tests.world import World


def test_it_finds_the_village_and_the_town(w: World) -> None:
    village = recognise("崖头街道北山社区5号楼", "")
    town = recognise("崖头街道人民路12号", "")

    assert (village.area, village.word, village.where) == (w.area_village, "北山社区", "address")
    assert (town.area, town.word) == (w.area_town, "崖头街道")


def test_it_knows_the_aliases(w: World) -> None:
    w.area_town.aliases = "崖头 崖头街道办"
    w.area_town.save()

    found = recognise("", "我住在崖头，家门口的路坏了")

    assert found is not None
    assert (found.area, found.word, found.where) == (w.area_town, "崖头", "content")


def test_the_address_wins_over_the_content(w: World) -> None:
    found = recognise("北山社区", "上次在崖头街道也反映过")
    assert found.area == w.area_village


def test_a_namesake_is_told_apart_by_its_town(w: World) -> None:
    other_town = Area.objects.create(name="港湾街道", code="a-gw", kind=AreaKind.TOWN, parent=w.area_town.parent)
    namesake = Area.objects.create(name="北山社区", code="a-gw-bs", kind=AreaKind.COMMUNITY, parent=other_town)

    assert recognise("港湾街道北山社区", "").area == namesake
    assert recognise("崖头街道北山社区", "").area == w.area_village
    # Nothing to tell the two apart: no village is guessed.
    assert recognise("北山社区", "") is None


def test_no_area_named_no_area_guessed(w: World) -> None:
    assert recognise("", "东风路路面坏了") is None
    assert recognise("", "") is None
