from django.db import migrations, models

from civicdesk.lib.indexes import AddIndexConcurrently


class Migration(migrations.Migration):
    # Built concurrently on PostgreSQL (civicdesk.lib.indexes): orders keep coming in meanwhile.
    atomic = False

    dependencies = [
        ("orders", "0021_order_overdue_due_index"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="workorder",
            index=models.Index(
                condition=models.Q(
                    (
                        "state__in",
                        [
                            "consulting",
                            "extension_requested",
                            "pending_dispatch",
                            "received",
                            "replied",
                            "return_requested",
                            "suspension_requested",
                        ],
                    )
                ),
                fields=["hub", "state", "urgency", "category", "created_at"],
                include=("id", "upper_hub", "awaiting_upper", "updated_at"),
                name="order_hub_desk",
            ),
        ),
    ]
