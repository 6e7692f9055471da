"""The dashboard's data: every figure from the rollups, as JSON-ready dicts.

Periods are local days: day, week (Monday–Sunday), month, or custom (from–to). Each figure
comes with the previous period of the same length and the same period a year earlier."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.catalogue.models import Area, Category, Channel, RequestType, Topic, Urgency
from civicdesk.org.models import OrgUnit
from civicdesk.statistics.measures import MEASURES, Filters
from civicdesk.statistics.ranking import rank_units_rolled
from civicdesk.statistics.rollups import (
    Days,
    Memo,
    RolledFigure,
    empty_figures,
    figures,
    figures_as_of,
    hub_line_map,
    local_day,
    totals,
    tree,
)
from civicdesk.statistics.scope import OutOfScope, narrowed

OVERVIEW = (
    "accepted",
    "answered_on_call",
    "completion",
    "on_time",
    "response",
    "resolution",
    "satisfaction",
    "return_rate",
    "first_dispatch_accuracy",
    "handling_time",
    "overdue",
    "urge_rate",
    "repeat_call_rate",
    "reply_flagged",
    "reply_sent_back",
)
TREND = ("accepted", "completion", "satisfaction", "overdue")
BREAKDOWN = ("accepted", "completion", "on_time", "satisfaction", "overdue")
PERIOD_KINDS = ("day", "week", "month", "year", "custom")


@dataclass(frozen=True)
class Section:
    """A part of the overview another app adds beside the order measures (the calls', the
    online desk's): its headline figures for the period, the period before and a year earlier
    (the same codes in the same order), each number of the period opening what is behind it."""

    key: str
    title: str
    note: str
    periods: tuple[dict[str, RolledFigure], dict[str, RolledFigure], dict[str, RolledFigure]]
    drill: dict[str, str]  # code → the page listing what is behind the period's number ("" for none)
    more: str = ""  # the page with all of the section's figures
    as_of: str = ""
    # One count of the period per line (e.g. per operator): {"name", "value", "drill"}.
    breakdown_title: str = ""
    breakdown: list[dict[str, Any]] = dataclasses.field(default_factory=list)


# The sources of those sections, registered from the apps' AppConfig.ready() so that this app
# imports none of the apps above it: fn(query, (period, previous, year ago)) → a Section, or
# None when it has nothing for this query. Each source reads its figures in a query or two,
# never one per figure (the dashboard's JSON is on the speed list).
SectionSource = Callable[["Query", tuple["Days", "Days", "Days"]], "Section | None"]
_section_sources: dict[str, SectionSource] = {}


def register_section(name: str, source: SectionSource) -> None:
    _section_sources[name] = source


class BadQuery(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _month_add(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_days(kind: str, anchor: dt.date, first: dt.date | None = None, last: dt.date | None = None) -> Days:
    if kind == "day":
        return Days(anchor, anchor)
    if kind == "week":
        monday = anchor - dt.timedelta(days=anchor.weekday())
        return Days(monday, monday + dt.timedelta(days=6))
    if kind == "month":
        start = anchor.replace(day=1)
        return Days(start, _month_add(start, 1) - dt.timedelta(days=1))
    if kind == "year":
        return Days(dt.date(anchor.year, 1, 1), dt.date(anchor.year, 12, 31))
    if first is None or last is None:
        raise BadQuery("from", _("请填写开始和结束日期。"))
    if last < first:
        raise BadQuery("to", _("结束日期不能早于开始日期。"))
    if (last - first).days > 3660:
        raise BadQuery("to", _("统计期最长十年。"))
    return Days(first, last)


def previous(days: Days, kind: str) -> Days:
    if kind in ("month", "year"):
        months = 1 if kind == "month" else 12
        start = _month_add(days.first, -months)
        return Days(start, days.first - dt.timedelta(days=1))
    span = days.last - days.first + dt.timedelta(days=1)
    return Days(days.first - span, days.last - span)


def last_year(days: Days) -> Days:
    def shift(day: dt.date) -> dt.date:
        try:
            return day.replace(year=day.year - 1)
        except ValueError:  # 29 February
            return day.replace(year=day.year - 1, day=28)

    return Days(shift(days.first), shift(days.last))


@dataclass(frozen=True)
class Query:
    kind: str
    days: Days
    filters: Filters
    params: dict[str, str]

    def label(self) -> str:
        if self.days.first == self.days.last:
            return self.days.first.isoformat()
        return f"{self.days.first.isoformat()} — {self.days.last.isoformat()}"

    def chosen(self) -> list[str]:
        """The filters chosen, in words ("单位：市住建局（含下级）"), in a fixed order."""
        f = self.filters
        parts = []
        if f.hub is not None and "hub" in self.params:
            # Named only when narrowed to a lower hub: the reader's own scope goes without saying.
            parts.append(_("范围：%(name)s") % {"name": f.hub.name})
        if f.lead_unit is not None:
            kind = _("中心") if f.lead_unit.is_hub else _("单位")
            scope = _("（含下级）") if f.include_sub_units else _("（不含下级）")
            parts.append(f"{kind}：{f.lead_unit.name}{scope}")
        if f.area is not None:
            parts.append(_("区域：%(name)s") % {"name": f.area.name})
        if f.category is not None:
            parts.append(_("分类：%(name)s") % {"name": f.category.name})
        if f.request_type:
            parts.append(_("类型：%(name)s") % {"name": RequestType(f.request_type).label})
        if f.topic is not None:
            parts.append(_("专题：%(name)s") % {"name": f.topic.name})
        if f.channel:
            parts.append(_("渠道：%(name)s") % {"name": Channel(f.channel).label})
        if f.urgency:
            parts.append(_("紧急程度：%(name)s") % {"name": Urgency(f.urgency).label})
        return parts

    def describe(self) -> str:
        """The period and every filter chosen: what an export's file and sheet are named after."""
        return " ".join([self.label(), *self.chosen()])


def _date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadQuery(field, _("日期格式应为 年-月-日，如 2026-03-01。")) from None


def _pick(model: Any, value: str, field: str, message: str) -> Any:
    if not value:
        return None
    try:
        return model.objects.get(pk=int(value))
    except (ValueError, model.DoesNotExist):
        raise BadQuery(field, message) from None


def _scoped_hub(scope: OrgUnit | None, value: str) -> OrgUnit | None:
    wanted = _pick(OrgUnit, value, "hub", _("没有这个中心，或不在您的统计范围内。"))
    try:
        return narrowed(scope, wanted)
    except OutOfScope as error:
        raise BadQuery("hub", str(error)) from None


def parse_query(data: QueryDict, scope: OrgUnit | None = None) -> Query:
    """The period and filters from a query string; BadQuery names the field at fault.
    `scope`: the hub whose subtree the asker sees (civicdesk.statistics.scope); a `hub` in
    the query narrows it to a hub within."""
    kind = data.get("period", "month")
    if kind not in PERIOD_KINDS:
        raise BadQuery("period", _("统计周期无效。"))
    today = local_day(timezone.now())
    anchor = _date(str(data["date"]), "date") if data.get("date") else today
    first = _date(str(data["from"]), "from") if data.get("from") else None
    last = _date(str(data["to"]), "to") if data.get("to") else None
    days = period_days(kind, anchor, first, last)
    choices = {"channel": Channel.values, "type": RequestType.values, "urgency": Urgency.values}
    for field, allowed in choices.items():
        if data.get(field) and data[field] not in allowed:
            raise BadQuery(field, _("筛选条件无效。"))
    filters = Filters(
        channel=data.get("channel") or None,
        request_type=data.get("type") or None,
        urgency=data.get("urgency") or None,
        category=_pick(Category, data.get("category", ""), "category", _("没有这个分类。")),
        area=_pick(Area, data.get("area", ""), "area", _("没有这个区域。")),
        topic=_pick(Topic, data.get("topic", ""), "topic", _("没有这个专题。")),
        lead_unit=_pick(OrgUnit, data.get("unit", ""), "unit", _("没有这个单位。")),
        include_sub_units=data.get("sub", "1") != "0",
        hub=_scoped_hub(scope, data.get("hub", "")),
    )
    keep = (
        "period",
        "date",
        "from",
        "to",
        "channel",
        "type",
        "urgency",
        "category",
        "area",
        "topic",
        "unit",
        "sub",
        "hub",
    )
    params = {k: str(data[k]) for k in keep if data.get(k)}
    return Query(kind, days, filters, params)


def as_of_text(moment: dt.datetime | None) -> str:
    """数据截至 HH:MM (with the date when it is not today): the rollups lag the worker."""
    if moment is None:
        return _("统计数据尚未生成（后台任务尚未运行）。")
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return _("数据截至 %(time)s") % {"time": f"{local:%H:%M}"}
    return _("数据截至 %(time)s") % {"time": f"{local:%Y-%m-%d %H:%M}"}


def figure_json(figure: RolledFigure) -> dict[str, Any]:
    return {**figure.as_json(), "name": figure.name, "kind": figure.kind, "definition": figure.definition}


def _row(figs: dict[str, RolledFigure], codes: tuple[str, ...]) -> dict[str, Any]:
    return {code: figs[code].as_json() for code in codes}


def definitions() -> dict[str, dict[str, str]]:
    return {
        code: {"name": str(m.name), "definition": str(m.definition), "kind": m.kind} for code, m in MEASURES.items()
    }


def _overview(
    current: dict[str, RolledFigure], before: dict[str, RolledFigure], year_ago: dict[str, RolledFigure]
) -> dict[str, Any]:
    return {
        code: {**figure_json(current[code]), "previous": before[code].as_json(), "last_year": year_ago[code].as_json()}
        for code in OVERVIEW
    }


def overview(q: Query, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    periods = [q.days, previous(q.days, q.kind), last_year(q.days)]
    return _overview(*totals(periods, q.filters, codes=OVERVIEW, now=now))


GLANCE = ("accepted", "completion", "satisfaction", "overdue")


def _glance(today: dt.date, day: dict[str, RolledFigure], month: dict[str, RolledFigure]) -> dict[str, Any]:
    return {"today": _row(day, GLANCE), "month": _row(month, GLANCE), "date": today.isoformat()}


def sections(q: Query) -> list[dict[str, Any]]:
    """The registered sections' figures, shaped like the overview's rows."""
    periods = (q.days, previous(q.days, q.kind), last_year(q.days))
    out = []
    for source in _section_sources.values():
        section = source(q, periods)
        if section is None:
            continue
        current, before, year_ago = section.periods
        out.append(
            {
                "key": section.key,
                "title": section.title,
                "note": section.note,
                "as_of": section.as_of,
                "more": section.more,
                "breakdown": {"title": section.breakdown_title, "rows": section.breakdown},
                "figures": [
                    {
                        **figure_json(figure),
                        "previous": before[code].as_json(),
                        "last_year": year_ago[code].as_json(),
                        "drill": section.drill.get(code, ""),
                    }
                    for code, figure in current.items()
                ],
            }
        )
    return out


def glance(filters: Filters, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    today = local_day(now)
    day, month = totals([Days(today, today), period_days("month", today)], filters, codes=GLANCE, now=now)
    return _glance(today, day, month)


def trend(q: Query, now: dt.datetime | None = None, memo: Memo | None = None) -> list[dict[str, Any]]:
    """Every day (or month) of the period up to today: days still ahead have no figures to
    draw (a future day's 办结率 would read 100% of nothing)."""
    group = "day" if (q.days.last - q.days.first).days <= 62 else "month"
    rows = figures(q.days, q.filters, group=group, codes=TREND, now=now, memo=memo)
    empty = empty_figures(TREND)
    until = min(q.days.last, local_day(now or timezone.now()))
    keys, key = [], q.days.first if group == "day" else q.days.first.replace(day=1)
    while key <= until:  # every day (or month) of the period so far, with or without orders
        keys.append(key)
        key = key + dt.timedelta(days=1) if group == "day" else _month_add(key, 1)
    return [{"key": k.isoformat(), **_row(rows.get(k, empty), TREND)} for k in keys]


LEVEL_CODES = ("accepted", "completion", "on_time", "satisfaction", "overdue")


def levels(q: Query, now: dt.datetime | None = None, memo: Memo | None = None) -> list[dict[str, Any]]:
    """The scope hub's figures, one line for its own level and one per hub below it (a county
    center with everything under it), own level first; [] without a scope hub."""
    hub = q.filters.hub
    if hub is None:
        return []
    line_map = hub_line_map(hub)
    if memo is not None:
        memo[("hub_lines", hub.pk)] = line_map
    lines = set(line_map.values())
    if lines <= {hub.pk}:
        return []
    rows = figures(q.days, q.filters, group="hub", codes=LEVEL_CODES, now=now, memo=memo)
    for line in lines:  # every line, those without orders in the period too
        rows.setdefault(line, empty_figures(LEVEL_CODES))
    names = dict(OrgUnit.objects.filter(pk__in=list(rows)).values_list("pk", "name"))
    out = [
        {"key": key, "own": key == hub.pk, "name": names.get(key, str(key)), **_row(figs, LEVEL_CODES)}
        for key, figs in rows.items()
        if key is not None
    ]
    out.sort(key=lambda r: (not r["own"], -r["accepted"]["numerator"], r["name"]))
    return out


def _names(group: str, keys: list[Any], memo: Memo | None = None) -> dict[Any, str]:
    if group in ("category", "area"):
        # The tree the figures were grouped by has the names (read once per page).
        nodes = tree(Category if group == "category" else Area, memo)
        return {key: nodes[key][2] for key in keys if key in nodes}
    if group in ("unit", "hub"):
        return dict(OrgUnit.objects.filter(pk__in=keys).values_list("pk", "name"))
    if group == "topic":
        return dict(Topic.objects.filter(pk__in=keys).values_list("pk", "name"))
    labels = {"channel": Channel, "request_type": RequestType, "urgency": Urgency}[group]
    return {value: str(label) for value, label in labels.choices}


def breakdown(
    q: Query,
    group: str,
    now: dt.datetime | None = None,
    codes: tuple[str, ...] = BREAKDOWN,
    level: int | None = None,
    unit_root: OrgUnit | None = None,
    memo: Memo | None = None,
) -> list[dict[str, Any]]:
    if group in ("category", "area") and level is None:
        node = q.filters.category if group == "category" else q.filters.area
        # Areas start at the towns: the first level is the city itself.
        level = min(node.level + 1, 3) if node is not None else (1 if group == "category" else 2)
    rows = figures(q.days, q.filters, group=group, level=level, unit_root=unit_root, codes=codes, now=now, memo=memo)
    names = _names(group, [k for k in rows if k is not None], memo)
    out = [
        {"key": key, "name": names.get(key, str(key)) if key is not None else _("（未填写）"), **_row(figs, codes)}
        for key, figs in rows.items()
    ]
    out.sort(key=lambda r: (-r[codes[0]]["numerator"], r["name"]))
    return out


def ranking(q: Query, now: dt.datetime | None = None, rows: dict[Any, Any] | None = None) -> dict[str, Any]:
    result = rank_units_rolled(q.days, q.filters, now=now, rows=rows)
    return {
        "definition": result.definition,
        "note": result.note,
        "min_volume": result.min_volume,
        "empty": ""
        if result.rows
        else _("没有单位的派单次数达到排名所需的 %(n)s 次（≥ %(n)s），本期不排名。") % {"n": result.min_volume},
        "rows": [
            {
                "rank": r.rank,
                "unit": r.unit.pk,
                "name": r.unit.name,
                "volume": r.volume,
                "score": r.score,
                **{code: f.as_json() for code, f in r.figures.items()},
            }
            for r in result.rows
        ],
    }


def _unit_filter(filters: Filters) -> set[int] | None:
    if filters.lead_unit is None:
        return None
    if not filters.include_sub_units:
        return {filters.lead_unit.pk}
    return set(OrgUnit.objects.filter(path__startswith=filters.lead_unit.path).values_list("pk", flat=True))


def dashboard(q: Query, now: dt.datetime | None = None) -> dict[str, Any]:
    """Every part of the dashboard, in a number of queries that does not grow with the units,
    categories, areas or days shown: the periods' totals in one query, each grouping of the
    rollup rows once (the areas at two levels share theirs), names from what was read."""
    now = now or timezone.now()
    memo: Memo = {}
    # One pass over the unit rows for the ranking and the overdue list.
    base = Filters(**{**q.filters.__dict__, "lead_unit": None})
    unit_codes = ("overdue", "on_time", "response", "resolution", "satisfaction", "dispatches")
    unit_rows = figures(q.days, base, group="unit", codes=unit_codes, now=now, memo=memo)
    ranked = ranking(q, now, rows=unit_rows)
    names = _names("unit", [k for k in unit_rows if k is not None])
    within = _unit_filter(q.filters)
    overdue_units = sorted(
        (
            {
                "key": k,
                "name": names.get(k, str(k)),
                "overdue": f["overdue"].as_json(),
                "on_time": f["on_time"].as_json(),
            }
            for k, f in unit_rows.items()
            if k is not None and f["overdue"].numerator and (within is None or k in within)
        ),
        key=lambda r: (-r["overdue"]["numerator"], r["name"]),
    )
    heat_level = 3 if q.filters.area is None else None
    as_of = figures_as_of()
    today = local_day(now)
    current, before, year_ago, day, month = totals(
        [q.days, previous(q.days, q.kind), last_year(q.days), Days(today, today), period_days("month", today)],
        q.filters,
        codes=OVERVIEW,
        now=now,
        memo=memo,
    )
    return {
        "period": {
            "kind": q.kind,
            "first": q.days.first.isoformat(),
            "last": q.days.last.isoformat(),
            "label": q.label(),
        },
        "as_of": as_of_text(as_of),
        "params": q.params,
        "glance": _glance(today, day, month),
        "overview": _overview(current, before, year_ago),
        "sections": sections(q),
        "trend": trend(q, now, memo),
        "by_category": breakdown(q, "category", now, memo=memo),
        "by_area": breakdown(q, "area", now, memo=memo),
        "by_topic": breakdown(q, "topic", now, memo=memo),
        "levels": levels(q, now, memo),
        "ranking": ranked,
        "overdue_by_unit": overdue_units,
        "area_heat": breakdown(
            q, "area", now, level=heat_level, codes=("accepted", "overdue", "completion", "satisfaction"), memo=memo
        ),
        "definitions": definitions(),
    }
