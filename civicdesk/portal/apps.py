from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "civicdesk.portal"
    label = "portal"
    verbose_name = "市民门户"

    def ready(self) -> None:
        # Imported here, not at the top: models cannot be imported before the registry is ready.
        from civicdesk.notifications.queue import register_citizen_link
        from civicdesk.orders.reactions import When, subscribe
        from civicdesk.portal import checks  # noqa: F401  (registers the system check)
        from civicdesk.portal.links import rating_url
        from civicdesk.portal.reactions import issue_rating_link

        # The SMS that tells the citizen the reply was accepted carries the rating link…
        register_citizen_link("accept_reply", rating_url)
        # …and the link's row is written with it, once the outbox rows exist.
        subscribe(
            "portal.rating_link",
            issue_rating_link,
            when=When.IN_TRANSACTION,
            actions={"accept_reply"},
            after={"notifications.outbox"},
        )
