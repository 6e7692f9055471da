"""Historic orders in: every row becomes an order lived through the real moves.

A row is checked whole before any move is made (fields, codes, units, the order of its
times); a row at fault is reported with its line, its column and the reason, in the user's
language, and nothing of it is written. A good row is carried through the same moves as
live use — created, sent to the hub, dispatched, signed, replied, accepted, called back or
closed — at the times the file gives, by the demo's bulk engine (civicdesk.demo.bulk), which
runs those very moves against rows held in memory and writes them per batch with COPY. So
an imported order has its events, assignments, deadlines and counters as if it had been
handled here, and counts in every statistic.

Imported orders keep their original number (the key for resuming: a number already in the
database is skipped, so a stopped import is simply run again), their times, units, replies
and callbacks. The file's 办理时限, when it has one, replaces the computed deadline.

What a move would set off live (messages to units and citizens, rating links, the
auto-dispatch) is not set off: that moment is past (the engine's sets_off_reactions).

Like the demo's loader, the import hands out row ids itself: run it when nobody else writes
to the orders (before a center goes live, or in a maintenance window).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import connection, connections, models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civicdesk.catalogue.models import Area, Category, Channel, RequestType, Urgency
from civicdesk.demo.bulk import BulkEngine
from civicdesk.exchange.mapping import DATETIMES, FIELDS, REQUIRED, ColumnMap
from civicdesk.exchange.reading import read_rows
from civicdesk.notifications.models import OutboxMessage
from civicdesk.orders.actions.intake import CONTENT_MAX, TITLE_MAX
from civicdesk.orders.errors import ActionError
from civicdesk.orders.models import Assignment, OrderEvent, ReplyResult, Satisfaction, WorkOrder
from civicdesk.org.models import Membership, OrgUnit, Role, User

ACCOUNT = "history-import"
# The roles the import account holds at the hub: together they cover every move of a
# historic order (intake, dispatch, the units' moves through the hub's subtree, callbacks).
ACCOUNT_ROLES = (Role.OPERATOR, Role.DISPATCHER, Role.HANDLER, Role.CALLBACK_AGENT)
CHUNK = 5000
NUMBER_MAX = WorkOrder._meta.get_field("number").max_length or 20
CHOICES: dict[str, type[models.TextChoices]] = {
    "channel": Channel,
    "request_type": RequestType,
    "urgency": Urgency,
    "reply_result": ReplyResult,
    "callback_solved": ReplyResult,
    "callback_satisfaction": Satisfaction,
}
# The moves' argument names → the fields of a column map, to name the column at fault.
ACTION_FIELDS = {
    "text": "reply_text",
    "result": "reply_result",
    "answer": "answer_text",
    "comment": "callback_comment",
    "solved": "callback_solved",
    "satisfaction": "callback_satisfaction",
}
# Each row asks; Django's enum builds its lists anew on every call.
_VALUES = {name: frozenset(choices.values) for name, choices in CHOICES.items()}
NOT_FOUND = {
    "area": gettext_lazy("没有这个区域：%(value)s"),
    "category": gettext_lazy("没有这个分类：%(value)s"),
    "lead_unit": gettext_lazy("没有这个单位：%(value)s"),
}


@dataclass(frozen=True)
class Rejected:
    line: int
    column: str
    reason: str
    number: str = ""


@dataclass
class Report:
    imported: int = 0
    skipped: int = 0  # already in the database (an earlier run)
    rejected: list[Rejected] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.imported / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        return _("导入 %(imported)s 件，跳过已导入 %(skipped)s 件，拒绝 %(rejected)s 行。") % {
            "imported": self.imported,
            "skipped": self.skipped,
            "rejected": len(self.rejected),
        }


class RowError(Exception):
    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field_name
        self.reason = reason


@dataclass
class Plan:
    """What one row says happened, checked: the order's fields and its moves' times."""

    line: int
    number: str
    created_at: dt.datetime
    fields: dict[str, Any]
    answer_text: str = ""
    lead_unit: OrgUnit | None = None
    dispatched_at: dt.datetime | None = None
    signed_at: dt.datetime | None = None
    handle_due_at: dt.datetime | None = None
    reply_result: str = ""
    reply_text: str = ""
    replied_at: dt.datetime | None = None
    accepted_at: dt.datetime | None = None
    callback_at: dt.datetime | None = None
    callback_solved: str = ""
    callback_satisfaction: str = ""
    callback_comment: str = ""
    closed_at: dt.datetime | None = None


class References:
    """Units, categories and areas by code and by name, looked up once."""

    def __init__(self, hub: OrgUnit) -> None:
        self.hub = hub
        self.units = _by_code_and_name(hub.subtree().filter(active=True))
        self.categories = _by_code_and_name(Category.objects.all())
        self.areas = _by_code_and_name(Area.objects.all())


def _by_code_and_name(qs: Iterable[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for obj in qs:
        found.setdefault(obj.name, obj)
    for obj in qs:  # a code wins over a name that happens to read the same
        found[obj.code] = obj
    return found


# --- one row ------------------------------------------------------------------------------


def _raw(row: dict[str, Any], cmap: ColumnMap, name: str) -> str:
    """What the file says, without the map's default."""
    column = cmap.columns.get(name)
    value = row.get(column, "") if column else ""
    if isinstance(value, dt.datetime):
        value = value.isoformat(sep=" ")
    elif isinstance(value, dt.date):
        value = value.isoformat()
    return str(value).strip()


