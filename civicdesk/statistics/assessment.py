"""月度通报: the monthly assessment of the units under one hub.

The unit score is the published weighting of the ranking (civicdesk.statistics.ranking:
响应率 / 解决率 / 满意率), computed for the month; deductions configured by rule are taken
off it; the units are ranked by type (bureaus and towns separately, as centers publish
them), with a 红榜 (best) and a 黑榜 (worst) among the units that received at least the
minimum volume. Every number keeps the orders behind it, so the page links each one to its
list.

Deduction rules are data (a TOML file named by CIVICDESK_ASSESSMENT_RULES_FILE, or
settings.CIVICDESK_ASSESSMENT_DEDUCTIONS), so a center adds one without code:

    [[deduction]]
    code = "refused_objection"
    name = "退单异议被驳回"
    action = "reject_objection"
    unit = "data:unit"
    points = 1
 A rule counts, per unit, either
- the orders behind a count measure of measures.py ("measure": "overdue"), for the unit alone
  (on the page, a measure the rollups keep is summed from the month's unit rows), or
- the events of an action ("action": "record_callback"), optionally only those whose data
  holds given values ("data": {"rework": true}), in the month, charged to the order's
  current lead unit (or, with "unit": "acting_unit", to the unit that made the move, or
  with "unit": "data:unit", to the unit whose id the event's data holds under that key),
and takes `points` off per item, at most `cap` per unit when a cap is given.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.org.models import OrgUnit, UnitKind
from civicdesk.statistics.measures import (
    MEASURES,
    Figure,
    Filters,
    Period,
    measure,
    numerator_ids_by_unit,
    order_q,
)
from civicdesk.statistics.ranking import SCORE_PARTS, rank_units, rank_units_rolled
from civicdesk.statistics.rollups import ROLLED, Days, figures, figures_as_of

# The deductions a center starts with. Each is data: see the module's docstring.
DEFAULT_DEDUCTIONS: list[dict[str, Any]] = [
    {"code": "overdue", "name": "超期工单", "measure": "overdue", "points": 0.5, "cap": 20},
    {
        # The callback found the reply untrue (the citizen says it is not solved) and the hub
        # judged it the unit's fault: the order went back for rework. A measure kept in the
        # rollups (虚假答复次数), so the page sums it from the month's unit rows like 超期: counted
        # on the events it read the month's rework callbacks and their orders on every look
        # (180 ms at 10M orders, issue #20).
        "code": "false_reply",
        "name": "虚假答复（回访核实不实、责令重办）",
        "measure": "false_replies",
        "points": 2,
    },
    # An objection to a refused return that the second level rules against the unit: charged
    # to the unit that objected, which the event names in its data.
    {
        "code": "refused_objection",
        "name": "退单异议被驳回",
        "action": "reject_objection",
        "unit": "data:unit",
        "points": 1,
    },
]

# Ranked separately, in this order; every other kind of unit is ranked in a third table.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("department", (UnitKind.DEPARTMENT,)),
    ("town", (UnitKind.TOWN,)),
    ("other", ()),
)


def group_name(code: str) -> str:
    return {"department": _("部门（委办局）"), "town": _("镇街"), "other": _("其他单位")}[code]


class RuleError(ValueError):
    """A deduction rule in the settings that cannot be applied."""


@dataclass(frozen=True)
class DeductionRule:
    code: str
    name: str
    points: float
    measure: str = ""
    action: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)
    unit: str = "lead_unit"  # or "acting_unit", or "data:<key>" (the unit id in the event's data)
    cap: float | None = None

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> DeductionRule:
        try:
            rule = cls(
                code=str(raw["code"]),
                # Configured text, shown in the reader's language where a translation exists.
                name=_(str(raw.get("name") or raw["code"])),
                points=float(raw["points"]),
                measure=str(raw.get("measure", "")),
                action=str(raw.get("action", "")),
                data=dict(raw.get("data") or {}),
                unit=str(raw.get("unit", "lead_unit")),
                cap=None if raw.get("cap") is None else float(raw["cap"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise RuleError(f"deduction rule {raw!r}: {error}") from None
        if bool(rule.measure) == bool(rule.action):
            raise RuleError(f"deduction rule {rule.code}: give either 'measure' or 'action'")
        if rule.measure and (rule.measure not in MEASURES or MEASURES[rule.measure].kind != "count"):
            raise RuleError(f"deduction rule {rule.code}: {rule.measure} is not a count measure")
        if rule.unit not in ("lead_unit", "acting_unit") and not (rule.unit.startswith("data:") and rule.action):
            raise RuleError(f"deduction rule {rule.code}: unit must be lead_unit, acting_unit or data:<key>")
        return rule

    def describe(self) -> str:
        per = _("每件扣 %(p)s 分") % {"p": f"{self.points:g}"}
        if self.cap is not None:
            per += _("，最多扣 %(cap)s 分") % {"cap": f"{self.cap:g}"}
        return _("%(name)s：%(per)s") % {"name": self.name, "per": per}


def configured_rules() -> list[dict[str, Any]]:
    """The center's deduction rules: the [[deduction]] tables of CIVICDESK_ASSESSMENT_RULES_FILE,
    else settings.CIVICDESK_ASSESSMENT_DEDUCTIONS, else the defaults."""
    path = getattr(settings, "CIVICDESK_ASSESSMENT_RULES_FILE", "")
    if path:
        try:
            with open(path, "rb") as file:
                found = tomllib.load(file).get("deduction")
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise RuleError(f"CIVICDESK_ASSESSMENT_RULES_FILE {path}: {error}") from None
        if not isinstance(found, list):
            raise RuleError(f"CIVICDESK_ASSESSMENT_RULES_FILE {path}: no [[deduction]] tables")
        return found
    return list(getattr(settings, "CIVICDESK_ASSESSMENT_DEDUCTIONS", DEFAULT_DEDUCTIONS))


def deduction_rules(raw: Iterable[Mapping[str, Any]] | None = None) -> list[DeductionRule]:
    if raw is None:
        raw = configured_rules()
    rules = [DeductionRule.from_dict(r) for r in raw]
    codes = [r.code for r in rules]
    if len(set(codes)) != len(codes):
        raise RuleError("deduction rules must have distinct codes")
    return rules


def rule_orders(rule: DeductionRule, period: Period, unit: OrgUnit, *, as_of: dt.datetime) -> list[int]:
    """The orders behind one rule's deduction for one unit (an id repeats per event)."""
    if rule.measure:
        figure = measure(rule.measure, period, Filters(lead_unit=unit, include_sub_units=False), as_of=as_of)
        return list(figure.numerator_ids)
    events = _rule_events(rule, period, as_of).filter(_charged_to(rule, unit))
    return list(events.order_by("at", "pk").values_list("order_id", flat=True))


