"""Daily rollups: the §6 measures as sums of pre-aggregated rows, equal to measures.py.

Which day a row counts an order on — the same windows as measures.py (not a cohort):
- 受理量, 直接答复率 (and the on-the-call part of 办结率/按时办结率): the day it was created;
- 办结率, 按时办结率, 超期件数: the day of its (current) handling deadline;
- 响应率: the day of each dispatch to a lead unit, under the unit that received it;
- 解决率, 满意率, 虚假答复次数 (the callbacks that sent the order back for rework): the day
  of each callback;
- 退单率, 首次派单准确率: the day of its first dispatch;
- 平均办理时长: the day of its (last) reply;
- 催办率: the day of its first dispatch; 重复来电率: the day it was created (an order taken
  in also recomputes the days of the caller's later orders in the repeat-call window);
- 答复质量提示率, 答复退回率: the day of each reply and of each reply sent back.
Days are local days (settings.TIME_ZONE). The dimensions are the order's current channel,
type, urgency, category leaf, area and lead unit; topics have their own rollup.

Counters depend only on stored values. What grows with the clock — an open order whose
deadline passes (due, maybe overdue), an unsigned dispatch whose sign-for limit passes — is
a PendingItem with its moment, counted at query time where moment <= now. So the figures
for now equal measures.measure(..., as_of=now) as soon as the sweep has taken in the last
changes. Judging an earlier moment (as_of in the past) needs measures.py.

Counts of working minutes (平均办理时长) use the work calendar as it was at build time: after
changing the calendar, run `civicdesk rebuild-rollups`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import CharField, Count, F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from civicdesk.catalogue.models import Area, Category
from civicdesk.orders.models import Assignment, AssignmentRole, OrderEvent, ReplyResult, Satisfaction, WorkOrder
from civicdesk.orders.repeats import window as repeat_window
from civicdesk.orders.workflow import CREATE, TERMINAL, State
from civicdesk.org.models import OrgUnit
from civicdesk.statistics.measures import (
    EXCLUDED_STATES,
    FINISHED_STATES,
    LIVE_ONLY,
    MEASURES,
    Config,
    Filters,
    _descendants,
    display_value,
)
from civicdesk.statistics.models import (
    COUNTERS,
    DIMS,
    GRAINS,
    TOPIC_GRAINS,
    DailyRollup,
    PendingItem,
    PendingKind,
    RollupFootprint,
    RollupState,
    TopicDailyRollup,
)
from civicdesk.worktime.limits import work_calendar

Key = tuple[Any, ...]
ORDER_DIMS = {
    "channel": "channel",
    "request_type": "request_type",
    "urgency": "urgency",
    "category_id": "category_id",
    "area_id": "area_id",
    "hub_id": "hub_id",
    "unit_id": "lead_unit_id",
}


# The measures the rollups keep (the others are computed when asked: measures.LIVE_ONLY).
ROLLED = [code for code in MEASURES if code not in LIVE_ONLY]
# The events counted by the day they happened (besides the moves on the order row).
EVENT_ACTIONS = ("record_callback", "reply", "send_back_reply")
REPLY_ACTIONS = ("reply", "send_back_reply")


def tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=tz())


def local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(tz()).date()


# --- building ----------------------------------------------------------------------------

_FINISHED = Q(state__in=FINISHED_STATES, closed_at__isnull=False)


def _live_orders(prefix: str = "") -> Q:
    return ~Q(**{f"{prefix}state__in": EXCLUDED_STATES})


def _dim_values(prefix: str, unit_field: str) -> dict[str, Any]:
    names = {f"k_{k}": F(f"{prefix}{v}") for k, v in ORDER_DIMS.items()}
    names["k_unit_id"] = F(unit_field)
    return names


def _grouped(
    qs: QuerySet[Any], day_field: str, prefix: str, unit_field: str, counters: dict[str, Any], topics: bool
) -> Iterator[tuple[Key, dict[str, int]]]:
    """Rows of (day, dims[, topic]) → counters, grouped in the database."""
    values = {"d": TruncDate(day_field, tzinfo=tz()), **_dim_values(prefix, unit_field)}
    if topics:
        values["t"] = F(f"{prefix}topics")
        qs = qs.filter(**{f"{prefix}topics__isnull": False})
    for row in qs.values(**values).order_by().annotate(**counters):
        key = (row["d"], *(row[f"k_{d}"] for d in DIMS)) + ((row["t"],) if topics else ())
        yield key, {name: row[name] for name in counters}


Spans = list[tuple[dt.datetime, dt.datetime]]


def _in(column: str, spans: Spans) -> Q:
    """column in any of the [start, end) spans: one pass over the table for all of them."""
    q = Q()
    for start, end in spans:
        q |= Q(**{f"{column}__gte": start, f"{column}__lt": end})
    return q


# Which rows a computation reads: given a family's day field, the prefix of the order's fields
# from the family's table ("" or "order__") and its unit field, a condition on that table.
Where = Callable[[str, str, str], Q]


def _span_where(spans: Spans) -> Where:
    """Every row whose day falls in the spans."""
    return lambda day_field, _prefix, _unit_field: _in(day_field, spans)


def _families(where: Where) -> list[tuple[QuerySet[Any], str, str, str, dict[str, Any]]]:
    orders = WorkOrder.objects.filter(_live_orders())
    signed = Q(signed_at__isnull=False)
    return [
        (
            orders.filter(where("created_at", "", "lead_unit_id")),
            "created_at",
            "",
            "lead_unit_id",
            {
                "accepted": Count("pk"),
                "answered": Count("pk", filter=Q(state=State.ANSWERED)),
                "answered_closed": Count("pk", filter=Q(state=State.ANSWERED, closed_at__isnull=False)),
                "acc_repeat": Count("pk", filter=Q(repeat_call=True)),
            },
        ),
        (
            orders.filter(where("handle_due_at", "", "lead_unit_id")),
            "handle_due_at",
            "",
            "lead_unit_id",
            {
                "due_closed": Count("pk", filter=_FINISHED),
                "due_on_time": Count(
                    "pk", filter=_FINISHED & (Q(state=State.ANSWERED) | Q(replied_at__lte=F("handle_due_at")))
                ),
                "due_late_reply": Count("pk", filter=~Q(state=State.ANSWERED) & Q(replied_at__gt=F("handle_due_at"))),
            },
        ),
        (
            orders.filter(where("first_dispatched_at", "", "lead_unit_id")),
            "first_dispatched_at",
            "",
            "lead_unit_id",
            {
                "fd_total": Count("pk"),
                "fd_returned": Count("pk", filter=Q(return_count__gt=0)),
                "fd_accurate": Count("pk", filter=Q(return_count=0, redispatch_count=0)),
                "fd_urged": Count("pk", filter=Q(urge_count__gt=0)),
            },
        ),
        (
            OrderEvent.objects.filter(
                _live_orders("order__"), where("at", "order__", "order__lead_unit_id"), action__in=REPLY_ACTIONS
            ),
            "at",
            "order__",
            "order__lead_unit_id",
            {
                "rp_total": Count("pk", filter=Q(action="reply")),
                "rp_flagged": Count("pk", filter=Q(action="reply", data__quality__flagged=True)),
                "rp_sent_back": Count("pk", filter=Q(action="send_back_reply")),
            },
        ),
        (
            OrderEvent.objects.filter(
                _live_orders("order__"), where("at", "order__", "order__lead_unit_id"), action="record_callback"
            ),
            "at",
            "order__",
            "order__lead_unit_id",
            {
                "cb_solved": Count("pk", filter=Q(data__solved=ReplyResult.SOLVED)),
                "cb_partly": Count("pk", filter=Q(data__solved=ReplyResult.PARTLY)),
                "cb_unsolved": Count("pk", filter=Q(data__solved=ReplyResult.UNSOLVED)),
                "cb_satisfied": Count("pk", filter=Q(data__satisfaction=Satisfaction.SATISFIED)),
                "cb_basically": Count("pk", filter=Q(data__satisfaction=Satisfaction.BASICALLY)),
                "cb_unsatisfied": Count("pk", filter=Q(data__satisfaction=Satisfaction.UNSATISFIED)),
                "cb_rework": Count("pk", filter=Q(data__rework=True)),
            },
        ),
        (
            Assignment.objects.filter(
                _live_orders("order__"), where("dispatched_at", "order__", "unit_id"), role=AssignmentRole.LEAD
            ),
            "dispatched_at",
            "order__",
            "unit_id",
            {
                "disp_on_time": Count(
                    "pk", filter=signed & (Q(sign_due_at__isnull=True) | Q(signed_at__lte=F("sign_due_at")))
                ),
                "disp_counted": Count(
                    "pk",
                    filter=signed
                    | Q(ended_at__isnull=False, sign_due_at__isnull=False, ended_at__gte=F("sign_due_at")),
                ),
                "disp_total": Count("pk"),
            },
        ),
    ]


def _counted_families(where: Where) -> list[tuple[QuerySet[Any], str, str, str, dict[str, Any]]]:
    """_families with each family's count of entries (its rows: see models.COUNTERS)."""
    return [
        (qs, day_field, prefix, unit_field, {**counters, "entries": Count("pk")})
        for qs, day_field, prefix, unit_field, counters in _families(where)
    ]


