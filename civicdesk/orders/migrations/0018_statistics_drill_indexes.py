from typing import Any

from django.db import migrations, models

from civicdesk.lib.indexes import AddIndexConcurrently

# What the statistics' drill-down lists filter the events on besides their action: the answer of
# a callback (solved, satisfaction) and the quality checks' flag on a reply, each a key of the
# event's data. PostgreSQL keeps no statistics on an expression by itself, so it guessed 1 row
# of a month's 10,840 callbacks for "solved" and sorted them all instead of walking the
# (action, at) index newest first to the page (resolution's list at 1M orders: 183 -> 6 ms).
# With the action, since a key's values depend on the action whose data it is.
STATISTICS = {
    "event_action_solved": "(data -> 'solved')",
    "event_action_satisfaction": "(data -> 'satisfaction')",
    "event_action_flagged": "(data #> '{quality,flagged}')",
}


def create_statistics(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name, expression in STATISTICS.items():
            cursor.execute(
                f"CREATE STATISTICS IF NOT EXISTS {name} (mcv) ON action, {expression} FROM orders_orderevent"
            )
        # Sampled (seconds at millions of events); reads and writes of the table go on meanwhile.
        cursor.execute("ANALYZE orders_orderevent")


def drop_statistics(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in STATISTICS:
            cursor.execute(f"DROP STATISTICS IF EXISTS {name}")


class Migration(migrations.Migration):
    # Built concurrently on PostgreSQL (civicdesk.lib.indexes): orders keep coming in meanwhile.
    atomic = False

    dependencies = [
        ("orders", "0017_order_phone_created"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="orderevent",
            index=models.Index(
                condition=models.Q(("action", "record_callback"), ("data__rework", True)),
                fields=["at"],
                name="event_rework_callback_at",
            ),
        ),
        AddIndexConcurrently(
            model_name="workorder",
            index=models.Index(
                condition=models.Q(("urge_count__gt", 0)),
                fields=["first_dispatched_at"],
                name="order_urged_first_dispatched",
            ),
        ),
        migrations.RunPython(create_statistics, drop_statistics),
    ]
