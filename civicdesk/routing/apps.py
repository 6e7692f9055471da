"""Smart dispatch (智能派单): suggestions, model versions, auto-dispatch."""
from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "civicdesk.routing"
    label = "routing"
    verbose_name = "智能派单"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from civicdesk.orders.models import OrderEvent
        from civicdesk.routing import suggestions
        from civicdesk.routing.actions import on_event_saved

        suggestions.connect_signals()
        post_save.connect(on_event_saved, sender=OrderEvent, dispatch_uid="routing_auto_dispatch_on_queue")