def rules_orders_by_unit(
    rule: DeductionRule, period: Period, units: list[int], *, as_of: dt.datetime
) -> dict[int, list[int]]:
    """rule_orders for each of `units`, in one query."""
    if rule.measure:
        return numerator_ids_by_unit(rule.measure, period, units, as_of=as_of)
    column = _charge_column(rule)
    found: dict[int, list[int]] = {unit: [] for unit in units}
    events = _rule_events(rule, period, as_of).filter(**{f"{column}__in": units}).order_by("at", "pk")
    for unit, order_id in events.values_list(column, "order_id"):
        if unit in found:  # a unit id the event's data holds as text is not one of ours
            found[unit].append(order_id)
    return found


def _charge_column(rule: DeductionRule) -> str:
    """The column (or key of the event's data) naming the unit an event is charged to."""
    if rule.unit.startswith("data:"):
        return f"data__{rule.unit.removeprefix('data:')}"
    return "order__lead_unit_id" if rule.unit == "lead_unit" else "acting_unit_id"


def _charged_to(rule: DeductionRule, unit: OrgUnit) -> Q:
    if rule.unit.startswith("data:"):
        return Q(**{f"data__{rule.unit.removeprefix('data:')}": unit.pk})
    return Q(order__lead_unit=unit) if rule.unit == "lead_unit" else Q(acting_unit=unit)


def _rule_events(rule: DeductionRule, period: Period, as_of: dt.datetime) -> QuerySet[OrderEvent]:
    events = OrderEvent.objects.filter(order_q(Filters(), prefix="order__"), action=rule.action, at__lte=as_of).filter(
        period.q("at")
    )
    for key, value in rule.data.items():
        events = events.filter(**{f"data__{key}": value})
    return events


