"""A word search's first query (the last seven days' matches) finds, on PostgreSQL, through the
index of each week's bigrams (migration 0028, issue #20), exactly the orders the whole history's
search finds created since then: orders either side of the window's start, of a week's start,
stamped a little ahead of this server's clock, with the word in the title, the content or the
address, in any letter case, with several words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from civicdesk.orders import search
from civicdesk.orders.models import WorkOrder
from tests.world import World

pytestmark = pytest.mark.django_db

WORDS = [["停水"], ["小区停水"], ["g20"], ["停水", "三天"], ["水"], ["人民路"]]


def _made(w: World, at: datetime, **text: str) -> WorkOrder:
    order = w.new_order(**text)
    WorkOrder.objects.filter(pk=order.pk).update(created_at=at)
    return order


def test_the_week_index_finds_what_the_whole_history_finds_since_then(w: World) -> None:
    now = timezone.now()
    since = now - search.RECENT_WINDOWS[0]
    week_start = datetime.fromtimestamp(search.week_of(since) * search.WEEK_SECONDS, tz=UTC)
    next_week = week_start + timedelta(seconds=search.WEEK_SECONDS)
    moments = [
        since - timedelta(seconds=1),
        since + timedelta(seconds=1),
        week_start - timedelta(seconds=1),
        week_start,
        next_week - timedelta(seconds=1),
        next_week,
        now - timedelta(days=30),
        now,
        now + timedelta(minutes=5),  # stamped by a server whose clock runs ahead
    ]
    texts = [
        {"title": "小区停水三天", "content": "无人处理。"},
        {"title": "反映问题", "content": "G20 路段小区停水"},
        {"title": "反映问题", "content": "无", "address": "人民路12号停水"},
        {"title": "路灯不亮", "content": "晚上很黑。"},
    ]
    for i, at in enumerate(moments):
        _made(w, at, **texts[i % len(texts)])
        _made(w, at, **texts[(i + 1) % len(texts)])
    if connection.vendor == "postgresql":
        assert search.week_index_available()  # the path under test, not the plain one

    orders = WorkOrder.objects.all()
    for words in WORDS:
        expected = set(search.by_words(orders, words).filter(created_at__gte=since).values_list("pk", flat=True))
        found = set(search.by_words(orders, words, since=since).values_list("pk", flat=True))
        assert found == expected, words
    # The comparison would pass on empty answers: the week holds matches of every kind.
    assert len(search.by_words(orders, ["停水"], since=since)) >= 6


def test_weeks_are_counted_in_utc_whatever_the_time_zone() -> None:
    # 1970-01-08 00:00 UTC starts week 1; 08:00 in Beijing on that day is the same moment.
    assert search.week_of(datetime(1970, 1, 7, 23, 59, 59, tzinfo=UTC)) == 0
    assert search.week_of(datetime(1970, 1, 8, tzinfo=UTC)) == 1
    beijing = timezone.get_fixed_timezone(8 * 60)
    assert search.week_of(datetime(1970, 1, 8, 8, tzinfo=beijing)) == 1
