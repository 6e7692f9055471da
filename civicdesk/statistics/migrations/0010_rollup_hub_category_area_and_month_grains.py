"""Rollup grains by hub and category and by hub and area, month rows of every grain with a
hub, and the topic rollup's grain by hub with its month rows (statistics.models.GRAINS,
TOPIC_GRAINS, rollups.MONTH_GRAINS): filled here from the rows already there,
in a few INSERT … SELECT statements, so the figures stay right without rebuilding the rollups.
Then one row per grain, day and key (a unique index the sweep finds its rows by), which also
serves the reads by grain and day that the (grain, day) index served."""

import django.db.models.functions.comparison
from django.db import migrations, models

# The summed columns as they are at this migration (statistics.models.COUNTERS, ht_minutes).
SUMS = (
    "accepted",
    "answered",
    "answered_closed",
    "due_closed",
    "due_on_time",
    "due_late_reply",
    "disp_on_time",
    "disp_counted",
    "disp_total",
    "cb_solved",
    "cb_partly",
    "cb_unsolved",
    "cb_satisfied",
    "cb_basically",
    "cb_unsatisfied",
    "fd_total",
    "fd_returned",
    "fd_accurate",
    "ht_count",
    "fd_urged",
    "acc_repeat",
    "rp_total",
    "rp_flagged",
    "rp_sent_back",
    "entries",
    "ht_minutes",
)
NEW_DAY_GRAINS = {"hub_cat": ("hub_id", "category_id"), "hub_area": ("hub_id", "area_id")}
NEW_MONTH_GRAINS = {
    "hub": ("hub_id",),
    "hub_unit": ("hub_id", "unit_id"),
    **NEW_DAY_GRAINS,
}
# The dimensions a row of a coarser grain leaves empty: text ones blank, ids null.
EMPTY = {
    "channel": "''",
    "request_type": "''",
    "urgency": "''",
    "category_id": "NULL",
    "area_id": "NULL",
    "hub_id": "NULL",
    "unit_id": "NULL",
}


def _insert(table: str, grain: str, dims: tuple[str, ...], day: str, source: str, topics: bool = False) -> str:
    columns = ["day", "grain", *EMPTY, *(["topic_id"] if topics else []), *SUMS]
    values = [day, f"'{grain}'", *(name if name in dims else empty for name, empty in EMPTY.items())]
    values += [*(["topic_id"] if topics else []), *(f"SUM({name})" for name in SUMS)]
    group = [day, *dims, *(["topic_id"] if topics else [])]
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {table} "  # noqa: S608 -- names of this file
        f"WHERE {source} GROUP BY {', '.join(group)}"
    )


# The topic rollup's new grains: within a hub (day rows, then month rows).
TOPIC_NEW = ("hub", "m_hub")


def _delete(table: str, grains: list[str]) -> str:
    return f"DELETE FROM {table} WHERE grain IN ({', '.join(repr(g) for g in grains)})"  # noqa: S608 -- as above


KEY = ("grain", "day", "channel", "request_type", "urgency", "category_id", "area_id", "hub_id", "unit_id")


