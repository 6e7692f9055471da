"""Import the enterprise register from Excel: ``civicdesk import-enterprises FILE.xlsx``.

Columns: 企业名称, 统一社会信用代码 (required), 地址, 行业, 联系人, 联系电话. Idempotent by
credit code: importing the same file again updates, never duplicates.

Output: one line per rejected row (``第N行（企业名称）：reason``), then ``created A, updated B,
unchanged C``, and as the last line ``imported N, rejected M`` (N = A + B + C, the rows of
the file now in the register). Exit status 0 even when rows are rejected; 1 with a message
and nothing imported when the file cannot be read.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civicdesk.enterprises.excel import ImportFileError, import_enterprises


class Command(BaseCommand):
    help = "从Excel（.xlsx）导入企业名录；按统一社会信用代码新增或更新，逐行报告被拒绝的行。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Excel file (.xlsx) with a header row")

    def handle(self, *args: object, **options: object) -> None:
        path = str(options["file"])
        try:
            report = import_enterprises(path)
        except ImportFileError as exc:
            raise CommandError(f"{path}: {exc}") from None
        for rejected in report.rejected:
            who = f"（{rejected.name}）" if rejected.name else ""
            self.stdout.write(f"第{rejected.row}行{who}：{rejected.reason}")
        self.stdout.write(f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}")
        self.stdout.write(report.summary())
