"""``civicdesk import-policies FILE.xlsx``: load support measures from Excel, one line per refused row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civicdesk.policies.excel import import_policies


class Command(BaseCommand):
    help = "Import support measures (惠企政策) from an xlsx sheet; by 政策编号, new or changed measures are pushed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="xlsx file; header row 政策编号, 政策名称, 发布单位, 能享受什么, 谁可以申请 …")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        with path.open("rb") as fh:
            report = import_policies(fh, actor=None)
        for r in report.rejected:
            self.stdout.write(f"row {r.row}: {r.reason}")
        self.stdout.write(
            f"created {report.created}, changed {report.changed}, unchanged {report.unchanged}, "
            f"rejected {len(report.rejected)}"
        )
