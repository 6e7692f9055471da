"""``civicdesk hotspots --input FILE --top N``: the hotspots of a file of requests.

Reads the Teddy Cup message layout (附件3: 留言编号, 留言用户, 留言主题, 留言时间, 留言详情,
点赞数/反对数) or the project's own order export, groups the requests with the product's own
code (civicdesk.text.similar: the same features, thresholds, window and heat formula as the
incremental update), and prints the top N, one a line:

    rank  heat  title  place  first–last date  messages  distinct users

"now" for the growth term is the file's last message. Needs no database (the city's area
names are used as gazetteer when a database is there).
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from civicdesk.text.requestfile import read_requests
from civicdesk.text.similar import HEAT_FORMULA, Reader, group, mine_gazetteer
from civicdesk.text.teddycup import TeddyCupFormatError


class Command(BaseCommand):
    help = "Group a file of citizen messages or exported orders into hotspots and print the top N."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, type=Path, help="CSV or XLSX: Teddy Cup layout or order export")
        parser.add_argument("--top", type=int, default=10, help="how many hotspots to print (default 10)")
        parser.add_argument(
            "--window-days",
            type=int,
            default=None,
            help="a hotspot takes a request while its last one is this recent (default: CIVICDESK_HOTSPOT_WINDOW_DAYS)",
        )
        parser.add_argument(
            "--min-users", type=int, default=2, help="list hotspots raised by at least this many users (default 2)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["input"]
        top: int = options["top"]
        if top < 1:
            raise CommandError("--top must be at least 1")
        if not path.is_file():
            raise CommandError(f"{path}: file not found")
        started = time.perf_counter()
        try:
            found = read_requests(path)
        except TeddyCupFormatError as exc:
            raise CommandError(str(exc)) from exc
        for problem in found.problems:
            self.stderr.write(f"{path.name}: {problem} (row left out)")
        if not found.requests:
            raise CommandError(f"{path}: no messages to group")
        window_days = options["window_days"] or int(settings.CIVICDESK_HOTSPOT_WINDOW_DAYS)
        reader = Reader([*_city_names(), *mine_gazetteer(r.title for r in found.requests)])
        groups = group(found.requests, reader, timedelta(days=window_days))
        now = max(r.at for r in found.requests)
        ranked = sorted(
            (g for g in groups if g.callers >= options["min_users"] and len(g.members) >= 2),
            key=lambda g: (-g.heat(now), -len(g.members)),
        )
        self.stdout.write(f"# {HEAT_FORMULA}")
        self.stdout.write("# rank\theat\ttitle\tplace\tfirst–last\tmessages\tusers")
        for rank, g in enumerate(ranked[:top], start=1):
            first = min(m.at for m in g.members)
            last = max(m.at for m in g.members)
            self.stdout.write(
                f"{rank}\t{g.heat(now):.1f}\t{g.profile.title()}\t{g.profile.main_place() or '-'}\t"
                f"{first:%Y-%m-%d}–{last:%Y-%m-%d}\t{len(g.members)}\t{g.callers}"
            )
        self.stderr.write(
            f"{len(found.requests)} messages ({found.layout}), {len(ranked)} hotspots, "
            f"{time.perf_counter() - started:.1f} s"
        )


def _city_names() -> list[str]:
    try:
        # The gazetteer reads the areas table; a file can be analysed without a database.
        from civicdesk.catalogue.gazetteer import area_names

        return area_names()
    except DatabaseError:
        return []