def _handled(where: Where) -> QuerySet[WorkOrder]:
    """平均办理时长's family: the orders replied to, by the day of the reply."""
    return WorkOrder.objects.filter(
        _live_orders(), where("replied_at", "", "lead_unit_id"), first_dispatched_at__isnull=False
    )


def _handling(
    where: Where, topics: bool, keep: Collection[Key] | None = None
) -> Iterator[tuple[Key, dict[str, float]]]:
    calendar = work_calendar()
    qs = _handled(where)
    fields = ["pk", "first_dispatched_at", "replied_at", *ORDER_DIMS.values()]
    topic_map: dict[int, list[int]] = defaultdict(list)
    if topics:
        through = WorkOrder.topics.through
        for order_id, topic_id in through.objects.filter(workorder__in=qs).values_list("workorder_id", "topic_id"):
            topic_map[order_id].append(topic_id)
    for row in qs.values_list(*fields).iterator(chunk_size=5000):
        pk, first, replied, *dims = row
        key = (local_day(replied), *dims)
        if keep is not None and key not in keep:
            continue
        minutes = calendar.working_minutes_between(first, replied)
        for suffix in [(t,) for t in topic_map.get(pk, [])] if topics else [()]:
            yield key + suffix, {"ht_count": 1, "ht_minutes": minutes, "entries": 1}


def _pending(where: Where) -> list[PendingItem]:
    """The pending items of the rows the condition selects, read in one query (a UNION of
    the three kinds)."""
    return _pending_items(_pending_union(where))


def _orders_pending(order_ids: list[int]) -> list[PendingItem]:
    """_pending of these orders, by a statement compiled once (_cached_rows)."""
    rows = _cached_rows("pending", lambda ids: _pending_union(_orders_where(ids)), order_ids)
    return _pending_items({**row, "p_day": _aware(row["p_day"]), "p_moment": _aware(row["p_moment"])} for row in rows)


def _aware(value: Any) -> dt.datetime:
    """A moment as the database cursor gives it (SQLite: text in UTC) as an aware datetime."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
    parsed = parse_datetime(str(value))
    assert parsed is not None, value
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


def _pending_items(rows: Iterable[dict[str, Any]]) -> list[PendingItem]:
    return [
        PendingItem(
            kind=row["p_kind"],
            order_id=row["p_order"],
            day=local_day(row["p_day"]),
            moment=row["p_moment"],
            **{dim: row[f"p_{dim}"] for dim in DIMS},
        )
        for row in rows
    ]


def _pending_union(where: Where) -> QuerySet[Any]:
    dims = list(ORDER_DIMS.values())
    due = WorkOrder.objects.filter(_live_orders(), where("handle_due_at", "", "lead_unit_id"))
    unsigned = Assignment.objects.filter(
        _live_orders("order__"),
        where("dispatched_at", "order__", "unit_id"),
        role=AssignmentRole.LEAD,
        signed_at__isnull=True,
        ended_at__isnull=True,
        sign_due_at__isnull=False,
    )

    def shaped(qs: QuerySet[Any], kind: str, order: str, day_of: str, moment: str, fields: list[str]) -> QuerySet[Any]:
        names = {
            "p_kind": Value(str(kind), output_field=CharField()),
            "p_order": F(order),
            "p_day": F(day_of),
            "p_moment": F(moment),
            **{f"p_{dim}": F(field) for dim, field in zip(DIMS, fields, strict=True)},
        }
        return qs.order_by().values(**names)

    parts = [
        shaped(due.exclude(_FINISHED), PendingKind.OPEN_DUE, "pk", "handle_due_at", "handle_due_at", dims),
        shaped(
            due.exclude(state=State.ANSWERED).filter(replied_at__isnull=True),
            PendingKind.UNREPLIED_DUE,
            "pk",
            "handle_due_at",
            "handle_due_at",
            dims,
        ),
        shaped(
            unsigned,
            PendingKind.SIGN_DUE,
            "order_id",
            "dispatched_at",
            "sign_due_at",
            [*(f"order__{d}" for d in dims[:-1]), "unit_id"],
        ),
    ]
    return parts[0].union(*parts[1:], all=True)


def _compute(where: Where, topics: bool, keep: Collection[Key] | None = None) -> dict[Key, dict[str, float]]:
    """The rows of the full grain (with topics: per topic too) the condition selects; with
    `keep`, only those of these cells."""
    rows: dict[Key, dict[str, float]] = defaultdict(lambda: dict.fromkeys((*COUNTERS, "ht_minutes"), 0))
    width = 1 + len(DIMS)
    for qs, day_field, prefix, unit_field, counters in _counted_families(where):
        for key, values in _grouped(qs, day_field, prefix, unit_field, counters, topics):
            if keep is not None and key[:width] not in keep:
                continue
            row = rows[key]
            for name, value in values.items():
                row[name] += value
    for key, minutes in _handling(where, topics, keep):
        target = rows[key]
        target["ht_count"] += minutes["ht_count"]
        target["ht_minutes"] += minutes["ht_minutes"]
        target["entries"] += minutes["entries"]
    return rows


def _grain_rows(
    rows: dict[Key, dict[str, float]], topics: bool, full_only: bool = False
) -> Iterator[tuple[str, Key, dict[str, float]]]:
    grains = TOPIC_GRAINS if topics else GRAINS
    if full_only:
        grains = {"full": DIMS}
    for grain, dims in grains.items():
        if grain == "full":
            for key, counters in rows.items():
                yield grain, key, counters
            continue
        positions = [DIMS.index(d) for d in dims]
        summed: dict[Key, dict[str, float]] = defaultdict(lambda: dict.fromkeys((*COUNTERS, "ht_minutes"), 0))
        for key, counters in rows.items():
            projected = (key[0], *(key[1 + p] for p in positions)) + ((key[-1],) if topics else ())
            target = summed[projected]
            for name, value in counters.items():
                target[name] += value
        for key, counters in summed.items():
            full_key: list[Any] = [key[0], *("" if d in ("channel", "request_type", "urgency") else None for d in DIMS)]
            for p, value in zip(positions, key[1 : 1 + len(positions)], strict=True):
                full_key[1 + p] = value
            if topics:
                full_key.append(key[-1])
            yield grain, tuple(full_key), counters


def _write(
    model: type[DailyRollup] | type[TopicDailyRollup],
    rows: dict[Key, dict[str, float]],
    topics: bool,
    full_only: bool = False,
) -> int:
    names = ["day", "grain", *DIMS, *COUNTERS, "ht_minutes"] + (["topic_id"] if topics else [])
    tuples = []
    for grain, key, counters in _grain_rows(rows, topics, full_only):
        dims = [(v or "") if i < 3 else v for i, v in enumerate(key[1 : 1 + len(DIMS)])]
        tuples.append(
            (
                key[0],
                grain,
                *dims,
                *(counters[c] for c in COUNTERS),
                counters["ht_minutes"],
                *((key[-1],) if topics else ()),
            )
        )
    if connection.vendor == "postgresql" and len(tuples) > 1000:
        # COPY: a rebuild writes millions of rows.
        columns = ", ".join(f'"{model._meta.get_field(n).column}"' for n in names)  # type: ignore[union-attr]
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy,
        ):
            for row in tuples:
                copy.write_row(row)
    else:
        model.objects.bulk_create(
            [model(**dict(zip(names, row, strict=True))) for row in tuples],  # type: ignore[misc]
            batch_size=2000,
        )
    return len(tuples)


MONTHLY = "m_"  # prefix of the month grains: the day grains summed per calendar month (day = its 1st)
# Every grain but the full one has month rows: a year within a hub sums twelve rows per key,
# not 365 (the full grain's month rows would be nearly as many as its day rows).
MONTH_GRAINS = {grain: dims for grain, dims in GRAINS.items() if grain != "full"}
TOPIC_MONTH_GRAINS = {grain: dims for grain, dims in TOPIC_GRAINS.items() if grain != "full"}


def recompute_range(first: dt.date, last: dt.date, months: bool = True) -> int:
    """Recompute every rollup row and pending item of the days first..last (inclusive),
    and (unless months=False) the month rows of the months they lie in."""
    return recompute_ranges([(first, last)], months=months)


def recompute_ranges(ranges: list[tuple[dt.date, dt.date]], months: bool = True) -> int:
    """The same for several ranges of days at once (one pass over each table)."""
    if not ranges:
        return 0
    spans = [(day_start(first), day_start(last + dt.timedelta(days=1))) for first, last in ranges]
    day_q = Q()
    for first, last in ranges:
        day_q |= Q(day__gte=first, day__lte=last)
    with transaction.atomic():
        DailyRollup.objects.filter(day_q & ~Q(grain__startswith=MONTHLY)).delete()
        TopicDailyRollup.objects.filter(day_q & ~Q(grain__startswith=MONTHLY)).delete()
        PendingItem.objects.filter(day_q).delete()
        where = _span_where(spans)
        written = _write(DailyRollup, _compute(where, topics=False), topics=False)
        written += _write(TopicDailyRollup, _compute(where, topics=True), topics=True)
        PendingItem.objects.bulk_create(_pending(where), batch_size=2000)
        if months:
            touched = {month for first, last in ranges for month in months_of(first, last)}
            for month in sorted(touched):
                written += recompute_month(month)
    return written


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def months_of(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of every calendar month from `first`'s to `last`'s (the month rows a
    change of those days touches)."""
    months = []
    month = first.replace(day=1)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def whole_months(days: Days) -> tuple[dt.date, dt.date]:
    """[head, tail): the calendar months wholly inside `days`, which month rows can answer;
    none when head >= tail."""
    head = days.first if days.first.day == 1 else next_month(days.first)
    ends_a_month = (days.last + dt.timedelta(days=1)).day == 1
    tail = next_month(days.last) if ends_a_month else days.last.replace(day=1)
    return head, tail


