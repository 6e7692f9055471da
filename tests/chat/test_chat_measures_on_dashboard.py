"""The online desk's queue figures (civicdesk.chat.measures) against a small case counted by
hand: a hub and the hub below it, a chat of the day before; on the statistics dashboard
beside the calls, each number opening the chats behind it, within the reader's subtree, and
read in a fixed few queries."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from civicdesk.chat import actions, measures
from civicdesk.chat.models import Chat
from civicdesk.org.models import OrgUnit, Role, User
from tests.chat.helpers import waiting_chat
from tests.world import World

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 12, 8)  # the tests' clock: 10:00 on this day (tests/chat/conftest.py)
START = datetime(2026, 12, 8, tzinfo=TZ)
NOW = datetime(2026, 12, 8, 10, 0, tzinfo=TZ)


def _answered(chat: Chat, operator: User, seconds: int, started: datetime) -> None:
    actions.take(chat, actor=operator)
    actions.operator_says(chat, actor=operator, text="您好，请讲。")
    Chat.objects.filter(pk=chat.pk).update(started_at=started, first_response_at=started + timedelta(seconds=seconds))


@pytest.fixture
def desk(w: World) -> dict[str, object]:
    """On 8 December at the hub: a chat answered after 60 s and noted by the operator, one
    answered after 300 s by the dispatcher and made an order, one left while waiting, one
    waiting since 09:40; at the hub below: one answered after 120 s and noted. On 7 December
    at the hub: one answered after 30 s and noted that day."""
    lower = OrgUnit.objects.create(name="下级中心", code="lower-hub", parent=w.hub, is_hub=True)
    lower_op = w.person("op-lower", "下级话务员", (lower, Role.OPERATOR))
    lower_leader = w.person("lower-leader", "下级主任", (lower, Role.LEADER))
    noted, ordered, left, waiting = (waiting_chat(w.hub) for _ in range(4))
    _answered(noted, w.operator, 60, NOW - timedelta(minutes=50))
    actions.note(noted, actor=w.operator, note="已解答。")
    _answered(ordered, w.dispatcher, 300, NOW - timedelta(minutes=45))
    actions.make_order(ordered, actor=w.dispatcher, request_type="enquiry")
    actions.citizen_leaves(left)
    Chat.objects.filter(pk=waiting.pk).update(started_at=NOW - timedelta(minutes=20))
    below = waiting_chat(lower)
    _answered(below, lower_op, 120, NOW - timedelta(minutes=30))
    actions.note(below, actor=lower_op, note="已解答。")
    yesterday = waiting_chat(w.hub)
    _answered(yesterday, w.operator, 30, NOW - timedelta(days=1))
    actions.note(yesterday, actor=w.operator, note="已解答。")
    Chat.objects.filter(pk=yesterday.pk).update(ended_at=NOW - timedelta(days=1) + timedelta(minutes=5))
    return {
        "lower": lower,
        "lower_op": lower_op,
        "lower_leader": lower_leader,
        "noted": noted,
        "ordered": ordered,
        "below": below,
    }


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _section(body: dict, key: str) -> dict:
    return next(s for s in body["sections"] if s["key"] == key)


def test_the_figures_of_the_hub_and_the_hub_below(w: World, desk: dict) -> None:
    found = measures.figures(w.hub, START, START + timedelta(days=1), now=NOW)
    assert found["started"].numerator == 5 and found["taken"].numerator == 3
    assert found["abandoned"].numerator == 1
    assert found["waiting"].numerator == 1 and found["longest_wait"].value == pytest.approx(20)
    assert found["first_response"].value == pytest.approx((60 + 300 + 120) / 3 / 60)
    assert found["first_response"].denominator == 3
    assert found["first_response_p90"].value == pytest.approx(5)  # the 3rd of 3: 300 s
    assert found["handled"].numerator == 3
    handled = measures.handled_by_operator(w.hub, START, START + timedelta(days=1))
    assert {pk: n for pk, _name, n in handled} == {w.operator.pk: 1, w.dispatcher.pk: 1, desk["lower_op"].pk: 1}

    own = measures.figures(w.hub, START, START + timedelta(days=1), subtree=False, now=NOW)
    assert own["started"].numerator == 4 and own["handled"].numerator == 2

    before = measures.figures_by_period(w.hub, [(START, START), (START - timedelta(days=1), START)], now=NOW)[1]
    assert before["started"].numerator == 1 and before["handled"].numerator == 1
    assert before["first_response"].value == pytest.approx(0.5)
    assert before["waiting"].value is None  # a figure of the moment has none for a past day


def test_the_dashboard_shows_them_beside_the_calls_with_the_chats_behind(w: World, desk: dict) -> None:
    client = _client(w.leader)
    body = client.get("/stats/api/dashboard/", {"period": "day", "date": DAY.isoformat()}).json()
    section = _section(body, "chats")
    figures = {f["code"]: f for f in section["figures"]}
    assert figures["started"]["numerator"] == 5 and figures["started"]["previous"]["numerator"] == 1
    assert figures["handled"]["numerator"] == 3
    assert figures["first_response"]["display"] == "2.7 分钟"  # 160 s
    assert figures["waiting"]["previous"]["display"] == "—"
    assert [row["value"] for row in section["breakdown"]["rows"]] == [1, 1, 1]
    assert figures["first_response"]["definition"].startswith("统计期内发起、已获回复的咨询")

    page = client.get(figures["handled"]["drill"])
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("已记录") >= 2 and "已转工单" in html and "下级中心" in html
    assert "139****5678" in html and "13912345678" not in html  # the citizen's number masked
    by_operator = next(r for r in section["breakdown"]["rows"] if r["name"] == str(w.dispatcher))
    only = client.get(by_operator["drill"]).content.decode()
    assert "已转工单" in only and "已记录" not in only.split("<tbody>")[1]


def test_a_lower_hub_reads_only_its_own_chats(w: World, desk: dict) -> None:
    client = _client(desk["lower_leader"])
    body = client.get("/stats/api/dashboard/", {"period": "day", "date": DAY.isoformat()}).json()
    figures = {f["code"]: f for f in _section(body, "chats")["figures"]}
    assert figures["started"]["numerator"] == 1 and figures["handled"]["numerator"] == 1
    drill = "/chat/stats/chats"
    day = {"code": "started", "first": DAY.isoformat(), "last": DAY.isoformat()}
    assert client.get(drill, {**day, "hub": str(w.hub.pk)}).status_code == 403
    assert _client(w.operator).get(drill, day).status_code == 403
    refused = client.get(drill, {**day, "first": "8 December"})
    assert refused.status_code == 400 and "日期格式应为 YYYY-MM-DD。" in refused.content.decode()


def test_the_dashboard_reads_the_desk_in_three_queries(w: World, desk: dict) -> None:
    """Two for the figures of the three periods (counts, response times), one per operator:
    not one per figure or per period."""
    client = _client(w.leader)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/stats/api/dashboard/", {"period": "month", "date": DAY.isoformat()})
    assert response.status_code == 200
    assert len([q for q in captured.captured_queries if '"chat_chat"' in q["sql"]]) == 3
