"""Each call measure against a small day of calls worked out by hand, with a call crossing
midnight, a transfer, an abandon within 5 seconds and a missed call called back."""

from __future__ import annotations

import pytest

from civicdesk.intake.callmeasures import CallFilters, Days, drill, figures, hourly, total
from tests.intake.calls_helpers import NEXT, D, at
from tests.world import World

pytestmark = pytest.mark.django_db


def _values(days: Days, filters: CallFilters | None = None) -> dict[str, float | None]:
    return {code: f.value for code, f in total(days, filters, live=True).items()}


def test_the_day_worked_out_by_hand(day: World) -> None:
    v = _values(Days(D, D), CallFilters(hub=day.hub))
    assert v["offered"] == 5  # E arrived before midnight: the first day's call
    assert v["answered"] == 3
    assert v["abandoned"] == 2
    assert v["abandoned_5s"] == 1
    assert v["answer_rate"] == pytest.approx(3 / 5)
    assert v["answered_15s"] == pytest.approx(2 / 5)  # A after 12 s, E after exactly 15 s; C after 40 s
    assert v["avg_wait"] == pytest.approx((12 + 40 + 15) / 3)
    assert v["p90_wait"] == 40  # the ⌈0.9 × 3⌉ = 3rd of 12, 15, 40
    assert v["avg_talk"] == pytest.approx((300 + 600 + 120) / 3)  # C's talk runs past its transfer
    assert v["transferred"] == 1
    assert v["callback_rate"] == pytest.approx(1 / 2)
    assert v["callback_minutes"] == pytest.approx(10)


def test_the_next_day_has_only_its_own_call_still_talking(day: World) -> None:
    v = _values(Days(NEXT, NEXT))
    assert v["offered"] == 1 and v["answered"] == 1 and v["abandoned"] == 0
    assert v["avg_talk"] is None  # still on the line: no talk time yet
    assert v["avg_wait"] == 1


def test_by_hour_agent_and_queue(day: World) -> None:
    days = Days(D, D)
    by_hour = figures(days, group="hour", live=True)
    assert {h: f["offered"].value for h, f in by_hour.items()} == {9: 3, 10: 1, 23: 1}
    by_agent = figures(days, group="agent", live=True)
    # A transferred call stays with the agent who answered it (C: the dispatcher).
    assert by_agent[day.operator.pk]["answered"].value == 2
    assert by_agent[day.dispatcher.pk]["answered"].value == 1
    assert by_agent[day.dispatcher.pk]["avg_talk"].value == 600
    assert by_agent[None]["abandoned"].value == 2
    by_queue = figures(days, group="queue", live=True)
    assert by_queue["普通话"]["answer_rate"].value == pytest.approx(2 / 3)
    assert by_queue["企业专席"]["callback_rate"].value == 1.0


def test_by_day_across_midnight(day: World) -> None:
    by_day = figures(Days(D, NEXT), group="day", live=True)
    assert by_day[D]["offered"].value == 5 and by_day[NEXT]["offered"].value == 1


def test_hourly_gives_every_hour_of_the_range(day: World) -> None:
    hours = hourly(day.hub, D, NEXT, live=True)
    assert len(hours) == 48
    nine = hours[9]
    assert (nine.day, nine.hour, nine.offered, nine.answered, nine.abandoned) == (D, 9, 3, 2, 1)
    assert nine.avg_talk_seconds == pytest.approx(450)
    assert nine.start == at(D, "09:00:00")
    assert hours[24 + 8].answered == 1 and hours[5].offered == 0


def test_the_drill_down_lists_the_calls_behind_each_number(day: World) -> None:
    days = Days(D, D)
    assert list(drill("abandoned", days).values_list("call_id", flat=True)) == ["B", "D"]
    assert list(drill("answered_15s", days).values_list("call_id", flat=True)) == ["A", "E"]
    assert drill("answered_15s", days, part="denominator").count() == 5
    assert list(drill("offered", days, CallFilters(hour=23)).values_list("call_id", flat=True)) == ["E"]
    assert list(drill("transferred", days).values_list("call_id", flat=True)) == ["C"]
    for code, figure in total(days, live=True).items():
        if figure.kind in ("count", "rate"):
            assert drill(code, days).count() == figure.numerator, code


def test_another_hub_sees_none_of_these_calls(day: World) -> None:
    other = type(day.hub).objects.create(name="别的中心", code="other-hub", is_hub=True)
    assert _values(Days(D, D), CallFilters(hub=other))["offered"] == 0