def recompute_month(month: dt.date) -> int:
    """The month rows of one month, summed from its day rows."""
    following = next_month(month)
    sums = {name: Sum(name) for name in (*COUNTERS, "ht_minutes")}
    written = 0
    plan: list[tuple[Any, dict[str, tuple[str, ...]]]] = [
        (DailyRollup, MONTH_GRAINS),
        (TopicDailyRollup, {grain: (*dims, "topic_id") for grain, dims in TOPIC_MONTH_GRAINS.items()}),
    ]
    for model, grains in plan:
        model.objects.filter(day=month, grain__startswith=MONTHLY).delete()
        objs = []
        for grain, dims in grains.items():
            rows = _summed(model.objects.filter(grain=grain, day__gte=month, day__lt=following), dims, sums)
            for row in rows:
                objs.append(
                    model(
                        day=month, grain=MONTHLY + grain, **{d: row[d] for d in dims}, **{n: row[n] or 0 for n in sums}
                    )
                )
        model.objects.bulk_create(objs, batch_size=2000)
        written += len(objs)
    return written


def _summed(qs: QuerySet[Any], group: Iterable[str], sums: dict[str, Sum]) -> list[dict[str, Any]]:
    """The sums of the rows per `group`; with nothing to group by, one row (none without rows):
    .values() of no field would group by every column, a row per row."""
    fields = list(group)
    if fields:
        return list(qs.values(*fields).order_by().annotate(**sums))
    row = qs.aggregate(**sums)
    return [row] if row["entries"] else []


def _ranges(days: Iterable[dt.date]) -> list[tuple[dt.date, dt.date]]:
    ranges: list[tuple[dt.date, dt.date]] = []
    for day in sorted(set(days)):
        if ranges and day - ranges[-1][1] == dt.timedelta(days=1):
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def recompute_days(days: Iterable[dt.date]) -> int:
    return recompute_ranges(_ranges(days))


def _mutable_days(order: Any) -> set[dt.date]:
    return {local_day(order[f]) for f in ("handle_due_at", "first_dispatched_at", "replied_at") if order[f]}


def order_days(order_ids: Iterable[int]) -> set[dt.date]:
    """Every day the orders count on now, plus the days they counted on before (footprint)."""
    ids = list(order_ids)
    days: set[dt.date] = set()
    for footprint in RollupFootprint.objects.filter(order_id__in=ids):
        cells, legacy = _read_footprint(footprint.days)
        days |= legacy | {cell[0] for cell in cells}
    fields = ("pk", "state", "created_at", "handle_due_at", "first_dispatched_at", "replied_at")
    for order in WorkOrder.objects.filter(pk__in=ids).values(*fields):
        days.add(local_day(order["created_at"]))
        days |= _mutable_days(order)
    for moment in Assignment.objects.filter(order_id__in=ids).values_list("dispatched_at", flat=True):
        days.add(local_day(moment))
    for moment in OrderEvent.objects.filter(order_id__in=ids, action__in=EVENT_ACTIONS).values_list("at", flat=True):
        days.add(local_day(moment))
    return days | _repeat_days(ids)


def _repeat_query(ids: Collection[int]) -> QuerySet[WorkOrder] | None:
    """The same callers' later orders within the repeat-call window: an order taken in after
    them with an earlier date (an import of history) makes them repeat calls (重复来电率)."""
    rows = list(
        WorkOrder.objects.filter(pk__in=ids).exclude(citizen_phone="").values_list("citizen_phone", "created_at")
    )
    if not rows:
        return None
    q = Q()
    for phone, created in rows:
        q |= Q(citizen_phone=phone, created_at__gt=created, created_at__lte=created + repeat_window())
    return WorkOrder.objects.filter(q)


def _repeat_days(ids: list[int]) -> set[dt.date]:
    later = _repeat_query(ids)
    return set() if later is None else {local_day(m) for m in later.values_list("created_at", flat=True)}


# --- taking in changed orders, cell by cell ------------------------------------------------
#
# A cell is one row of the full grain: (day, channel, request_type, urgency, category, area,
# hub, unit). An order counts in a few cells (the day it was created, its deadline's, its
# first dispatch's, each dispatch's under the receiving unit, its reply's, each callback's).
# When orders change, the cells they count in now and the ones they counted in before (their
# footprint) are recomputed from every order in them — a handful of orders, not whole days —
# and the coarser grains and the month rows of those cells are summed again from the rows
# below them. So the cost follows the orders that changed, not the size of their days. This is
# the way of last resort (take_in below): an order whose footprint holds its contribution —
# every open order, in the usual case — is taken in by that contribution alone.


def _orders_where(order_ids: Collection[int]) -> Where:
    """The rows of these orders, whatever their day (those that have that day)."""
    ids = sorted(order_ids)
    return lambda day_field, prefix, _unit: Q(**{f"{prefix}pk__in": ids, f"{day_field}__isnull": False})


def _cells_days(cells: Collection[Key]) -> Where:
    """The rows of the cells' days: a condition the family's index of the day answers. (The
    dimensions are compared afterwards, in Python: an OR of them over a join took PostgreSQL
    seconds to plan for a few hundred cells.)"""
    spans = [(day_start(d), day_start(d + dt.timedelta(days=1))) for d in sorted({c[0] for c in cells})]
    return _span_where(spans)


def _write_footprint(cells: Iterable[Key]) -> str:
    """Cells as stored: one token per set of dimensions, `dims:day,day`."""
    by_dims: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    for day, *dims in sorted(cells, key=lambda c: (c[0], *(str(v) for v in c[1:]))):
        by_dims[tuple(dims)].append(day.isoformat())
    return " ".join(
        "|".join("" if v is None else str(v) for v in dims) + ":" + ",".join(days) for dims, days in by_dims.items()
    )


def _read_footprint(text: str) -> tuple[set[Key], set[dt.date]]:
    """The cells of a footprint, and the bare days of one written before cells were kept."""
    cells: set[Key] = set()
    legacy: set[dt.date] = set()
    for token in text.split():
        if ":" not in token:
            legacy.add(dt.date.fromisoformat(token))
            continue
        dims_text, days_text = token.split(":", 1)
        parts = dims_text.split("|")
        dims = [p if i < 3 else (int(p) if p else None) for i, p in enumerate(parts)]
        cells |= {(dt.date.fromisoformat(d), *dims) for d in days_text.split(",") if d}
    return cells, legacy


_SUMS = (*COUNTERS, "ht_minutes")


def _sum_rows(
    model: type[DailyRollup] | type[TopicDailyRollup],
    source: Q,
    grain: str,
    dims: tuple[str, ...],
    month: dt.date | None = None,
) -> int:
    """Write rows of `grain` summed from the rows `source` selects: per day and `dims`, or all
    on the first of `month` (the month grains)."""
    group = list(dims) if month is not None else ["day", *dims]
    objs: list[Any] = []
    for row in _summed(model.objects.filter(source), group, {n: Sum(n) for n in _SUMS}):
        objs.append(
            model(
                day=month if month is not None else row["day"],
                grain=grain,
                **{d: row[d] for d in dims},
                **{n: row[n] or 0 for n in _SUMS},
            )
        )
    model.objects.bulk_create(objs, batch_size=2000)
    return len(objs)


def _keys_q(keys: Iterable[tuple[Any, ...]], dims: tuple[str, ...]) -> Q:
    """Rows whose `dims` equal one of `keys` (tuples of values in the order of `dims`); keys
    led by a day are grouped by it, so that each day is one range of an index."""
    if not dims:
        return Q()
    if dims[0] == "day":
        by_day: dict[Any, list[tuple[Any, ...]]] = defaultdict(list)
        for key in keys:
            by_day[key[0]].append(tuple(key[1:]))
        q = Q(pk__in=[])
        for day, rest in by_day.items():
            q |= Q(day=day) & _keys_q(rest, dims[1:])
        return q
    q = Q(pk__in=[])
    for values in set(keys):
        q |= Q(**dict(zip(dims, values, strict=True)))
    return q


