from django.db import migrations, models

from civicdesk.lib.indexes import AddIndexConcurrently


class Migration(migrations.Migration):
    # Built concurrently on PostgreSQL (civicdesk.lib.indexes): orders keep coming in meanwhile.
    atomic = False

    dependencies = [
        ("orders", "0018_statistics_drill_indexes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="workorder",
            index=models.Index(
                condition=models.Q(
                    (
                        "state__in",
                        [
                            "dispatched",
                            "extension_requested",
                            "objection_review",
                            "return_requested",
                            "rework",
                            "signed",
                            "suspended",
                            "suspension_requested",
                        ],
                    )
                ),
                fields=["lead_unit", "handle_due_at", "id"],
                name="order_unit_held_due",
            ),
        ),
    ]
