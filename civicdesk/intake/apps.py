from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "civicdesk.intake"
    label = "intake"
    verbose_name = "受理渠道"

    def ready(self) -> None:
        # Imported here, not at the top: models cannot be imported before the registry is ready.
        from civicdesk.intake.callstats import dashboard_section
        from civicdesk.statistics.dashboard import register_section

        register_section("calls", dashboard_section)
