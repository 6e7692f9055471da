"""Reminder messages move into the outbox (notifications.OutboxMessage without an order):
each existing ReminderMessage becomes an outbox row with its delivery state, and keeps
only its recipient and the link to that row."""

import django.db.models.deletion
from django.db import migrations, models

_REMOVED = [
    "address",
    "attempt_count",
    "claimed_at",
    "claimed_by",
    "last_error",
    "medium",
    "next_attempt_at",
    "sent_at",
    "status",
    "subject",
    "text",
    "user",
]


def into_outbox(apps, schema_editor):
    ReminderMessage = apps.get_model("enterprises", "ReminderMessage")
    OutboxMessage = apps.get_model("notifications", "OutboxMessage")
    # On the database being migrated (check-ontime migrates a scratch one beside the main).
    db = schema_editor.connection.alias
    for old in ReminderMessage.objects.using(db).select_related("reminder").order_by("pk").iterator():
        outbox = OutboxMessage.objects.using(db).create(
            medium=old.medium,
            user_id=old.user_id,
            address=old.address,
            template="licence_reminder",
            subject=old.subject,
            text=old.text,
            status=old.status,
            created_at=old.reminder.created_at,
            attempt_count=old.attempt_count,
            next_attempt_at=old.next_attempt_at,
            claimed_at=old.claimed_at,
            claimed_by=old.claimed_by,
            sent_at=old.sent_at,
            last_error=old.last_error,
        )
        old.message_id = outbox.pk
        old.save(update_fields=["message"], using=db)


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0003_liaisons_licences_reminders"),
        ("notifications", "0006_outbox_without_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="remindermessage",
            name="message",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="licence_reminder",
                to="notifications.outboxmessage",
            ),
        ),
        migrations.RunPython(into_outbox, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name="remindermessage",
            name="reminder_msg_due",
        ),
        *[migrations.RemoveField(model_name="remindermessage", name=name) for name in _REMOVED],
        migrations.AlterField(
            model_name="remindermessage",
            name="message",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="licence_reminder",
                to="notifications.outboxmessage",
            ),
        ),
    ]
