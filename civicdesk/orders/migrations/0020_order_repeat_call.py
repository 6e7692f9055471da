"""重复来电 kept on the order (WorkOrder.repeat_call), for the orders taken before it was.

The column comes with the database's default (false): PostgreSQL adds it without rewriting
the table. The orders that are repeat calls are then marked by ranges of ids, each range in a
transaction of its own, so that at ten million orders no statement holds many rows or a lock
for long and only the repeat calls are written. Their index is built last, concurrently on
PostgreSQL (civicdesk.lib.indexes): orders keep coming in meanwhile.

The decision is civicdesk.orders.repeats as of this migration: the caller had an order on the
same matter (the same category, or one under the same parent) within
CIVICDESK_REPEAT_CALL_DAYS before it.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import migrations, models, transaction
from django.db.models import Exists, Max, Min, OuterRef, Q

from civicdesk.lib.indexes import AddIndexConcurrently

# Ids per transaction: a few seconds of probes by number and time (order_phone_created).
BATCH = 50_000


def mark_repeat_calls(apps: Any, schema_editor: Any) -> None:
    WorkOrder = apps.get_model("orders", "WorkOrder")
    alias = schema_editor.connection.alias
    orders = WorkOrder.objects.using(alias)
    window = timedelta(days=int(settings.CIVICDESK_REPEAT_CALL_DAYS))
    earlier = orders.filter(
        Q(category=OuterRef("category"))
        | Q(category__parent=OuterRef("category__parent"), category__parent__isnull=False),
        citizen_phone=OuterRef("citizen_phone"),
        created_at__lt=OuterRef("created_at"),
        created_at__gte=OuterRef("created_at") - window,
    ).exclude(citizen_phone="")
    bounds = orders.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return
    for start in range(bounds["low"], bounds["high"] + 1, BATCH):
        with transaction.atomic(using=alias):
            (
                orders.filter(pk__gte=start, pk__lt=start + BATCH, category__isnull=False, repeat_call=False)
                .exclude(citizen_phone="")
                .filter(Exists(earlier))
                .update(repeat_call=True)
            )


def analyze_flag(apps: Any, schema_editor: Any) -> None:
    """PostgreSQL: the planner's statistics of the new column (sampled: seconds at millions of
    orders), so that it knows repeat calls are few before autovacuum gets to the table."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_workorder (repeat_call)")


class Migration(migrations.Migration):
    # Each range of ids is committed on its own, and the index is built concurrently.
    atomic = False

    dependencies = [
        ("orders", "0019_unit_held_due_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="workorder",
            name="repeat_call",
            field=models.BooleanField(db_default=False, default=False, verbose_name="重复来电"),
        ),
        migrations.RunPython(mark_repeat_calls, migrations.RunPython.noop),
        AddIndexConcurrently(
            model_name="workorder",
            index=models.Index(
                condition=models.Q(("repeat_call", True)), fields=["created_at"], name="order_repeat_created"
            ),
        ),
        migrations.RunPython(analyze_flag, migrations.RunPython.noop),
    ]
