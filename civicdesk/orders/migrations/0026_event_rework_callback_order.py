from django.db import migrations, models

from civicdesk.lib.indexes import AddIndexConcurrently


class Migration(migrations.Migration):
    # Built concurrently on PostgreSQL (civicdesk.lib.indexes): orders keep coming in meanwhile.
    atomic = False

    dependencies = [
        ("orders", "0025_supervision_indexes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="orderevent",
            index=models.Index(
                condition=models.Q(("action", "record_callback"), ("data__rework", True)),
                fields=["order", "at"],
                name="event_rework_callback_order",
            ),
        ),
    ]
