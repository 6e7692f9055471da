"""A Chinese history in: messages of the Teddy Cup 附件4 with their government replies, as a
center would export them (plus the unit that replied and a callback, derived from the data):
numbers, times, units, replies and callbacks kept; the units' figures follow."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from civicdesk.exchange.importing import import_orders
from civicdesk.exchange.mapping import load_map
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.workflow import State
from civicdesk.statistics.measures import Filters, Period, measure
from tests.exchange.data import teddy_org, teddy_sample

SHANGHAI = ZoneInfo("Asia/Shanghai")
SATISFACTION = {"满意": "satisfied", "基本满意": "basically", "不满意": "unsatisfied"}
SOLVED = {"已解决": "solved", "部分解决": "partly", "未解决": "unsolved"}
pytestmark = pytest.mark.django_db


def test_it_imports_messages_with_replies_and_callbacks(tmp_path: Path) -> None:
    path, rows = teddy_sample(tmp_path / "留言.xlsx", 300)
    hub = teddy_org(rows)
    report = import_orders(path, load_map("teddycup"), hub)
    assert (report.imported, report.rejected) == (len(rows), [])
    orders = {o.number: o for o in WorkOrder.objects.select_related("lead_unit")}
    for row in rows:
        order = orders[str(row["留言编号"])]
        assert order.channel == "web" and order.state == State.CLOSED
        assert order.title == row["留言主题"] and order.content == row["留言详情"]
        assert order.created_at == row["留言时间"].replace(tzinfo=SHANGHAI)  # type: ignore[attr-defined]
        assert order.lead_unit is not None and order.lead_unit.name == row["承办单位"]
        assert order.reply_text == row["答复意见"]
        assert order.replied_at == row["答复时间"].replace(tzinfo=SHANGHAI)  # type: ignore[attr-defined]
        assert order.callback_satisfaction == SATISFACTION[str(row["满意度"])]
        assert order.callback_solved == SOLVED[str(row["解决情况"])]
        assert order.closed_at == row["回访时间"].replace(tzinfo=SHANGHAI)  # type: ignore[attr-defined]

    # The satisfaction of each unit, as the statistics count it, is what the callbacks said.
    ever = Period(dt.datetime(2000, 1, 1, tzinfo=SHANGHAI), dt.datetime(2100, 1, 1, tzinfo=SHANGHAI))
    for unit in hub.children.all():
        mine = [r for r in rows if r["承办单位"] == unit.name]
        figure = measure("satisfaction", ever, Filters(lead_unit=unit))
        satisfied = sum(1 for r in mine if r["满意度"] in ("满意", "基本满意"))
        assert (figure.numerator, figure.denominator) == (satisfied, len(mine))
