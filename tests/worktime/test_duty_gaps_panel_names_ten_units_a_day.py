"""A hub with many units uncovered on a day off: the home page's warning names ten of them and
counts the rest, and the roster (one click away) shows them all. A panel naming sixty units a
day for eight days was most of a dispatcher's home page, to read and to render."""

from __future__ import annotations

import re

import time_machine

from civicdesk.org.models import OrgUnit, UnitKind
from civicdesk.worktime.duty import coverage_gaps
from tests.console.helpers import client_for, text
from tests.worktime.helpers import at
from tests.world import World

THURSDAY = at(2026, 3, 5, 10)


def test_each_day_names_ten_units_and_counts_the_rest(w: World) -> None:
    for n in range(12):
        OrgUnit.objects.create(name=f"第{n + 1}街道办事处", code=f"rc-jd{n}", kind=UnitKind.TOWN, parent=w.hub)
    with time_machine.travel(THURSDAY, tick=False):
        gaps = coverage_gaps([w.hub])
        page = text(client_for(w.dispatcher).get("/"))
    first = gaps[0]
    assert len(first.units) == 17  # the hub, its four units and the twelve new ones: nobody is on duty
    warning = page[page.index('id="duty-gaps"') :]
    day = warning.split("<li>")[1].split("</li>")[0]
    assert f"{first.day:%Y-%m-%d}" in day
    assert len(re.findall(r"\?unit=\d+&amp;week=", day)) == 1 + 10  # the day's own link, then ten units
    assert [u.name for u in first.units[:10]] == re.findall(r">([^<>]+)</a>", day)[1:]
    assert "等 17 个单位" in day


def test_in_english_the_rest_is_counted_too(w: World) -> None:
    for n in range(12):
        OrgUnit.objects.create(name=f"第{n + 1}街道办事处", code=f"rc-jd{n}", kind=UnitKind.TOWN, parent=w.hub)
    client = client_for(w.dispatcher)
    client.cookies["django_language"] = "en"
    with time_machine.travel(THURSDAY, tick=False):
        page = text(client.get("/"))
    assert "17 units in all" in page[page.index('id="duty-gaps"') :]
