"""`civicdesk check-ontime PATH`: import Boston 311 records (a folder of the per-type CSVs,
or one CSV) into a scratch SQLite database, compute 按时办结率 with the project's own
measure, and compare it with the city's OnTime_Status column.

The records are foreign history, so they are written directly (no events, no actions):
OPEN_DT → created_at and first dispatch, TARGET_DT → handle_due_at (calendar time, as the
city set it), CLOSED_DT → replied_at and closed_at. The main database is never touched.

Every row the two judge differently is listed with its reason; the difference in
percentage points is printed last.
"""

from __future__ import annotations

import csv
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from civicdesk.catalogue.models import Channel, RequestType
from civicdesk.lib.spreadsheet import csv_row
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.workflow import State
from civicdesk.org.models import OrgUnit, UnitKind, User
from civicdesk.statistics.measures import Period, measure

BOSTON = ZoneInfo("America/New_York")
FORMAT = "%m/%d/%Y %I:%M:%S %p"
REQUIRED = {"CASE_ENQUIRY_ID", "OPEN_DT", "TARGET_DT", "CLOSED_DT", "OnTime_Status"}
ALIAS = "ontime_scratch"


@dataclass
class Row:
    case_id: str
    file: str
    opened: datetime
    target: datetime | None
    closed: datetime | None
    status: str  # the city's OnTime_Status: ONTIME, OVERDUE or ""
    subject: str
    title: str


def parse_time(text: str) -> datetime | None:
    text = text.strip()
    return datetime.strptime(text, FORMAT).replace(tzinfo=BOSTON) if text else None


def read_rows(path: Path) -> tuple[list[Row], list[str]]:
    files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
    rows: list[Row] = []
    skipped: list[str] = []
    seen: set[str] = set()
    for file in files:
        with file.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if not set(reader.fieldnames or []) >= REQUIRED:
                continue  # MANIFEST.csv and anything else that is not a case file
            for record in reader:
                case_id = record["CASE_ENQUIRY_ID"].strip()
                opened = parse_time(record["OPEN_DT"])
                if not case_id or opened is None or case_id in seen:
                    skipped.append(
                        f"{file.name}: {case_id or '(no id)'} {'repeated' if case_id in seen else 'no id or OPEN_DT'}"
                    )
                    continue
                seen.add(case_id)
                rows.append(
                    Row(
                        case_id,
                        file.name,
                        opened,
                        parse_time(record["TARGET_DT"]),
                        parse_time(record["CLOSED_DT"]),
                        record["OnTime_Status"].strip(),
                        (record.get("SUBJECT") or "").strip() or "(none)",
                        (record.get("CASE_TITLE") or record.get("TYPE") or file.stem).strip(),
                    )
                )
    return rows, skipped


def _open_scratch(directory: str) -> None:
    config: dict[str, Any] = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(Path(directory) / "scratch.sqlite3")}
    # configure_settings fills in Django's per-connection defaults (it insists on a default).
    config = connections.configure_settings({"default": dict(connections.settings["default"]), ALIAS: config})[ALIAS]
    connections.settings[ALIAS] = config
    # Only the orders app and what it depends on, and the accounts app to its last migration
    # (the import makes users; no orders migration needs org's later ones): a third-party data
    # migration (django_tasks_db 0016) ignores the database it is run on and would write to the
    # main one, so `migrate` over every app is not an option. The catalogue to its last one
    # too: a reply reads the reply-check phrases kept there.
    for app in ("org", "catalogue", "orders"):
        call_command("migrate", app, database=ALIAS, verbosity=0, interactive=False)


def _close_scratch() -> None:
    if ALIAS in connections.settings:
        connections[ALIAS].close()
        del connections[ALIAS]
        del connections.settings[ALIAS]


def import_rows(rows: list[Row]) -> dict[int, Row]:
    """The lightweight import; returns order id → row."""
    db = ALIAS
    # bulk_create, not save(): OrgUnit.save() maintains the path through the default database.
    city = OrgUnit(pk=1, name="City of Boston", code="boston", kind=UnitKind.OTHER, path="/1/")
    hub = OrgUnit(
        pk=2, name="Boston 311", code="boston-311", kind=UnitKind.CENTER, parent=city, is_hub=True, path="/1/2/"
    )
    units: dict[str, OrgUnit] = {}
    for pk, subject in enumerate(sorted({r.subject for r in rows}), start=3):
        units[subject] = OrgUnit(
            pk=pk, name=subject[:100], code=f"boston-{pk}", kind=UnitKind.DEPARTMENT, parent=hub, path=f"/1/2/{pk}/"
        )
    OrgUnit.objects.using(db).bulk_create([city, hub, *units.values()])
    owner = User(pk=1, username="boston311", display_name="Boston 311 import")
    User.objects.using(db).bulk_create([owner])
    orders = []
    for row in rows:
        closed = row.closed
        orders.append(
            WorkOrder(
                number=f"B{row.case_id}"[:20],
                upstream_platform="boston311",
                upstream_id=row.case_id,
                channel=Channel.API,
                request_type=RequestType.HELP,
                title=row.title[:200] or row.file,
                content=row.title or row.file,
                owner=owner,
                hub=hub,
                lead_unit=units[row.subject],
                state=State.CLOSED if closed else State.SIGNED,
                created_at=row.opened,
                updated_at=closed or row.opened,
                dispatched_at=row.opened,
                first_dispatched_at=row.opened,
                signed_at=row.opened,
                handle_due_at=row.target,
                replied_at=closed,
                accepted_at=closed,
                closed_at=closed,
            )
        )
    WorkOrder.objects.using(db).bulk_create(orders, batch_size=1000)
    ids = dict(WorkOrder.objects.using(db).values_list("upstream_id", "pk"))
    return {ids[row.case_id]: row for row in rows}