def _merge_duplicates(table: str, key: tuple[str, ...]) -> list[str]:
    """Statements that leave one row per key, holding the sum of the rows that shared it.
    Rollups written before the sweep kept one row per key (before 0009's rebuild) hold a month
    row per day of the month (m_total of 2026-11-01 thirty times, each one day's counts): the
    unique index below could not be built over them, and their sum is the month."""
    same = " AND ".join(
        f"COALESCE(n.{c}, 0) = COALESCE({table}.{c}, 0)" if c.endswith("_id") else f"n.{c} = {table}.{c}" for c in key
    )
    return [
        f"CREATE TEMPORARY TABLE rollup_merge_mark AS SELECT COALESCE(MAX(id), 0) AS top FROM {table}",  # noqa: S608 -- names of this file
        f"INSERT INTO {table} ({', '.join(key)}, {', '.join(SUMS)}) "  # noqa: S608 -- as above
        f"SELECT {', '.join(key)}, {', '.join(f'SUM({name})' for name in SUMS)} FROM {table} "
        f"GROUP BY {', '.join(key)} HAVING COUNT(*) > 1",
        f"DELETE FROM {table} WHERE id <= (SELECT top FROM rollup_merge_mark) AND EXISTS ("  # noqa: S608 -- as above
        f"SELECT 1 FROM {table} n WHERE n.id > (SELECT top FROM rollup_merge_mark) AND {same})",
        "DROP TABLE rollup_merge_mark",
    ]


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    table = apps.get_model("statistics", "DailyRollup")._meta.db_table
    topic_table = apps.get_model("statistics", "TopicDailyRollup")._meta.db_table
    vendor = schema_editor.connection.vendor
    month = "CAST(date_trunc('month', day) AS date)" if vendor == "postgresql" else "date(day, 'start of month')"
    new = [*NEW_DAY_GRAINS, *(f"m_{grain}" for grain in NEW_MONTH_GRAINS)]
    statements = [*_merge_duplicates(table, KEY), *_merge_duplicates(topic_table, (*KEY, "topic_id"))]
    statements += [_delete(table, new), _delete(topic_table, list(TOPIC_NEW))]
    statements += [_insert(table, grain, dims, "day", "grain = 'full'") for grain, dims in NEW_DAY_GRAINS.items()]
    statements += [
        _insert(table, f"m_{grain}", dims, month, f"grain = '{grain}'") for grain, dims in NEW_MONTH_GRAINS.items()
    ]
    statements += [
        _insert(topic_table, "hub", ("hub_id",), "day", "grain = 'full'", topics=True),
        _insert(topic_table, "m_hub", ("hub_id",), month, "grain = 'hub'", topics=True),
    ]
    with schema_editor.connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    table = apps.get_model("statistics", "DailyRollup")._meta.db_table
    topic_table = apps.get_model("statistics", "TopicDailyRollup")._meta.db_table
    new = [*NEW_DAY_GRAINS, *(f"m_{grain}" for grain in NEW_MONTH_GRAINS)]
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(_delete(table, new))
        cursor.execute(_delete(topic_table, list(TOPIC_NEW)))


class Migration(migrations.Migration):
    dependencies = [
        ("statistics", "0009_rollup_entries_and_contributions"),
    ]

    operations = [
        migrations.RunPython(fill, drop),
        migrations.AddIndex(
            model_name="pendingitem",
            index=models.Index(fields=["moment"], name="pending_moment"),
        ),
        migrations.RemoveIndex(
            model_name="dailyrollup",
            name="rollup_grain_day",
        ),
        migrations.AddConstraint(
            model_name="dailyrollup",
            constraint=models.UniqueConstraint(
                models.F("grain"),
                models.F("day"),
                models.F("channel"),
                models.F("request_type"),
                models.F("urgency"),
                django.db.models.functions.comparison.Coalesce("category_id", 0),
                django.db.models.functions.comparison.Coalesce("area_id", 0),
                django.db.models.functions.comparison.Coalesce("hub_id", 0),
                django.db.models.functions.comparison.Coalesce("unit_id", 0),
                name="rollup_one_row_per_key",
            ),
        ),
        migrations.AddConstraint(
            model_name="topicdailyrollup",
            constraint=models.UniqueConstraint(
                models.F("grain"),
                models.F("day"),
                models.F("channel"),
                models.F("request_type"),
                models.F("urgency"),
                django.db.models.functions.comparison.Coalesce("category_id", 0),
                django.db.models.functions.comparison.Coalesce("area_id", 0),
                django.db.models.functions.comparison.Coalesce("hub_id", 0),
                django.db.models.functions.comparison.Coalesce("unit_id", 0),
                django.db.models.functions.comparison.Coalesce("topic_id", 0),
                name="topic_rollup_one_row_per_key",
            ),
        ),
    ]
