"""The measures of DESIGN §6, each written once: its Chinese name, the definition shown
next to it (tooltip), and its computation from the orders, their assignments and events.

Every figure is for a period [start, end) and optional filters, judged `as_of` a moment
(default now), and keeps the ids of the orders behind its numerator and denominator so a
number can always be opened into its list (drill-down).

Rules shared by every measure (also in POPULATION_RULE, shown with the figures):
- A merged order (已并单) is a repeat of its parent: only the parent is counted.
- Voided orders (已作废: harassment, test calls) and orders transferred out (已转出 to
  110/119/120/122 or a legal route) are not hotline work: they are left out of every
  measure, counts and rates alike.
- Filters: channel, request type, urgency, category or area at any level (the node and
  everything under it), special topic, and lead unit (the order's current lead unit, with
  or without its sub-units; for 响应率 the unit that received each dispatch).
- Counters (return_count, redispatch_count) and deadlines are the order's current values;
  `as_of` cuts on timestamps only, so a past figure can move while late moves arrive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from django.conf import settings
from django.db.models import BooleanField, Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from civicdesk.catalogue.models import Area, Category, Topic
from civicdesk.orders.models import Assignment, AssignmentRole, OrderEvent, ReplyResult, Satisfaction, WorkOrder
from civicdesk.orders.workflow import State
from civicdesk.org.models import OrgUnit
from civicdesk.worktime.limits import work_calendar

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

POPULATION_RULE = (
    "并单工单只计主单一次；已作废（骚扰、测试来电）和已转出（110/119/120/122 或诉讼、信访等法定途径）的工单"
    "以及群众在答复前撤销的诉求不属于热线办理，不计入任何统计（件数与比率均不计）。"
)
EXCLUDED_STATES = (State.MERGED, State.VOID, State.TRANSFERRED, State.WITHDRAWN)
FINISHED_STATES = (State.CLOSED, State.ANSWERED)

Kind = Literal["count", "rate", "hours"]


@dataclass(frozen=True)
class Period:
    """[start, end): either end may be open."""

    start: datetime | None = None
    end: datetime | None = None

    def q(self, field_name: str) -> Q:
        q = Q()
        if self.start is not None:
            q &= Q(**{f"{field_name}__gte": self.start})
        if self.end is not None:
            q &= Q(**{f"{field_name}__lt": self.end})
        return q


@dataclass(frozen=True)
class Filters:
    channel: str | None = None
    request_type: str | None = None
    urgency: str | None = None
    category: Category | None = None
    area: Area | None = None
    topic: Topic | None = None
    lead_unit: OrgUnit | None = None
    include_sub_units: bool = True
    # The figures of this hub's subtree (civicdesk.statistics.scope): the orders in the queue
    # of this hub or of a hub below it. Set from who is asking, never from the query string alone.
    hub: OrgUnit | None = None


@dataclass(frozen=True)
class Config:
    basically_counts_as_satisfied: bool = True
    partly_counts_as_solved: bool = False

    @classmethod
    def from_settings(cls) -> Config:
        return cls(
            basically_counts_as_satisfied=settings.CIVICDESK_STATS_BASICALLY_SATISFIED,
            partly_counts_as_solved=settings.CIVICDESK_STATS_PARTLY_SOLVED,
        )


def display_value(kind: str, value: float | None) -> str:
    """How a figure reads on pages and in exports, whether computed or summed from rollups."""
    if value is None:
        return "—"
    if kind == "rate":
        return f"{value * 100:.2f}%"
    if kind == "hours":
        return gettext("%(hours)s 小时") % {"hours": f"{value:.1f}"}
    # The kinds of the call and chat measures (civicdesk.intake.callmeasures, civicdesk.chat.measures).
    if kind == "seconds":
        return gettext("%(n)s 秒") % {"n": f"{value:.1f}"}
    if kind == "minutes":
        return gettext("%(n)s 分钟") % {"n": f"{value:.1f}"}
    return f"{int(value)}"


@dataclass(frozen=True)
class Figure:
    """One computed number. numerator == len(numerator_ids) for counts and rates; an id
    repeats when the measure counts moves (dispatches, callbacks) and an order had two."""

    code: str
    name: str
    definition: str
    kind: Kind
    value: float | None  # a rate as a fraction 0..1, a count, or hours; None when undefined (0 ÷ 0)
    numerator: float
    denominator: int | None
    numerator_ids: tuple[int, ...] = ()
    denominator_ids: tuple[int, ...] = ()
    # None: the database router chooses (the replica inside civicdesk.lib.replica's scope).
    using: str | None = None

    @property
    def percent(self) -> float | None:
        return None if self.value is None or self.kind != "rate" else self.value * 100

    def display(self) -> str:
        return display_value(self.kind, self.value)

    def orders(self, part: Literal["numerator", "denominator"] = "numerator") -> QuerySet[WorkOrder]:
        """The orders behind the number (drill-down)."""
        ids = self.numerator_ids if part == "numerator" else self.denominator_ids
        return WorkOrder.objects.using(self.using).filter(pk__in=set(ids)).order_by("created_at", "pk")


@dataclass(frozen=True)
class Context:
    period: Period
    filters: Filters
    as_of: datetime
    config: Config
    using: str | None
    # The rows' own conditions only, not their orders' (drill_rows: the other rows of an order
    # whose row is listed, an order that passes the order's conditions already).
    rows_only: bool = False

    @classmethod
    def asked(
        cls,
        period: Period | None,
        filters: Filters | None,
        as_of: datetime | None,
        config: Config | None,
        using: str | None,
    ) -> Context:
        """The context of a figure or list asked for, with what was not given: the default
        period, no filters, now, the settings' configuration."""
        return cls(
            period or Period(), filters or Filters(), as_of or timezone.now(), config or Config.from_settings(), using
        )

    # The population every measure starts from, with the filters applied.
    def orders(self) -> QuerySet[WorkOrder]:
        return (
            WorkOrder.objects.using(self.using)
            .filter(order_q(self.filters, using=self.using))
            .filter(created_at__lte=self.as_of)
        )

    def on_orders(self, filters: Filters | None = None, *, unit_field: str | None = None) -> Q:
        """The filters (and the population rule) on rows of several per order, as order_q through
        `order__`. With rows_only, only what can differ between the rows of one order: the unit
        filter when it names the row's own unit (`unit_field`, e.g. the dispatch's unit)."""
        f = self.filters if filters is None else filters
        if not self.rows_only:
            return order_q(f, prefix="order__", unit_field=unit_field, using=self.using)
        if unit_field is None or f.lead_unit is None:
            return Q()
        return _unit_q(unit_field, f.lead_unit, f.include_sub_units)

    def events(self, *actions: str) -> QuerySet[OrderEvent]:
        return (
            OrderEvent.objects.using(self.using)
            .filter(
                self.on_orders(),
                action__in=actions,
                at__lte=self.as_of,
            )
            .filter(self.period.q("at"))
        )