def rule_orders_qs(rule: DeductionRule, period: Period, unit: OrgUnit, *, as_of: dt.datetime) -> QuerySet[WorkOrder]:
    """The same orders as a queryset, for the paged list behind a deduction."""
    return WorkOrder.objects.filter(pk__in=set(rule_orders(rule, period, unit, as_of=as_of)))


@dataclass(frozen=True)
class Deduction:
    rule: DeductionRule
    count: int
    points: float
    # The orders behind the count (an id repeats per event); None where the count was summed
    # from the rollups (assess(rolled=True)): the page opens the list through its link.
    order_ids: tuple[int, ...] | None


@dataclass(frozen=True)
class AssessedUnit:
    unit: OrgUnit
    volume: int
    figures: dict[str, Figure]  # counts only (measures.measure_by_unit)
    weighted: float  # the published weighting, before deductions
    missing: tuple[str, ...]
    deductions: list[Deduction]
    rank: int = 0
    grade: str = ""

    @property
    def deducted(self) -> float:
        return round(sum(d.points for d in self.deductions), 2)

    @property
    def score(self) -> float:
        return round(self.weighted - self.deducted, 2)


@dataclass
class Group:
    code: str
    name: str
    rows: list[AssessedUnit]
    red: list[AssessedUnit]
    black: list[AssessedUnit]
    left_out: list[AssessedUnit]


@dataclass
class Assessment:
    hub: OrgUnit
    first: dt.date
    last: dt.date
    period: Period
    as_of: dt.datetime
    min_volume: int
    weights: tuple[int, int, int]
    rules: list[DeductionRule]
    groups: list[Group]
    definition: str
    # Summed from the rollups (assess(rolled=True)), as the sweep took the orders in at rolled_at
    # (None: never yet).
    rolled: bool = False
    rolled_at: dt.datetime | None = None

    @property
    def title(self) -> str:
        return _("%(hub)s %(y)s年%(m)s月 月度通报") % {
            "hub": self.hub.name,
            "y": self.first.year,
            "m": self.first.month,
        }

    @property
    def month(self) -> str:
        return f"{self.first:%Y-%m}"


def month_days(month: str) -> tuple[dt.date, dt.date]:
    """'2026-03' → its first and last day; ValueError for anything else."""
    first = dt.date.fromisoformat(f"{month}-01")
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def month_period(first: dt.date, last: dt.date) -> Period:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    return Period(start, end)


def grade_of(score: float) -> str:
    """The grade a score earns (thresholds: CIVICDESK_ASSESSMENT_GRADES, highest first)."""
    for threshold, name in getattr(settings, "CIVICDESK_ASSESSMENT_GRADES", DEFAULT_GRADES):
        if score >= threshold:
            return _(name)
    return _("较差")


DEFAULT_GRADES: list[tuple[float, str]] = [(95, "优秀"), (85, "良好"), (70, "合格"), (0, "较差")]


