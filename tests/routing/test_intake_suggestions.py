"""The intake page's suggestion panel (htmx partial): the model's top three category ×
unit with confidence and reasons, the recognised area, and one click fills the fields."""

from __future__ import annotations

import re

from tests.console_hub.helpers import client_for, text
from tests.routing.helpers import trained_world
from tests.world import World


def test_it_shows_three_suggestions_that_fill_category_unit_and_area(w: World) -> None:
    _history, version = trained_world(w)
    w.area_town.aliases = "崖头"
    w.area_town.save()

    html = text(
        client_for(w.operator).post(
            "/intake/suggest", {"title": "路面坑洼", "content": "崖头人民路路面坑洼积水，请修复。", "address": ""}
        )
    )

    panel = html[html.index('id="routing-suggestions"') : html.index('id="similar-orders"')]
    assert f'data-model-version="{version.number}"' in panel
    options = re.findall(r'data-option="(\d)"', panel)
    assert options == ["1", "2", "3"]
    first = panel[panel.index('data-option="1"') : panel.index('data-option="2"')]
    assert f'data-category="{w.cat_potholes.pk}"' in first
    assert f'data-unit="{w.dept_a.pk}"' in first
    assert f'data-area="{w.area_town.pk}"' in first
    # One click: the button is marked for the console script, which copies its unit, area and
    # category into the intake form (no inline handler: the Content-Security-Policy forbids them).
    assert "data-fill" in first and "onclick" not in first
    assert "置信度" in first and "派单目录：城乡建设 / 市政道路 → 市住房和城乡建设局" in first
    assert "相似的已办结工单" in first
    assert re.search(r'href="/orders/\d{13}/"', first)
    assert "识别区域" in panel and "崖头街道" in panel


def test_a_chosen_category_narrows_the_suggestion_to_its_units(w: World) -> None:
    trained_world(w)

    html = text(
        client_for(w.operator).post(
            "/intake/suggest", {"title": "噪音", "content": "北山社区路面破损", "category": w.cat_potholes.pk}
        )
    )

    panel = html[html.index('id="routing-suggestions"') : html.index('id="similar-orders"')]
    first = panel[panel.index('data-option="1"') :]
    assert f'data-category="{w.cat_potholes.pk}"' in first
    assert f'data-unit="{w.village.pk}"' in first  # the catalogue's rule for the recognised community
    assert "崖头街道北山社区" in html[html.index('id="unit-suggestion"') :]
