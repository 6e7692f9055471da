from django.apps import AppConfig


class UpstreamConfig(AppConfig):
    name = "civicdesk.upstream"
    label = "upstream"
    verbose_name = "上级平台"

    def ready(self) -> None:
        # Imported here, not at the top: models cannot be imported before the registry is ready.
        from civicdesk.notifications.channels import Channel, register_channel
        from civicdesk.notifications.models import Medium
        from civicdesk.orders.reactions import When, subscribe
        from civicdesk.upstream.adapter import send_report
        from civicdesk.upstream.remote import SENT_DOWN, queue_down
        from civicdesk.upstream.reports import REPORTED, queue_report

        # In the move's transaction: the report row commits with the move, or neither does.
        # After the notifications' outbox rows, so a move's messages keep their order.
        subscribe(
            "upstream.report",
            queue_report,
            when=When.IN_TRANSACTION,
            actions=REPORTED,
            after=("notifications.outbox",),
        )
        subscribe(
            "upstream.remote_hub",
            queue_down,
            when=When.IN_TRANSACTION,
            actions=SENT_DOWN,
            after=("notifications.outbox",),
        )
        register_channel(Channel(Medium.UPSTREAM, send_report, idempotent=True, in_order=True))