def _text(row: dict[str, Any], cmap: ColumnMap, name: str) -> str:
    return _raw(row, cmap, name) or cmap.defaults.get(name, "")


def _moment(row: dict[str, Any], cmap: ColumnMap, name: str) -> dt.datetime | None:
    column = cmap.columns.get(name)
    value = row.get(column, "") if column else ""
    if value == "" or value is None:
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    else:
        text = str(value).strip()
        parsed = _iso(text, cmap.date_formats)
        for form in () if parsed is not None else cmap.date_formats:
            try:
                parsed = _strptime(text, form)
                break
            except ValueError:
                continue
        if parsed is None:
            raise RowError(
                name,
                _("无法识别的时间“%(value)s”（应为 %(format)s）")
                % {"value": value, "format": _example(cmap.date_formats[0])},
            )
        moment = parsed
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=cmap.timezone)
    return moment


# The two ISO layouts most files use, read by fromisoformat (a C function, several times faster
# than strptime): only when the map lists that very layout and the text has exactly its shape.
_ISO_SHAPES = {
    "%Y-%m-%d %H:%M:%S": re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"),
    "%Y-%m-%d %H:%M": re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"),
}


def _iso(text: str, formats: tuple[str, ...]) -> dt.datetime | None:
    for form in formats:
        shape = _ISO_SHAPES.get(form)
        if shape is None:
            return None  # an earlier layout the map prefers must be tried first, by strptime
        if shape.fullmatch(text):
            try:
                return dt.datetime.fromisoformat(text)
            except ValueError:
                return None  # the right shape but no such day (2015-02-30): strptime says why
    return None


# strptime's own patterns (CPython's _strptime.TimeRE, C locale) for the directives dates in
# files use: a layout made of these and plain characters is read by one regular expression
# and datetime(), several times faster than strptime, which remains the judge of anything else.
_DIRECTIVES = {
    "d": r"(?P<d>3[0-1]|[1-2]\d|0[1-9]|[1-9]| [1-9])",
    "H": r"(?P<H>2[0-3]|[0-1]\d|\d)",
    "I": r"(?P<I>1[0-2]|0[1-9]|[1-9])",
    "m": r"(?P<m>1[0-2]|0[1-9]|[1-9])",
    "M": r"(?P<M>[0-5]\d|\d)",
    "S": r"(?P<S>6[0-1]|[0-5]\d|\d)",
    "Y": r"(?P<Y>\d\d\d\d)",
    "p": r"(?P<p>am|pm)",
}
_LAYOUTS: dict[str, re.Pattern[str] | None] = {}


