from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "civicdesk.orders"
    label = "orders"
    verbose_name = "工单"
