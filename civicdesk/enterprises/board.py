"""The enterprise board (涉企诉求看板): the statistics' own measures (accepted, completion,
on time, satisfaction — civicdesk.statistics.measures) for the orders with the 涉企 topic,
split by enterprise, industry, area or liaison officer.

The figures are computed once by the public measure functions; each keeps the ids of the
orders behind its numerator and denominator, and the board only sorts those ids into
groups, so every group's number follows the measure's own definition. An order of a
company with two officers counts for each officer (the officer rows do not add up to the
total)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.catalogue.tagging import enterprise_topic
from civicdesk.enterprises.models import Industry, LiaisonAssignment
from civicdesk.orders.joint import UnitParts, unit_part_figures
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.permissions import visible_orders
from civicdesk.org.models import User
from civicdesk.statistics.measures import Figure, Filters, Period, measures

DIMENSIONS = {
    "enterprise": gettext_lazy("按企业"),
    "industry": gettext_lazy("按行业"),
    "area": gettext_lazy("按区域"),
    "officer": gettext_lazy("按驻企员"),
}
CODES = ("accepted", "completion", "on_time", "satisfaction")


@dataclass
class Cell:
    numerator: int
    denominator: int | None
    kind: str

    def display(self) -> str:
        if self.kind != "rate":
            return str(self.numerator)
        if not self.denominator:
            return "—"
        return f"{self.numerator / self.denominator * 100:.1f}%"

    @property
    def value(self) -> float | None:
        if self.kind != "rate":
            return float(self.numerator)
        return self.numerator / self.denominator if self.denominator else None


@dataclass
class Row:
    key: object
    label: str
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Board:
    figures: list[Figure]
    rows: list[Row]
    total: Row
    parts: list[UnitParts]


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _keys(
    dimension: str, info: tuple[object, ...], officers: dict[int, list[tuple[int, str]]]
) -> list[tuple[object, str]]:
    _pk, enterprise_id, enterprise_name, industry, area_id, area_name, order_area_id, order_area_name = info
    if dimension == "enterprise":
        return [(enterprise_id, str(enterprise_name) if enterprise_id else _("（未关联企业）"))]
    if dimension == "industry":
        return [(industry or "", str(Industry(str(industry)).label) if industry else _("（未填行业）"))]
    if dimension == "area":
        if area_id:
            return [(area_id, str(area_name))]
        if order_area_id:
            return [(order_area_id, str(order_area_name))]
        return [(None, _("（未填区域）"))]
    found = officers.get(enterprise_id, []) if isinstance(enterprise_id, int) else []
    return [(pk, name) for pk, name in found] or [(None, _("（无驻企员）"))]


def compute(user: User, start: date, end: date, dimension: str) -> Board:
    """Figures for orders created (or due, or called back — as each measure defines) from
    `start` to `end` inclusive, among the orders `user` may see."""
    period = Period(_moment(start), _moment(end + timedelta(days=1)))
    figures = list(measures(period, Filters(topic=enterprise_topic()), codes=CODES).values())
    ids = {i for f in figures for i in (*f.numerator_ids, *f.denominator_ids)}
    visible = visible_orders(user).filter(pk__in=ids)
    rows_info = {
        row[0]: row
        for row in visible.values_list(
            "pk",
            "enterprise_id",
            "enterprise__name",
            "enterprise__industry",
            "enterprise__area_id",
            "enterprise__area__name",
            "area_id",
            "area__name",
        )
    }
    officers: dict[int, list[tuple[int, str]]] = {}
    if dimension == "officer":
        enterprise_ids = {info[1] for info in rows_info.values() if info[1]}
        for assignment in (
            LiaisonAssignment.objects.current().filter(enterprise_id__in=enterprise_ids).select_related("officer")
        ):
            officers.setdefault(assignment.enterprise_id, []).append((assignment.officer_id, str(assignment.officer)))
    labels: dict[object, str] = {}
    numerators: list[Counter[object]] = []
    denominators: list[Counter[object]] = []
    total = Row("total", _("合计"))
    for figure in figures:
        num: Counter[object] = Counter()
        den: Counter[object] = Counter()
        for source, counter in ((figure.numerator_ids, num), (figure.denominator_ids, den)):
            for order_id in source:
                info = rows_info.get(order_id)
                if info is None:
                    continue
                counter["__total__"] += 1
                for key, label in _keys(dimension, info, officers):
                    labels[key] = label
                    counter[key] += 1
        numerators.append(num)
        denominators.append(den)
        total.cells.append(
            Cell(num["__total__"], None if figure.denominator is None else den["__total__"], figure.kind)
        )
    rows = []
    for key, label in labels.items():
        row = Row(key, label)
        for figure, num, den in zip(figures, numerators, denominators, strict=True):
            row.cells.append(Cell(num[key], None if figure.denominator is None else den[key], figure.kind))
        rows.append(row)
    rows.sort(key=lambda r: (-r.cells[0].numerator, r.label))
    enterprise_orders = visible_orders(user).filter(
        topics=enterprise_topic(), created_at__gte=period.start, created_at__lt=period.end
    )
    parts = unit_part_figures(WorkOrder.objects.filter(pk__in=enterprise_orders.values("pk")))
    return Board(figures, rows, total, parts)
