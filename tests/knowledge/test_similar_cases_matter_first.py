"""Similar cases rank by matter first, place second: an order about the same place but another
matter is not offered, an order about the same matter elsewhere is; among orders
about the same matter, the same category and then the same area come first."""

from __future__ import annotations

import pytest

from civicdesk.knowledge.similar import similar_cases

pytestmark = pytest.mark.django_db


def test_the_same_matter_elsewhere_beats_the_same_place_for_another_matter(w):
    same_place = w.closed(
        title="北山社区广场舞噪音",
        content="北山社区广场每晚广场舞音响噪音扰民。",
        category=w.cat_noise,
        area=w.area_village,
    )
    same_matter = w.closed(
        title="崖头街道路面坑洼积水", content="崖头街道路面坑洼，下雨积水，车辆通行困难。", area=w.area_town
    )
    current = w.signed(title="北山社区路面坑洼积水", content="北山社区路面坑洼，下雨积水严重。", area=w.area_village)

    # sharing only the place name makes no case similar
    assert [c.order for c in similar_cases(w.dispatcher, current)] == [same_matter]
    assert same_place.area == current.area


def test_among_the_same_matter_the_same_area_comes_first(w):
    text = {"title": "路面坑洼积水", "content": "路面坑洼，下雨积水，车辆通行困难。"}
    elsewhere = w.closed(area=w.area_town, **text)
    here = w.closed(area=w.area_village, **text)
    current = w.signed(title="路面坑洼积水", content="路面坑洼，下雨积水。", area=w.area_village)

    assert [c.order for c in similar_cases(w.dispatcher, current)] == [here, elsewhere]
