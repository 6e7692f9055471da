"""The import's fast path writes exactly what the same moves write one by one, live.

A small mixed file — created only, answered at once, dispatched with and without the file's
deadline, urgent, signed, replied late, a reply the checks flag (accepted with the import's
reason), accepted and waiting for the callback, called back satisfied and unsatisfied,
closed without a callback, and rows refused before and half-way through their moves — is
imported twice from the same database: by import_orders (the bulk engine: the rows in
memory, the rights of the import account, the time limits and the reply checks' answers
remembered from order to order, COPY), and with each row's moves made live through the
database store, which remembers nothing from one move to the next and checks every right
against the database. The orders, their deadlines, assignments and events, the rejected
rows and the statistics must come out the same. Running the fast import again skips every
row and changes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.db import models, transaction

from civicdesk.demo.history import MOVE_FUNCTIONS
from civicdesk.exchange import importing
from civicdesk.exchange.importing import References, Report, import_account, import_orders
from civicdesk.exchange.mapping import load_map
from civicdesk.exchange.reading import read_rows
from civicdesk.orders import clock
from civicdesk.orders.actions import create_order
from civicdesk.orders.actions.base import DatabaseStore
from civicdesk.orders.models import Assignment, OrderEvent, WorkOrder
from civicdesk.org.models import User
from civicdesk.statistics.measures import MEASURES, Period, measure
from civicdesk.statistics.rollups import Days, figures, run_rollup_sweep
from tests.world import World

pytestmark = pytest.mark.django_db

ERRORS = Path(__file__).resolve().parent / "files" / "errors.csv"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
_ZJ, _YT, _SJ = "市住房和城乡建设局", "崖头街道办事处", "市市场监督管理局"
_ASK = "人民路与成山大道交叉口南侧路面有多处坑洼，请尽快修复。"
# More rows after the error file's (which has the refused rows, one refused half-way through
# its moves, a callback, an order never dispatched and one answered at once).
_MORE: list[dict[str, str]] = [
    # Replied after the file's deadline, with words the checks block: accepted as it was then.
    {
        "工单编号": "M101",
        "受理时间": "2025-03-04 09:00:00",
        "承办单位": _ZJ,
        "派单时间": "2025-03-04 09:10:00",
        "签收时间": "2025-03-04 09:30:00",
        "办理时限": "2025-03-05 17:00:00",
        "办理结果": "已解决",
        "答复内容": "经查该路段不归我们管，请自行协商解决。",
        "答复时间": "2025-03-12 10:00:00",
        "审核时间": "2025-03-12 15:00:00",
        "办结时间": "2025-03-13 09:00:00",
    },
    # Signed, not replied yet.
    {
        "工单编号": "M102",
        "受理时间": "2025-03-04 10:00:00",
        "承办单位": _YT,
        "派单时间": "2025-03-04 10:05:00",
        "签收时间": "2025-03-04 11:00:00",
    },
    # Accepted, waiting for its callback; computed deadlines (no 办理时限 in the file).
    {
        "工单编号": "M103",
        "受理时间": "2025-03-04 11:00:00",
        "承办单位": _ZJ,
        "派单时间": "2025-03-04 11:30:00",
        "办理结果": "已解决",
        "答复内容": "已安排养护队于3月5日修复路面，联系电话0631-7561234。",
        "答复时间": "2025-03-05 16:00:00",
        "审核时间": "2025-03-06 09:00:00",
    },
    # Called back unsatisfied and unsolved.
    {
        "工单编号": "M104",
        "受理时间": "2025-03-05 08:00:00",
        "承办单位": _SJ,
        "办理结果": "部分解决",
        "答复内容": "已约谈商户，责令整改。",
        "答复时间": "2025-03-07 10:00:00",
        "回访时间": "2025-03-08 10:00:00",
        "回访解决情况": "未解决",
        "回访满意度": "不满意",
        "回访意见": "仍有噪声",
    },
    # Urgent: the 7×24 clock; dispatched at night.
    {
        "工单编号": "M105",
        "受理时间": "2025-03-08 23:10:00",
        "紧急程度": "紧急",
        "承办单位": _ZJ,
        "派单时间": "2025-03-08 23:20:00",
    },
    # A weekend dispatch, replied and closed without a callback, same unit again.
    {
        "工单编号": "M106",
        "受理时间": "2025-03-09 14:00:00",
        "诉求类型": "咨询",
        "受理渠道": "网站",
        "承办单位": _ZJ,
        "办理结果": "已解决",
        "答复内容": "根据相关规定已答复来电人。",
        "答复时间": "2025-03-10 09:00:00",
        "办结时间": "2025-03-10 12:00:00",
    },
    # Refused by the row check: its reply's result is not one of the values.
    {
        "工单编号": "M107",
        "受理时间": "2025-03-10 09:00:00",
        "承办单位": _ZJ,
        "办理结果": "办得很好",
        "答复内容": "已处理。",
        "答复时间": "2025-03-10 10:00:00",
    },
]


def _mixed_file(path: Path) -> Path:
    with ERRORS.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        # The error file has no 审核时间 (an optional column); these rows give it.
        header = [*(reader.fieldnames or []), "审核时间"]
        rows = list(reader)
    for extra in _MORE:
        rows.append({**dict.fromkeys(header, ""), "受理渠道": "12345热线", "诉求类型": "投诉", "紧急程度": "一般",
                     "诉求标题": "人民路路面坑洼", "诉求内容": _ASK, "诉求人": "王先生", "联系电话": "13800001234",
                     **extra})  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


class _LiveStore(DatabaseStore):
    """The live store with the file's numbers, setting nothing off (as the import)."""

    sets_off_reactions = False

    def __init__(self) -> None:
        self.number = ""

    def next_number(self, at: dt.datetime) -> str:
        return self.number


