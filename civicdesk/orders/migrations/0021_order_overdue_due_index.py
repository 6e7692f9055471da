from django.db import migrations, models

from civicdesk.lib.indexes import AddIndexConcurrently


class Migration(migrations.Migration):
    # Built concurrently on PostgreSQL (civicdesk.lib.indexes): orders keep coming in meanwhile.
    atomic = False

    dependencies = [
        ("orders", "0020_order_repeat_call"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="workorder",
            index=models.Index(
                condition=models.Q(
                    ("handle_due_at__isnull", False),
                    models.Q(("state__in", ["merged", "void", "transferred", "withdrawn"]), _negated=True),
                    models.Q(("state", "answered"), _negated=True),
                    models.Q(
                        ("replied_at__isnull", True), ("replied_at__gt", models.F("handle_due_at")), _connector="OR"
                    ),
                ),
                fields=["handle_due_at"],
                name="order_overdue_due",
            ),
        ),
    ]
