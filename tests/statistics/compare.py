"""Compare the rollups with measures.py computed directly, measure by measure."""

from __future__ import annotations

import datetime as dt

import pytest

from civicdesk.statistics import rollups
from civicdesk.statistics.measures import LIVE_ONLY, MEASURES, Config, Filters, Period, measures


def assert_equal(days: rollups.Days, filters: Filters, now: dt.datetime, config: Config | None = None) -> None:
    rolled = rollups.total(days, filters, now=now, config=config)
    direct = measures(Period(days.start, days.end), filters, as_of=now, config=config)
    for code in (c for c in MEASURES if c not in LIVE_ONLY):  # the others are never rolled up
        r, d = rolled[code], direct[code]
        where = f"{code} {days} {filters}"
        assert r.denominator == d.denominator, where
        if d.kind == "hours":
            assert (r.value is None) == (d.value is None), where
            assert r.value == pytest.approx(d.value, rel=1e-9) if d.value is not None else True, where
            assert r.numerator == pytest.approx(d.numerator, rel=1e-9), where
        else:
            assert (r.numerator, r.value) == (d.numerator, d.value), where