def judge(row: Row, project: str, as_of: datetime) -> str | None:
    """Why the project's verdict on a row differs from the city's, or None if they agree.
    project is "ontime", "overdue" or "not counted"."""
    if project == "not counted":
        if row.target is None:
            return f"no TARGET_DT: no deadline, so not in the project's rate (city: {row.status or 'missing'})"
        return (
            f"open and TARGET_DT after the as-of moment: not yet due, so not in the project's rate "
            f"(city: {row.status or 'missing'})"
        )
    if not row.status:
        return f"OnTime_Status missing in the city's data (project: {project})"
    if (project == "ontime") == (row.status == "ONTIME"):
        return None
    return f"verdicts differ: project {project}, city {row.status}"


class Command(BaseCommand):
    help = "Compare the project's 按时办结率 with Boston 311's OnTime_Status on the city's records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", help="folder of Boston 311 CSVs (e.g. ../shared/data/boston311_2015_subset) or one CSV file"
        )
        parser.add_argument(
            "--as-of",
            help="judge open cases at this local Boston time (MM/DD/YYYY HH:MM:SS AM); "
            "default: the latest OPEN_DT or CLOSED_DT in the data",
        )
        parser.add_argument("--differences", help="write the differing rows to this CSV instead of listing them")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        rows, skipped = read_rows(path)
        if not rows:
            raise CommandError(f"no Boston 311 case rows (columns {', '.join(sorted(REQUIRED))}) in {path}")
        if options["as_of"]:
            as_of = parse_time(options["as_of"])
            assert as_of is not None
        else:
            as_of = max(max(r.opened for r in rows), max((r.closed for r in rows if r.closed), default=rows[0].opened))
        with tempfile.TemporaryDirectory(prefix="civicdesk-ontime-") as directory:
            try:
                _open_scratch(directory)
                by_id = import_rows(rows)
                figure = measure("on_time", Period(), as_of=as_of, using=ALIAS)
            finally:
                _close_scratch()
        on_time, due = set(figure.numerator_ids), set(figure.denominator_ids)
        differences: dict[str, list[Row]] = defaultdict(list)
        for order_id, row in by_id.items():
            project = "ontime" if order_id in on_time else "overdue" if order_id in due else "not counted"
            reason = judge(row, project, as_of)
            if reason is not None:
                differences[reason].append(row)
        self._report_differences(differences, options["differences"])
        for line in skipped:
            self.stdout.write(f"skipped: {line}")
        city_ontime = sum(1 for r in rows if r.status == "ONTIME")
        city_share = 100 * city_ontime / len(rows)
        project_rate = 100 * (figure.value or 0)
        self.stdout.write(f"records: {len(rows)} from {path} (open cases judged as of {as_of:%m/%d/%Y %I:%M:%S %p})")
        differing = sum(len(v) for v in differences.values())
        self.stdout.write(
            f"rows where the two differ: {differing}; every other row gets the same verdict "
            f"from both ({len(rows) - differing} rows)"
        )
        self.stdout.write(
            f"project 按时办结率 (measure on_time): {project_rate:.2f}% ({int(figure.numerator)}/{figure.denominator})"
        )
        self.stdout.write(f"city OnTime_Status ONTIME share: {city_share:.2f}% ({city_ontime}/{len(rows)})")
        self.stdout.write(f"difference: {project_rate - city_share:+.2f} percentage points")

    def _report_differences(self, differences: dict[str, list[Row]], target: str | None) -> None:
        if target:
            with open(target, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(
                    ["reason", "CASE_ENQUIRY_ID", "file", "OPEN_DT", "TARGET_DT", "CLOSED_DT", "OnTime_Status"]
                )
                for reason, group in sorted(differences.items()):
                    for r in group:
                        # The case files are outside data: their text is written as text.
                        writer.writerow(
                            csv_row(
                                [reason, r.case_id, r.file, _fmt(r.opened), _fmt(r.target), _fmt(r.closed), r.status]
                            )
                        )
            for reason, group in sorted(differences.items()):
                self.stdout.write(f"{len(group)} rows: {reason} (listed in {target})")
            return
        for reason, group in sorted(differences.items()):
            self.stdout.write(f"== {len(group)} rows: {reason}")
            for r in group:
                self.stdout.write(
                    f"  {r.case_id}  {r.file}  open {_fmt(r.opened)}  target {_fmt(r.target)}  "
                    f"closed {_fmt(r.closed)}  city {r.status or '-'}"
                )


def _fmt(moment: datetime | None) -> str:
    return moment.strftime(FORMAT) if moment else "-"
