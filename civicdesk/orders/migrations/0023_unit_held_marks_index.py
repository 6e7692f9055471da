from django.db import migrations, models

from civicdesk.lib.indexes import AddIndexConcurrently


class Migration(migrations.Migration):
    # Built concurrently on PostgreSQL (civicdesk.lib.indexes): orders keep coming in meanwhile.
    atomic = False

    dependencies = [
        ("orders", "0022_hub_desk_index"),
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
                            "replied",
                            "return_requested",
                            "rework",
                            "signed",
                            "suspended",
                            "suspension_requested",
                        ],
                    )
                ),
                fields=["lead_unit", "state"],
                include=("id", "instructed_at", "instruction_acknowledged_at", "notice_answered_at", "notice_number"),
                name="order_unit_held_marks",
            ),
        ),
    ]