def _layout(form: str) -> re.Pattern[str] | None:
    """The regular expression strptime would match `form` with, or None for a layout with
    another directive, a directive twice, or a locale whose AM/PM are not "AM"/"PM"."""
    if form in _LAYOUTS:
        return _LAYOUTS[form]
    pattern: re.Pattern[str] | None = None
    parts = re.split(r"(%.)", form)
    directives = [p[1] for p in parts if p.startswith("%")]
    c_locale = time.strftime("%p", time.struct_time((2000, 1, 1, 1, 0, 0, 5, 1, 0))) == "AM"
    plain = all(d in _DIRECTIVES for d in directives) and len(set(directives)) == len(directives)
    if plain and c_locale and not {"H", "I"} <= set(directives):
        # strptime's escaping, and a run of white space in the layout matches any run of it.
        regex = "".join(
            _DIRECTIVES[p[1]] if p.startswith("%") else r"\s+".join(re.escape(w) for w in re.split(r"\s+", p))
            for p in parts
        )
        pattern = re.compile(regex, re.IGNORECASE)
    _LAYOUTS[form] = pattern
    return pattern


def _strptime(text: str, form: str) -> dt.datetime:
    """dt.datetime.strptime(text, form), naive; ValueError as strptime raises it."""
    pattern = _layout(form)
    found = pattern.match(text) if pattern is not None else None
    if found is None or found.end() != len(text):
        # The file's times are local to the map's time zone, attached by the caller.
        return dt.datetime.strptime(text, form)  # noqa: DTZ007
    values = found.groupdict()
    hour = int(values.get("H") or 0)
    if "I" in values:
        # As strptime: 12 AM (or 12 without AM/PM) is midnight, 1-11 PM add twelve hours.
        hour = int(values["I"])
        pm = (values.get("p") or "").lower() == "pm"
        hour = (hour % 12) + (12 if pm else 0)
    try:
        return dt.datetime(  # noqa: DTZ001
            int(values.get("Y") or 1900),
            int(values.get("m") or 1),
            int(values.get("d") or 1),
            hour,
            int(values.get("M") or 0),
            int(values.get("S") or 0),
        )
    except ValueError:
        return dt.datetime.strptime(text, form)  # noqa: DTZ007  strptime says why


def _example(form: str) -> str:
    return dt.datetime(2026, 3, 1, 9, 30, 0, tzinfo=dt.UTC).strftime(form)


def _choice(row: dict[str, Any], cmap: ColumnMap, name: str) -> str:
    raw = _text(row, cmap, name)
    if not raw:
        return ""
    code = cmap.code(name, raw)
    if code in _VALUES[name]:
        return code
    choices = CHOICES[name]
    by_label = {str(label): value for value, label in choices.choices}
    if code in by_label:
        return by_label[code]
    allowed = "、".join(str(label) for _v, label in choices.choices)
    raise RowError(name, _("“%(value)s”不是可用的取值（可用：%(allowed)s）") % {"value": raw, "allowed": allowed})


def _reference(row: dict[str, Any], cmap: ColumnMap, name: str, known: dict[str, Any]) -> Any:
    raw = _text(row, cmap, name)
    if not raw:
        return None
    found = known.get(cmap.code(name, raw))
    if found is None:
        raise RowError(name, str(NOT_FOUND[name]) % {"value": raw})
    return found


def _decimal(row: dict[str, Any], cmap: ColumnMap, name: str) -> Decimal | None:
    raw = _text(row, cmap, name)
    if not raw:
        return None
    try:
        return Decimal(raw).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise RowError(name, _("“%(value)s”不是数字") % {"value": raw}) from None