class _LiveEngine:
    """carry_out's engine with every move made live, each row in a savepoint of its own (a
    row refused half-way is rolled back: the import's "no half-written order")."""

    def __init__(self) -> None:
        self.store = _LiveStore()
        self._row: transaction.Atomic | None = None
        self._last: WorkOrder | None = None

    @property
    def number(self) -> str:
        return self.store.number

    @number.setter
    def number(self, value: str) -> None:
        self.store.number = value

    def _settle(self, order: WorkOrder | None) -> None:
        # carry_out puts the file's 办理时限 on the order between moves; live, it is saved.
        if order is not None:
            WorkOrder.objects.filter(pk=order.pk).update(
                handle_due_at=order.handle_due_at, handle_warn_at=order.handle_warn_at
            )

    def _end_row(self, rollback: bool = False) -> None:
        if self._row is not None:
            if rollback:
                transaction.set_rollback(True)
            self._row.__exit__(None, None, None)
            self._row = None

    def create(self, at: dt.datetime, **fields: Any) -> WorkOrder:
        self.close()
        self._row = transaction.atomic()
        self._row.__enter__()
        try:
            with clock.running_at(at):
                self._last = create_order(store=self.store, **fields)
        except Exception:
            self._end_row(rollback=True)
            raise
        return self._last

    def do(self, action: str, order: WorkOrder, at: dt.datetime, actor: User | None, **params: Any) -> WorkOrder:
        self._settle(order)
        with clock.running_at(at):
            self._last = MOVE_FUNCTIONS[action](order, actor=actor, store=self.store, **params)
        return self._last

    def discard(self, order_id: int) -> None:
        self._last = None
        self._end_row(rollback=True)

    def close(self) -> None:
        self._settle(self._last)
        self._last = None
        self._end_row()


def _values(obj: models.Model, skip: set[str]) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.name not in skip}


