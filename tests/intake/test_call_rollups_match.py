"""The call figures summed from the daily rollups equal the figures counted from the calls,
for every measure and grouping, after a full build and after the sweep took in changes."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from civicdesk.intake.callmeasures import CallFilters, Days, figures, rebuild, run_call_rollup_sweep
from civicdesk.intake.models import Call
from civicdesk.org.models import OrgUnit, Role, User
from tests.intake.calls_helpers import at, call, telephony
from tests.world import World

pytestmark = pytest.mark.django_db

D = dt.date(2026, 3, 2)


def _calls(cti: User, n: int, seed: int, prefix: str, agents: tuple[str, str] = ("operator", "dispatcher")) -> None:
    """n calls over two days around midnight with random waits, talks, transfers and abandons."""
    rng = random.Random(seed)
    for i in range(n):
        start = at(D, "22:00:00") + dt.timedelta(seconds=rng.randrange(0, 4 * 3600))
        queue = rng.choice(["普通话", "企业专席", ""])
        wait = dt.timedelta(seconds=rng.choice([0, 3, 5, 6, 15, 16, 40, 300]))
        events: list[tuple[str, dt.datetime, str]] = [("queued", start, "")]
        if rng.random() < 0.7:
            agent = rng.choice(agents)
            events.append(("answered", start + wait, agent))
            if rng.random() < 0.3:
                events.append(("transferred", start + wait + dt.timedelta(seconds=30), agents[0]))
            if rng.random() < 0.9:
                events.append(("hung_up", start + wait + dt.timedelta(seconds=rng.randrange(20, 900)), ""))
        elif rng.random() < 0.9:
            events.append(("hung_up", start + wait, ""))
        c = call(cti, f"{prefix}{i}", *events, queue=queue)
        if c.answered_at is None and c.ended_at is not None and rng.random() < 0.5:
            # Minutes and a fraction of a second: the rollups count whole seconds as the calls do.
            later = dt.timedelta(minutes=rng.randrange(1, 90), microseconds=rng.randrange(0, 60_000_000))
            Call.objects.filter(pk=c.pk).update(called_back_at=c.ended_at + later)


def _assert_equal(days: Days, filters: CallFilters) -> None:
    for group in (None, "hour", "day", "day_hour", "agent", "queue"):
        live = figures(days, filters, group=group, live=True)
        rolled = figures(days, filters, group=group)
        assert set(live) == set(rolled), group
        for key in live:
            for code, figure in live[key].items():
                other = rolled[key][code]
                assert (figure.value, figure.numerator, figure.denominator) == pytest.approx(
                    (other.value, other.numerator, other.denominator)
                ), (group, key, code)


def test_rollups_equal_the_calls_after_a_build_and_after_sweeps(w: World) -> None:
    lower = OrgUnit.objects.create(name="下级中心", code="lower-hub", parent=w.hub, is_hub=True)
    lower_cti = w.person("cti-lower", "下级呼叫系统", (lower, Role.OPERATOR))
    lower_cti.set_unusable_password()
    lower_cti.save()
    cti = telephony(w)
    _calls(cti, 60, seed=17, prefix="a")
    w.person("op-lower", "下级话务员", (lower, Role.OPERATOR))
    _calls(lower_cti, 15, seed=18, prefix="l", agents=("op-lower", "op-lower"))
    rebuild()
    days = Days(D, D + dt.timedelta(days=1))
    for filters in (
        CallFilters(),
        CallFilters(hub=w.hub),
        CallFilters(hub=lower),
        CallFilters(agent_id=w.operator.pk),
        CallFilters(queue="企业专席"),
        CallFilters(hour=23),
        CallFilters(hub=w.hub, agent_id=w.dispatcher.pk, queue="普通话", hour=22),
    ):
        _assert_equal(days, filters)

    # Later changes: new calls, a call back, a late event moving a call's arrival back a day.
    _calls(cti, 20, seed=19, prefix="b")
    missed = Call.objects.filter(answered_at__isnull=True, ended_at__isnull=False, called_back_at__isnull=True).first()
    assert missed is not None
    Call.objects.filter(pk=missed.pk).update(called_back_at=missed.ended_at, changed_at=timezone.now())
    moved = Call.objects.filter(hub=w.hub, started_at__gte=at(D + dt.timedelta(days=1), "00:00:00")).first()
    assert moved is not None
    call(cti, moved.call_id, ("ringing", at(D, "21:59:00"), ""), phone=moved.phone)
    assert run_call_rollup_sweep() > 0
    _assert_equal(Days(D, D + dt.timedelta(days=1)), CallFilters())
    # Whole months are read from the month rows, their edges from the day rows.
    _assert_equal(Days(dt.date(2026, 3, 1), dt.date(2026, 3, 31)), CallFilters(hub=w.hub))
    _assert_equal(Days(dt.date(2026, 2, 15), dt.date(2026, 4, 10)), CallFilters())
    _assert_equal(Days(D, D + dt.timedelta(days=1)), CallFilters(hub=w.hub, queue=""))
