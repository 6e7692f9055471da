"""With no history (no model version), the catalogue's own words — names at every level,
keywords, descriptions — choose the category, and its dispatch rules the unit."""

from __future__ import annotations

from civicdesk.routing.suggestions import suggest
from tests.console_hub.helpers import client_for, text
from tests.routing.helpers import food_category
from tests.world import World


def test_it_suggests_from_the_catalogue_words_alone(w: World) -> None:
    food = food_category(w)

    roads = suggest(title="小区门口路面破损", content="门口那段路面破损，坑洼积水，车辆难行。")
    meal = suggest(title="饭店卖过期食品", content="在饭店吃到过期食品，要求查处。")

    assert roads.version is None and not roads.calibrated
    assert (roads.best.category, roads.best.unit) == (w.cat_potholes, w.dept_a)
    assert roads.best.rule is not None and "市住房和城乡建设局" in roads.best.reason()
    assert (meal.best.category, meal.best.unit) == (food, w.dept_b)


def test_a_description_is_enough_to_find_a_category(w: World) -> None:
    w.cat_noise.description = "施工、娱乐场所、广场舞等产生的声音影响休息"
    w.cat_noise.save()

    found = suggest(title="楼下广场舞", content="每天晚上广场舞声音影响休息。")

    assert found.best is not None
    assert (found.best.category, found.best.unit) == (w.cat_noise, w.dept_c)


def test_the_area_chooses_the_catalogue_rule(w: World) -> None:
    found = suggest(title="路面破损", content="北山社区门口路面破损。")

    assert found.area == w.area_village
    assert found.best.unit == w.village  # the village's own rule for roads


def test_the_intake_page_says_it_is_not_a_probability(w: World) -> None:
    html = text(client_for(w.operator).post("/intake/suggest", {"title": "路面破损", "content": "路面破损坑洼"}))
    assert "派单目录（尚无模型）" in html
    assert "目录匹配" in html and "置信度" not in html
