"""Upgrading a center whose rollups were written by the older sweep: it kept a month row per
day of the month (thirty m_total rows for one November, each one day's counts). The migration
that gives every rollup row a unique key first merges such rows into one holding their sum,
so the upgrade runs and the month's figures stay what they were."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from civicdesk.statistics.models import DailyRollup, TopicDailyRollup

BEFORE = [("statistics", "0009_rollup_entries_and_contributions")]


def _migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_month_rows_written_per_day_are_merged_into_their_sum() -> None:
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("statistics")
    _migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            for day, accepted in ((1, 307), (2, 289), (3, 282)):
                cursor.execute(
                    "INSERT INTO statistics_dailyrollup (day, grain, channel, request_type, urgency, accepted,"
                    " answered, answered_closed, due_closed, due_on_time, due_late_reply, disp_on_time, disp_counted,"
                    " disp_total,"
                    " cb_solved, cb_partly, cb_unsolved, cb_satisfied, cb_basically, cb_unsatisfied, fd_total,"
                    " fd_returned, fd_accurate, ht_count, ht_minutes, fd_urged, acc_repeat, rp_total, rp_flagged,"
                    " rp_sent_back, entries)"
                    " VALUES (%s, 'm_total', '', '', '', %s, 1, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,"
                    " 1.5, 0, 0, 0, 0, 0, 0)",
                    [dt.date(2026, 11, 1), accepted],
                )
                cursor.execute(
                    "INSERT INTO statistics_topicdailyrollup (day, grain, channel, request_type, urgency, topic_id,"
                    " accepted, answered, answered_closed, due_closed, due_on_time, due_late_reply, disp_on_time,"
                    " disp_counted, disp_total, cb_solved, cb_partly, cb_unsolved, cb_satisfied, cb_basically,"
                    " cb_unsatisfied, fd_total, fd_returned, fd_accurate, ht_count, ht_minutes, fd_urged, acc_repeat,"
                    " rp_total, rp_flagged, rp_sent_back, entries)"
                    " VALUES (%s, 'm_total', '', '', '', 7, %s, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,"
                    " 0, 0, 0, 0, 0, 0, 0)",
                    [dt.date(2026, 11, 1), day],
                )
        _migrate(latest)
    finally:
        _migrate(latest)  # leave the schema as the other tests expect it
    month = DailyRollup.objects.get(grain="m_total", day=dt.date(2026, 11, 1))
    assert (month.accepted, month.answered, month.due_closed, month.ht_minutes) == (307 + 289 + 282, 3, 6, 4.5)
    topic = TopicDailyRollup.objects.get(grain="m_total", day=dt.date(2026, 11, 1), topic_id=7)
    assert topic.accepted == 1 + 2 + 3
