"""Import historic orders: ``civicdesk import-orders FILE.xlsx|csv --mapping MAP [--hub CODE]``.

MAP is a column map (civicdesk/exchange/mapping.py; shipped examples by name: boston311,
teddycup, shandong, guangdong). Output: one line per rejected row (``第N行 [列]：原因``),
then the summary ``导入 A 件，跳过已导入 B 件，拒绝 C 行。`` and the rate. `--report FILE.csv`
also writes the rejected rows to a CSV (line, column, number, reason). Run it again after a
stop: orders already imported (by their original number) are skipped. Exit status 0 even
when rows are rejected; 1 with a message and nothing imported when the file or the map
cannot be used.
"""

from __future__ import annotations

import csv
import os

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from civicdesk.exchange.importing import Report, import_orders
from civicdesk.exchange.mapping import MapError, load_map
from civicdesk.exchange.reading import FileError
from civicdesk.lib.spreadsheet import csv_row
from civicdesk.org.models import OrgUnit

ROLLUPS_HINT = gettext_noop(
    "统计数据由后台任务（civicdesk worker）随后更新；大量导入后也可运行 civicdesk rebuild_rollups 一次重算。"
)


class Command(BaseCommand):
    help = "导入历史工单（.xlsx 或 .csv），按字段映射文件对应各列；逐行报告被拒绝的行，可重复运行续导。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .xlsx or .csv file, with a header row")
        parser.add_argument("--mapping", required=True, help="column map (TOML file, or a shipped example's name)")
        parser.add_argument("--hub", default="", help="code of the hub the orders belong to (default: the only hub)")
        parser.add_argument("--report", default="", help="write the rejected rows to this CSV file")
        parser.add_argument("--batch", type=int, default=5000, help="orders per database batch")
        parser.add_argument(
            "--workers", type=int, default=1, help="processes sharing the rows (PostgreSQL), e.g. the number of cores"
        )
        parser.add_argument("--limit", type=int, default=None, help="import at most this many rows")
        parser.add_argument("--language", default="", help="language of the messages (zh-hans, en)")

    def handle(self, *args: object, **options: object) -> None:
        language = str(options["language"] or os.environ.get("CIVICDESK_LANGUAGE", "") or "zh-hans")
        with translation.override(language):
            self._run(options)

    def _run(self, options: dict[str, object]) -> None:
        try:
            cmap = load_map(str(options["mapping"]))
        except MapError as error:
            raise CommandError(str(error)) from None
        hubs = OrgUnit.objects.filter(is_hub=True, active=True)
        code = str(options["hub"])
        hub = hubs.filter(code=code).first() if code else (hubs.first() if hubs.count() == 1 else None)
        if hub is None:
            raise CommandError(
                _("请用 --hub 指明服务中心（可用：%(codes)s）。")
                % {"codes": "、".join(hubs.values_list("code", flat=True))}
            )

        def progress(report: Report) -> None:
            self.stderr.write(f"  {report.imported + report.skipped + len(report.rejected)}  ({report.rate:.0f}/s)")

        limit = options["limit"]
        try:
            report = import_orders(
                str(options["file"]),
                cmap,
                hub,
                batch_size=int(str(options["batch"])),
                limit=int(str(limit)) if limit is not None else None,
                workers=max(1, int(str(options["workers"]))),
                progress=progress,
            )
        except FileError as error:
            raise CommandError(f"{options['file']}: {error}") from None
        if report.missing_columns:
            self.stdout.write(
                _("文件中没有这些列，按空值导入：%(columns)s") % {"columns": "、".join(report.missing_columns)}
            )
        for rejected in report.rejected:
            self.stdout.write(
                _("第%(line)s行 [%(column)s]：%(reason)s")
                % {"line": rejected.line, "column": rejected.column, "reason": rejected.reason}
            )
        if options["report"]:
            with open(str(options["report"]), "w", newline="", encoding="utf-8-sig") as out:
                writer = csv.writer(out)
                writer.writerow(csv_row([_("行号"), _("列"), _("工单编号"), _("原因")]))
                for r in report.rejected:
                    writer.writerow(csv_row([r.line, r.column, r.number, r.reason]))
        self.stdout.write(report.summary())
        if report.imported:
            # The dashboard's rollups take new events in on the worker's next sweeps.
            self.stdout.write(_(ROLLUPS_HINT))
        self.stdout.write(_("用时 %(s).1f 秒，%(rate).0f 件/秒。") % {"s": report.seconds, "rate": report.rate})