# Each coarser grain of a day, summed from the smallest grain below it that is already up to
# date (the day's total from its few attrs rows rather than from every full row).
_SUMMED_FROM = (
    ("attrs", "full"),
    ("hub_unit", "full"),
    ("hub_cat", "full"),
    ("hub_area", "full"),
    ("category", "hub_cat"),
    ("area", "hub_area"),
    ("total", "attrs"),
    ("unit", "hub_unit"),
    ("hub", "hub_unit"),
)
assert {grain for grain, _below in _SUMMED_FROM} == set(GRAINS) - {"full"}


def recompute_cells(cells: Collection[Key]) -> int:
    """Recompute the full-grain rows of these cells from the orders, then the coarser grains
    and the month rows that sum them."""
    if not cells:
        return 0
    written = 0
    full = _keys_q(cells, ("day", *DIMS))
    with transaction.atomic():
        DailyRollup.objects.filter(full, grain="full").delete()
        TopicDailyRollup.objects.filter(full, grain="full").delete()
        where, keep = _cells_days(cells), set(cells)
        written += _write(DailyRollup, _compute(where, topics=False, keep=keep), topics=False, full_only=True)
        written += _write(TopicDailyRollup, _compute(where, topics=True, keep=keep), topics=True, full_only=True)
        for grain, below in _SUMMED_FROM:
            dims = GRAINS[grain]
            keys = {(c[0], *(c[1 + DIMS.index(d)] for d in dims)) for c in cells}
            rows = _keys_q(keys, ("day", *dims))
            DailyRollup.objects.filter(rows, grain=grain).delete()
            written += _sum_rows(DailyRollup, rows & Q(grain=below), grain, dims)
        days = sorted({c[0] for c in cells})
        for grain, dims in TOPIC_MONTH_GRAINS.items():
            TopicDailyRollup.objects.filter(grain=grain, day__in=days).delete()
            written += _sum_rows(TopicDailyRollup, Q(grain="full", day__in=days), grain, (*dims, "topic_id"))
        for month in sorted({d.replace(day=1) for d in days}):
            following = next_month(month)
            in_month = [c for c in cells if month <= c[0] < following]
            for grain, dims in MONTH_GRAINS.items():
                rows = _keys_q({tuple(c[1 + DIMS.index(d)] for d in dims) for c in in_month}, dims)
                DailyRollup.objects.filter(rows, grain=MONTHLY + grain, day=month).delete()
                source = rows & Q(grain=grain, day__gte=month, day__lt=following)
                written += _sum_rows(DailyRollup, source, MONTHLY + grain, dims, month)
            for grain, dims in TOPIC_MONTH_GRAINS.items():
                TopicDailyRollup.objects.filter(grain=MONTHLY + grain, day=month).delete()
                source = Q(grain=grain, day__gte=month, day__lt=following)
                written += _sum_rows(TopicDailyRollup, source, MONTHLY + grain, (*dims, "topic_id"), month)
    return written


# --- taking in changed orders by their own contribution -----------------------------------

Rows = dict[Key, dict[str, float]]


def _zero() -> dict[str, float]:
    return dict.fromkeys(_SUMS, 0)


def _repeat_key(phone: str, category_id: int | None, created: dt.datetime) -> str:
    """What the same caller's later calls being repeat calls depends on (orders.repeats)."""
    return f"{phone}|{category_id}|{created.isoformat()}"


@dataclass
class Contribution:
    """What one order adds to the rollups: its full-grain rows (the same, per topic, in the
    topic rollup), and what later calls' being repeat calls depends on."""

    rows: Rows
    topics: list[int]
    repeat: str
    open: bool = True

    @classmethod
    def nothing(cls) -> Contribution:
        return cls({}, [], "")

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": [[key[0].isoformat(), *key[1:], *(row[n] for n in _SUMS)] for key, row in self.rows.items()],
            "topics": self.topics,
            "repeat": self.repeat,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Contribution:
        width = 1 + len(DIMS)
        rows = {
            (dt.date.fromisoformat(item[0]), *item[1:width]): dict(zip(_SUMS, item[width:], strict=True))
            for item in data["rows"]
        }
        return cls(rows, list(data["topics"]), data["repeat"])


def _families_union(order_ids: list[int]) -> QuerySet[Any]:
    """Every family's rows of these orders, per order, day and dimensions, as one query."""
    parts = []
    for qs, day_field, prefix, unit_field, counters in _counted_families(_orders_where(order_ids)):
        values = {
            "o": F("order_id" if prefix else "pk"),
            "d": TruncDate(day_field, tzinfo=tz()),
            **_dim_values(prefix, unit_field),
        }
        # Every family with every counter (0 where it counts none), so that the rows line up.
        padded = {name: counters.get(name, Value(0, output_field=IntegerField())) for name in COUNTERS}
        parts.append(qs.values(**values).order_by().annotate(**padded))
    return parts[0].union(*parts[1:], all=True)


# The families' statement as compiled for a number of orders, with stand-in ids: building and
# compiling it (six querysets of some thirty expressions each) cost more than running it, and a
# sweep runs it every few seconds. The key holds all that goes into its text and parameters
# besides the ids (the database, the local time zone, the repeat-call window).
_STATEMENTS: dict[tuple[Any, ...], tuple[str, tuple[Any, ...]]] = {}
_STAND_IN = -(10**12)  # the i-th order's id is compiled as _STAND_IN - i (no order's id is negative)


def _family_rows(order_ids: list[int]) -> list[dict[str, Any]]:
    return _cached_rows("families", _families_union, order_ids)


def _cached_rows(name: str, build: Callable[[list[int]], QuerySet[Any]], order_ids: list[int]) -> list[dict[str, Any]]:
    """The rows of build(order_ids), by a statement compiled once per process (the values
    come as the database gives them: no converters)."""
    # Compiled for a power of two of ids (the last one repeated up to it), so that sweeps of
    # any number of orders share a handful of statements.
    size = 1 << max(len(order_ids) - 1, 0).bit_length()
    order_ids = order_ids + order_ids[-1:] * (size - len(order_ids))
    key = (name, connection.alias, connection.vendor, settings.TIME_ZONE, settings.CIVICDESK_REPEAT_CALL_DAYS, size)
    if key not in _STATEMENTS:
        if len(_STATEMENTS) >= 64:
            _STATEMENTS.clear()
        stand_ins = [_STAND_IN - i for i in range(size)]
        sql, params = build(stand_ins).query.sql_with_params()
        assert set(stand_ins) <= {p for p in params if type(p) is int}, "every id is a parameter of its own"
        _STATEMENTS[key] = (sql, tuple(params))
    sql, params = _STATEMENTS[key]
    real = {_STAND_IN - i: pk for i, pk in enumerate(order_ids)}
    with connection.cursor() as cursor:
        cursor.execute(sql, [real.get(p, p) if type(p) is int else p for p in params])
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


# What a sweep reads of each order it takes in: whether it is open, what its repeat calls
# depend on, and its handling time's family (平均办理时长, counted here from the row).
_ORDER_FIELDS = tuple(
    dict.fromkeys(
        (
            "pk",
            "state",
            "citizen_phone",
            "category_id",
            "created_at",
            "first_dispatched_at",
            "replied_at",
            *ORDER_DIMS.values(),
        )
    )
)


def _order_rows(order_ids: Collection[int]) -> dict[int, dict[str, Any]]:
    return {row["pk"]: row for row in WorkOrder.objects.filter(pk__in=sorted(order_ids)).values(*_ORDER_FIELDS)}


def contributions(
    order_ids: Collection[int], orders: dict[int, dict[str, Any]] | None = None
) -> dict[int, Contribution]:
    """Each order's contribution now, counted as a rebuild counts it (an excluded order's is
    empty), in three queries for any number of orders: the families' rows in one (a UNION of
    each family's grouped rows), the topics, the orders (`orders`: those already read by
    _order_rows, not read again)."""
    ids = sorted(set(order_ids))
    rows: dict[int, Rows] = defaultdict(lambda: defaultdict(_zero))
    for row in _family_rows(ids):
        day = row["d"] if isinstance(row["d"], dt.date) else dt.date.fromisoformat(row["d"])
        target = rows[row["o"]][(day, *(row[f"k_{d}"] for d in DIMS))]
        for name in COUNTERS:
            target[name] += row[name]
    if orders is None or not set(ids) <= set(orders):
        orders = {**(orders or {}), **_order_rows([pk for pk in ids if pk not in (orders or {})])}
    calendar = work_calendar()
    dims = list(ORDER_DIMS.values())
    for pk in ids:
        order = orders.get(pk)
        # 平均办理时长's family (_handled): a live order replied to after its first dispatch.
        if order is None or order["state"] in EXCLUDED_STATES:
            continue
        first, replied = order["first_dispatched_at"], order["replied_at"]
        if first is None or replied is None:
            continue
        target = rows[pk][(local_day(replied), *(order[d] for d in dims))]
        target["ht_count"] += 1
        target["ht_minutes"] += calendar.working_minutes_between(first, replied)
        target["entries"] += 1
    topics: dict[int, list[int]] = defaultdict(list)
    through = WorkOrder.topics.through
    for order_id, topic_id in through.objects.filter(workorder_id__in=ids).values_list("workorder_id", "topic_id"):
        topics[order_id].append(topic_id)
    found = {}
    for pk in ids:
        if pk not in orders:
            continue
        order = orders[pk]
        found[pk] = Contribution(
            {_row_key(key): dict(row) for key, row in rows[pk].items()},
            sorted(topics[pk]),
            _repeat_key(order["citizen_phone"], order["category_id"], order["created_at"]),
            order["state"] not in TERMINAL,
        )
    return found


