from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "civicdesk.chat"
    label = "chat"
    verbose_name = "网上一对一"
