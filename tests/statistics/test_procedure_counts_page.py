"""退单异议, 会商, 领导批示 and 督办单 counted per unit as measures: charged to the unit the
move named, each opening into its orders, on the 程序事项 page and linked from 月度通报."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from civicdesk.orders import actions
from civicdesk.statistics.measures import Filters, Period, drill, measure
from tests.world import World


def _period() -> Period:
    now = timezone.now()
    return Period(now - timedelta(days=1), now + timedelta(days=10))


def test_an_objection_stays_the_objecting_units_after_the_order_moves_on(w: World) -> None:
    rejected = actions.reject_objection(w.objection_review(), actor=w.supervisor, reason="属本单位")
    upheld = actions.uphold_objection(w.objection_review(), actor=w.leader)  # the order leaves dept_a
    w.objection_review()

    mine = Filters(lead_unit=w.dept_a, include_sub_units=False)
    objections = measure("objections", _period(), mine)

    assert objections.value == 3
    assert measure("objections_rejected", _period(), mine).numerator_ids == (rejected.pk,)
    assert measure("objections_upheld", _period(), mine).numerator_ids == (upheld.pk,)
    assert measure("objections", _period(), Filters(lead_unit=w.dept_b)).value == 0
    assert set(drill("objections_rejected", _period(), mine).values_list("pk", flat=True)) == {rejected.pk}


def test_instructions_and_notices_and_their_escalations_count_for_the_unit_holding_the_order(w: World) -> None:
    instructed = w.instructed()
    noticed = w.noticed()
    later = timezone.now() + timedelta(days=6)
    assert actions.run_instruction_watch(now=later) == 1
    assert actions.run_notice_watch(now=later) == 1

    mine = Filters(lead_unit=w.dept_a)
    figures = {
        code: measure(code, _period(), mine, as_of=later).numerator_ids
        for code in ("instructions", "instructions_escalated", "notices", "notices_escalated")
    }

    assert figures == {
        "instructions": (instructed.pk,),
        "instructions_escalated": (instructed.pk,),
        "notices": (noticed.pk,),
        "notices_escalated": (noticed.pk,),
    }


def test_the_page_shows_each_unit_with_its_counts_opening_into_the_orders(w: World) -> None:
    objected = w.objection_review()
    client = Client()
    client.force_login(w.leader)

    response = client.get("/stats/procedures/", {"period": "day"})

    html = response.content.decode()
    assert response.status_code == 200
    row = html[html.index(f'data-unit="{w.dept_a.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "退单异议次数" in html and "督办单超期未答复次数" in html
    cell = row[row.index('data-code="objections"') :]
    link = cell[cell.index('href="') + 6 : cell.index('"', cell.index('href="') + 6)].replace("&amp;", "&")
    assert ">1<" in cell[: cell.index("</td>")]
    listed = client.get(link)
    assert listed.status_code == 200
    assert objected.number in listed.content.decode()
    client.force_login(w.handler_a)
    assert client.get("/stats/procedures/").status_code == 403


def test_the_monthly_report_links_to_the_units_procedures_of_its_month(w: World) -> None:
    client = Client()
    client.force_login(w.leader)
    month = f"{timezone.localdate():%Y-%m}"

    html = client.get("/stats/assessment/", {"hub": w.hub.pk, "month": month}).content.decode()

    assert 'id="assessment-procedures"' in html
    link = html[html.index('id="assessment-procedures" href="') + 33 :]
    link = link[: link.index('"')].replace("&amp;", "&")
    assert link.startswith("/stats/procedures/?period=custom")
    assert client.get(link).status_code == 200