def _row_key(key: Key) -> Key:
    """A full-grain key as the rows hold it (text dimensions never null)."""
    return (key[0], *((v or "") if i < 3 else v for i, v in enumerate(key[1:])))


class _Drift(Exception):
    """A row would go below zero: it does not hold what an order's footprint says it added."""


def _apply_change(before: dict[int, Contribution], now: dict[int, Contribution], ids: Iterable[int]) -> None:
    """Take the orders' earlier contributions out of every row that sums them and put their
    contributions now in. Both tables' new rows are worked out before either is written, so
    a row that does not hold what a footprint says (_Drift) leaves both as they were."""
    plain: Rows = defaultdict(_zero)
    by_topic: Rows = defaultdict(_zero)
    for pk in ids:
        for contribution, sign in ((before[pk], -1), (now.get(pk, Contribution.nothing()), 1)):
            for key, row in contribution.rows.items():
                targets = [plain[key]] + [by_topic[(*key, t)] for t in contribution.topics]
                for target in targets:
                    for name, value in row.items():
                        target[name] += sign * value
    plans = []
    for model, change, topics in ((DailyRollup, plain, False), (TopicDailyRollup, by_topic, True)):
        change = {key: row for key, row in change.items() if any(row.values())}
        # (An order moving between units changes its unit's rows, not the day's total.)
        grains = {key: row for key, row in _all_grains(change, topics).items() if any(row.values())}
        if grains:
            plans.append((model, topics, *_changed_rows(model, grains, topics)))
    for model, topics, stale, rows in plans:
        if stale:
            model.objects.filter(pk__in=stale).delete()
        if rows:
            _insert_rows(model, rows, topics)


def _all_grains(change: Rows, topics: bool) -> dict[tuple[str, Key], dict[str, float]]:
    """A change of full-grain rows as the change of every row that sums them: the coarser
    grains of the day and the month rows."""
    months = TOPIC_MONTH_GRAINS if topics else MONTH_GRAINS
    result: dict[tuple[str, Key], dict[str, float]] = defaultdict(_zero)
    for grain, key, row in _grain_rows(change, topics):
        targets = [result[(grain, key)]]
        if grain in months:
            targets.append(result[(MONTHLY + grain, (key[0].replace(day=1), *key[1:]))])
        for target in targets:
            for name, value in row.items():
                target[name] += value
    return result


_SQL_TYPES = {
    "grain": "text",
    "day": "date",
    "channel": "text",
    "request_type": "text",
    "urgency": "text",
    "category_id": "integer",
    "area_id": "integer",
    "hub_id": "integer",
    "unit_id": "integer",
    "topic_id": "integer",
    "i": "integer",
    "ht_minutes": "double precision",
}
# The id dimensions, compared as the rows' unique key holds them (models.RollupBase: null as 0).
_ID_DIMS = ("category_id", "area_id", "hub_id", "unit_id", "topic_id")


def _json_table(columns: Iterable[str]) -> str:
    """SQL of a table made of one parameter, a JSON array of objects (one per row): a change
    of any number of rows in one statement, with no limit on the number of parameters."""
    names = list(columns)
    if connection.vendor == "postgresql":
        typed = ", ".join(f"{name} {_SQL_TYPES.get(name, 'bigint')}" for name in names)
        return f"SELECT * FROM jsonb_to_recordset(%s::jsonb) AS x({typed})"  # noqa: S608 -- column names of this module
    picked = ", ".join(f"json_extract(value, '$.{name}') AS {name}" for name in names)
    return f"SELECT {picked} FROM json_each(%s)"  # noqa: S608 -- as above


def _json_rows(rows: Iterable[dict[str, Any]]) -> str:
    return json.dumps(
        [{k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()} for row in rows],
        separators=(",", ":"),
    )


def _changed_rows(
    model: type[DailyRollup] | type[TopicDailyRollup],
    change: dict[tuple[str, Key], dict[str, float]],
    topics: bool,
) -> tuple[list[int], list[dict[str, Any]]]:
    """The rows `change` touches as they are to be: (ids of the rows it replaces, the rows to
    write). A row left holding no entry is not written, as a rebuild would not write it; a row
    that would go below zero raises _Drift. The rows are found in one statement, by their
    unique key (the keys sent as JSON and joined on the key's index)."""
    dims = (*DIMS, "topic_id") if topics else DIMS
    keys = list(change)
    wanted = [
        {"i": i, "grain": grain, "day": key[0], **dict(zip(dims, key[1:], strict=True))}
        for i, (grain, key) in enumerate(keys)
    ]
    table = model._meta.db_table
    match = " AND ".join(
        f"COALESCE(t.{d}, 0) = COALESCE(k.{d}, 0)" if d in _ID_DIMS else f"t.{d} = k.{d}"
        for d in ("grain", "day", *dims)
    )
    # Column and table names of this module; the keys are the one parameter.
    keys_table = _json_table(["i", "grain", "day", *dims])
    summed = ", ".join(f"t.{n}" for n in _SUMS)
    sql = f"WITH k AS ({keys_table}) SELECT k.i, t.id, {summed} FROM {table} t JOIN k ON {match}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [_json_rows(wanted)])
        found = {i: (pk, values) for i, pk, *values in cursor.fetchall()}
    stale: list[int] = []
    rows: list[dict[str, Any]] = []
    for i, (grain, key) in enumerate(keys):
        delta = change[(grain, key)]
        pk, held = found.get(i, (None, [0] * len(_SUMS)))
        if pk is not None:
            stale.append(pk)
        values = {name: old + delta[name] for name, old in zip(_SUMS, held, strict=True)}
        if any(values[name] < 0 for name in COUNTERS) or (
            values["entries"] == 0 and any(values[name] for name in COUNTERS)
        ):
            raise _Drift(f"{model.__name__} {grain} {key}")
        if values["entries"] == 0:
            continue
        values = {name: value if name == "ht_minutes" else int(value) for name, value in values.items()}
        if values["ht_count"] == 0:
            values["ht_minutes"] = 0  # not a sum of rounding leftovers
        rows.append({"grain": grain, "day": key[0], **dict(zip(dims, key[1:], strict=True)), **values})
    return stale, rows


def _insert_rows(model: type[DailyRollup] | type[TopicDailyRollup], rows: list[dict[str, Any]], topics: bool) -> None:
    """Write the rows in one statement (JSON, as _changed_rows reads them)."""
    names = ["grain", "day", *DIMS, *(["topic_id"] if topics else []), *_SUMS]
    columns = ", ".join(names)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {model._meta.db_table} ({columns}) SELECT {columns} FROM ({_json_table(names)}) AS j",  # noqa: S608 -- as above
            [_json_rows(rows)],
        )


def save_footprints(order_ids: Iterable[int] | None = None) -> None:
    """Remember the cells open orders count in and what they add to them (all open orders
    when order_ids is None)."""
    if order_ids is not None:
        ids = sorted(set(order_ids))
        RollupFootprint.objects.filter(order_id__in=ids).delete()
        _save_contributions(contributions(ids))
        return
    RollupFootprint.objects.all().delete()
    open_ids = list(WorkOrder.objects.exclude(state__in=TERMINAL).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(open_ids), 5000):
        _save_contributions(contributions(open_ids[start : start + 5000]))


def _save_contributions(found: dict[int, Contribution], replace: bool = False) -> None:
    """The footprints of the open ones (a finished order never moves again: none is kept);
    `replace`: writing over those there are (one statement, an upsert)."""
    footprints = [
        RollupFootprint(order_id=pk, days=_write_footprint(c.rows), contribution=c.as_json())
        for pk, c in sorted(found.items())
        if c.open
    ]
    if replace:
        RollupFootprint.objects.bulk_create(
            footprints,
            batch_size=5000,
            update_conflicts=True,
            unique_fields=["order_id"],
            update_fields=["days", "contribution"],
        )
    else:
        RollupFootprint.objects.bulk_create(footprints, batch_size=5000)


