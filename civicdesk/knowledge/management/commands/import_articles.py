"""``civicdesk import-articles FILE.xlsx``: load articles from Excel, one line per refused row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civicdesk.knowledge.excel import import_articles


class Command(BaseCommand):
    help = "Import knowledge articles from an xlsx sheet (columns as the export writes them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="xlsx file; header row 标题, 适用问题, 答复口径, 责任单位 (code or name) …")
        parser.add_argument("--publish", action="store_true", help="publish the imported articles (default: drafts)")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        with path.open("rb") as fh:
            report = import_articles(fh, actor=None, publish=opts["publish"])
        for r in report.rejected:
            self.stdout.write(f"row {r.row}: {r.reason}")
        self.stdout.write(f"imported {len(report.imported)}, rejected {len(report.rejected)}")