def assess(
    hub: OrgUnit,
    month: str,
    *,
    as_of: dt.datetime | None = None,
    min_volume: int | None = None,
    weights: tuple[int, int, int] | None = None,
    rules: list[DeductionRule] | None = None,
    board_size: int | None = None,
    rolled: bool = False,
) -> Assessment:
    """The monthly assessment of the units under `hub` for `month` ('YYYY-MM'), judged at
    `as_of` (default now) from the orders and events. rolled=True (the page and its export):
    the score's parts, the volumes and the deductions by a rolled-up measure (超期) are summed
    from the month rows of the rollups, as the sweep last took the orders in (as_of is that
    moment): reading the month's dispatches, callbacks and due orders grew with the month's
    volume (1.3 s at 1M orders, issue #20). The deductions counted on events (rules with an
    action) stay a grouped query each."""
    first, last = month_days(month)
    period = month_period(first, last)
    if rolled and as_of is not None:
        raise ValueError("assess(rolled=True) is as of the last sweep: judging another moment needs the orders")
    now = timezone.now()
    rolled_at = figures_as_of() if rolled else None
    as_of = (rolled_at or now) if rolled else (as_of or now)
    rules = deduction_rules() if rules is None else rules
    size: int = board_size or int(getattr(settings, "CIVICDESK_ASSESSMENT_BOARD_SIZE", 3))
    counted: dict[tuple[str, int], int] = {}
    if rolled:
        measured = [r.measure for r in rules if r.measure in ROLLED]
        # One read of the unit rows of the month: the score's parts, the volumes, the counts.
        per_unit = figures(
            Days(first, last), Filters(), group="unit", codes=[*SCORE_PARTS, "dispatches", *measured], now=now
        )
        ranking = rank_units_rolled(
            Days(first, last), Filters(lead_unit=hub), now=now, min_volume=min_volume, weights=weights, rows=per_unit
        )
        unit_figures: dict[int, dict[str, Any]] = {pk: figs for pk, figs in per_unit.items() if pk is not None}
        counted = {(code, pk): int(figs[code].numerator) for pk, figs in unit_figures.items() for code in measured}
    else:
        ranking = rank_units(period, Filters(lead_unit=hub), as_of=as_of, min_volume=min_volume, weights=weights)
        unit_figures = ranking.figures
    units = [r.unit for r in ranking.rows] + [unit for unit, _volume in ranking.left_out]
    # Each rule for every unit at once (one query per rule, whatever the number of units).
    charged = {
        rule.code: rules_orders_by_unit(rule, period, [u.pk for u in units], as_of=as_of)
        for rule in rules
        if not (rolled and rule.measure in ROLLED)
    }

    def assessed(
        unit: OrgUnit, volume: int, figures: dict[str, Any], score: float, missing: tuple[str, ...]
    ) -> AssessedUnit:
        deductions = []
        for rule in rules:
            ids = charged[rule.code][unit.pk] if rule.code in charged else None
            count = len(ids) if ids is not None else counted.get((rule.measure, unit.pk), 0)
            points = count * rule.points
            if rule.cap is not None:
                points = min(points, rule.cap)
            deductions.append(Deduction(rule, count, round(points, 2), None if ids is None else tuple(ids)))
        return AssessedUnit(unit, volume, figures, score, missing, deductions)

    ranked = [assessed(r.unit, r.volume, r.figures, r.score, r.missing) for r in ranking.rows]
    left_out = []
    if ranking.left_out:
        # The units under the minimum volume are shown with their figures too, all at once.
        # (rank_units counted them with the ranked ones).
        for unit, volume in ranking.left_out:
            left_out.append(
                assessed(unit, volume, {code: unit_figures[unit.pk][code] for code in SCORE_PARTS}, 0.0, ())
            )
    groups = []
    known = {k for _c, ks in GROUPS for k in ks}
    for code, kinds in GROUPS:

        def member(row: AssessedUnit, kinds: tuple[str, ...] = kinds) -> bool:
            return row.unit.kind in kinds if kinds else row.unit.kind not in known

        rows = sorted((r for r in ranked if member(r)), key=lambda r: (-r.score, -r.volume, r.unit.name))
        numbered: list[AssessedUnit] = []
        for index, row in enumerate(rows):
            rank = numbered[-1].rank if numbered and numbered[-1].score == row.score else index + 1
            numbered.append(_with(row, rank=rank, grade=grade_of(row.score)))
        red = numbered[:size]
        on_red = {r.unit.pk for r in red}
        # Worst first; a small group's unit is never on both boards.
        black = [r for r in reversed(numbered[-size:]) if r.unit.pk not in on_red]
        outside = sorted((r for r in left_out if member(r)), key=lambda r: (-r.volume, r.unit.name))
        if numbered or outside:
            groups.append(Group(code, group_name(code), numbered, red, black, outside))
    definition = (
        ranking.definition
        + _("月度得分 = 单位得分 − 扣分；扣分规则：")
        + _("；").join(rule.describe() for rule in rules)
        + _("。部门与镇街分别排名；红榜、黑榜各取本组得分最高、最低的 %(n)s 个单位（只在达到最低派单量的单位中评选）。")
        % {"n": size}
    )
    return Assessment(
        hub,
        first,
        last,
        period,
        as_of,
        ranking.min_volume,
        ranking.weights,
        rules,
        groups,
        definition,
        rolled,
        rolled_at,
    )


def _with(row: AssessedUnit, **changes: Any) -> AssessedUnit:
    return AssessedUnit(
        row.unit,
        row.volume,
        row.figures,
        row.weighted,
        row.missing,
        row.deductions,
        changes.get("rank", row.rank),
        changes.get("grade", row.grade),
    )
