from django.apps import AppConfig
from django.db.models import Exists, OuterRef


class IntakeConfig(AppConfig):
    name = "civicdesk.intake"
    label = "intake"
    verbose_name = "受理渠道"

    def ready(self) -> None:
        # Imported here, not at the top: models cannot be imported before the registry is ready.
        from civicdesk.intake.callstats import dashboard_section
        from civicdesk.intake.models import Call
        from civicdesk.orders.page import read_with_the_order
        from civicdesk.statistics.dashboard import register_section

        register_section("calls", dashboard_section)
        # The order page asks for the calls an order was taken on only when it has some.
        read_with_the_order("has_calls", Exists(Call.objects.filter(order=OuterRef("pk"))))
