"""A topic names the categories that propose it at intake; everything under them proposes it
too (a leaf under 疫情防控 proposes 涉疫), and the intake page says so on each checkbox."""

from __future__ import annotations

import re

import pytest

from civicdesk.catalogue.tagging import categories_proposing_topics
from tests.console.helpers import client_for, text
from tests.world import World

pytestmark = pytest.mark.django_db


def test_a_topic_is_proposed_by_its_categories_and_everything_under_them(w: World) -> None:
    w.topic_epidemic.categories.add(w.cat_roads)
    proposing = categories_proposing_topics()
    assert set(proposing[w.topic_epidemic.pk]) == {w.cat_roads.pk, w.cat_potholes.pk}
    assert w.cat_noise.pk not in proposing[w.topic_epidemic.pk]


def test_no_topic_is_proposed_until_one_names_its_categories(w: World) -> None:
    assert categories_proposing_topics() == {}


def test_the_intake_checkboxes_are_labelled_and_carry_their_proposing_categories(w: World) -> None:
    w.topic_epidemic.categories.add(w.cat_roads)
    page = text(client_for(w.operator).get("/intake/new"))
    boxes = page[page.index('id="topic-boxes"') :]
    boxes = boxes[: boxes.index("</div>")]
    labels = re.findall(r'<label class="[^"]*topic-box" for="([^"]+)">(.*?)</label>', boxes, re.S)
    epidemic = [body for _for, body in labels if "涉疫" in body]
    assert epidemic, "涉疫 has no clickable label"
    # The checkbox sits inside its label, so a click on the name ticks it.
    assert 'type="checkbox"' in epidemic[0]
    proposes = re.search(r'data-categories="([^"]*)"', epidemic[0])
    assert proposes and proposes.group(1).split() == [str(pk) for pk in sorted([w.cat_roads.pk, w.cat_potholes.pk])]
