from django.db import migrations, models

from civicdesk.lib.indexes import AddIndexConcurrently


class Migration(migrations.Migration):
    # Built concurrently on PostgreSQL (civicdesk.lib.indexes): orders keep coming in meanwhile.
    atomic = False

    dependencies = [
        ("orders", "0015_order_bigrams_from_runs_of_text"),
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
                            "suspension_requested",
                        ],
                    )
                ),
                fields=["hub", "handle_due_at"],
                include=("handle_warn_at", "lead_unit"),
                name="order_hub_watched_due",
            ),
        ),
    ]
