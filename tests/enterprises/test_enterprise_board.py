"""The enterprise board: the statistics' own measures for 涉企诉求, by enterprise, industry,
area and officer."""

from __future__ import annotations

import re

from civicdesk.catalogue.tagging import enterprise_topic
from civicdesk.enterprises.models import Enterprise, LiaisonAssignment
from civicdesk.org.models import User
from civicdesk.statistics.measures import Filters, measures
from tests.console.helpers import client_for, text
from tests.world import World


def _rows(page: str) -> dict[str, list[str]]:
    body = page[page.index('id="enterprise-board"') : page.index("</table>", page.index('id="enterprise-board"'))]
    rows = {}
    for label, cells in re.findall(r"<tr><th[^>]*>([^<]+)</th>(.*?)</tr>", body, re.S):
        rows[label.strip()] = [c.strip() for c in re.findall(r"<t[dh]>([^<]*)", cells)]
    return rows


def test_it_splits_the_measures_by_enterprise(
    w: World, company: Enterprise, other_company: Enterprise, officer: User
) -> None:
    w.closed(enterprise=company)
    w.dispatched(enterprise=company)
    w.closed(enterprise=other_company)
    w.closed()  # not an enterprise request

    page = text(client_for(w.leader).get("/enterprises/board/"))

    rows = _rows(page)
    assert rows["荣成海洋食品有限公司"][0] == "2"
    assert rows["荣成远洋渔业有限公司"][0] == "1"
    assert rows["合计"][0] == "3"
    # The same numbers as the statistics' measures for the 涉企 topic.
    figures = measures(filters=Filters(topic=enterprise_topic()))
    assert int(figures["accepted"].numerator) == 3
    assert rows["合计"][3] == f"{figures['satisfaction'].value * 100:.1f}%"
    for name in ("受理量", "办结率", "按时办结率", "满意率"):
        assert name in page


def test_it_groups_by_industry_and_officer(
    w: World, company: Enterprise, other_company: Enterprise, officer: User
) -> None:
    w.closed(enterprise=company)
    w.closed(enterprise=other_company)

    by_industry = _rows(text(client_for(w.leader).get("/enterprises/board/", {"by": "industry"})))
    by_officer = _rows(text(client_for(w.leader).get("/enterprises/board/", {"by": "officer"})))

    assert by_industry["制造业"][0] == "1" and by_industry["农、林、牧、渔业"][0] == "1"
    assert by_officer["驻企员小孙"][0] == "1" and by_officer["（无驻企员）"][0] == "1"
    # By the company's area, else the order's (both are in 崖头街道 here).
    by_area = _rows(text(client_for(w.leader).get("/enterprises/board/", {"by": "area"})))
    assert by_area["崖头街道"][0] == "2"


def test_an_officer_sees_only_their_companies(
    w: World, company: Enterprise, other_company: Enterprise, officer: User
) -> None:
    w.closed(enterprise=company)
    w.closed(enterprise=other_company)

    rows = _rows(text(client_for(officer).get("/enterprises/board/")))

    assert set(rows) == {"荣成海洋食品有限公司", "合计"}
    assert LiaisonAssignment.objects.filter(officer=officer).count() == 1


def test_it_is_not_for_operators(w: World) -> None:
    assert client_for(w.operator).get("/enterprises/board/").status_code == 403
