"""Objections and consultation views counted per unit, with the orders behind each count."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from civicdesk.orders import actions
from civicdesk.statistics.measures import Period
from civicdesk.statistics.procedures import unit_procedures
from tests.world import World

SH = ZoneInfo("Asia/Shanghai")
NOVEMBER = Period(datetime(2025, 11, 1, tzinfo=SH), datetime(2025, 12, 1, tzinfo=SH))


def test_objections_and_their_rulings_count_for_the_objecting_unit(w: World) -> None:
    with time_machine.travel(datetime(2025, 11, 4, 10, 0, tzinfo=SH), tick=False):
        rejected = actions.reject_objection(w.objection_review(), actor=w.supervisor, reason="属本单位")
        upheld = actions.uphold_objection(w.objection_review(), actor=w.leader)
        pending = w.objection_review()

    counts = unit_procedures(NOVEMBER, hub=w.hub)[w.dept_a.pk]

    assert counts.orders["objections"] == [rejected.pk, upheld.pk, pending.pk]
    assert counts.orders["objections_rejected"] == [rejected.pk]
    assert counts.orders["objections_upheld"] == [upheld.pk]
    assert counts.count("objections_rejected") == 1
    assert w.dept_b.pk not in unit_procedures(NOVEMBER)


def test_only_the_period_counts_and_withdrawn_orders_do_not(w: World) -> None:
    with time_machine.travel(datetime(2025, 10, 31, 10, 0, tzinfo=SH), tick=False):
        actions.reject_objection(w.objection_review(), actor=w.supervisor, reason="属本单位")
    with time_machine.travel(datetime(2025, 11, 5, 10, 0, tzinfo=SH), tick=False):
        gone = actions.reject_objection(w.objection_review(), actor=w.supervisor, reason="属本单位")
        actions.withdraw(gone, actor=w.operator, reason="已解决")

    assert unit_procedures(NOVEMBER).get(w.dept_a.pk) is None


def test_late_views_at_consultations_count_per_unit(w: World) -> None:
    start = datetime(2025, 11, 7, 15, 0, tzinfo=SH)  # a Friday: one working day is Monday 15:00
    with time_machine.travel(start, tick=False):
        order = actions.convene_consultation(
            w.bounced(), actor=w.dispatcher, units=[w.dept_a, w.dept_b], reason="会商", days=1
        )
        actions.give_view(order, actor=w.handler_a, text="不属本单位")
    with time_machine.travel(start + timedelta(days=4), tick=False):
        actions.give_view(order, actor=w.handler_b, text="属住建")

    counts = unit_procedures(NOVEMBER)

    assert (counts[w.dept_a.pk].count("consultation_views"), counts[w.dept_a.pk].count("consultation_views_late")) == (
        1,
        0,
    )
    assert (counts[w.dept_b.pk].count("consultation_views"), counts[w.dept_b.pk].count("consultation_views_late")) == (
        1,
        1,
    )