STATE_NAME = "rollups"
# Events newer than this are taken in again by the next sweep too: a transaction that was
# still open when the sweep read may commit an event with a smaller id than one it saw.
SETTLE = dt.timedelta(minutes=5)


def rebuild(chunk_days: int = 31, progress: Any = None) -> int:
    """Recompute every rollup from the orders (the `rebuild-rollups` command)."""
    with transaction.atomic():
        state, _created = RollupState.objects.select_for_update().get_or_create(name=STATE_NAME)
        # The watermark stays below recent events: the next sweeps take them in again (SETTLE).
        last_event = (
            OrderEvent.objects.filter(at__lt=timezone.now() - SETTLE)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
            or 0
        )
        bounds: list[dt.datetime] = []
        for field in ("created_at", "handle_due_at", "first_dispatched_at", "replied_at"):
            present = WorkOrder.objects.filter(**{f"{field}__isnull": False})
            first = present.order_by(field).values_list(field, flat=True)
            last = (
                WorkOrder.objects.filter(**{f"{field}__isnull": False})
                .order_by(f"-{field}")
                .values_list(field, flat=True)
            )
            lo, hi = first.first(), last.first()
            if lo is not None and hi is not None:
                bounds += [lo, hi]
        DailyRollup.objects.all().delete()
        TopicDailyRollup.objects.all().delete()
        PendingItem.objects.all().delete()
        written = 0
        if bounds:
            # Dispatches and callbacks lie between creation and the last of these times.
            events = OrderEvent.objects.filter(action__in=EVENT_ACTIONS).order_by("-at").values_list("at", flat=True)
            latest = events.first()
            if latest is not None:
                bounds.append(latest)
            day, last_day = local_day(min(bounds)), local_day(max(bounds))
            while day <= last_day:
                to = min(day + dt.timedelta(days=chunk_days - 1), last_day)
                written += recompute_range(day, to, months=False)
                if progress:
                    progress(day, to, written)
                day = to + dt.timedelta(days=1)
            for month in months_of(local_day(min(bounds)), last_day):
                written += recompute_month(month)
        save_footprints()
        state.last_event_id = last_event
        # Everything there is now is in the figures: the recent events need no taking in again.
        recent = OrderEvent.objects.filter(pk__gt=last_event).order_by("pk").values_list("pk", flat=True)
        state.seen_events = " ".join(str(pk) for pk in recent)
        state.built_at = state.swept_at = timezone.now()
        state.save()
    return written


def run_rollup_sweep() -> int:
    """Take in the orders changed since the watermark (their events); returns the number of
    orders taken in. One worker at a time: the others skip the locked state row."""
    RollupState.objects.get_or_create(name=STATE_NAME)
    now = timezone.now()
    with transaction.atomic():
        state = RollupState.objects.select_for_update(skip_locked=True).filter(name=STATE_NAME).first()
        if state is None:
            return 0
        if state.built_at is None:
            # Never built (a fresh install, or data loaded before this app): build everything once.
            rebuild()
            return WorkOrder.objects.count()
        events = list(
            OrderEvent.objects.filter(pk__gt=state.last_event_id)
            .order_by("pk")
            .values_list("pk", "order_id", "at", "action")[:20000]
        )
        if len(events) < 20000:  # everything there was is taken in by the end of this pass
            state.swept_at = now
            state.save(update_fields=["swept_at"])
        if not events:
            return 0
        seen = {int(pk) for pk in state.seen_events.split()}
        fresh = [(order_id, action) for pk, order_id, _at, action in events if pk not in seen]
        order_ids = {order_id for order_id, _action in fresh}
        if order_ids:
            # An order whose creation is among the events not taken in yet counts nowhere yet.
            take_in(order_ids, new={order_id for order_id, action in fresh if action == CREATE})
        settled = [pk for pk, _order, at, _action in events if at < now - SETTLE]
        if len(events) == 20000:
            settled = [events[-1][0]]
        if settled:
            # Never past an event that is not settled yet.
            unsettled = [pk for pk, _order, at, _action in events if at >= now - SETTLE]
            mark = max(settled) if not unsettled else min(unsettled) - 1
            state.last_event_id = max(state.last_event_id, mark)
        # The events above the watermark are looked at again by the next sweeps (one with a
        # smaller id may still commit), but only those not taken in yet are taken in.
        state.seen_events = " ".join(str(pk) for pk, _order, _at, _action in events if pk > state.last_event_id)
        state.save(update_fields=["last_event_id", "seen_events"])
    return len(order_ids)


def take_in(order_ids: Iterable[int], *, new: Collection[int] = ()) -> None:
    """Bring the rollups up to date with these orders' current state. `new`: orders never
    taken in before (created since), which count nowhere yet.

    Each order's contribution as it was last taken in (its footprint) is taken out of the rows
    and its contribution now put in: a few statements for any number of orders, reading only
    the rows they change. Where that contribution is not known (a finished order changed, a
    footprint from before contributions were kept) or other orders changed with them (the same
    caller's later calls, 重复来电), their cells are counted again from every order in them."""
    ids = sorted(set(order_ids))
    if not ids:
        return
    # (Inside a sweep's transaction no savepoint of its own: a failure undoes the sweep.)
    with transaction.atomic(savepoint=False):
        stored = {
            pk: (days, data)
            for pk, days, data in RollupFootprint.objects.filter(order_id__in=ids).values_list(
                "order_id", "days", "contribution"
            )
        }
        orders = _order_rows(ids)
        current = {
            pk: (row["state"], _repeat_key(row["citizen_phone"], row["category_id"], row["created_at"]))
            for pk, row in orders.items()
        }
        before: dict[int, Contribution] = {}
        recount: set[int] = set()
        for pk in ids:
            data = stored[pk][1] if pk in stored else None
            if data is not None:
                before[pk] = Contribution.from_json(data)
            elif pk in new or (pk not in stored and pk in current and current[pk][0] not in TERMINAL):
                # Never taken in (an open order always has a footprint once taken in).
                before[pk] = Contribution.nothing()
            else:
                recount.add(pk)
        # Whether the same caller's later calls are repeat calls depends on the earlier ones'
        # number, matter and time: looked at only when one of those may have changed.
        moved = [pk for pk in ids if pk not in before or before[pk].repeat != current.get(pk, (None, ""))[1]]
        later = _repeat_query(moved) if moved else None
        others = set() if later is None else set(later.values_list("pk", flat=True)) - set(ids)
        now = contributions([*ids, *others], orders)
        known = [pk for pk in before if pk not in recount]
        try:
            _apply_change(before, now, known)  # writes nothing when it raises
        except _Drift:
            # The rows do not hold what the footprints say (changed outside the sweep): count
            # these orders' cells again, which puts the rows right.
            recount |= set(known)
        recount |= others
        if recount:
            cells: set[Key] = set()
            legacy: set[dt.date] = set()
            for pk in recount:
                if pk in stored:
                    old_cells, old_days = _read_footprint(stored[pk][0])
                    cells |= old_cells
                    legacy |= old_days
                if pk in before:
                    cells |= set(before[pk].rows)
                if pk in now:
                    cells |= set(now[pk].rows)
            if legacy:
                # A footprint from before cells were kept names days only: those days, whole, once.
                recompute_days(legacy)
            recompute_cells(cells)
        # Pending items belong to one order each: its own are replaced.
        PendingItem.objects.filter(order_id__in=ids).delete()
        PendingItem.objects.bulk_create(_orders_pending(ids), batch_size=2000)
        # The open orders' footprints written over, those of the others (finished now) gone.
        gone = [pk for pk in [*ids, *others] if pk not in now or not now[pk].open]
        if gone:
            RollupFootprint.objects.filter(order_id__in=gone).delete()
        _save_contributions(now, replace=True)


def figures_as_of() -> dt.datetime | None:
    """The moment the rollups are current as of (the last complete sweep); None before the first."""
    return RollupState.objects.filter(name=STATE_NAME).values_list("swept_at", flat=True).first()


# --- querying ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Days:
    """Local days first..last, both included."""

    first: dt.date
    last: dt.date

    @property
    def start(self) -> dt.datetime:
        return day_start(self.first)

    @property
    def end(self) -> dt.datetime:
        return day_start(self.last + dt.timedelta(days=1))


@dataclass(frozen=True)
class RolledFigure:
    """One figure summed from rollups (or counted and compared with them): the order measures'
    and the call and chat measures' one value type. A count, a rate (0..1), or an average in
    the kind's unit (hours, seconds, minutes); numerator and denominator are the counts
    behind it (for an average: the sum and how many)."""

    code: str
    name: str
    definition: str
    kind: str
    value: float | None
    numerator: float
    denominator: int | None

    def display(self) -> str:
        return display_value(self.kind, self.value)

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "value": self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "display": self.display(),
        }


