from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "civicdesk.orders"
    label = "orders"
    verbose_name = "工单"

    def ready(self) -> None:
        from civicdesk.orders.actions.calendar import on_schedule_changed
        from civicdesk.worktime.schedule import schedule_changed

        # The working calendar lives below orders; its changes reach the orders' deadlines here.
        schedule_changed.connect(on_schedule_changed, weak=False, dispatch_uid="orders_follow_calendar")
