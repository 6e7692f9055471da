from django.apps import AppConfig
from django.db.models.signals import post_save


class EnterprisesConfig(AppConfig):
    name = "civicdesk.enterprises"
    label = "enterprises"
    verbose_name = "企业服务"

    def ready(self) -> None:
        # Imported here, not at the top: models cannot be imported before the registry is ready.
        from civicdesk.enterprises.liaison import LIAISON_ACCESS, officers_of
        from civicdesk.enterprises.models import Licence
        from civicdesk.enterprises.reminders import remind_entered_licence
        from civicdesk.notifications.queue import register_liaison_lookup
        from civicdesk.orders.permissions import register_access_rule

        # What the core's visibility and the outbox rules know of liaison officers.
        register_access_rule(LIAISON_ACCESS)
        register_liaison_lookup(officers_of)
        # A licence entered after its reminder day is reminded at once (civicdesk.enterprises.reminders).
        post_save.connect(remind_entered_licence, sender=Licence, dispatch_uid="enterprises_remind_entered_licence")
