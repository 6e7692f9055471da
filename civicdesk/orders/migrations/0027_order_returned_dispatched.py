from django.db import migrations, models

from civicdesk.lib.indexes import AddIndexConcurrently


class Migration(migrations.Migration):
    # Built concurrently on PostgreSQL (civicdesk.lib.indexes): orders keep coming in meanwhile.
    atomic = False

    dependencies = [
        ("orders", "0026_event_rework_callback_order"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="workorder",
            index=models.Index(
                condition=models.Q(("return_count__gt", 0)),
                fields=["first_dispatched_at"],
                name="order_returned_dispatched",
            ),
        ),
    ]
