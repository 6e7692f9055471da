from django.db import migrations, models

from civicdesk.lib.indexes import AddIndexConcurrently


class Migration(migrations.Migration):
    # Built concurrently on PostgreSQL (civicdesk.lib.indexes): orders keep coming in meanwhile.
    atomic = False

    dependencies = [
        ("orders", "0016_hub_watched_due_index"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="workorder",
            index=models.Index(
                condition=models.Q(("citizen_phone", ""), _negated=True),
                fields=["citizen_phone", "created_at"],
                name="order_phone_created",
            ),
        ),
    ]