DISPATCHES_DEFINITION = (
    "统计期内派给主办单位的次数（含改派、下派、退单后重派），按接收派单的单位统计；单位排名的最低量即按此计。"
)
GROUPS = ("day", "week", "month", "channel", "request_type", "urgency", "category", "area", "unit", "hub", "topic")


def _unit_ids(unit: OrgUnit, with_sub_units: bool) -> set[int]:
    if not with_sub_units:
        return {unit.pk}
    return set(OrgUnit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))


def _dims_needed(filters: Filters, group: str | None) -> set[str]:
    needed = set()
    for name in ("channel", "request_type", "urgency"):
        if getattr(filters, name):
            needed.add(name)
    if filters.category is not None:
        needed.add("category_id")
    if filters.area is not None:
        needed.add("area_id")
    if filters.lead_unit is not None:
        needed.add("unit_id")
    if filters.hub is not None:
        needed.add("hub_id")
    if group in ("channel", "request_type", "urgency"):
        needed.add(group)
    elif group in ("category", "area", "unit", "hub"):
        needed.add(f"{group}_id")
    return needed


def _filter_q(filters: Filters) -> Q:
    q = Q()
    for name in ("channel", "request_type", "urgency"):
        value = getattr(filters, name)
        if value:
            q &= Q(**{name: value})
    if filters.category is not None:
        q &= Q(category_id__in=_descendants(Category, filters.category.pk, "default"))
    if filters.area is not None:
        q &= Q(area_id__in=_descendants(Area, filters.area.pk, "default"))
    if filters.lead_unit is not None:
        q &= Q(unit_id__in=_unit_ids(filters.lead_unit, filters.include_sub_units))
    if filters.hub is not None:
        q &= Q(hub_id__in=_unit_ids(filters.hub, True))
    return q


def hub_line_map(root: OrgUnit) -> dict[int, int]:
    """Each hub in root's subtree → its line in root's figures: root itself (本级) for root,
    else the topmost hub below root on its path (a county center, with its own hubs below)."""
    hubs = dict(OrgUnit.objects.filter(path__startswith=root.path, is_hub=True).values_list("pk", "path"))
    depth = len([p for p in root.path.strip("/").split("/") if p])
    result = {}
    for pk, path in hubs.items():
        ids = [int(x) for x in path.strip("/").split("/")][depth:]
        result[pk] = next((i for i in ids if i in hubs), root.pk)
    return result


# What one page's figures have read already, to share between its calls of figures():
# {key: value}; a dict made for one request, never kept longer (the rows change).
Memo = dict[tuple[Any, ...], Any]
T = TypeVar("T")


