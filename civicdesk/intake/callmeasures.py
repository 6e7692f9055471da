"""Call measures (话务统计), each written once: its name, the definition shown beside it,
and the calls behind it (drill-down) — the calls' counterpart of civicdesk.statistics.measures.

Which calls a figure counts:
- A call counts on the local day and hour it arrived (its first event, `started_at`), with
  everything that happened to it after: a call arriving at 23:59 and answered after midnight
  is the first day's call, its wait and talk included.
- Wait is from arrival to answer (an unanswered call: to hang-up); talk from answer to
  hang-up, whole seconds. A transferred call counts once, for the agent who answered it
  first, its talk running to the final hang-up (the transfer included).
- Hub: the calls of the hub and of the hubs below it; agent: the one who answered it (for
  an unanswered call, the one whose phone rang); queue: the queue it first waited in.

Two ways to the same numbers, kept equal by tests/intake/test_call_rollups_match.py:
`figures(..., live=True)` counts the calls themselves, one by one in Python (_add_call);
`figures()` sums the daily rollups (CallRollup), kept by `run_call_rollup_sweep` (the
worker) and `rebuild()`, which have the database group and count the calls (_counters, one
INSERT … SELECT per grain). The figures are the statistics' own value type (RolledFigure).

The stable entry points for other parts (seat schedule, quality inspection, the dashboard):
`figures`, `figures_by_period`, `hourly`, `drill`, `CALL_MEASURES`, `CallFilters`, `Days`.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from typing import TYPE_CHECKING, Any, Literal

from django.db import connection, transaction
from django.db.models import BigIntegerField, Case, Count, IntegerField, Max, Q, QuerySet, Sum, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, ExtractHour, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.intake.models import CALL_COUNTERS, CALL_GRAINS, Call, CallEvent, CallRollup
from civicdesk.org.models import OrgUnit
from civicdesk.statistics.models import RollupState
from civicdesk.statistics.rollups import (
    Days,
    RolledFigure,
    day_start,
    local_day,
    months_of,
    next_month,
    tz,
    whole_months,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

__all__ = [
    "CALL_MEASURES",
    "NO_AGENT",
    "CallFilters",
    "Days",
    "HourFigures",
    "drill",
    "figures",
    "figures_by_period",
    "hourly",
    "rebuild",
    "recompute_days",
    "run_call_rollup_sweep",
]

CallKind = Literal["count", "rate", "seconds", "minutes"]
GROUPS = ("hour", "day", "day_hour", "agent", "queue")
SHORT_ABANDON = 5  # seconds: an abandon this quick is counted apart (a misdial, a caller who gave up at once)
NO_AGENT = 0  # CallFilters.agent_id of the calls no agent answered or rang for
SERVICE_LEVEL = 15  # seconds: GB/T 33358's answer within 15 seconds


@dataclass(frozen=True)
class CallFilters:
    """Which calls: of this hub's subtree (set from who is asking, civicdesk.statistics.scope),
    answered (or rung) by this agent (NO_AGENT: by nobody), waiting in this queue ("" = calls without a queue),
    arriving in this local hour of the day (0–23)."""

    hub: OrgUnit | None = None
    agent_id: int | None = None
    queue: str | None = None
    hour: int | None = None


@dataclass(frozen=True)
class CallMeasure:
    code: str
    name: StrOrPromise
    definition: StrOrPromise
    kind: CallKind
    # The calls behind the number and behind its denominator (None: a count), from the calls
    # of the period and filters: the drill-down, and the definition the counters follow.
    numerator: Callable[[QuerySet[Call]], QuerySet[Call]] = field(repr=False)
    denominator: Callable[[QuerySet[Call]], QuerySet[Call]] | None = field(repr=False, default=None)


def _answered(qs: QuerySet[Call]) -> QuerySet[Call]:
    return qs.filter(answered_at__isnull=False)


def _abandoned(qs: QuerySet[Call]) -> QuerySet[Call]:
    return qs.filter(answered_at__isnull=True, ended_at__isnull=False)


def _called_back(qs: QuerySet[Call]) -> QuerySet[Call]:
    return _abandoned(qs).filter(called_back_at__isnull=False)


def _all(qs: QuerySet[Call]) -> QuerySet[Call]:
    return qs


CALL_MEASURES: dict[str, CallMeasure] = {
    m.code: m
    for m in [
        CallMeasure(
            "offered",
            _("呼入量"),
            _("统计期内呼入本中心（进入排队或振铃）的来电数，按来电到达的时间计；跨零点的来电计入到达的那一天。"),
            "count",
            _all,
        ),
        CallMeasure(
            "answered", _("接通量"), _("统计期内呼入并被话务员接听的来电数（转接的来电只计一次）。"), "count", _answered
        ),
        CallMeasure(
            "abandoned",
            _("放弃量"),
            _("统计期内呼入、未被接听而挂断的来电数（呼损）。尚未结束的来电不计。"),
            "count",
            _abandoned,
        ),
        CallMeasure(
            "abandoned_5s",
            _("5秒内放弃量"),
            _("放弃的来电中，从到达到挂断不超过 5 秒的来电数（误拨或来电人即刻挂断）。"),
            "count",
            lambda qs: _abandoned(qs).filter(wait_seconds__lte=SHORT_ABANDON),
        ),
        CallMeasure("answer_rate", _("接通率"), _("接通量 ÷ 呼入量。"), "rate", _answered, _all),
        CallMeasure(
            "answered_15s",
            _("15秒接通率"),
            _("从到达起 15 秒内（含 15 秒）被接听的来电数 ÷ 呼入量。"),
            "rate",
            lambda qs: _answered(qs).filter(wait_seconds__lte=SERVICE_LEVEL),
            _all,
        ),
        CallMeasure(
            "avg_wait",
            _("平均等待时长"),
            _("接听的来电从到达到接听的平均秒数（排队与振铃时间合计）。"),
            "seconds",
            _answered,
            _answered,
        ),
        CallMeasure(
            "p90_wait",
            _("90%等待时长"),
            _("接听的来电中，90% 的来电在此秒数内被接听（按等待秒数排序的第 ⌈0.9×接通量⌉ 个）。"),
            "seconds",
            _answered,
            _answered,
        ),
        CallMeasure(
            "avg_talk",
            _("平均通话时长"),
            _("已挂断的接听来电从接听到挂断的平均秒数；转接的来电含转接后的通话。"),
            "seconds",
            lambda qs: _answered(qs).filter(talk_seconds__isnull=False),
            lambda qs: _answered(qs).filter(talk_seconds__isnull=False),
        ),
        CallMeasure(
            "transferred",
            _("转接量"),
            _("统计期内呼入、被转接过（一次或多次）的来电数。"),
            "count",
            lambda qs: qs.filter(transfer_count__gt=0),
        ),
        CallMeasure(
            "callback_rate",
            _("未接回拨率"),
            _("放弃的来电中已回拨的比例：已回拨的放弃来电数 ÷ 放弃量。"),
            "rate",
            _called_back,
            _abandoned,
        ),
        CallMeasure(
            "callback_minutes",
            _("平均回拨用时"),
            _("已回拨的放弃来电，从挂断到回拨的平均分钟数。"),
            "minutes",
            _called_back,
            _called_back,
        ),
    ]
}


# --- the counters of one call, and figures from summed counters ---------------------------

Counters = dict[str, Any]  # CALL_COUNTERS → int, and "wait_hist" → {seconds: calls}


def _empty() -> Counters:
    return {**dict.fromkeys(CALL_COUNTERS, 0), "wait_hist": defaultdict(int)}


def _add_call(target: Counters, row: tuple[Any, ...]) -> None:
    """Count one call (a ROW of _ROW_FIELDS) into `target`, as CALL_MEASURES define it."""
    answered_at, ended_at, wait, talk, transfers, called_back_at = row[-6:]
    target["offered"] += 1
    if answered_at is not None:
        target["answered"] += 1
        target["answered_15s"] += wait is not None and wait <= SERVICE_LEVEL
        target["wait_sum"] += wait or 0
        target["wait_hist"][wait or 0] += 1
        if talk is not None:
            target["talk_count"] += 1
            target["talk_sum"] += talk
    elif ended_at is not None:
        target["abandoned"] += 1
        target["abandoned_5s"] += wait is not None and wait <= SHORT_ABANDON
        if called_back_at is not None:
            target["called_back"] += 1
            target["callback_sum"] += max(0, int((called_back_at - ended_at).total_seconds()))
    target["transferred"] += transfers > 0


def _merge(target: Counters, counters: dict[str, Any], hist: dict[Any, int]) -> None:
    for name in CALL_COUNTERS:
        target[name] += counters[name] or 0
    for seconds, n in hist.items():
        target["wait_hist"][int(seconds)] += n


def _p90(hist: dict[int, int], n: int) -> float | None:
    if not n:
        return None
    rank, seen = math.ceil(0.9 * n), 0
    for seconds in sorted(hist):
        seen += hist[seconds]
        if seen >= rank:
            return float(seconds)
    return None  # unreachable when the histogram holds n calls


def _figures(s: Counters, codes: Iterable[str], texts: dict[str, tuple[str, str]]) -> dict[str, RolledFigure]:
    def ratio(num: float, den: int) -> tuple[float, int, float | None]:
        return float(num), den, (num / den if den else None)

    parts: dict[str, tuple[float, int | None, float | None]] = {
        "offered": (s["offered"], None, float(s["offered"])),
        "answered": (s["answered"], None, float(s["answered"])),
        "abandoned": (s["abandoned"], None, float(s["abandoned"])),
        "abandoned_5s": (s["abandoned_5s"], None, float(s["abandoned_5s"])),
        "transferred": (s["transferred"], None, float(s["transferred"])),
        "answer_rate": ratio(s["answered"], s["offered"]),
        "answered_15s": ratio(s["answered_15s"], s["offered"]),
        "avg_wait": ratio(s["wait_sum"], s["answered"]),
        "p90_wait": (s["answered"], s["answered"], _p90(s["wait_hist"], s["answered"])),
        "avg_talk": ratio(s["talk_sum"], s["talk_count"]),
        "callback_rate": ratio(s["called_back"], s["abandoned"]),
    }
    minutes = s["callback_sum"] / 60
    parts["callback_minutes"] = (minutes, s["called_back"], minutes / s["called_back"] if s["called_back"] else None)
    result = {}
    for code in codes:
        num, den, value = parts[code]
        name, definition = texts[code]
        result[code] = RolledFigure(code, name, definition, CALL_MEASURES[code].kind, value, float(num), den)
    return result


# --- the calls of a period ----------------------------------------------------------------

_ROW_FIELDS = (
    "started_at",
    "hub_id",
    "agent_id",
    "queue",
    "answered_at",
    "ended_at",
    "wait_seconds",
    "talk_seconds",
    "transfer_count",
    "called_back_at",
)


def calls(days: Days, filters: CallFilters | None = None, *, using: str = "default") -> QuerySet[Call]:
    """The calls arriving in `days` that the filters keep (every measure starts from these)."""
    f = filters or CallFilters()
    qs = Call.objects.using(using).filter(started_at__gte=days.start, started_at__lt=days.end)
    if f.hub is not None:
        qs = qs.filter(hub__path__startswith=f.hub.path)
    if f.agent_id == NO_AGENT:
        qs = qs.filter(agent__isnull=True)
    elif f.agent_id is not None:
        qs = qs.filter(agent_id=f.agent_id)
    if f.queue is not None:
        qs = qs.filter(queue=f.queue)
    if f.hour is not None:
        qs = qs.annotate(local_hour=ExtractHour("started_at", tzinfo=tz())).filter(local_hour=f.hour)
    return qs


def drill(
    code: str,
    days: Days,
    filters: CallFilters | None = None,
    *,
    part: Literal["numerator", "denominator"] = "numerator",
    using: str = "default",
) -> QuerySet[Call]:
    """The calls behind a figure's numerator or denominator (a count's denominator: its calls)."""
    m = CALL_MEASURES[code]
    base = calls(days, filters, using=using)
    chosen = m.denominator if part == "denominator" and m.denominator is not None else m.numerator
    return chosen(base).order_by("started_at", "pk")


def _key(group: str | None, started: dt.datetime, agent_id: int | None, queue: str) -> Any:
    if group is None:
        return None
    local = started.astimezone(tz())
    if group == "hour":
        return local.hour
    if group == "day":
        return local.date()
    if group == "day_hour":
        return (local.date(), local.hour)
    if group == "agent":
        return agent_id
    return queue  # "queue"


def _live(days: Days, filters: CallFilters, group: str | None, using: str) -> dict[Any, Counters]:
    totals: dict[Any, Counters] = defaultdict(_empty)
    rows = calls(days, filters, using=using).order_by().values_list(*_ROW_FIELDS)
    for row in rows.iterator(chunk_size=5000):
        _add_call(totals[_key(group, row[0], row[2], row[3])], row)
    return totals


# --- rollups ----------------------------------------------------------------------------

STATE_NAME = "call_rollups"  # the RollupState row of the call rollups (beside the orders')
SETTLE = dt.timedelta(minutes=5)  # a call changed in a transaction still open when the sweep read


def _grain_of(filters: CallFilters, group: str | None) -> str:
    needed: set[str] = set()
    if filters.hub is not None:
        needed.add("hub_id")
    if filters.agent_id is not None or group == "agent":
        needed.add("agent_id")
    if filters.queue is not None or group == "queue":
        needed.add("queue")
    if filters.hour is not None or group in ("hour", "day_hour"):
        needed.add("hour")
    return next(g for g, dims in CALL_GRAINS.items() if needed <= set(dims))


MONTHLY = "m_"  # prefix of the month grains: a calendar month's day rows summed (day = its 1st)
MONTH_GRAINS = ("hour", "agent", "queue")  # those a month's page reads (its "day" grain is small already)


def _days_q(days: Days, grain: str, group: str | None) -> Q:
    """The rows covering `days`: month rows for the whole calendar months inside (when the
    grain has them and the grouping keeps no day), day rows for the rest."""
    whole = Q(grain=grain, day__gte=days.first, day__lte=days.last)
    if grain not in MONTH_GRAINS or group in ("day", "day_hour"):
        return whole
    head, tail = whole_months(days)
    if head >= tail:
        return whole
    # [first, head) by day, [head, tail) by month, [tail, last] by day.
    return (
        Q(grain=grain, day__gte=days.first, day__lt=head)
        | Q(grain=MONTHLY + grain, day__gte=head, day__lt=tail)
        | Q(grain=grain, day__gte=tail, day__lte=days.last)
    )


_GROUP_COLUMNS = {None: (), "hour": ("hour",), "day": ("day",), "day_hour": ("day", "hour"), "agent": ("agent_id",)}


def _filtered(qs: QuerySet[CallRollup], filters: CallFilters) -> QuerySet[CallRollup]:
    if filters.hub is not None:
        # A subquery, not a list: one round trip to the database per figure set.
        qs = qs.filter(hub_id__in=OrgUnit.objects.filter(path__startswith=filters.hub.path).values("pk"))
    if filters.agent_id is not None:
        qs = qs.filter(agent_id=None if filters.agent_id == NO_AGENT else filters.agent_id)
    if filters.queue is not None:
        qs = qs.filter(queue=filters.queue)
    if filters.hour is not None:
        qs = qs.filter(hour=filters.hour)
    return qs


def _rolled(days: Days, filters: CallFilters, group: str | None, histogram: bool) -> dict[Any, Counters]:
    grain = _grain_of(filters, group)
    qs = _filtered(CallRollup.objects.filter(_days_q(days, grain, group)), filters)
    columns = _GROUP_COLUMNS.get(group, ("queue",))

    def key_of(row: dict[str, Any]) -> Any:
        values = tuple(row[c] for c in columns)
        return values[0] if len(values) == 1 else (values or None)

    totals: dict[Any, Counters] = defaultdict(_empty)
    if histogram:
        # The p90 needs the rows' wait histograms: read the rows once and sum them here (the
        # grain and the month rows keep them few: a month's page reads a few hundred).
        for row in qs.values(*columns, *CALL_COUNTERS, "wait_hist").order_by().iterator(chunk_size=5000):
            _merge(totals[key_of(row)], row, row["wait_hist"])
        return totals
    sums = {name: Sum(name) for name in CALL_COUNTERS}  # the database sums the counters
    if columns:
        for row in qs.values(*columns).order_by().annotate(**sums):
            _merge(totals[key_of(row)], row, {})
    else:
        _merge(totals[None], qs.aggregate(**sums), {})
    return totals


def figures(
    days: Days,
    filters: CallFilters | None = None,
    *,
    group: str | None = None,
    codes: Iterable[str] | None = None,
    live: bool = False,
    using: str = "default",
) -> dict[Any, dict[str, RolledFigure]]:
    """The call measures for `days` as {group key: {code: figure}}; without a group the only
    key is None. Groups: hour (hour of day 0–23, summed over the days), day (the date),
    day_hour ((date, hour)), agent (user id; None: nobody), queue (its name; "": none).
    From the rollups (current as of the last sweep), or with live=True from the calls."""
    filters = filters or CallFilters()
    if group not in (None, *GROUPS):
        raise ValueError(f"unknown group {group!r}")
    chosen = list(codes or CALL_MEASURES)
    totals = _live(days, filters, group, using) if live else _rolled(days, filters, group, "p90_wait" in chosen)
    if group is None and None not in totals:
        totals[None] = _empty()
    # In the language of the moment, translated once for every group's figures.
    texts = {code: (str(CALL_MEASURES[code].name), str(CALL_MEASURES[code].definition)) for code in chosen}
    return {key: _figures(counters, chosen, texts) for key, counters in totals.items()}


def figures_by_period(
    periods: Sequence[Days], filters: CallFilters | None = None, *, codes: Iterable[str] | None = None
) -> list[dict[str, RolledFigure]]:
    """The figures of several periods (the dashboard's period, the one before, a year earlier)
    from the rollups in one query: each counter is summed once per period. Not the p90 wait,
    which needs the rows' histograms (figures() reads those)."""
    filters = filters or CallFilters()
    chosen = list(codes or (c for c in CALL_MEASURES if c != "p90_wait"))
    if "p90_wait" in chosen:
        raise ValueError("figures_by_period() sums counters: read the p90 wait with figures()")
    grain = _grain_of(filters, None)
    wanted = [_days_q(days, grain, None) for days in periods]
    qs = _filtered(CallRollup.objects.filter(reduce(operator.or_, wanted, Q(pk__in=[]))), filters)
    row = qs.aggregate(**{f"p{i}_{name}": Sum(name, filter=q) for i, q in enumerate(wanted) for name in CALL_COUNTERS})
    texts = {code: (str(CALL_MEASURES[code].name), str(CALL_MEASURES[code].definition)) for code in chosen}
    result = []
    for i in range(len(periods)):
        counters = _empty()
        _merge(counters, {name: row[f"p{i}_{name}"] for name in CALL_COUNTERS}, {})
        result.append(_figures(counters, chosen, texts))
    return result


def total(days: Days, filters: CallFilters | None = None, **kwargs: Any) -> dict[str, RolledFigure]:
    return figures(days, filters, **kwargs)[None]


@dataclass(frozen=True)
class HourFigures:
    """One hour of one day at a hub: what staffing (Erlang C) and schedules need."""

    day: dt.date
    hour: int
    offered: int
    answered: int
    abandoned: int
    answered_15s: int
    avg_wait_seconds: float | None
    avg_talk_seconds: float | None

    @property
    def start(self) -> dt.datetime:
        return day_start(self.day) + dt.timedelta(hours=self.hour)


def hourly(
    hub: OrgUnit | None, first: dt.date, last: dt.date, *, queue: str | None = None, live: bool = False
) -> list[HourFigures]:
    """Every hour of the local days first..last (both included, hours without calls too),
    for the calls of `hub`'s subtree (None: every hub) and optionally one queue."""
    rows = figures(
        Days(first, last),
        CallFilters(hub=hub, queue=queue),
        group="day_hour",
        codes=["offered", "answered", "abandoned", "answered_15s", "avg_wait", "avg_talk"],
        live=live,
    )
    result = []
    day = first
    while day <= last:
        for hour in range(24):
            f = rows.get((day, hour))
            if f is None:
                result.append(HourFigures(day, hour, 0, 0, 0, 0, None, None))
                continue
            result.append(
                HourFigures(
                    day,
                    hour,
                    int(f["offered"].numerator),
                    int(f["answered"].numerator),
                    int(f["abandoned"].numerator),
                    int(f["answered_15s"].numerator),
                    f["avg_wait"].value,
                    f["avg_talk"].value,
                )
            )
        day += dt.timedelta(days=1)
    return result


# --- building the rollups -----------------------------------------------------------------


def _span_q(spans: list[tuple[dt.datetime, dt.datetime]]) -> Q:
    q = Q()
    for start, end in spans:
        q |= Q(started_at__gte=start, started_at__lt=end)
    return q


_ANSWERED = Q(answered_at__isnull=False)
_ABANDONED_Q = Q(answered_at__isnull=True, ended_at__isnull=False)
_CALLED_BACK = _ABANDONED_Q & Q(called_back_at__isnull=False)


def _callback_seconds() -> RawSQL:
    """A missed call's whole seconds from its end to the call back, never below 0: what
    _add_call sums (int() of the difference), in the database's own words."""
    if connection.vendor == "postgresql":
        sql = 'GREATEST(0, FLOOR(EXTRACT(EPOCH FROM ("intake_call"."called_back_at" - "intake_call"."ended_at"))))'
    else:  # SQLite: Django's own function, the difference in whole microseconds
        sql = 'MAX(0, django_timestamp_diff("intake_call"."called_back_at", "intake_call"."ended_at") / 1000000)'
    return RawSQL(sql, (), output_field=BigIntegerField())  # noqa: S611 -- constant SQL, no input


def _counters() -> dict[str, Any]:
    """CALL_COUNTERS as aggregates over the calls, each counted as _add_call counts one call
    (the two are kept equal by tests/intake/test_call_rollups_match.py)."""
    return {
        "c_offered": Count("pk"),
        "c_answered": Count("pk", filter=_ANSWERED),
        "c_abandoned": Count("pk", filter=_ABANDONED_Q),
        "c_abandoned_5s": Count("pk", filter=_ABANDONED_Q & Q(wait_seconds__lte=SHORT_ABANDON)),
        "c_answered_15s": Count("pk", filter=_ANSWERED & Q(wait_seconds__lte=SERVICE_LEVEL)),
        "c_transferred": Count("pk", filter=Q(transfer_count__gt=0)),
        "c_wait_sum": Sum(Coalesce("wait_seconds", 0), filter=_ANSWERED),
        "c_talk_count": Count("pk", filter=_ANSWERED & Q(talk_seconds__isnull=False)),
        "c_talk_sum": Sum("talk_seconds", filter=_ANSWERED & Q(talk_seconds__isnull=False)),
        "c_called_back": Count("pk", filter=_CALLED_BACK),
        "c_callback_sum": Sum(_callback_seconds(), filter=_CALLED_BACK),
    }


def _insert_grain(grain: str, spans: list[tuple[dt.datetime, dt.datetime]] | None) -> int:
    """Write the day rows of one grain for the calls arriving in `spans` (None: every call) in
    one INSERT … SELECT: the calls are grouped by day, the grain's dimensions and the wait of
    an answered call; the outer query sums those groups per row and gathers the waits into the
    row's histogram {seconds: calls}."""
    dims = CALL_GRAINS[grain]
    zone = tz()
    local: dict[str, Any] = {"r_day": TruncDate("started_at", tzinfo=zone)}
    if "hour" in dims:
        local["r_hour"] = ExtractHour("started_at", tzinfo=zone)
    local["r_wait"] = Case(When(_ANSWERED, then=Coalesce("wait_seconds", 0)), output_field=IntegerField())
    keys = ["r_day", *(("r_hour" if d == "hour" else d) for d in dims), "r_wait"]
    qs = Call.objects.all() if spans is None else Call.objects.filter(_span_q(spans))
    inner, params = qs.annotate(**local).values(*keys).order_by().annotate(**_counters()).query.sql_with_params()

    def column(dim: str, key: str, empty: str) -> str:
        return f"s.{key}" if dim in dims else empty

    targets = {
        "day": "s.r_day",
        "grain": "%s",
        "hour": column("hour", "r_hour", "CAST(NULL AS integer)"),
        "hub_id": column("hub_id", "hub_id", "CAST(NULL AS integer)"),
        "agent_id": column("agent_id", "agent_id", "CAST(NULL AS integer)"),
        "queue": column("queue", "queue", "''"),
        **{name: f"COALESCE(SUM(s.c_{name}), 0)" for name in CALL_COUNTERS},
    }
    pair = "s.r_wait, s.c_answered"
    if connection.vendor == "postgresql":
        hist = f"COALESCE(jsonb_object_agg({pair}) FILTER (WHERE s.r_wait IS NOT NULL), '{{}}'::jsonb)"
    else:
        hist = f"COALESCE(json_group_object({pair}) FILTER (WHERE s.r_wait IS NOT NULL), '{{}}')"
    group = ["s.r_day", *(targets[d] for d in dims)]
    # Constants and the ORM's own SQL; every value is a parameter.
    sql = (
        f"INSERT INTO {CallRollup._meta.db_table} ({', '.join([*targets, 'wait_hist'])}) "  # noqa: S608
        f"SELECT {', '.join([*targets.values(), hist])} FROM ({inner}) s GROUP BY {', '.join(group)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [grain, *params])
        return max(cursor.rowcount, 0)


def _insert(spans: list[tuple[dt.datetime, dt.datetime]] | None) -> int:
    """The day rows of every grain, grouped by the database (a full rebuild of a million calls
    in Python took minutes: the grouping is the database's job)."""
    return sum(_insert_grain(grain, spans) for grain in CALL_GRAINS)


def _ranges(days: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    ranges: list[tuple[dt.date, dt.date]] = []
    for day in sorted(set(days)):
        if ranges and day - ranges[-1][1] == dt.timedelta(days=1):
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def recompute_days(days: Iterable[dt.date]) -> int:
    """Recompute the call rollup rows of these local days from the calls."""
    ranges = _ranges(days)
    if not ranges:
        return 0
    spans = [(day_start(first), day_start(last + dt.timedelta(days=1))) for first, last in ranges]
    day_q = Q()
    for first, last in ranges:
        day_q |= Q(day__gte=first, day__lte=last)
    with transaction.atomic():
        CallRollup.objects.filter(day_q & ~Q(grain__startswith=MONTHLY)).delete()
        written = _insert(spans)
        months = {month for first, last in ranges for month in months_of(first, last)}
        for month in sorted(months):
            written += recompute_month(month)
        return written


def recompute_month(month: dt.date) -> int:
    """The month rows of one month, summed from its day rows."""
    CallRollup.objects.filter(day=month, grain__startswith=MONTHLY).delete()
    following = next_month(month)
    objs = []
    for grain in MONTH_GRAINS:
        dims = CALL_GRAINS[grain]
        summed: dict[tuple[Any, ...], Counters] = defaultdict(_empty)
        rows = CallRollup.objects.filter(grain=grain, day__gte=month, day__lt=following)
        for row in rows.values(*dims, *CALL_COUNTERS, "wait_hist").iterator(chunk_size=5000):
            _merge(summed[tuple(row[d] for d in dims)], row, row["wait_hist"])
        for key, counters in summed.items():
            objs.append(
                CallRollup(
                    day=month,
                    grain=MONTHLY + grain,
                    **dict(zip(dims, key, strict=True)),
                    **{n: counters[n] for n in CALL_COUNTERS},
                    wait_hist=dict(counters["wait_hist"]),
                )
            )
    CallRollup.objects.bulk_create(objs, batch_size=2000)
    return len(objs)


def rebuild() -> int:
    """Recompute every call rollup from the calls."""
    with transaction.atomic():
        state, _created = RollupState.objects.select_for_update().get_or_create(name=STATE_NAME)
        now = timezone.now()
        CallRollup.objects.all().delete()
        written = _insert(None)
        bounds = Call.objects.order_by("started_at").values_list("started_at", flat=True)
        first, last = bounds.first(), bounds.last()
        if first is not None and last is not None:
            for month in months_of(local_day(first), local_day(last)):
                written += recompute_month(month)
        state.built_at = state.swept_at = now
        state.save()
    return written


def _days_of(call_ids: list[int]) -> set[dt.date]:
    """The days the calls count on now and may have counted on before: a late event with an
    earlier moment moves a call's arrival back, so every day from arrival to its last event."""
    days: set[dt.date] = set()
    latest = dict(
        CallEvent.objects.filter(call_id__in=call_ids)
        .values("call_id")
        .order_by()
        .annotate(m=Max("at"))
        .values_list("call_id", "m")
    )
    for pk, started in Call.objects.filter(pk__in=call_ids).values_list("pk", "started_at"):
        day, last = local_day(started), local_day(max(started, latest.get(pk) or started))
        while day <= last:
            days.add(day)
            day += dt.timedelta(days=1)
    return days


def run_call_rollup_sweep() -> int:
    """Take the calls changed since the last sweep into the rollups; returns how many. One
    worker at a time: the others skip the locked state row."""
    RollupState.objects.get_or_create(name=STATE_NAME)
    now = timezone.now()
    with transaction.atomic():
        state = RollupState.objects.select_for_update(skip_locked=True).filter(name=STATE_NAME).first()
        if state is None:
            return 0
        if state.built_at is None or state.swept_at is None:
            rebuild()
            return Call.objects.count()
        ids = list(Call.objects.filter(changed_at__gte=state.swept_at - SETTLE).values_list("pk", flat=True))
        if ids:
            recompute_days(_days_of(ids))
        state.swept_at = now
        state.save(update_fields=["swept_at"])
    return len(ids)


def figures_as_of() -> dt.datetime | None:
    """The moment the call rollups are current as of (the last sweep); None before the first."""
    return RollupState.objects.filter(name=STATE_NAME).values_list("swept_at", flat=True).first()
