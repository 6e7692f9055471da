"""催办率, 重复来电率, 答复质量提示率 and 答复退回率 kept in the daily rollups like the other
measures: the dashboard shows them from the rollups, equal to a full recomputation, and the
sweep follows the moves that change them."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from civicdesk.orders import actions
from civicdesk.statistics import rollups
from civicdesk.statistics.measures import Filters, Period, measure
from tests.statistics.compare import assert_equal
from tests.statistics.helpers import at, t
from tests.statistics.scenario import build_scenario
from tests.world import World

QUALITY = ("urge_rate", "repeat_call_rate", "reply_flagged", "reply_sent_back")
MARCH_APRIL = rollups.Days(dt.date(2026, 3, 1), dt.date(2026, 4, 30))


def test_the_rollups_hold_each_quality_measure_as_measured_directly(w: World) -> None:
    build_scenario(w)
    now = t(30, 12, month=4)
    with at(now):
        rollups.run_rollup_sweep()

    rolled = rollups.total(MARCH_APRIL, now=now, codes=QUALITY)
    direct = {code: measure(code, Period(MARCH_APRIL.start, MARCH_APRIL.end), as_of=now) for code in QUALITY}

    for code in QUALITY:  # every one has something in it, so the comparison can fail
        assert direct[code].numerator > 0 and direct[code].denominator, code
        assert (rolled[code].numerator, rolled[code].denominator) == (direct[code].numerator, direct[code].denominator)
    for filters in (Filters(), Filters(lead_unit=w.dept_a, include_sub_units=False), Filters(topic=w.topic_epidemic)):
        assert_equal(MARCH_APRIL, filters, now)


def test_the_sweep_takes_in_an_urge_a_flagged_reply_and_a_reply_sent_back(w: World) -> None:
    with at(t(2)):
        order = w.signed()
        rollups.run_rollup_sweep()
    with at(t(3)):
        order = actions.urge(order, actor=w.operator)
        order = actions.reply(order, actor=w.handler_a, result="solved", text="瞎投诉，这事不归我们管。")
        actions.send_back_reply(order, actor=w.dispatcher, reason="语气不当，请重新答复。")
    with at(t(3, 10)):
        rollups.run_rollup_sweep()

    figures = rollups.total(MARCH_APRIL, now=t(4), codes=QUALITY)

    assert figures["urge_rate"].value == 1.0
    assert (figures["reply_flagged"].numerator, figures["reply_sent_back"].numerator) == (1, 1)
    assert_equal(MARCH_APRIL, Filters(), t(4))


def test_an_earlier_call_taken_in_later_makes_the_next_call_a_repeat_in_the_rollups(w: World) -> None:
    with at(t(10)):
        later = w.new_order()
        rollups.run_rollup_sweep()
    assert rollups.total(MARCH_APRIL, now=t(11), codes=QUALITY)["repeat_call_rate"].numerator == 0
    with at(t(8)):
        w.new_order()  # the same caller on the same matter two days before, recorded only now (history)
    with at(t(10, 12)):
        rollups.run_rollup_sweep()

    figure = rollups.total(MARCH_APRIL, now=t(11), codes=QUALITY)["repeat_call_rate"]

    assert (figure.numerator, figure.denominator) == (1, 2)
    assert measure("repeat_call_rate", Period(MARCH_APRIL.start, MARCH_APRIL.end), as_of=t(11)).numerator_ids == (
        later.pk,
    )


def test_the_dashboard_shows_the_quality_measures_with_their_orders(w: World) -> None:
    with at(t(2)):
        actions.urge(w.signed(), actor=w.operator)
        rollups.run_rollup_sweep()
        client = Client()
        client.force_login(w.leader)
        payload = client.get("/stats/api/dashboard/", {"period": "month"}).json()

    for code in QUALITY:
        assert code in payload["overview"], code
        assert f"code={code}" in payload["drill"][code]
    assert payload["overview"]["urge_rate"]["value"] == 1.0