@dataclass(frozen=True)
class Measure:
    code: str
    name: StrOrPromise  # translated when shown
    definition: StrOrPromise
    kind: Kind
    compute: Callable[[Context], tuple[list[int], list[int] | None, float | None]] = field(repr=False)


def _descendants(model: type[Category] | type[Area], root: int, using: str | None) -> set[int]:
    children: dict[int | None, list[int]] = {}
    for pk, parent in model._default_manager.using(using).values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    found, todo = {root}, [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _unit_q(unit_field: str, unit: OrgUnit, include_sub_units: bool) -> Q:
    if include_sub_units:
        return Q(**{f"{unit_field}__path__startswith": unit.path})
    return Q(**{unit_field: unit})


def order_q(filters: Filters, *, prefix: str = "", unit_field: str | None = None, using: str | None = None) -> Q:
    """The filters (and the population rule) as a Q on WorkOrder reached through `prefix`."""
    p = prefix
    q = ~Q(**{f"{p}state__in": EXCLUDED_STATES})
    if filters.channel:
        q &= Q(**{f"{p}channel": filters.channel})
    if filters.request_type:
        q &= Q(**{f"{p}request_type": filters.request_type})
    if filters.urgency:
        q &= Q(**{f"{p}urgency": filters.urgency})
    if filters.category is not None:
        q &= Q(**{f"{p}category_id__in": _descendants(Category, filters.category.pk, using)})
    if filters.area is not None:
        q &= Q(**{f"{p}area_id__in": _descendants(Area, filters.area.pk, using)})
    if filters.topic is not None:
        q &= Q(**{f"{p}topics": filters.topic})
    if filters.lead_unit is not None:
        q &= _unit_q(unit_field or f"{p}lead_unit", filters.lead_unit, filters.include_sub_units)
    if filters.hub is not None:
        q &= Q(**{f"{p}hub__path__startswith": filters.hub.path})
    return q


def _once(c: Context, qs: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    """Each order once: only the topics filter joins a table with several rows per order.
    Without it the rows are left undistinct, so a drill-down list can walk the index of its
    period column and stop at the page (a DISTINCT would gather the whole period first)."""
    return qs.distinct() if c.filters.topic is not None else qs


def _ids(qs: QuerySet[Any], column: str = "pk") -> list[int]:
    return list(qs.order_by(column).values_list(column, flat=True))


def _rate(num: list[int], den: list[int]) -> tuple[list[int], list[int], float | None]:
    return num, den, (len(num) / len(den) if den else None)


# --- 受理量 and 直接答复率 -------------------------------------------------------------


def _accepted_qs(c: Context) -> QuerySet[WorkOrder]:
    return c.orders().filter(c.period.q("created_at"))


def _accepted(c: Context) -> tuple[list[int], None, float]:
    ids = _ids(_once(c, _accepted_qs(c)))
    return ids, None, float(len(ids))


def _answered(c: Context) -> tuple[list[int], list[int], float | None]:
    accepted = _once(c, _accepted_qs(c))
    return _rate(_ids(accepted.filter(state=State.ANSWERED)), _ids(accepted))


# --- 办结率, 按时办结率, 超期件数: the orders due in the period -----------------------------


def _finished_q(c: Context) -> Q:
    return Q(state__in=FINISHED_STATES, closed_at__lte=c.as_of)


def _due_qs(c: Context, *, on_the_call: bool = True) -> QuerySet[WorkOrder]:
    """Due in the period: the handling deadline (after approved extensions, after a rework
    its fresh deadline) falls in the period and has passed by as_of, or the order is
    already finished; an order answered on the call is due at the moment it was taken.
    Orders never dispatched have no deadline and are not due. on_the_call=False leaves the
    orders answered on the call out (超期 never counts them): the deadline's range alone is
    then an index condition, where the OR kept it out of the index (0.7 s at 1M orders)."""
    deadline = (
        Q(handle_due_at__isnull=False) & c.period.q("handle_due_at") & (Q(handle_due_at__lte=c.as_of) | _finished_q(c))
    )
    if not on_the_call:
        return _once(c, c.orders().filter(deadline).exclude(state=State.ANSWERED))
    answered = Q(state=State.ANSWERED) & c.period.q("created_at")
    return _once(c, c.orders().filter(deadline | answered))


def _on_time_q() -> Q:
    return Q(state=State.ANSWERED) | Q(replied_at__lte=F("handle_due_at"))


def _completion(c: Context) -> tuple[list[int], list[int], float | None]:
    due = _due_qs(c)
    return _rate(_ids(due.filter(_finished_q(c))), _ids(due))


def _on_time(c: Context) -> tuple[list[int], list[int], float | None]:
    due = _due_qs(c)
    return _rate(_ids(due.filter(_finished_q(c)).filter(_on_time_q())), _ids(due))


def _overdue_qs(c: Context) -> QuerySet[WorkOrder]:
    return (
        _due_qs(c, on_the_call=False)
        .filter(handle_due_at__lte=c.as_of)
        .filter(Q(replied_at__isnull=True) | Q(replied_at__gt=F("handle_due_at")))
    )


def _overdue(c: Context) -> tuple[list[int], None, float]:
    ids = _ids(_overdue_qs(c))
    return ids, None, float(len(ids))


# --- 响应率: per dispatch to a lead unit -------------------------------------------------


def _dispatches(c: Context) -> QuerySet[Assignment]:
    return (
        Assignment.objects.using(c.using)
        .filter(
            c.on_orders(unit_field="unit"),
            role=AssignmentRole.LEAD,
            dispatched_at__lte=c.as_of,
        )
        .filter(c.period.q("dispatched_at"))
    )


def response_conditions(c: Context) -> tuple[Q, Q]:
    """Which dispatches 响应率 counts (its denominator) and which of those were signed in time."""
    # A dispatch counts once its sign-for limit has passed while the unit held it, or once
    # it was signed; one taken away before its limit (re-dispatched, merged) never had the chance.
    signed = Q(signed_at__isnull=False, signed_at__lte=c.as_of)
    had_chance = Q(sign_due_at__lte=c.as_of) & (Q(ended_at__isnull=True) | Q(ended_at__gte=F("sign_due_at")))
    return signed | had_chance, signed & (Q(sign_due_at__isnull=True) | Q(signed_at__lte=F("sign_due_at")))


def _response_parts(c: Context) -> tuple[QuerySet[Assignment], Q]:
    """The dispatches counted (the denominator) and which of them were signed in time."""
    counted, in_time = response_conditions(c)
    return _dispatches(c).filter(counted), in_time


def _response(c: Context) -> tuple[list[int], list[int], float | None]:
    den, in_time = _response_parts(c)
    return _rate(_ids(den.filter(in_time).order_by("pk"), "order_id"), _ids(den.order_by("pk"), "order_id"))


# --- 解决率 and 满意率: per callback -------------------------------------------------------


def solved_values(config: Config) -> list[str]:
    return [ReplyResult.SOLVED, ReplyResult.PARTLY] if config.partly_counts_as_solved else [ReplyResult.SOLVED]


def satisfied_values(config: Config) -> list[str]:
    if config.basically_counts_as_satisfied:
        return [Satisfaction.SATISFIED, Satisfaction.BASICALLY]
    return [Satisfaction.SATISFIED]


def _event_ids(qs: QuerySet[OrderEvent]) -> list[int]:
    return list(qs.order_by("at", "pk").values_list("order_id", flat=True))


def _resolution_parts(c: Context) -> tuple[QuerySet[OrderEvent], Q]:
    """The callbacks that say whether it was solved, and which say it was."""
    callbacks = c.events("record_callback").filter(data__solved__in=list(ReplyResult.values))
    return callbacks, Q(data__solved__in=solved_values(c.config))


def _resolution(c: Context) -> tuple[list[int], list[int], float | None]:
    callbacks, solved = _resolution_parts(c)
    return _rate(_event_ids(callbacks.filter(solved)), _event_ids(callbacks))


RATED = [Satisfaction.SATISFIED, Satisfaction.BASICALLY, Satisfaction.UNSATISFIED]


def _satisfaction_parts(c: Context) -> tuple[QuerySet[OrderEvent], Q]:
    """The callbacks with a rating, and which are satisfied."""
    rated = c.events("record_callback").filter(data__satisfaction__in=RATED)
    return rated, Q(data__satisfaction__in=satisfied_values(c.config))


def _satisfaction(c: Context) -> tuple[list[int], list[int], float | None]:
    rated, satisfied = _satisfaction_parts(c)
    return _rate(_event_ids(rated.filter(satisfied)), _event_ids(rated))


# --- 虚假答复次数: per callback that sent the order back for rework -------------------------


def _false_replies_qs(c: Context) -> QuerySet[OrderEvent]:
    """The callbacks that found the reply untrue and ordered rework (重办): the citizen said it
    was not solved and the hub judged it the unit's fault. Charged, like every callback, to the
    order's current lead unit."""
    return c.events("record_callback").filter(data__rework=True)


def _false_replies(c: Context) -> tuple[list[int], None, float]:
    ids = _event_ids(_false_replies_qs(c))
    return ids, None, float(len(ids))


# --- 退单率 and 首次派单准确率: per order first dispatched in the period ----------------------


def _first_dispatched(c: Context) -> QuerySet[WorkOrder]:
    return _once(
        c,
        c.orders()
        .filter(first_dispatched_at__isnull=False, first_dispatched_at__lte=c.as_of)
        .filter(c.period.q("first_dispatched_at")),
    )


def _return_rate(c: Context) -> tuple[list[int], list[int], float | None]:
    dispatched = _first_dispatched(c)
    return _rate(_ids(dispatched.filter(return_count__gt=0)), _ids(dispatched))


def _accuracy(c: Context) -> tuple[list[int], list[int], float | None]:
    dispatched = _first_dispatched(c)
    return _rate(_ids(dispatched.filter(return_count=0, redispatch_count=0)), _ids(dispatched))


# --- 平均办理时长 ----------------------------------------------------------------------------


def _handled_qs(c: Context) -> QuerySet[WorkOrder]:
    """The orders (finally) replied to in the period, first dispatched before."""
    return _once(
        c,
        c.orders()
        .filter(first_dispatched_at__isnull=False, replied_at__isnull=False, replied_at__lte=c.as_of)
        .filter(c.period.q("replied_at")),
    )


def _handling_time(c: Context) -> tuple[list[int], list[int], float | None]:
    calendar = work_calendar()
    replied = _handled_qs(c).order_by("pk")
    rows = list(replied.values_list("pk", "first_dispatched_at", "replied_at"))
    hours = [calendar.working_minutes_between(start, end) / 60 for _pk, start, end in rows if start and end]
    ids = [pk for pk, start, end in rows if start and end]
    return ids, ids, (sum(hours) / len(hours) if hours else None)


# --- 催办率, 重复来电率, 答复质量 (issue: handle before they call) ----------------------------


def _urge_rate(c: Context) -> tuple[list[int], list[int], float | None]:
    dispatched = _first_dispatched(c)
    return _rate(_ids(dispatched.filter(urge_count__gt=0)), _ids(dispatched))


def _repeat_rate(c: Context) -> tuple[list[int], list[int], float | None]:
    accepted = _once(c, _accepted_qs(c))
    # The flag decided at intake (civicdesk.orders.repeats), not a probe per order of the period.
    return _rate(_ids(accepted.filter(repeat_call=True)), _ids(accepted))


def _replies(c: Context) -> QuerySet[OrderEvent]:
    return c.events("reply")


def _reply_flagged(c: Context) -> tuple[list[int], list[int], float | None]:
    replies = _replies(c)
    return _rate(_event_ids(replies.filter(data__quality__flagged=True)), _event_ids(replies))


def _reply_sent_back(c: Context) -> tuple[list[int], list[int], float | None]:
    # Sent back in the period, of the replies given in the period (a reply given late in one
    # period and sent back early in the next counts in each period for its own event).
    return _rate(_event_ids(c.events("send_back_reply")), _event_ids(_replies(c)))


# --- 退单异议, 疑难件会商, 领导批示, 督办单: the procedures counted per unit (issue 18) -------------
#
# Each is a count of moves in the period, charged to the unit the move's event names
# (data["unit"]: the unit that objected, gave its view, or held the order when instructed
# or noticed), not to the order's current lead unit: an objection stays the objecting
# unit's after the order moved on. The unit filter (with or without sub-units) applies to
# that unit; every other filter and the population rule apply to the order.

PROCEDURES: dict[str, tuple[tuple[str, ...], Q]] = {
    "objections": (("object_to_refusal",), Q()),
    "objections_upheld": (("uphold_objection",), Q()),
    "objections_rejected": (("reject_objection",), Q()),
    "consultation_views": (("give_view",), Q()),
    "consultation_views_late": (("give_view",), Q(data__on_time=False)),
    "instructions": (("instruct",), Q()),
    "instructions_escalated": (("escalate_instruction",), Q()),
    "notices": (("issue_notice",), Q()),
    "notices_escalated": (("escalate_notice",), Q()),
}


def _unit_ids(unit: OrgUnit, with_sub_units: bool, using: str | None) -> list[int]:
    if not with_sub_units:
        return [unit.pk]
    return list(OrgUnit.objects.using(using).filter(path__startswith=unit.path).values_list("pk", flat=True))


def procedure_events(c: Context, code: str) -> QuerySet[OrderEvent]:
    """The events behind a procedure count, the unit filter applied to the unit each names."""
    actions, condition = PROCEDURES[code]
    f = c.filters
    events = (
        OrderEvent.objects.using(c.using)
        .filter(
            c.on_orders(Filters(**{**f.__dict__, "lead_unit": None})),
            condition,
            action__in=actions,
            at__lte=c.as_of,
        )
        .filter(c.period.q("at"))
    )
    if f.lead_unit is not None:
        events = events.filter(data__unit__in=_unit_ids(f.lead_unit, f.include_sub_units, c.using))
    return events


def _procedure(code: str) -> Callable[[Context], tuple[list[int], None, float]]:
    def compute(c: Context) -> tuple[list[int], None, float]:
        ids = _event_ids(procedure_events(c, code))
        return ids, None, float(len(ids))

    return compute


# Measures computed from the orders and events when asked, not kept in the daily rollups
# (civicdesk.statistics.rollups): counted by the unit an event names rather than by the
# order's lead unit, they are shown per unit on their own page, which asks measures.py.
LIVE_ONLY = frozenset(PROCEDURES)


def _partly_solved_rule() -> str:
    # Said as this center has set it (CIVICDESK_STATS_PARTLY_SOLVED), never as a setting's name.
    if settings.CIVICDESK_STATS_PARTLY_SOLVED:
        return gettext("“部分解决”算作已解决。免回访办结不计。")
    return gettext("“部分解决”不算已解决。免回访办结不计。")


def _basically_satisfied_rule() -> str:
    if settings.CIVICDESK_STATS_BASICALLY_SATISFIED:
        return gettext("“基本满意”算作满意。")
    return gettext("“基本满意”不算满意。")


PARTLY_SOLVED_RULE = lazy(_partly_solved_rule, str)()
BASICALLY_SATISFIED_RULE = lazy(_basically_satisfied_rule, str)()

MEASURES: dict[str, Measure] = {
    m.code: m
    for m in [
        Measure(
            "accepted",
            _("受理量"),
            format_lazy("{}{}", _("统计期内受理（创建）的工单件数。"), _(POPULATION_RULE)),
            "count",
            _accepted,
        ),
        Measure(
            "answered_on_call",
            _("直接答复率"),
            _("统计期内受理的工单中，话务员当场答复办结（即时办结）的比例：即时办结件数 ÷ 受理量。"),
            "rate",
            _answered,
        ),
        Measure(
            "completion",
            _("办结率"),
            _(
                "统计期内应办结工单中已办结的比例：已办结件数 ÷ 应办结件数。应办结：办理时限（含批准的延期；"
                "重办后为新时限）落在统计期内且已届满，或时限未到但已办结的工单；即时办结的工单在受理时即应办结。"
                "从未派单的工单没有时限，不计入。办结指回访后办结、免回访办结或即时办结。"
            ),
            "rate",
            _completion,
        ),
        Measure(
            "on_time",
            _("按时办结率"),
            _(
                "统计期内应办结工单中按时办结的比例：已办结且承办单位在办理时限（含批准的延期）内答复的件数 ÷ "
                "应办结件数（应办结的含义同办结率）。"
            ),
            "rate",
            _on_time,
        ),
        Measure(
            "overdue",
            _("超期件数"),
            _("统计期内应办结的工单中，办理时限已过而承办单位未答复，或答复晚于时限的件数。"),
            "count",
            _overdue,
        ),
        Measure(
            "response",
            _("响应率"),
            _(
                "统计期内每次派单（含改派、下派、退单后重派）中，承办单位在签收时限内签收的比例：按时签收次数 ÷ "
                "派单次数。签收时限未到且尚未签收的派单暂不计入；时限前已被改派或并单的派单不计入。"
                "（系统未单独记录联系群众的时间，以签收计。）"
            ),
            "rate",
            _response,
        ),
        Measure(
            "resolution",
            _("解决率"),
            format_lazy(
                "{}{}",
                _(
                    "统计期内的回访中，群众表示问题已解决的比例：已解决次数 ÷ 回访次数"
                    "（每次回访都计，重办前的回访也计）。"
                ),
                PARTLY_SOLVED_RULE,
            ),
            "rate",
            _resolution,
        ),
        Measure(
            "satisfaction",
            _("满意率"),
            format_lazy(
                "{}{}",
                _("统计期内作出评价的回访中，群众满意的比例：满意次数 ÷ 有评价的回访次数（“未评价”不计入分母）。"),
                BASICALLY_SATISFIED_RULE,
            ),
            "rate",
            _satisfaction,
        ),
        Measure(
            "return_rate",
            _("退单率"),
            _("统计期内首次派单的工单中，被批准退单（至少一次）的比例：退单工单数 ÷ 派单工单数。"),
            "rate",
            _return_rate,
        ),
        Measure(
            "first_dispatch_accuracy",
            _("首次派单准确率"),
            _("1 −（统计期内首次派单的工单中发生过退单或改派的件数 ÷ 派单工单数）；下派给下级单位不算派错。"),
            "rate",
            _accuracy,
        ),
        Measure(
            "handling_time",
            _("平均办理时长"),
            _("统计期内（最终）答复的工单，从首次派单到答复的工作时长（按工作日历，小时）的平均值；挂起时间计入。"),
            "hours",
            _handling_time,
        ),
        Measure(
            "urge_rate",
            _("催办率"),
            _(
                "统计期内首次派单的工单中，群众催办过（来电、网上或接口催办，至少一次）的比例：被催办工单数 ÷ "
                "派单工单数。按单位统计时为工单当前的主办单位。"
            ),
            "rate",
            _urge_rate,
        ),
        Measure(
            "repeat_call_rate",
            _("重复来电率"),
            lazy(
                lambda: (
                    gettext(
                        "统计期内受理的工单中，同一来电号码在此前 %(days)s 天内已就同类事项（同一分类或同一上级分类）"
                        "有工单的比例：重复来电件数 ÷ 受理量。未分类的工单不计为重复。"
                    )
                    % {"days": settings.CIVICDESK_REPEAT_CALL_DAYS}
                ),
                str,
            )(),
            "rate",
            _repeat_rate,
        ),
        Measure(
            "reply_flagged",
            _("答复质量提示率"),
            _(
                "统计期内承办单位的答复中，答复质量检查给出提示的比例（相关性、完整性、语气、自相矛盾、及时性任一项）："
                "有提示的答复次数 ÷ 答复次数（每次答复都计，退回后重新答复也计）。"
            ),
            "rate",
            _reply_flagged,
        ),
        Measure(
            "reply_sent_back",
            _("答复退回率"),
            _("统计期内受理中心审核退回答复的次数 ÷ 统计期内承办单位答复的次数。"),
            "rate",
            _reply_sent_back,
        ),
        Measure(
            "false_replies",
            _("虚假答复次数"),
            _(
                "统计期内回访核实答复不实、责令重办的次数（群众表示问题未解决或不满意，责令承办单位重办），"
                "计入工单当前的主办单位；同一工单每重办一次计一次。月度通报按规则扣分。"
            ),
            "count",
            _false_replies,
        ),
        Measure(
            "objections",
            _("退单异议次数"),
            _("统计期内单位对被驳回的退单申请提出异议的次数，计入提出异议的单位。"),
            "count",
            _procedure("objections"),
        ),
        Measure(
            "objections_upheld",
            _("异议成立次数"),
            _("统计期内复核认定单位异议成立（准予退单）的次数，计入提出异议的单位。"),
            "count",
            _procedure("objections_upheld"),
        ),
        Measure(
            "objections_rejected",
            _("异议驳回次数"),
            _("统计期内复核驳回单位异议（维持由其办理）的次数，计入提出异议的单位；月度通报按规则扣分。"),
            "count",
            _procedure("objections_rejected"),
        ),
        Measure(
            "consultation_views",
            _("会商意见次数"),
            _("统计期内单位在疑难件会商中提交意见的次数，计入提交意见的单位。"),
            "count",
            _procedure("consultation_views"),
        ),
        Measure(
            "consultation_views_late",
            _("会商意见逾期次数"),
            _("统计期内单位在会商意见时限届满后才提交意见的次数，计入提交意见的单位。"),
            "count",
            _procedure("consultation_views_late"),
        ),
        Measure(
            "instructions",
            _("领导批示次数"),
            _("统计期内领导对工单作出批示的次数，计入批示时的主办单位。"),
            "count",
            _procedure("instructions"),
        ),
        Measure(
            "instructions_escalated",
            _("批示超期未签收次数"),
            _("统计期内领导批示在签收时限内未签收、被系统超期催办的次数，计入批示时的主办单位。"),
            "count",
            _procedure("instructions_escalated"),
        ),
        Measure(
            "notices",
            _("督办单次数"),
            _("统计期内下发督办单的次数，计入下发时的主办单位。"),
            "count",
            _procedure("notices"),
        ),
        Measure(
            "notices_escalated",
            _("督办单超期未答复次数"),
            _("统计期内督办单在答复时限内未书面答复、被系统超期催办的次数，计入下发时的主办单位。"),
            "count",
            _procedure("notices_escalated"),
        ),
    ]
}


def measure(
    code: str,
    period: Period | None = None,
    filters: Filters | None = None,
    *,
    as_of: datetime | None = None,
    config: Config | None = None,
    using: str | None = None,
) -> Figure:
    m = MEASURES[code]
    c = Context.asked(period, filters, as_of, config, using)
    num, den, value = m.compute(c)
    name, definition = str(m.name), str(m.definition)  # in the language of the moment
    if m.kind == "hours":
        return Figure(
            m.code, name, definition, m.kind, value, (value or 0) * len(num), len(num), tuple(num), tuple(num), using
        )
    return Figure(
        m.code,
        name,
        definition,
        m.kind,
        value,
        float(len(num)),
        None if den is None else len(den),
        tuple(num),
        tuple(den or ()),
        using,
    )


# --- per unit, one grouped query per measure (the ranking, 月度通报) ---------------------------


@dataclass(frozen=True)
class Tally:
    """The rows a measure counts, to be counted per unit in one grouped query: a ranking of
    sixty units asked measure() for every unit and part (over a thousand queries)."""

    rows: QuerySet[Any]  # the denominator's rows; a count's numerator
    numerator: Q | None  # which rows make a rate's numerator; None for a count
    unit: str  # the column naming the unit a row is charged to
    distinct: bool  # rows are orders reached through joins: count each once
    ids: str  # the column of the order behind a row
    order: tuple[str, ...]  # the order measure() lists a figure's ids in


def _tally(c: Context, code: str) -> Tally:
    """The rows of `code` for the context, its unit filter left to the grouping: a per-unit
    figure is the measure with Filters(lead_unit=unit, include_sub_units=False)."""
    if code == "response":
        den, in_time = _response_parts(c)
        return Tally(den, in_time, "unit_id", False, "order_id", ("pk",))
    if code == "resolution":
        callbacks, solved = _resolution_parts(c)
        return Tally(callbacks, solved, "order__lead_unit_id", False, "order_id", ("at", "pk"))
    if code == "satisfaction":
        rated, satisfied = _satisfaction_parts(c)
        return Tally(rated, satisfied, "order__lead_unit_id", False, "order_id", ("at", "pk"))
    if code == "overdue":
        return Tally(_overdue_qs(c), None, "lead_unit_id", True, "pk", ("pk",))
    if code == "false_replies":
        return Tally(_false_replies_qs(c), None, "order__lead_unit_id", False, "order_id", ("at", "pk"))
    raise KeyError(code)


TALLIED = ("response", "resolution", "satisfaction", "overdue", "false_replies")


def _unit_context(
    period: Period, filters: Filters, as_of: datetime, config: Config | None, using: str | None
) -> Context:
    return Context(
        period, Filters(**{**filters.__dict__, "lead_unit": None}), as_of, config or Config.from_settings(), using
    )


def measure_by_unit(
    code: str,
    period: Period,
    units: Iterable[int],
    filters: Filters | None = None,
    *,
    as_of: datetime | None = None,
    config: Config | None = None,
    using: str | None = None,
) -> dict[int, Figure]:
    """measure(code, period, Filters(lead_unit=unit, include_sub_units=False) + filters) for
    each of `units`, in one grouped query. The figures carry the counts, not the ids of their
    orders: a number is opened through drill() for its unit. Codes: TALLIED."""
    m = MEASURES[code]
    wanted = list(units)
    tally = _tally(_unit_context(period, filters or Filters(), as_of or timezone.now(), config, using), code)
    counts = {"n": Count("pk", distinct=tally.distinct)}
    if tally.numerator is not None:
        counts["num"] = Count("pk", filter=tally.numerator, distinct=tally.distinct)
    rows = {
        row[tally.unit]: row
        for row in tally.rows.filter(**{f"{tally.unit}__in": wanted}).values(tally.unit).order_by().annotate(**counts)
    }
    name, definition = str(m.name), str(m.definition)  # in the language of the moment
    result = {}
    for unit in wanted:
        row = rows.get(unit, {"n": 0, "num": 0})
        if tally.numerator is None:
            result[unit] = Figure(code, name, definition, m.kind, float(row["n"]), float(row["n"]), None, using=using)
        else:
            value = row["num"] / row["n"] if row["n"] else None
            result[unit] = Figure(code, name, definition, m.kind, value, float(row["num"]), row["n"], using=using)
    return result


def numerator_ids_by_unit(
    code: str,
    period: Period,
    units: Iterable[int],
    filters: Filters | None = None,
    *,
    as_of: datetime | None = None,
    config: Config | None = None,
    using: str | None = None,
) -> dict[int, list[int]]:
    """measure(...).numerator_ids for each of `units` (as measure_by_unit), in one query: for
    the few orders a deduction names (超期, 虚假答复 of a month)."""
    wanted = list(units)
    tally = _tally(_unit_context(period, filters or Filters(), as_of or timezone.now(), config, using), code)
    rows = tally.rows.filter(**{f"{tally.unit}__in": wanted})
    if tally.numerator is not None:
        rows = rows.filter(tally.numerator)
    found: dict[int, list[int]] = {unit: [] for unit in wanted}
    for unit, order_id in rows.order_by(*tally.order).values_list(tally.unit, tally.ids):
        found[unit].append(order_id)
    return found


def measures(
    period: Period | None = None,
    filters: Filters | None = None,
    *,
    codes: Iterable[str] | None = None,
    as_of: datetime | None = None,
    config: Config | None = None,
    using: str | None = None,
) -> dict[str, Figure]:
    """Every measure (or the given ones) for one period and filter set, judged at one moment."""
    moment = as_of or timezone.now()
    return {
        code: measure(code, period, filters, as_of=moment, config=config, using=using) for code in (codes or MEASURES)
    }


# --- drill-down as a queryset (for paged lists and exports) ---------------------------------

# The column of the order whose period a drill-down's orders are selected by, for the measures
# whose rows are the orders themselves (both parts): their list is that column's index walked
# newest first with the period as its condition, so a page reads about a page of rows whatever
# the size of the period or of the history. The others (callbacks, dispatches, replies, the
# due orders with those answered on the call) are listed by when the orders were taken.
LISTED_BY = {
    "accepted": "created_at",
    "answered_on_call": "created_at",
    "repeat_call_rate": "created_at",
    "return_rate": "first_dispatched_at",
    "first_dispatch_accuracy": "first_dispatched_at",
    "urge_rate": "first_dispatched_at",
    "handling_time": "replied_at",
    "overdue": "handle_due_at",
}


def _in(qs: QuerySet[Any], column: str, using: str | None) -> QuerySet[WorkOrder]:
    return WorkOrder.objects.using(using).filter(pk__in=qs.values(column))


def _part_rows(c: Context, code: str, part: str) -> QuerySet[Any] | None:
    """The rows behind a part of the measures counted per move (dispatches, callbacks, replies,
    the procedures' events), several per order; None for the measures counted per order."""
    num = part == "numerator"
    if code == "response":
        den, in_time = _response_parts(c)
        return den.filter(in_time) if num else den
    if code in ("resolution", "satisfaction"):
        rows, chosen = _resolution_parts(c) if code == "resolution" else _satisfaction_parts(c)
        return rows.filter(chosen) if num else rows
    if code == "false_replies":
        return _false_replies_qs(c)
    if code in ("reply_flagged", "reply_sent_back"):
        replies = _replies(c)
        if not num:
            return replies
        return replies.filter(data__quality__flagged=True) if code == "reply_flagged" else c.events("send_back_reply")
    if code in PROCEDURES:
        return procedure_events(c, code)
    return None


def _part_qs(c: Context, code: str, part: str) -> QuerySet[WorkOrder]:
    num = part == "numerator"
    rows = _part_rows(c, code, part)
    if rows is not None:
        return _in(rows, "order_id", c.using)
    if code == "accepted":
        return _once(c, _accepted_qs(c))
    if code == "answered_on_call":
        qs = _once(c, _accepted_qs(c))
        return qs.filter(state=State.ANSWERED) if num else qs
    if code in ("completion", "on_time"):
        due = _due_qs(c)
        if not num:
            return due
        done = due.filter(_finished_q(c))
        return done.filter(_on_time_q()) if code == "on_time" else done
    if code == "overdue":
        return _overdue_qs(c)
    if code in ("return_rate", "first_dispatch_accuracy"):
        dispatched = _first_dispatched(c)
        if not num:
            return dispatched
        if code == "return_rate":
            return dispatched.filter(return_count__gt=0)
        return dispatched.filter(return_count=0, redispatch_count=0)
    if code == "urge_rate":
        dispatched = _first_dispatched(c)
        return dispatched.filter(urge_count__gt=0) if num else dispatched
    if code == "repeat_call_rate":
        accepted = _once(c, _accepted_qs(c))
        return accepted.filter(repeat_call=True) if num else accepted
    if code == "handling_time":
        return _handled_qs(c)
    raise KeyError(code)


def drill(
    code: str,
    period: Period,
    filters: Filters | None = None,
    *,
    part: Literal["numerator", "denominator"] = "numerator",
    as_of: datetime | None = None,
    config: Config | None = None,
    using: str | None = None,
) -> QuerySet[WorkOrder]:
    """The orders behind a figure's numerator or denominator, as a queryset (the same set
    as Figure.orders(), each order once), so a list can be paged without loading every id."""
    c = Context.asked(period, filters, as_of, config, using)
    return _part_qs(c, code, part)


# When each kind of row happened: the column its period bounds (and its index).
_ROW_MOMENT = {Assignment: "dispatched_at", OrderEvent: "at"}


def drill_rows(
    code: str,
    period: Period,
    filters: Filters | None = None,
    *,
    part: Literal["numerator", "denominator"] = "numerator",
    as_of: datetime | None = None,
    config: Config | None = None,
    using: str | None = None,
) -> QuerySet[Any] | None:
    """For a measure counted per move (its rows are dispatches or events, several per order):
    its rows, each order's latest of them only, newest first; the same orders as drill(), each
    once. A list pages through it by walking the index of the rows' moment within the period
    and stops at the page, where selecting the orders by the ids of every row of the period
    read the whole period first (a month's callbacks: 0.3 s at 1M orders, issue #20). None for
    the measures counted per order (drill() and LISTED_BY list them).

    A row is listed when it is its order's newest of the part's rows (by moment, then key),
    asked per row through the index of the order's key. The order's rows are taken with the
    rows' own conditions only: a listed row's order passes the order's conditions, the same for
    every row of it (the unit filter of 响应率 and of the procedures names each row's own unit:
    it stays). It was a NOT EXISTS of a later row with the order's conditions joined again,
    which PostgreSQL answered with a hash anti-join reading every row of the period and its
    order before the capped count stopped: 答复退回率 of a month at 10M orders read 7,000
    send-backs, 44,000 buffers, 38 ms; asked per row, 13,700 buffers, 11 ms, and a year the
    same (issue #20). A NOT EXISTS with the rows' own conditions only was planned, for a year,
    as a merge anti-join along the order key's index (58 ms)."""
    c = Context.asked(period, filters, as_of, config, using)
    rows = _part_rows(c, code, part)
    if rows is None:
        return None
    own = _part_rows(replace(c, rows_only=True), code, part)
    assert own is not None
    moment = _ROW_MOMENT[rows.model]
    newest_first = (f"-{moment}", "-pk")
    # Whether the newest row of the order is this one: a true/false the planner estimates as
    # half the rows, where "pk = (the newest's pk)" was estimated at 0.5% of them and turned
    # 响应率's list at 1M orders into a sort of the month's dispatches (3 -> 115 ms).
    is_newest = (
        own.filter(order_id=OuterRef("order_id"))
        .order_by(*newest_first)
        .annotate(is_it=Exact(F("pk"), OuterRef("pk")))
        .values("is_it")[:1]
    )
    return rows.filter(Subquery(is_newest, output_field=BooleanField())).order_by(*newest_first)


def due_branches(
    code: str,
    period: Period,
    filters: Filters | None = None,
    *,
    part: Literal["numerator", "denominator"] = "numerator",
    as_of: datetime | None = None,
    config: Config | None = None,
    using: str | None = None,
) -> tuple[QuerySet[WorkOrder], QuerySet[WorkOrder]] | None:
    """For 办结率 and 按时办结率 (the orders due in the period): the orders due by their deadline,
    and those answered on the call (due when taken), apart and each once: a list walks each by
    the index of its own moment (the deadline, the time taken) and merges them, where the OR
    of the two kept either range out of an index and the list read the whole period (issue
    #20). Together the same orders as drill(). None for the other measures, and under the
    topics filter (its join lists an order once only through DISTINCT)."""
    if code not in ("completion", "on_time") or (filters is not None and filters.topic is not None):
        return None
    c = Context.asked(period, filters, as_of, config, using)
    deadline = (
        Q(handle_due_at__isnull=False) & c.period.q("handle_due_at") & (Q(handle_due_at__lte=c.as_of) | _finished_q(c))
    )
    answered = Q(state=State.ANSWERED) & c.period.q("created_at")
    by_deadline = c.orders().filter(deadline).exclude(answered)
    on_the_call = c.orders().filter(answered)
    if part == "numerator":
        done = _finished_q(c) & (_on_time_q() if code == "on_time" else Q())
        by_deadline, on_the_call = by_deadline.filter(done), on_the_call.filter(done)
    return by_deadline, on_the_call
