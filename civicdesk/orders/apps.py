from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "civicdesk.orders"
    label = "orders"
    verbose_name = "工单"

    def ready(self) -> None:
        # Imported here, not at the top: models cannot be imported before the registry is ready.
        from civicdesk.orders.actions.calendar import on_schedule_changed
        from civicdesk.orders.queues import open_orders_led_by
        from civicdesk.org.in_use import register_unit_in_use
        from civicdesk.worktime.schedule import schedule_changed

        # The working calendar lives below orders; its changes reach the orders' deadlines here.
        schedule_changed.connect(on_schedule_changed, weak=False, dispatch_uid="orders_follow_calendar")
        # A unit still leading open orders stays active (the org app asks, without importing us).
        register_unit_in_use("orders.open_orders", open_orders_led_by)
