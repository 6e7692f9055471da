"""Smart dispatch (智能派单): suggestions, model versions, auto-dispatch."""

from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "civicdesk.routing"
    label = "routing"
    verbose_name = "智能派单"

    def ready(self) -> None:
        # Imported here, not at the top: models cannot be imported before the registry is ready.
        from civicdesk.orders.reactions import When, subscribe
        from civicdesk.orders.suggesting import register_confidence_badge, register_suggester
        from civicdesk.routing import suggestions
        from civicdesk.routing.actions import auto_dispatch_when_queued, mark_undone
        from civicdesk.routing.board import board_suggestions
        from civicdesk.routing.templatetags.routing_confidence import confidence_badge

        suggestions.connect_signals()
        # The dispatch board's suggested units come from the active model when there is one.
        register_suggester("routing.model", board_suggestions)
        register_confidence_badge("routing.model", confidence_badge)
        # The decision row is marked with the undo itself; the auto-dispatch task starts only
        # for an order that really entered the queue (after commit).
        subscribe("routing.undo_marks_decision", mark_undone, when=When.IN_TRANSACTION, actions={"undo_auto_dispatch"})
        subscribe("routing.auto_dispatch", auto_dispatch_when_queued, when=When.AFTER_COMMIT, actions={"send_to_hub"})
