from django.apps import AppConfig


class HotspotsConfig(AppConfig):
    name = "civicdesk.hotspots"
    label = "hotspots"
    verbose_name = "热点"

    def ready(self) -> None:
        # Imported here, not at the top: models cannot be imported before the registry is ready.
        from civicdesk.hotspots import briefing, grouping
        from civicdesk.orders.merging import register_related
        from civicdesk.orders.reactions import When, subscribe
        from civicdesk.statistics.briefings import register_section

        # In the worker, once the order's creation committed: a hotspot never holds an order
        # that rolled back, intake never waits on (or fails with) the grouping, and a grouping
        # that fails is tried again (the task is written with the order).
        subscribe("hotspots.group", grouping.react_to_move, when=When.IN_WORKER, actions=grouping.ACTIONS)
        register_section("hotspots", briefing.section)
        register_related("hotspots", grouping.same_hotspot)
