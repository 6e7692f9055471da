from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "civicdesk.approvals"
    label = "approvals"
    verbose_name = "并联审批"

    def ready(self) -> None:
        # Imported here, not at the top: models cannot be imported before the registry is ready.
        from civicdesk.approvals.public import portal_section
        from civicdesk.portal.sections import register_section

        # The company tracks its application on the portal like a citizen tracks a request.
        register_section("approvals.status", portal_section)