def plan_row(line: int, row: dict[str, Any], cmap: ColumnMap, refs: References) -> Plan:
    """The row checked whole; RowError names the first field at fault."""
    number = _text(row, cmap, "number")
    if not number:
        raise RowError("number", _("缺少工单编号"))
    if len(number) > NUMBER_MAX:
        raise RowError("number", _("工单编号超过 %(n)s 个字符") % {"n": NUMBER_MAX})
    created_at = _moment(row, cmap, "created_at")
    if created_at is None:
        raise RowError("created_at", _("缺少受理时间"))
    times = {name: _moment(row, cmap, name) for name in DATETIMES if name != "created_at"}
    title = _text(row, cmap, "title")
    content = _text(row, cmap, "content") or title
    title = title or content[:TITLE_MAX]
    if not content:
        raise RowError("content", _("缺少诉求内容"))
    if len(title) > TITLE_MAX:
        raise RowError("title", _("标题超过 %(n)s 个字") % {"n": TITLE_MAX})
    if len(content) > CONTENT_MAX:
        raise RowError("content", _("诉求内容超过 %(n)s 个字") % {"n": CONTENT_MAX})
    fields: dict[str, Any] = {
        "channel": _choice(row, cmap, "channel") or Channel.PHONE,
        "request_type": _choice(row, cmap, "request_type") or RequestType.HELP,
        "urgency": _choice(row, cmap, "urgency") or Urgency.NORMAL,
        "title": title,
        "content": content,
        "address": _text(row, cmap, "address")[:255],
        "area": _reference(row, cmap, "area", refs.areas),
        "category": _reference(row, cmap, "category", refs.categories),
        "latitude": _decimal(row, cmap, "latitude"),
        "longitude": _decimal(row, cmap, "longitude"),
        "citizen_name": _text(row, cmap, "citizen_name"),
        "citizen_phone": _text(row, cmap, "citizen_phone"),
        "upstream_platform": _text(row, cmap, "upstream_platform"),
        "upstream_id": _text(row, cmap, "upstream_id"),
    }
    if (fields["latitude"] is None) != (fields["longitude"] is None) or (
        fields["latitude"] is not None and (fields["latitude"] == 0 and fields["longitude"] == 0)
    ):
        fields["latitude"] = fields["longitude"] = None  # half a position, or the 0,0 of a missing one
    plan = Plan(line, number, created_at, fields)
    plan.answer_text = _raw(row, cmap, "answer_text")
    plan.lead_unit = _reference(row, cmap, "lead_unit", refs.units)
    if plan.lead_unit is not None and plan.lead_unit.pk == refs.hub.pk:
        raise RowError("lead_unit", _("主办单位不能是服务中心本身"))
    plan.replied_at = times["replied_at"]
    replied = bool(_raw(row, cmap, "reply_text") or plan.replied_at)
    # The map's default reply text stands in only where the file says there was a reply.
    plan.reply_text = _text(row, cmap, "reply_text") if replied else ""
    plan.callback_satisfaction = (
        _choice(row, cmap, "callback_satisfaction") if _raw(row, cmap, "callback_satisfaction") else ""
    )
    plan.callback_solved = _choice(row, cmap, "callback_solved") if _raw(row, cmap, "callback_solved") else ""
    plan.callback_comment = _text(row, cmap, "callback_comment")
    plan.closed_at = times["closed_at"]
    if plan.lead_unit is None:
        if replied:
            raise RowError("lead_unit", _("有答复却没有主办单位"))
        if times["dispatched_at"] is not None:
            raise RowError("lead_unit", _("有派单时间却没有主办单位"))
    else:
        plan.dispatched_at = times["dispatched_at"] or created_at
        plan.signed_at = times["signed_at"] or (plan.dispatched_at if replied else None)
        plan.handle_due_at = times["handle_due_at"]
    if replied:
        if not plan.reply_text:
            raise RowError("reply_text", _("有答复时间却没有答复内容"))
        plan.replied_at = plan.replied_at or plan.closed_at
        if plan.replied_at is None:
            raise RowError("replied_at", _("有答复内容却没有答复时间"))
        plan.reply_result = _choice(row, cmap, "reply_result") or ReplyResult.SOLVED
    called_back = bool(_raw(row, cmap, "callback_satisfaction") or _raw(row, cmap, "callback_solved"))
    if called_back:
        if not replied:
            raise RowError("callback_satisfaction", _("有回访结果却没有答复"))
        plan.callback_satisfaction = plan.callback_satisfaction or Satisfaction.NO_RATING
        if not plan.callback_solved:
            raise RowError("callback_solved", _("有回访满意度却没有解决情况"))
        plan.callback_at = times["callback_at"] or plan.closed_at or plan.replied_at
    if replied:
        # The hub accepted the reply when the file says, else when the order was called back or closed.
        plan.accepted_at = times["accepted_at"] or plan.callback_at or plan.closed_at
    elif times["accepted_at"] is not None:
        raise RowError("accepted_at", _("有审核时间却没有答复"))
    if plan.answer_text and plan.lead_unit is not None:
        raise RowError("answer_text", _("即时答复的工单不应有主办单位"))
    if len(plan.answer_text) > CONTENT_MAX or len(plan.reply_text) > CONTENT_MAX:
        column = "answer_text" if len(plan.answer_text) > CONTENT_MAX else "reply_text"
        raise RowError(column, _("内容超过 %(n)s 个字") % {"n": CONTENT_MAX})
    # The times must follow each other as the moves do.
    sequence = [
        ("created_at", created_at),
        ("dispatched_at", plan.dispatched_at),
        ("signed_at", plan.signed_at),
        ("replied_at", plan.replied_at),
        ("accepted_at", plan.accepted_at),
        ("callback_at", plan.callback_at),
        ("closed_at", plan.closed_at if (replied or plan.answer_text) else None),
    ]
    previous_name, previous = "created_at", created_at
    for name, moment in sequence[1:]:
        if moment is None:
            continue
        if moment < previous:
            # Said against the time the file gave, not against one filled in for it.
            earlier = "created_at" if moment < created_at else previous_name
            raise RowError(name, _("%(this)s早于%(that)s") % {"this": FIELDS[name], "that": FIELDS[earlier]})
        previous_name, previous = name, moment
    if plan.handle_due_at is not None and plan.dispatched_at is not None and plan.handle_due_at < plan.dispatched_at:
        raise RowError("handle_due_at", _("办理时限早于派单时间"))
    return plan


