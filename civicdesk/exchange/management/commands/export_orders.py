"""Export orders in an upstream platform's columns: ``civicdesk export-orders OUT.xlsx|csv --mapping MAP``.

MAP is a column map (civicdesk/exchange/mapping.py; shipped: shandong, guangdong, and the
import examples). ``--hub CODE`` limits to one hub's orders, ``--from`` / ``--to`` (dates,
inclusive) to the orders taken in those days. Prints the number of orders written.
"""

from __future__ import annotations

import datetime as dt
import os

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from civicdesk.exchange.exporting import ExportError, export_orders
from civicdesk.exchange.mapping import MapError, load_map
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import OrgUnit


class Command(BaseCommand):
    help = "按上级平台规定的列导出工单（.xlsx 或 .csv），列与取值由字段映射文件规定。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", help="the file to write (.xlsx or .csv)")
        parser.add_argument("--mapping", required=True, help="column map (TOML file, or a shipped example's name)")
        parser.add_argument("--hub", default="", help="only this hub's orders (its code)")
        parser.add_argument("--from", dest="first", default="", help="first day (YYYY-MM-DD) the orders were taken")
        parser.add_argument("--to", dest="last", default="", help="last day (YYYY-MM-DD)")
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
        orders = WorkOrder.objects.all()
        if options["hub"]:
            hub = OrgUnit.objects.filter(code=str(options["hub"]), is_hub=True).first()
            if hub is None:
                raise CommandError(_("没有这个服务中心：%(code)s") % {"code": options["hub"]})
            orders = orders.filter(hub=hub)
        tz = timezone.get_current_timezone()
        for key, lookup, shift in (("first", "created_at__gte", 0), ("last", "created_at__lt", 1)):
            if options[key]:
                try:
                    day = dt.date.fromisoformat(str(options[key]))
                except ValueError:
                    raise CommandError(_("日期格式应为 年-月-日，如 2026-03-01。")) from None
                start = dt.datetime.combine(day + dt.timedelta(days=shift), dt.time(), tzinfo=tz)
                orders = orders.filter(**{lookup: start})
        try:
            written = export_orders(orders, cmap, str(options["out"]))
        except ExportError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(_("已导出 %(n)s 件工单到 %(path)s。") % {"n": written, "path": options["out"]})