def _written() -> dict[str, Any]:
    """Every order by its number, with its assignments, topics and events, and the statistics,
    database ids replaced by what they stand for."""
    names = dict(User.objects.values_list("pk", "username"))
    orders: dict[str, Any] = {}
    for order in WorkOrder.objects.order_by("number"):
        shape = _values(order, {"id", "owner"})
        shape["owner"] = names.get(order.owner_id)
        shape["topics"] = sorted(order.topics.values_list("code", flat=True))
        assignments = list(Assignment.objects.filter(order=order).order_by("pk"))
        position = {a.pk: i for i, a in enumerate(assignments)}
        shape["assignments"] = [
            {**_values(a, {"id", "order", "parent"}), "parent": position.get(a.parent_id)} for a in assignments
        ]
        shape["events"] = [
            {**_values(e, {"id", "order", "actor"}), "actor": names.get(e.actor_id)}
            for e in OrderEvent.objects.filter(order=order).order_by("seq")
        ]
        orders[order.number] = shape
    spring = Period(dt.datetime(2025, 3, 1, tzinfo=SHANGHAI), dt.datetime(2025, 4, 1, tzinfo=SHANGHAI))
    as_of = dt.datetime(2025, 3, 20, tzinfo=SHANGHAI)
    number_of = dict(WorkOrder.objects.values_list("pk", "number"))
    statistics = {}
    for code in sorted(MEASURES):
        figure = measure(code, spring, as_of=as_of)
        statistics[code] = (
            figure.value,
            figure.numerator,
            figure.denominator,
            sorted(number_of.get(pk, "") for pk in figure.numerator_ids),
            sorted(number_of.get(pk, "") for pk in figure.denominator_ids),
        )
    run_rollup_sweep()
    rolled = figures(Days(dt.date(2025, 3, 1), dt.date(2025, 3, 31)), now=as_of)[None]
    rollups = {code: (f.value, f.numerator, f.denominator) for code, f in sorted(rolled.items())}
    return {"orders": orders, "statistics": statistics, "rollups": rollups}


def _rejected(report: Report) -> list[tuple[int, str, str, str]]:
    return [(r.line, r.column, r.reason, r.number) for r in report.rejected]


def _live_import(path: Path, w: World) -> Report:
    """import_orders' row checks, with each row's moves made live."""
    cmap = load_map("shandong")
    _header, rows = read_rows(path)
    report = Report()
    engine = _LiveEngine()
    try:
        actor = import_account(w.hub)
        importing._import(rows, cmap, w.hub, References(w.hub), actor, engine, path.name, report)  # type: ignore[arg-type]
    finally:
        engine.close()
    report.rejected.sort(key=lambda r: r.line)
    return report


def test_the_fast_import_writes_what_the_live_moves_write(w: World, tmp_path: Path) -> None:
    path = _mixed_file(tmp_path / "mixed.csv")
    # The live moves first, undone afterwards: both imports start from the same database.
    with transaction.atomic():
        live = _live_import(path, w)
        expected = _written()
        transaction.set_rollback(True)
    assert WorkOrder.objects.count() == 0

    fast = import_orders(path, load_map("shandong"), w.hub)
    written = _written()
    assert _rejected(fast) == _rejected(live)
    assert (fast.imported, fast.skipped) == (live.imported, live.skipped) == (10, 0)
    # Refused before any move (a channel, a reply result that is no value) and half-way
    # through them (a callback comment too long for the callback move): nothing of them is there.
    assert {"H2025030300005", "H2025030300011", "M107"}.isdisjoint(written["orders"])
    assert written["orders"].keys() == expected["orders"].keys()
    for number, order in expected["orders"].items():
        assert written["orders"][number] == order, number
    assert written["statistics"] == expected["statistics"]
    assert written["rollups"] == expected["rollups"]
    # Some figures are not empty: the comparison compared something.
    assert expected["statistics"]["accepted"][0] == 10

    # Resumed: every row already in is skipped, and nothing changes.
    again = import_orders(path, load_map("shandong"), w.hub)
    # (Line 9 repeats line 2's number: that number is in now, so the row is skipped too.)
    assert (again.imported, again.skipped) == (0, 11)
    assert _rejected(again) == [r for r in _rejected(fast) if r[3] not in written["orders"]]
    assert _written()["orders"] == written["orders"]
