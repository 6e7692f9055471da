from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "civicdesk.quality"
    label = "quality"
    verbose_name = "质检"

    def ready(self) -> None:
        from civicdesk.orders.permissions import register_access_rule  # registered once the apps are loaded
        from civicdesk.quality.access import INSPECTOR_ACCESS  # its models need the app registry ready

        # Inspectors read the orders of the calls they inspect (civicdesk.quality.access).
        register_access_rule(INSPECTOR_ACCESS)
