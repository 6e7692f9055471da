"""The unit ranking: a weighted score of 响应率 / 解决率 / 满意率 (DESIGN §6: 30 / 35 / 35),
for units that received at least the minimum volume, so one lucky order cannot top it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy

from civicdesk.org.models import OrgUnit
from civicdesk.statistics.measures import (
    MEASURES,
    Config,
    Context,
    Figure,
    Filters,
    Period,
    _dispatches,
    measure_by_unit,
    response_conditions,
)
from civicdesk.statistics.rollups import figures

SCORE_PARTS = ("response", "resolution", "satisfaction")
DEFINITION = gettext_lazy(
    "单位得分 = 响应率×%(w0)s%% + 解决率×%(w1)s%% + 满意率×%(w2)s%%（满分100）。某项无数据（如无回访）时，"
    "按其余各项权重折算。统计期内作为主办单位接收派单（含改派、下派、退单后重派）"
    "少于 %(min_volume)s 次的单位不参与排名。"
    "按单位本身统计，不含下级单位。"
)


@dataclass(frozen=True)
class RankedUnit:
    rank: int
    unit: OrgUnit
    volume: int  # dispatches the unit received as lead in the period
    figures: dict[str, Any]  # Figure (measures.py) or RolledFigure (rollups)
    score: float
    missing: tuple[str, ...]  # parts without data, left out of the score


@dataclass(frozen=True)
class Ranking:
    rows: list[RankedUnit]
    left_out: list[tuple[OrgUnit, int]]  # units under the minimum volume, with their volume
    min_volume: int
    weights: tuple[int, int, int]
    definition: str
    # The score's parts of every unit with a dispatch in the period, ranked or not (rank_units).
    figures: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def note(self) -> str:
        if not self.left_out:
            return ""
        names = "、".join(f"{unit.name}（{volume}次）" for unit, volume in self.left_out)
        return f"接收派单不足{self.min_volume}次、未参与排名的单位：{names}。"


def unit_score(figures: dict[str, Any], weights: tuple[int, int, int]) -> tuple[float, tuple[str, ...]]:
    total = weight_sum = 0.0
    missing = []
    for code, weight in zip(SCORE_PARTS, weights, strict=True):
        value = figures[code].value
        if value is None:
            missing.append(code)
            continue
        total += weight * value
        weight_sum += weight
    return (round(100 * total / weight_sum, 2) if weight_sum else 0.0), tuple(missing)


def _weights(weights: tuple[int, int, int] | None) -> tuple[int, int, int]:
    if weights is not None:
        return weights
    w0, w1, w2 = settings.CIVICDESK_UNIT_SCORE_WEIGHTS
    return (w0, w1, w2)


def rank_units(
    period: Period,
    filters: Filters | None = None,
    *,
    as_of: datetime | None = None,
    min_volume: int | None = None,
    weights: tuple[int, int, int] | None = None,
    config: Config | None = None,
) -> Ranking:
    filters = filters or Filters()
    as_of = as_of or timezone.now()
    context = Context(
        period, Filters(**{**filters.__dict__, "lead_unit": None}), as_of, config or Config.from_settings(), None
    )
    # The volumes and 响应率 in one grouped pass over the period's dispatches (each pass joins
    # the orders for the population rule); the other parts in one grouped query each. Every
    # unit with a dispatch gets its figures, ranked or left out (月度通报 shows both).
    counted, in_time = response_conditions(context)
    rows = (
        _dispatches(context)
        .values("unit_id")
        .order_by()
        .annotate(volume=Count("pk"), n=Count("pk", filter=counted), num=Count("pk", filter=counted & in_time))
    )
    volumes, response = {}, {}
    m = MEASURES["response"]
    name, text = str(m.name), str(m.definition)  # in the language of the moment
    for row in rows:
        volumes[row["unit_id"]] = row["volume"]
        value = row["num"] / row["n"] if row["n"] else None
        response[row["unit_id"]] = Figure("response", name, text, m.kind, value, float(row["num"]), row["n"])
    ids = list(volumes)
    parts = {code: measure_by_unit(code, period, ids, filters, as_of=as_of, config=config) for code in SCORE_PARTS[1:]}
    known = {pk: {"response": response[pk], **{code: parts[code][pk] for code in SCORE_PARTS[1:]}} for pk in ids}

    def figures_of(units: list[OrgUnit]) -> dict[int, dict[str, Any]]:
        return {unit.pk: known[unit.pk] for unit in units}

    ranking = _rank(volumes, filters, figures_of, min_volume, _weights(weights))
    return dataclasses.replace(ranking, figures=known)


def rank_units_rolled(
    days: Any,
    filters: Filters | None = None,
    *,
    now: datetime | None = None,
    min_volume: int | None = None,
    weights: tuple[int, int, int] | None = None,
    config: Config | None = None,
    rows: dict[Any, dict[str, Any]] | None = None,
) -> Ranking:
    """The same ranking as rank_units (for `now`), from the daily rollups (fast on years of data).
    `rows`: the per-unit figures already computed (group="unit", SCORE_PARTS and "dispatches")."""
    filters = filters or Filters()
    if rows is None:
        base = Filters(**{**filters.__dict__, "lead_unit": None})
        rows = figures(days, base, group="unit", codes=[*SCORE_PARTS, "dispatches"], config=config, now=now)
    volumes = {
        pk: int(figs["dispatches"].numerator)
        for pk, figs in rows.items()
        if pk is not None and figs["dispatches"].numerator
    }
    known = rows

    def figures_of(units: list[OrgUnit]) -> dict[int, dict[str, Any]]:
        return {unit.pk: {code: known[unit.pk][code] for code in SCORE_PARTS} for unit in units}

    return _rank(volumes, filters, figures_of, min_volume, _weights(weights))


def _rank(
    volumes: dict[int, int],
    filters: Filters,
    figures_of: Callable[[list[OrgUnit]], dict[int, dict[str, Any]]],
    min_volume: int | None,
    weights: tuple[int, int, int],
) -> Ranking:
    """Both rankings: units under the minimum volume are named, the others scored and ranked.
    figures_of: the score's parts of the ranked units, all at once."""
    min_volume = settings.CIVICDESK_RANKING_MIN_VOLUME if min_volume is None else min_volume
    units = OrgUnit.objects.in_bulk(list(volumes))
    if filters.lead_unit is not None:
        units = {pk: u for pk, u in units.items() if u.is_within(filters.lead_unit)}
    scored: list[tuple[float, int, str, RankedUnit]] = []
    left_out: list[tuple[OrgUnit, int]] = []
    ranked_units = [unit for pk, unit in units.items() if volumes[pk] >= min_volume]
    known = figures_of(ranked_units) if ranked_units else {}
    for pk, unit in units.items():
        volume = volumes[pk]
        if volume < min_volume:
            left_out.append((unit, volume))
            continue
        figs = known[pk]
        score, missing = unit_score(figs, weights)
        scored.append((score, volume, unit.name, RankedUnit(0, unit, volume, figs, score, missing)))
    scored.sort(key=lambda row: (-row[0], -row[1], row[2]))
    ranked: list[RankedUnit] = []
    for index, (score, _volume, _name, row) in enumerate(scored):
        # Equal scores share a rank (1, 2, 2, 4).
        rank = ranked[-1].rank if ranked and ranked[-1].score == score else index + 1
        ranked.append(RankedUnit(rank, row.unit, row.volume, row.figures, row.score, row.missing))
    left_out.sort(key=lambda item: (-item[1], item[0].name))
    definition = str(DEFINITION) % {"w0": weights[0], "w1": weights[1], "w2": weights[2], "min_volume": min_volume}
    return Ranking(ranked, left_out, min_volume, weights, definition)
