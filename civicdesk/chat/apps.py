from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "civicdesk.chat"
    label = "chat"
    verbose_name = "网上一对一"

    def ready(self) -> None:
        # Imported here, not at the top: models cannot be imported before the registry is ready.
        from civicdesk.chat.stats import dashboard_section
        from civicdesk.statistics.dashboard import register_section

        register_section("chats", dashboard_section)
