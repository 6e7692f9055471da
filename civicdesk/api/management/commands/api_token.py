"""`civicdesk api-token create USERNAME NAME`, `list [USERNAME]`, `revoke PREFIX`.

`create` prints the new token as its last line; only its hash is stored, so it cannot be shown again.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civicdesk.api.models import ApiToken
from civicdesk.api.tokens import create_token, revoke
from civicdesk.org.models import User


class Command(BaseCommand):
    help = "Manage tokens of the internal REST API (/api/v1/)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token for a user and print it (last line)")
        create.add_argument("username", help="the user the caller acts as (its roles are the token's rights)")
        create.add_argument("name", help="what the token is for, e.g. the calling system's name")
        listing = sub.add_parser("list", help="list tokens")
        listing.add_argument("username", nargs="?")
        rev = sub.add_parser("revoke", help="revoke a token by its prefix")
        rev.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            user = User.objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"no user named {options['username']!r}")
            if not user.is_active:
                raise CommandError(f"user {user.username!r} is disabled")
            try:
                record, token = create_token(user, options["name"])
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"created API token {record.name!r} for {user.username} (prefix {record.prefix})")
            self.stdout.write("the token is shown only now; store it safely:")
            self.stdout.write(token)
        elif action == "list":
            tokens = ApiToken.objects.select_related("user").order_by("user__username", "name")
            if options.get("username"):
                tokens = tokens.filter(user__username=options["username"])
            for each in tokens:
                state = "revoked" if each.revoked else "active"
                used = each.last_used.isoformat() if each.last_used else "never"
                self.stdout.write(f"{each.prefix}\t{each.user.username}\t{each.name}\t{state}\tlast used {used}")
        else:
            found = ApiToken.objects.filter(prefix=options["prefix"]).first()
            if found is None:
                raise CommandError(f"no API token with prefix {options['prefix']!r}")
            revoke(found)
            self.stdout.write(f"revoked {found.name} ({found.prefix})")