def _memo(memo: Memo | None, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    value: T = memo[key]
    return value


def tree(model: type[Category] | type[Area], memo: Memo | None = None) -> dict[int, tuple[int | None, int, str]]:
    """Every node of the category or area tree: id → (parent id, level, name)."""
    return _memo(
        memo,
        ("tree", model.__name__),
        lambda: {
            pk: (parent, level, name)
            for pk, parent, level, name in model._default_manager.values_list("pk", "parent_id", "level", "name")
        },
    )


def _tree_level_map(model: type[Category] | type[Area], level: int, memo: Memo | None = None) -> dict[int, int]:
    """Each node → its ancestor at `level` (itself when it is at or above that level)."""
    nodes = tree(model, memo)
    result = {}
    for pk in nodes:
        node = pk
        parent, node_level, _name = nodes[node]
        while node_level > level and parent is not None:
            node = parent
            parent, node_level, _name = nodes[node]
        result[pk] = node
    return result


def _unit_rollup_map(root: OrgUnit | None) -> dict[int, int]:
    """Each unit → the child of `root` it lies under (the top units when root is None)."""
    units = list(OrgUnit.objects.values_list("pk", "path"))
    if root is None:
        tops = {pk for pk, path in units if path.count("/") == 2}
        parents = tops
    else:
        depth = root.path.count("/") + 1
        parents = {pk for pk, path in units if path.startswith(root.path) and path.count("/") == depth}
        parents.add(root.pk)
    result = {}
    for pk, path in units:
        ids = [int(x) for x in path.strip("/").split("/")]
        for candidate in reversed(ids):
            if candidate in parents:
                result[pk] = candidate
                break
    return result


def _bucket(day: dt.date, group: str) -> dt.date:
    if group == "week":
        return day - dt.timedelta(days=day.weekday())
    if group == "month":
        return day.replace(day=1)
    return day


def _texts(codes: Iterable[str]) -> dict[str, tuple[str, str, str]]:
    """Each code's name, definition and kind, in the language of the moment: worked out once
    per call, not once per figure (a breakdown has hundreds)."""
    found = {}
    for code in codes:
        if code == "dispatches":
            found[code] = ("派单次数", DISPATCHES_DEFINITION, "count")
        else:
            m = MEASURES[code]
            found[code] = (str(m.name), str(m.definition), m.kind)
    return found


def _figures(
    s: dict[str, float],
    p: dict[str, float],
    config: Config,
    codes: Iterable[str],
    texts: dict[str, tuple[str, str, str]] | None = None,
) -> dict[str, RolledFigure]:
    solved = s["cb_solved"] + (s["cb_partly"] if config.partly_counts_as_solved else 0)
    satisfied = s["cb_satisfied"] + (s["cb_basically"] if config.basically_counts_as_satisfied else 0)
    due = s["due_closed"] + p.get(PendingKind.OPEN_DUE, 0) + s["answered"]
    parts: dict[str, tuple[float, int | None]] = {
        "accepted": (s["accepted"], None),
        "answered_on_call": (s["answered"], int(s["accepted"])),
        "completion": (s["due_closed"] + s["answered_closed"], int(due)),
        "on_time": (s["due_on_time"] + s["answered_closed"], int(due)),
        "overdue": (s["due_late_reply"] + p.get(PendingKind.UNREPLIED_DUE, 0), None),
        "response": (s["disp_on_time"], int(s["disp_counted"] + p.get(PendingKind.SIGN_DUE, 0))),
        "resolution": (solved, int(s["cb_solved"] + s["cb_partly"] + s["cb_unsolved"])),
        "satisfaction": (satisfied, int(s["cb_satisfied"] + s["cb_basically"] + s["cb_unsatisfied"])),
        "return_rate": (s["fd_returned"], int(s["fd_total"])),
        "first_dispatch_accuracy": (s["fd_accurate"], int(s["fd_total"])),
        "urge_rate": (s["fd_urged"], int(s["fd_total"])),
        "repeat_call_rate": (s["acc_repeat"], int(s["accepted"])),
        "reply_flagged": (s["rp_flagged"], int(s["rp_total"])),
        "reply_sent_back": (s["rp_sent_back"], int(s["rp_total"])),
        "false_replies": (s["cb_rework"], None),
    }
    texts = texts or _texts(codes)
    result = {}
    for code in codes:
        name, definition, kind = texts[code]
        if code == "dispatches":
            n = float(s["disp_total"])
            result[code] = RolledFigure(code, name, definition, kind, n, n, None)
            continue
        if code == "handling_time":
            n = int(s["ht_count"])
            value = s["ht_minutes"] / 60 / n if n else None
            result[code] = RolledFigure(code, name, definition, kind, value, (value or 0) * n, n)
            continue
        num, den = parts[code]
        if den is None:
            result[code] = RolledFigure(code, name, definition, kind, float(num), float(num), None)
        else:
            result[code] = RolledFigure(code, name, definition, kind, (num / den) if den else None, float(num), den)
    return result


Spans3 = list[tuple[str, dt.date, dt.date]]


def _day_spans(days: Days, grain: str, group: str | None) -> Spans3:
    """The rows covering `days`, as (grain, first day, last day) spans: month rows for the
    whole calendar months inside (when the grain has them and the grouping is not by day or
    week), day rows for the rest."""
    whole = [(grain, days.first, days.last)]
    if grain not in (*MONTH_GRAINS, *TOPIC_MONTH_GRAINS) or group in ("day", "week"):
        return whole
    head, tail = whole_months(days)
    if head >= tail:
        return whole
    # [first, head) by day, [head, tail) by month, [tail, last] by day.
    one = dt.timedelta(days=1)
    spans = [(grain, days.first, head - one), (MONTHLY + grain, head, tail - one), (grain, tail, days.last)]
    return [span for span in spans if span[1] <= span[2]]


def _spans_q(spans: Spans3) -> Q:
    q = Q(pk__in=[])
    for grain, first, last in spans:
        q |= Q(grain=grain, day__gte=first, day__lte=last)
    return q


def _days_q(days: Days, grain: str, group: str | None) -> Q:
    return _spans_q(_day_spans(days, grain, group))


def _pending_counts(
    periods: list[Days], filters: Filters, pending_where: Q, now: dt.datetime, memo: Memo | None
) -> list[dict[str, Any]]:
    """The pending items that count by `now`, per kind, day and dimensions (of the periods'
    days at least). Within a page (`memo`) read once for every day, and each figure of the page
    takes its days' part: there are only as many as there are open orders and unsigned
    dispatches, whatever the history."""
    within = Q()
    if memo is None:
        for days in periods:
            within |= Q(day__gte=days.first, day__lte=days.last)
    return _memo(
        memo,
        ("pending", filters, now),
        lambda: list(
            PendingItem.objects.filter(within, moment__lte=now)
            .filter(pending_where)
            .values("kind", "day", *DIMS)
            .order_by()
            .annotate(n=Count("pk"))
        ),
    )


def _selection(filters: Filters, group: str | None, memo: Memo | None) -> tuple[Any, str, Q, Q]:
    """Which rollup table and grain answer for these filters and grouping, and the filters as
    conditions on its rows and on the pending items."""
    topic = filters.topic is not None or group == "topic"
    model: type[DailyRollup] | type[TopicDailyRollup] = TopicDailyRollup if topic else DailyRollup
    needed = _dims_needed(filters, group)
    if topic:
        grain = next(g for g, dims in TOPIC_GRAINS.items() if needed <= set(dims))
    else:
        grain = next(g for g, dims in GRAINS.items() if needed <= set(dims))
    where = _memo(memo, ("where", filters), lambda: _filter_q(filters))
    rows, pending = where, where
    if filters.topic is not None:
        through = WorkOrder.topics.through
        rows &= Q(topic_id=filters.topic.pk)
        pending &= Q(order_id__in=through.objects.filter(topic_id=filters.topic.pk).values("workorder_id"))
    return model, grain, rows, pending


def figures(
    days: Days,
    filters: Filters | None = None,
    *,
    group: str | None = None,
    level: int | None = None,
    unit_root: OrgUnit | None = None,
    codes: Iterable[str] | None = None,
    config: Config | None = None,
    now: dt.datetime | None = None,
    memo: Memo | None = None,
) -> dict[Any, dict[str, RolledFigure]]:
    """The measures for `days` from the rollups, as {group key: {code: figure}}; without a
    group the only key is None. Groups: day/week/month (key: the first day), channel,
    request_type, urgency, category/area (key: the node at `level`, default 1), unit (key:
    the unit itself; with unit_root, the child of unit_root it lies under, sub-units
    included), topic (key: topic id). `memo`: shared by the calls of one page, so that two
    groupings of the same rows (areas at two levels) read them once."""
    filters = filters or Filters()
    config = config or Config.from_settings()
    now = now or timezone.now()
    codes = list(codes or ROLLED)
    if group is None:
        # The same reading as the periods' totals (to the last bit of a sum of hours).
        return {None: totals([days], filters, codes=codes, config=config, now=now, memo=memo)[0]}
    model, grain, where, pending_where = _selection(filters, group, memo)
    column = {
        "day": "day",
        "week": "day",
        "month": "day",
        "channel": "channel",
        "request_type": "request_type",
        "urgency": "urgency",
        "category": "category_id",
        "area": "area_id",
        "unit": "unit_id",
        "hub": "hub_id",
        "topic": "topic_id",
        None: None,
    }[group]
    sums = {name: Sum(name) for name in (*COUNTERS, "ht_minutes")}
    mapper: dict[int, int] | None = None
    if group in ("category", "area"):
        mapper = _tree_level_map(Category if group == "category" else Area, level or 1, memo)
    elif group == "unit" and unit_root is not None:
        mapper = _unit_rollup_map(unit_root)
    elif group == "hub":
        if filters.hub is None:
            raise ValueError("group='hub' needs filters.hub, the hub whose lines they are")
        hub = filters.hub
        mapper = _memo(memo, ("hub_lines", hub.pk), lambda: hub_line_map(hub))

    def key_of(value: Any) -> Any:
        if group in ("day", "week", "month"):
            return _bucket(value, group)
        if mapper is not None:
            return mapper.get(value, value) if value is not None else None
        return value

    def read_rows() -> list[dict[str, Any]]:
        qs = model.objects.filter(_days_q(days, grain, group)).filter(where)
        return list(qs.values(column).order_by().annotate(**sums)) if column else [qs.aggregate(**sums)]

    # By day or week only the day rows are read (_days_q): that is part of what was read.
    day_rows = group in ("day", "week")
    summed: dict[Any, dict[str, float]] = defaultdict(lambda: dict.fromkeys((*COUNTERS, "ht_minutes"), 0))
    for row in _memo(memo, ("rows", model.__name__, grain, days, day_rows, column, filters), read_rows):
        target = summed[key_of(row[column]) if column else None]
        for name in sums:
            target[name] += row[name] or 0
    pending = PendingItem.objects.filter(day__gte=days.first, day__lte=days.last, moment__lte=now).filter(pending_where)
    pend: dict[Any, dict[str, float]] = defaultdict(dict)
    if group == "topic":
        # Each item under each topic of its order, counted in one query (the items keep the
        # order's id, not a key the ORM could join on).
        through = WorkOrder.topics.through._meta.db_table
        items, params = pending.values("kind", "order_id").order_by().query.sql_with_params()
        sql = (
            f"SELECT p.kind, t.topic_id, COUNT(*) FROM ({items}) p "  # noqa: S608 -- the ORM's SQL and a table name
            f"JOIN {through} t ON t.workorder_id = p.order_id GROUP BY p.kind, t.topic_id"
        )
        with connections[pending.db].cursor() as cursor:
            cursor.execute(sql, params)
            for kind, topic_id, n in cursor.fetchall():
                pend[topic_id][kind] = pend[topic_id].get(kind, 0) + n
    else:
        for row in _pending_counts([days], filters, pending_where, now, memo):
            if not days.first <= row["day"] <= days.last:
                continue
            k = key_of(row[column]) if column else None
            pend[k][row["kind"]] = pend[k].get(row["kind"], 0) + row["n"]
    keys = set(summed) | set(pend)
    if not keys and group is None:
        keys = {None}
    texts = _texts(codes)
    return {k: _figures(summed[k], pend.get(k, {}), config, codes, texts) for k in keys}


def totals(
    periods: list[Days],
    filters: Filters | None = None,
    *,
    codes: Iterable[str] | None = None,
    config: Config | None = None,
    now: dt.datetime | None = None,
    memo: Memo | None = None,
) -> list[dict[str, RolledFigure]]:
    """figures(days, filters)[None] for each of `periods` (the dashboard's period, the one
    before, a year before, today, this month), in one query on the rollups (their rows summed
    per grain and day, a few hundred at most, each taken into the periods whose rows it is)
    and one on the pending items (shared with the page's other figures through `memo`)."""
    filters = filters or Filters()
    config = config or Config.from_settings()
    now = now or timezone.now()
    codes = list(codes or ROLLED)
    model, grain, where, pending_where = _selection(filters, None, memo)
    names = (*COUNTERS, "ht_minutes")
    spans = [_day_spans(days, grain, None) for days in periods]
    sums = {name: Sum(name) for name in names}
    either = _spans_q([span for period in spans for span in period])
    # In order, so that a period's sums add its rows in the same order however it is asked.
    rows = model.objects.filter(either).filter(where).values("grain", "day").order_by("grain", "day").annotate(**sums)
    summed: list[dict[str, float]] = [dict.fromkeys(names, 0) for _ in periods]
    for row in rows:
        for i, period in enumerate(spans):
            if any(g == row["grain"] and first <= row["day"] <= last for g, first, last in period):
                target = summed[i]
                for name in names:
                    target[name] += row[name] or 0
    pend: list[dict[str, float]] = [defaultdict(int) for _ in periods]
    for row in _pending_counts(periods, filters, pending_where, now, memo):
        for i, days in enumerate(periods):
            if days.first <= row["day"] <= days.last:
                pend[i][row["kind"]] += row["n"]
    texts = _texts(codes)
    return [_figures(summed[i], dict(pend[i]), config, codes, texts) for i in range(len(periods))]


def empty_figures(codes: Iterable[str], config: Config | None = None) -> dict[str, RolledFigure]:
    """The figures of a period without any order (0, or — where nothing divides)."""
    return _figures(dict.fromkeys((*COUNTERS, "ht_minutes"), 0), {}, config or Config.from_settings(), codes)


def total(days: Days, filters: Filters | None = None, **kwargs: Any) -> dict[str, RolledFigure]:
    return figures(days, filters, **kwargs)[None]


def first_dispatch_accuracy(
    days: Days,
    by: str = "category",
    *,
    level: int | None = None,
    filters: Filters | None = None,
) -> dict[int | None, RolledFigure]:
    """首次派单准确率 per category (by="category", the node at `level`, default the leaf
    level 3) or per lead unit (by="unit", each unit itself), from the rollups; the key is
    the category or unit id (None: orders without one)."""
    rows = figures(days, filters, group=by, level=level or 3, codes=["first_dispatch_accuracy"])
    return {
        key: figs["first_dispatch_accuracy"]
        for key, figs in rows.items()
        if figs["first_dispatch_accuracy"].denominator
    }