# --- the engine -----------------------------------------------------------------------------


class ImportEngine(BulkEngine):
    """The demo's bulk engine, with the original numbers, nothing set off, and an order that
    fails half-way taken out of the batch whole."""

    # History recorded after the fact: no messages, rating links or auto-dispatch (reactions.py).
    sets_off_reactions = False

    def __init__(self, first_ids: dict[type[models.Model], int] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.number = ""
        # Where this engine's ids start, when processes import side by side (import_orders' workers).
        self.first_ids = first_ids

    def _start(self) -> None:
        started = self._started
        super()._start()
        if not started and self.first_ids:
            self._next.update(self.first_ids)

    def next_number(self, at: dt.datetime) -> str:
        return self.number

    def discard(self, order_id: int) -> None:
        """Forget every row of an order that could not be carried through."""
        self._orders.pop(order_id, None)
        self._assignments.pop(order_id, None)
        self._topics.pop(order_id, None)
        self._history.pop(order_id, None)
        self._children.pop(order_id, None)
        self._events = [row for row in self._events if row[1] != order_id]


def import_account(hub: OrgUnit) -> User:
    """The service account the history is recorded under, with its roles at `hub`."""
    with transaction.atomic():
        user, created = User.objects.get_or_create(
            username=ACCOUNT, defaults={"display_name": _("历史数据导入"), "is_service": True}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        for role in ACCOUNT_ROLES:
            Membership.objects.get_or_create(user=user, unit=hub, role=role)
    # Roles are cached on the instance: a fresh one sees the memberships just made.
    return User.objects.get(pk=user.pk)


@dataclass(frozen=True)
class Reasons:
    """The reasons the import writes into the events, in the user's language: looked up once
    per import (a translation looked up for every order cost as much as one of its moves)."""

    accepted: str
    no_callback: str

    @classmethod
    def of(cls, cmap: ColumnMap) -> Reasons:
        return cls(
            accepted=_("历史工单导入：当时已由中心审核通过。"),
            no_callback=cmap.no_callback_reason or _("历史数据导入：原系统无回访记录"),
        )


def carry_out(
    engine: ImportEngine,
    plan: Plan,
    actor: User,
    hub: OrgUnit,
    cmap: ColumnMap,
    source: str,
    reasons: Reasons | None = None,
) -> None:
    """The moves of one order. On an ActionError the order is taken out whole and the error raised."""
    reasons = reasons or Reasons.of(cmap)
    engine.number = plan.number
    intake = {"imported": {"file": source, "line": plan.line, "map": cmap.name}}
    order = engine.create(plan.created_at, actor=actor, hub=hub, intake_data=intake, **plan.fields)
    try:
        do = engine.do
        if plan.answer_text:
            do("answer", order, plan.closed_at or plan.created_at, actor, answer=plan.answer_text)
            return
        if plan.lead_unit is None:
            return
        assert plan.dispatched_at is not None
        order = do("send_to_hub", order, plan.created_at, actor)
        order = do("dispatch", order, plan.dispatched_at, actor, lead_unit=plan.lead_unit)
        if plan.handle_due_at is not None:
            # The deadline the center worked to then, not the one today's rules would give.
            order.handle_due_at = plan.handle_due_at
            if order.handle_warn_at is not None and order.handle_warn_at > plan.handle_due_at:
                order.handle_warn_at = plan.handle_due_at
        if plan.signed_at is None:
            return
        order = do("sign", order, plan.signed_at, actor)
        if plan.replied_at is None:
            return
        # A historic reply is checked like a live one (orders.quality), not marked "imported"
        # instead: the flagged-reply rate of the statistics counts every reply (rollups'
        # rp_flagged), and a year of history judged by other rules would not compare with the
        # next. That it was accepted back then is what the acceptance below records.
        order = do("reply", order, plan.replied_at, actor, result=plan.reply_result, text=plan.reply_text)
        if plan.accepted_at is None:
            return
        # The center accepted this reply back then; today's reply checks may flag it (a
        # history is what happened, not what should have), so the acceptance says why.
        order = do("accept_reply", order, plan.accepted_at, actor, override_reason=reasons.accepted)
        if plan.callback_at is None and plan.closed_at is None:
            return
        if plan.callback_at is not None:
            do(
                "record_callback",
                order,
                plan.callback_at,
                actor,
                solved=plan.callback_solved,
                satisfaction=plan.callback_satisfaction,
                comment=plan.callback_comment,
            )
        else:
            assert plan.closed_at is not None
            do("close_without_callback", order, plan.closed_at, actor, reason=reasons.no_callback)
    except Exception:
        # Refused (ActionError) or broken: either way none of this order is written.
        engine.discard(order.pk)
        raise


def _batches(rows: Iterator[tuple[int, dict[str, Any]]], size: int) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    batch: list[tuple[int, dict[str, Any]]] = []
    for item in rows:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def import_orders(
    path: str | Path,
    cmap: ColumnMap,
    hub: OrgUnit,
    *,
    batch_size: int = CHUNK,
    limit: int | None = None,
    workers: int = 1,
    progress: Callable[[Report], None] | None = None,
) -> Report:
    """Import the file's orders under `hub`; see the module's docstring. FileError when the
    file cannot be read, with nothing imported. `workers` > 1 (PostgreSQL, outside a
    transaction) shares the rows among that many processes, each with ids of its own."""
    started = time.monotonic()
    header, rows = read_rows(path)
    report = Report()
    absent = [name for name, column in cmap.columns.items() if column not in header]
    if any(name in REQUIRED for name in absent):
        # Every row would fail the same way: say it once, for the header.
        for name in absent:
            if name in REQUIRED:
                report.rejected.append(Rejected(1, cmap.columns[name], _("文件中没有这一列")))
        return report
    # An optional column the file lacks reads as empty on every row; the report says so.
    report.missing_columns = [cmap.columns[name] for name in absent]
    refs = References(hub)
    actor = import_account(hub)
    if workers > 1 and limit is None and connection.vendor == "postgresql" and not connection.in_atomic_block:
        return _in_parallel(path, cmap, hub, rows, report, workers, batch_size, started)
    engine = ImportEngine(batch_size=batch_size)
    try:
        _import(rows, cmap, hub, refs, actor, engine, Path(path).name, report, limit, progress, started)
    finally:
        engine.close()
    report.rejected.sort(key=lambda r: r.line)
    report.seconds = time.monotonic() - started
    return report


def _import(
    rows: Iterator[tuple[int, dict[str, Any]]],
    cmap: ColumnMap,
    hub: OrgUnit,
    refs: References,
    actor: User,
    engine: ImportEngine,
    source: str,
    report: Report,
    limit: int | None = None,
    progress: Callable[[Report], None] | None = None,
    started: float = 0.0,
    seen: set[str] | None = None,
) -> None:
    """Check and carry out the rows, a chunk at a time, adding to `report`."""
    seen = set() if seen is None else seen
    reasons = Reasons.of(cmap)
    taken = 0
    for chunk in _batches(rows, CHUNK):
        if limit is not None:
            chunk = chunk[: max(0, limit - taken)]
        taken += len(chunk)
        # A row whose number is already in the database was imported by an earlier run: skipped
        # before it is checked (resuming a large file re-reads it all).
        numbers = [_text(row, cmap, "number") for _line, row in chunk]
        existing = set(WorkOrder.objects.filter(number__in=[n for n in numbers if n]).values_list("number", flat=True))
        plans: list[Plan] = []
        for (line, row), number in zip(chunk, numbers, strict=True):
            if number and number in existing:
                report.skipped += 1
                continue
            try:
                plans.append(plan_row(line, row, cmap, refs))
            except RowError as error:
                report.rejected.append(Rejected(line, cmap.column_of(error.field), error.reason, number))
        for plan in plans:
            if plan.number in seen:
                report.rejected.append(
                    Rejected(plan.line, cmap.column_of("number"), _("工单编号在文件中重复"), plan.number)
                )
                continue
            try:
                carry_out(engine, plan, actor, hub, cmap, source, reasons)
            except ActionError as error:
                named = next(iter(error.fields), "number")
                field_name = ACTION_FIELDS.get(named, named)
                column = cmap.column_of(field_name if field_name in FIELDS else "number")
                report.rejected.append(Rejected(plan.line, column, error.message, plan.number))
                continue
            seen.add(plan.number)
            report.imported += 1
        if progress is not None:
            report.seconds = time.monotonic() - started
            progress(report)
        if limit is not None and taken >= limit:
            break


# Rows of each kind one order may need at most (an import makes ≤ 8 moves, one dispatch).
_PER_ORDER = {WorkOrder: 1, Assignment: 2, OrderEvent: 12, OutboxMessage: 1}


def _in_parallel(
    path: str | Path,
    cmap: ColumnMap,
    hub: OrgUnit,
    rows: Iterator[tuple[int, dict[str, Any]]],
    report: Report,
    workers: int,
    batch_size: int,
    started: float,
) -> Report:
    """The rows shared among `workers` forked processes. A number twice in the file is found
    here first (each process sees only its share); each process hands out ids from a block of
    its own, so their batches never collide."""
    numbers: dict[str, int] = {}
    duplicates: set[int] = set()
    count = 0
    for line, row in rows:
        count += 1
        number = _raw(row, cmap, "number")
        if number and number in numbers:
            duplicates.add(line)
            report.rejected.append(Rejected(line, cmap.column_of("number"), _("工单编号在文件中重复"), number))
        numbers.setdefault(number, line)
    share = count // workers + 1
    base = {model: (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1 for model in _PER_ORDER}
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    connections.close_all()  # each process opens its own
    processes = []
    for index in range(workers):
        first_ids = {model: start + index * share * _PER_ORDER[model] for model, start in base.items()}
        process = context.Process(
            target=_worker,
            args=(str(path), cmap, hub.pk, index, workers, duplicates, first_ids, batch_size, results),
        )
        process.start()
        processes.append(process)
    failures = []
    for _process in processes:
        part, error = results.get()
        if error:
            failures.append(error)
            continue
        report.imported += part.imported
        report.skipped += part.skipped
        report.rejected.extend(part.rejected)
    for process in processes:
        process.join()
    if failures:
        raise RuntimeError("; ".join(failures))
    report.rejected.sort(key=lambda r: r.line)
    report.seconds = time.monotonic() - started
    return report


def _worker(
    path: str,
    cmap: ColumnMap,
    hub_id: int,
    index: int,
    workers: int,
    duplicates: set[int],
    first_ids: dict[type[models.Model], int],
    batch_size: int,
    results: Any,
) -> None:
    """One process's share of the rows: every `workers`-th, from the `index`-th."""
    report = Report()
    try:
        hub = OrgUnit.objects.get(pk=hub_id)
        _header, rows = read_rows(path)
        mine = (
            (line, row)
            for position, (line, row) in enumerate(rows)
            if position % workers == index and line not in duplicates
        )
        engine = ImportEngine(batch_size=batch_size, first_ids=first_ids)
        try:
            _import(mine, cmap, hub, References(hub), import_account(hub), engine, Path(path).name, report)
        finally:
            engine.close()
        results.put((report, ""))
    except Exception as error:  # told to the parent, which raises it
        results.put((report, f"{type(error).__name__}: {error}"))
    finally:
        connections.close_all()
