"""`civicdesk open311-key create NAME [--hub CODE] [--rate N]`, `list`, `revoke NAME`.

`create` prints the new key as its last line; only a hash is stored, so it cannot be shown again.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civicdesk.open311.keys import create_client, revoke
from civicdesk.open311.models import ApiClient
from civicdesk.org.models import OrgUnit


class Command(BaseCommand):
    help = "Manage Open311 API client keys."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a client and print its key (last line)")
        create.add_argument("name")
        create.add_argument("--hub", help="code of the hub the client's requests go to (default: the only hub)")
        create.add_argument("--rate", type=int, default=30, help="requests the client may submit per minute")
        sub.add_parser("list", help="list clients")
        rev = sub.add_parser("revoke", help="disable a client's key")
        rev.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options["name"], options.get("hub"), options["rate"])
        elif action == "list":
            for each in ApiClient.objects.select_related("hub").order_by("name"):
                state = "active" if each.active else "revoked"
                self.stdout.write(
                    f"{each.name}\t{each.key_prefix}\t{each.hub.code}\t{each.rate_per_minute}/min\t{state}"
                )
        else:
            client = ApiClient.objects.filter(name=options["name"]).first()
            if client is None:
                raise CommandError(f"no Open311 client named {options['name']!r}")
            revoke(client)
            self.stdout.write(f"revoked {client.name}")

    def _create(self, name: str, hub_code: str | None, rate: int) -> None:
        if rate < 1:
            raise CommandError("--rate must be at least 1")
        if ApiClient.objects.filter(name=name.strip()).exists():
            raise CommandError(f"an Open311 client named {name!r} already exists")
        if hub_code:
            hub = OrgUnit.objects.filter(code=hub_code, is_hub=True, active=True).first()
            if hub is None:
                raise CommandError(f"no active hub with code {hub_code!r}")
        else:
            hubs = list(OrgUnit.objects.filter(is_hub=True, active=True)[:2])
            if len(hubs) != 1:
                raise CommandError("there is not exactly one hub; name it with --hub CODE")
            hub = hubs[0]
        try:
            client, key = create_client(name, hub, rate_per_minute=rate)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"created Open311 client {client.name} for {hub.name} ({hub.code}), {rate}/min")
        self.stdout.write("the key is shown only now; store it safely:")
        self.stdout.write(key)
