from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "civicdesk.notifications"
    label = "notifications"
    verbose_name = "通知"

    def ready(self) -> None:
        # Imported here, not at the top: models cannot be imported before the registry is ready.
        from civicdesk.notifications.queue import react_to_move
        from civicdesk.notifications.tasks import DELIVER, deliver_event
        from civicdesk.orders.reactions import When, subscribe

        # Inside the move's transaction: a move and its outbox rows commit together.
        subscribe("notifications.outbox", react_to_move, when=When.IN_TRANSACTION)
        # In the move's worker task, for no action of its own: queued by the outbox rows'
        # writers when a move left something to send (notifications.tasks.deliver_on_commit).
        subscribe(DELIVER, deliver_event, when=When.IN_WORKER, actions=())
