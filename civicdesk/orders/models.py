"""The work order, the units working on it, and its append-only history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.catalogue.models import Area, Category, Channel, RequestType, Topic, Urgency
from civicdesk.lib.choices import ChoiceLabels
from civicdesk.orders import clock
from civicdesk.orders.workflow import OPEN, WATCHED, WITH_UNIT, State
from civicdesk.org.models import OrgUnit

# The states of the hub's desk: waiting for dispatch, and the units' requests the hub reviews
# (orders.views.board.REVIEW_QUEUES).
HUB_DESK = frozenset(
    {
        State.RECEIVED,
        State.PENDING_DISPATCH,
        State.RETURN_REQUESTED,
        State.EXTENSION_REQUESTED,
        State.SUSPENSION_REQUESTED,
        State.REPLIED,
        State.CONSULTING,
    }
)


class ReplyResult(models.TextChoices):
    SOLVED = "solved", _("已解决")
    PARTLY = "partly", _("部分解决")
    UNSOLVED = "unsolved", _("未解决")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")
    NO_RATING = "no_rating", _("未评价")


class TransferRoute(models.TextChoices):
    POLICE_110 = "110", _("110 报警")
    FIRE_119 = "119", _("119 火警")
    AMBULANCE_120 = "120", _("120 急救")
    TRAFFIC_122 = "122", _("122 交通事故")
    COURT = "court", _("法院（诉讼）")
    PETITION = "petition", _("信访部门")
    ARBITRATION = "arbitration", _("仲裁/调解")
    DISCIPLINE = "discipline", _("纪检监察")
    OTHER = "other", _("其他法定途径")


# How a citizen withdrew a request (撤销诉求), as the withdraw event records it.
WITHDRAW_VIA = {
    "phone": _("电话"),
    "portal": _("网上门户"),
    "api": _("接口"),
    # The citizen withdrew at the upstream platform (or the CivicDesk above), which told us.
    "upstream": _("上级平台"),
}


class DeadlineStatus(models.TextChoices):
    NONE = "none", _("无时限")
    ON_TIME = "on_time", _("正常")
    NEAR_DUE = "near_due", _("临期")
    OVERDUE = "overdue", _("超期")


class WorkOrder(ChoiceLabels, models.Model):
    number = models.CharField(_("工单编号"), max_length=20, unique=True)
    channel = models.CharField(_("受理渠道"), max_length=20, choices=Channel.choices)
    request_type = models.CharField(_("诉求类型"), max_length=20, choices=RequestType.choices)
    urgency = models.CharField(_("紧急程度"), max_length=20, choices=Urgency.choices, default=Urgency.NORMAL)
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("诉求内容"))
    address = models.CharField(_("地址"), max_length=255, blank=True)
    area = models.ForeignKey(Area, verbose_name=_("区域"), null=True, blank=True, on_delete=models.PROTECT)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    category = models.ForeignKey(Category, verbose_name=_("分类"), null=True, blank=True, on_delete=models.PROTECT)
    topics = models.ManyToManyField(Topic, verbose_name=_("专题"), blank=True)

    citizen_name = models.CharField(_("来电人"), max_length=50, blank=True)
    citizen_phone = models.CharField(_("联系电话"), max_length=20, blank=True, db_index=True)
    # 重复来电: the caller had an order on the same matter in the days before this one
    # (civicdesk.orders.repeats), decided when the order is taken. Kept on the row so that
    # 重复来电率, its list and the rollups count a flag instead of probing every order of a
    # period for an earlier call (a month's list at 1M orders: 156 ms, issue #20). The
    # database's own default: rows written without the field (COPY of a demo) are no repeat.
    repeat_call = models.BooleanField(_("重复来电"), default=False, db_default=False)
    confidential = models.BooleanField(_("保密"), default=False)
    wants_reply = models.BooleanField(_("需要回复"), default=True)
    # The company the request concerns (涉企诉求). Named by string, not imported: the core's
    # code does not depend on the enterprises app. The column stays on the order (not in a
    # link table of enterprises) because statistics, filters and the liaison rule join on it
    # in SQL; the schema dependency it leaves is declared by the migration, like Area's.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    upstream_platform = models.CharField(_("上级平台"), max_length=40, blank=True)
    upstream_id = models.CharField(_("上级平台编号"), max_length=64, blank=True)
    # The deadline the upstream platform set (民心网 etc.); the units' own deadlines end the
    # hub's margin before it (upper_due_at, set at intake).
    upstream_due_at = models.DateTimeField(_("上级平台时限"), null=True, blank=True)

    # First-contact responsibility: whoever took the request owns it to the end.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("首接人"),
        on_delete=models.PROTECT,
        related_name="owned_orders",
    )
    hub = models.ForeignKey(OrgUnit, verbose_name=_("受理中心"), on_delete=models.PROTECT, related_name="hub_orders")
    lead_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("主办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_orders",
    )
    # Levels (civicdesk.orders.actions.dispatching.hand_down): an order a hub handed down to a
    # hub below it is in the lower hub's queue (`hub`); the hub that handed it down, the
    # deadline it set, who calls back and whether a decision waits at the upper hub are kept
    # here so that rights and queues are one indexed look at the order. Deeper nesting keeps
    # the outer levels in `outer_levels` (a stack, innermost last).
    upper_hub = models.ForeignKey(
        OrgUnit,
        verbose_name=_("上级中心"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handed_down_orders",
    )
    upper_due_at = models.DateTimeField(_("上级办理时限"), null=True, blank=True)
    callback_upper = models.BooleanField(_("由上级中心回访"), default=False)
    awaiting_upper = models.BooleanField(_("待上级中心决定"), default=False)
    outer_levels = models.JSONField(default=list, blank=True)
    state = models.CharField(_("状态"), max_length=24, choices=State.choices, default=State.RECEIVED)
    # Where a review (return, extension, suspension, reply) sends the order back to.
    resume_state = models.CharField(max_length=24, choices=State.choices, blank=True)
    # Bumped by every move; a form carries the version it showed, so a stale form is refused.
    version = models.PositiveIntegerField(default=0)
    event_count = models.PositiveIntegerField(default=0)

    created_at = models.DateTimeField(_("受理时间"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    first_dispatched_at = models.DateTimeField(_("首次派单时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("审核通过时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    suspended_at = models.DateTimeField(_("挂起时间"), null=True, blank=True)

    sign_due_at = models.DateTimeField(_("签收时限"), null=True, blank=True)
    handle_due_at = models.DateTimeField(_("办理时限"), null=True, blank=True)
    handle_warn_at = models.DateTimeField(_("临期提醒时间"), null=True, blank=True)
    return_due_at = models.DateTimeField(_("退单时限"), null=True, blank=True)
    callback_due_at = models.DateTimeField(_("回访时限"), null=True, blank=True)
    extension_days = models.DecimalField(_("已延期工作日"), max_digits=5, decimal_places=1, default=0)
    suspended_minutes = models.PositiveIntegerField(_("累计挂起工作分钟"), default=0)
    # Highest supervision level the deadline watch has issued for the current deadline.
    watch_level = models.PositiveSmallIntegerField(default=0)

    return_count = models.PositiveSmallIntegerField(_("退单次数"), default=0)
    redispatch_count = models.PositiveSmallIntegerField(_("改派次数"), default=0)
    bounce_count = models.PositiveSmallIntegerField(_("往返次数"), default=0)
    rework_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    supervision_level = models.PositiveSmallIntegerField(_("督办级别"), default=0)
    # 催办: how many times the caller (or someone for them) chased this order (the urge move).
    urge_count = models.PositiveIntegerField(_("催办次数"), default=0)
    # +1 / 附议: how many other citizens said "this affects me too" on the portal (OrderSupport
    # keeps one row per phone). Read by the board and the hotspots' heat index.
    support_count = models.PositiveIntegerField(_("附议数"), default=0)
    # 领导批示: the latest leader's instruction, when the lead unit must acknowledge it, and
    # what became of it (civicdesk.orders.actions.instruction). Its text is on its event.
    instructed_at = models.DateTimeField(_("批示时间"), null=True, blank=True)
    instruction_due_at = models.DateTimeField(_("批示签收时限"), null=True, blank=True)
    instruction_acknowledged_at = models.DateTimeField(_("批示签收时间"), null=True, blank=True)
    instruction_escalated_at = models.DateTimeField(_("批示超期催办时间"), null=True, blank=True)
    instruction_answered_at = models.DateTimeField(_("批示答复时间"), null=True, blank=True)
    # 督办单: the latest formal supervision notice on the order — its number in the year's
    # sequence, when its written answer is due, and what became of it (its text is on its
    # event; civicdesk.orders.actions.notices).
    notice_number = models.CharField(_("督办单编号"), max_length=30, blank=True, db_index=True)
    notice_issued_at = models.DateTimeField(_("督办单下发时间"), null=True, blank=True)
    notice_due_at = models.DateTimeField(_("督办单答复时限"), null=True, blank=True)
    notice_answered_at = models.DateTimeField(_("督办单答复时间"), null=True, blank=True)
    notice_escalated_at = models.DateTimeField(_("督办单超期时间"), null=True, blank=True)
    # Marked by the hub as a difficult case (疑难件): it may go to a consultation without a bounce.
    difficult = models.BooleanField(_("疑难件"), default=False)

    reply_result = models.CharField(_("办理结果"), max_length=20, choices=ReplyResult.choices, blank=True)
    reply_text = models.TextField(_("答复内容"), blank=True)
    callback_solved = models.CharField(_("回访-解决情况"), max_length=20, choices=ReplyResult.choices, blank=True)
    callback_satisfaction = models.CharField(_("回访-满意度"), max_length=20, choices=Satisfaction.choices, blank=True)
    no_callback_reason = models.CharField(_("免回访原因"), max_length=255, blank=True)
    answer_text = models.TextField(_("即时答复内容"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("并入工单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_children",
    )
    void_reason = models.CharField(_("作废原因"), max_length=255, blank=True)
    transfer_route = models.CharField(_("转出途径"), max_length=20, choices=TransferRoute.choices, blank=True)

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        indexes = [
            # A unit's inbox: its open orders by deadline.
            models.Index(fields=["lead_unit", "state", "handle_due_at"], name="order_unit_inbox"),
            # A unit's open orders by deadline, to the first few: the home panel's first orders
            # and its count up to the cap (queues.held_first) read a few index entries instead
            # of every order the unit holds (1,430 for the busiest unit at a million orders).
            models.Index(
                fields=["lead_unit", "handle_due_at", "id"],
                name="order_unit_held_due",
                condition=Q(state__in=sorted(WITH_UNIT)),
            ),
            # The inbox's tab counts (orders.views.unit.tab_counts: per state, and the marks of
            # the instruction and notice tabs) from this index alone, without the table: the
            # busiest unit of a large center holds thousands of open orders (18,800 on the ten
            # million order benchmark, 63 ms read from the table).
            models.Index(
                fields=["lead_unit", "state"],
                include=["id", "instructed_at", "instruction_acknowledged_at", "notice_answered_at", "notice_number"],
                name="order_unit_held_marks",
                condition=Q(state__in=sorted(WITH_UNIT | {State.REPLIED})),
            ),
            # The hub's queues (pending dispatch, reviews), oldest first.
            models.Index(fields=["hub", "state", "created_at"], name="order_hub_queue"),
            # The overdue list and the deadline watch only look at orders a unit holds.
            models.Index(
                fields=["handle_due_at"],
                name="order_watched_due",
                condition=Q(state__in=sorted(WATCHED)),
            ),
            models.Index(
                fields=["handle_warn_at"],
                name="order_watched_warn",
                condition=Q(state__in=sorted(WATCHED)),
            ),
            # A hub's watched orders by deadline, with the lead unit and the warning time in the
            # index: supervision's overdue and near-due lists come in order from it and their
            # counts per unit are read from the index alone (near-due once read every order not
            # yet due and its row to test the warning time, issue #20).
            models.Index(
                fields=["hub", "handle_due_at"],
                include=["handle_warn_at", "lead_unit"],
                name="order_hub_watched_due",
                condition=Q(state__in=sorted(WATCHED)),
            ),
            # The same orders by warning time: the near-due ones (warned, not yet due) are a range
            # of it, where by deadline they were every order not yet due, each tested for its
            # warning time (201,500 entries read for 1,600 near-due at 10M orders: 14.9 ms).
            models.Index(
                fields=["hub", "handle_warn_at"],
                include=["handle_due_at", "lead_unit"],
                name="order_hub_watched_warn",
                condition=Q(state__in=sorted(WATCHED)),
            ),
            models.Index(
                fields=["callback_due_at"], name="order_callback_due", condition=Q(state=State.AWAITING_CALLBACK)
            ),
            models.Index(fields=["owner", "created_at"], name="order_owner"),
            # A caller's earlier calls within days (重复来电率 and its drill-down, the rollups'
            # repeat-call counter): by number and time, so a probe reads that caller's few orders
            # of the window, not every order the number ever made. At 1M orders the month's
            # repeat-call drill-down went from 790 to 206 ms.
            models.Index(
                fields=["citizen_phone", "created_at"],
                name="order_phone_created",
                condition=~Q(citizen_phone=""),
            ),
            # 重复来电率's list and count: the few repeat calls of a period, newest first.
            models.Index(fields=["created_at"], name="order_repeat_created", condition=Q(repeat_call=True)),
            # Search by the caller's whole number, typed with or without spaces and dashes
            # (orders.search.phone_digits is this expression).
            models.Index(
                Replace(Replace(models.F("citizen_phone"), models.Value(" ")), models.Value("-")),
                name="order_phone_digits",
            ),
            # Statistics count orders by the day of their deadline, first dispatch and reply
            # (rollups rebuild those days; drill-downs list the orders behind a day's figure).
            models.Index(fields=["handle_due_at"], name="order_handle_due"),
            models.Index(fields=["first_dispatched_at"], name="order_first_dispatched"),
            models.Index(fields=["replied_at"], name="order_replied"),
            # 超期's count and list (statistics.measures._overdue_qs): the orders with a
            # deadline that were not replied to by it, those counted (not answered on the call,
            # merged, voided, transferred or withdrawn: statistics.measures.EXCLUDED_STATES),
            # by deadline. Through the index of every deadline, a month's list and its count
            # (capped) read every order due in the month to keep the one in ten overdue (12,720
            # rows for 1,001 at 1M orders: count 58 -> 4 ms, page 22 -> 0.6 ms, issue #20).
            models.Index(
                fields=["handle_due_at"],
                name="order_overdue_due",
                condition=Q(handle_due_at__isnull=False)
                & ~Q(state__in=[State.MERGED, State.VOID, State.TRANSFERRED, State.WITHDRAWN])
                & ~Q(state=State.ANSWERED)
                & (Q(replied_at__isnull=True) | Q(replied_at__gt=models.F("handle_due_at"))),
            ),
            # 催办率's drill-down: the orders urged at least once, by first dispatch (a few of
            # those dispatched in a period; the list walked every dispatched order to find them).
            models.Index(
                fields=["first_dispatched_at"], name="order_urged_first_dispatched", condition=Q(urge_count__gt=0)
            ),
            # 退单率's drill-down, the same way: the orders returned at least once (the list walked
            # every order dispatched in the month for them: 22,900 read for a page at 10M orders).
            models.Index(
                fields=["first_dispatched_at"], name="order_returned_dispatched", condition=Q(return_count__gt=0)
            ),
            # Partial indexes over the few open orders of a kind, so that the pages that list
            # or count them read what they show, not the history (issue #20). The waiting for
            # dispatch, oldest first (the dispatcher's home and board):
            models.Index(
                fields=["created_at"],
                name="order_pending_created",
                condition=Q(state__in=sorted({State.RECEIVED, State.PENDING_DISPATCH})),
            ),
            # Supervision: the open orders a level has been raised on, and formal notices owed
            # (the same states as queues.flagged and queues.formal_notices).
            models.Index(
                fields=["handle_due_at"],
                name="order_flagged_due",
                condition=Q(supervision_level__gt=0, state__in=sorted(WITH_UNIT | {State.REPLIED})),
            ),
            # Supervision's 已督办: a hub's flagged orders in the list's order (highest level, then
            # deadline), and their count per unit from the index alone (8,100 flagged at 10M
            # orders, each row read to learn its hub and unit: count 11.6 ms, list 29.9 ms).
            models.Index(
                fields=["hub", "-supervision_level", "handle_due_at"],
                include=["lead_unit"],
                name="order_hub_flagged",
                condition=Q(supervision_level__gt=0, state__in=sorted(WITH_UNIT | {State.REPLIED})),
            ),
            # The hub's desk (the dispatch board's tabs and lists, the dispatcher's home): its
            # counts and the ids of a page's rows read from this index alone, without the
            # table, whatever the history holds; the board's filters are its keys.
            models.Index(
                fields=["hub", "state", "urgency", "category", "created_at"],
                include=["id", "upper_hub", "awaiting_upper", "updated_at"],
                name="order_hub_desk",
                condition=Q(state__in=sorted(HUB_DESK)),
            ),
            models.Index(
                fields=["notice_due_at"],
                name="order_notice_owed",
                condition=Q(notice_answered_at__isnull=True, state__in=sorted(WITH_UNIT | {State.REPLIED}))
                & ~Q(notice_number=""),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["upstream_platform", "upstream_id"],
                name="order_unique_upstream",
                condition=~Q(upstream_id=""),
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="order_not_own_parent"),
        ]

    def __str__(self) -> str:
        # The number alone: the title may carry a caller's name or number, and this string
        # shows up in the admin, in logs and in error reports.
        return self.number

    @property
    def is_open(self) -> bool:
        return self.state in OPEN

    @property
    def with_unit(self) -> bool:
        return self.state in WITH_UNIT

    @property
    def notice_open(self) -> bool:
        """A formal supervision notice the unit has not answered yet."""
        return bool(self.notice_number) and self.notice_answered_at is None

    @property
    def instruction_open(self) -> bool:
        """A leader's instruction the unit's reply has not answered yet."""
        return self.instructed_at is not None and self.instruction_answered_at is None

    def deadline_status(self, now: datetime | None = None) -> DeadlineStatus:
        """On time, near due or overdue against the handling deadline, for orders a unit
        holds; a finished order is judged by when the unit replied."""
        if self.handle_due_at is None:
            return DeadlineStatus.NONE
        now = now or clock.now()
        if self.state not in WITH_UNIT:
            if self.replied_at is None:
                return DeadlineStatus.NONE
            return DeadlineStatus.ON_TIME if self.replied_at <= self.handle_due_at else DeadlineStatus.OVERDUE
        if self.state == State.SUSPENDED:
            return DeadlineStatus.ON_TIME
        if now > self.handle_due_at:
            return DeadlineStatus.OVERDUE
        if self.handle_warn_at is not None and now >= self.handle_warn_at:
            return DeadlineStatus.NEAR_DUE
        return DeadlineStatus.ON_TIME


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("主办")
    ASSIST = "assist", _("协办")
    # A unit convened to a consultation (疑难件会商): its view is the part (part_text), due
    # at part_due_at; the assignment ends with the hub's decision.
    CONSULT = "consult", _("会商")


END_REASONS = {
    "redispatched": _("已改派"),
    "returned": _("已退单"),
    "sub_dispatched": _("已下派"),
    "merged": _("已并单"),
    "closed": _("已办结"),
    "voided": _("已作废"),
    "withdrawn": _("群众已撤销"),
    "consulting": _("转入会商"),
    "consulted": _("会商已决定"),
}


class Assignment(models.Model):
    """One unit's part in an order: lead or assisting, from dispatch until it ends."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(max_length=10, choices=AssignmentRole.choices)
    active = models.BooleanField(default=True)
    # Set when a unit passed the order down: the sub-unit's assignment points to its parent's.
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="sub")
    dispatched_at = models.DateTimeField()
    sign_due_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    # An assisting unit's own deadline for its part (see civicdesk.orders.joint).
    part_due_at = models.DateTimeField(_("协办时限"), null=True, blank=True)
    part_text = models.TextField(blank=True)
    part_given_at = models.DateTimeField(null=True, blank=True)
    # 补正: the assisting unit asked once for more material (parallel approval, 并联审批); its
    # part's clock stands still until the material is in, then part_due_at moves on by the
    # working time it waited. The lead's and the other parts' clocks run on.
    material_requested_at = models.DateTimeField(_("补正要求时间"), null=True, blank=True)
    material_supplied_at = models.DateTimeField(_("补正到位时间"), null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("承办记录")
        verbose_name_plural = _("承办记录")
        indexes = [
            models.Index(fields=["unit", "active", "role"], name="assignment_unit_active"),
            # Response rate counts each dispatch on its day (statistics rollups).
            models.Index(fields=["dispatched_at"], name="assignment_dispatched"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "unit"], condition=Q(active=True), name="assignment_one_active_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order.number} {self.unit} {self.get_role_display()}"

    def end_reason_display(self) -> str:
        return str(END_REASONS.get(self.end_reason, self.end_reason))


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet["OrderEvent"]):
    """Bulk update() and delete() skip the model's save()/delete(); refuse them too."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("order events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("order events are append-only")


class OrderEvent(models.Model):
    """One move in an order's history. Never updated, never deleted."""

    order = models.ForeignKey(WorkOrder, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acting_unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("工单流转记录")
        verbose_name_plural = _("工单流转记录")
        ordering = ["order", "seq"]
        constraints = [models.UniqueConstraint(fields=["order", "seq"], name="event_unique_seq")]
        indexes = [
            models.Index(fields=["action", "at"], name="event_action_at"),
            # The callbacks that found a reply untrue and sent the order back for rework (月度通报's
            # deduction 虚假答复): a few of the month's callbacks, read without the others (at 1M
            # orders 1,670 of 59,140 callbacks in a month, 270 -> a few ms, issue #20).
            models.Index(
                fields=["at"],
                name="event_rework_callback_at",
                condition=Q(action="record_callback", data__rework=True),
            ),
            # The same callbacks of one order: the 虚假答复次数 drill-down lists each order once,
            # by its latest of them, and asks for each callback whether a later one of its order
            # is in the list. Without it PostgreSQL answered that from the index above, reading
            # the rest of the month's rework callbacks for every row (the busiest unit's list at
            # 10M orders: 1.3 -> 0.13 s).
            models.Index(
                fields=["order", "at"],
                name="event_rework_callback_order",
                condition=Q(action="record_callback", data__rework=True),
            ),
            # The dispatch board's 自动派单 panel: the last week's dispatches by the model, read
            # from the few there are instead of probing the events of every order the hub has
            # dispatched and nobody signed for (6,000 of them at 10M orders: 23.7 ms, issue #20).
            models.Index(fields=["at"], name="event_auto_dispatch_at", condition=Q(action="dispatch", data__auto=True)),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("order events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("order events are append-only")


def attachment_path(instance: Attachment, filename: str) -> str:
    today = timezone.localdate()
    return f"attachments/{today:%Y/%m}/{instance.order_id}/{filename}"


class Attachment(models.Model):
    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(OrderEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.original_name


class DeadlineStage(models.TextChoices):
    SIGN = "sign", _("签收")
    HANDLE = "handle", _("办理")


class SupervisionNotice(ChoiceLabels, models.Model):
    """A deadline-watch notice. The unique constraint makes each (order, deadline, level)
    notice happen exactly once, however many workers run the watch at the same time."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="supervision_notices")
    stage = models.CharField(max_length=10, choices=DeadlineStage.choices)
    level = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    event = models.OneToOneField(OrderEvent, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("督办通知")
        verbose_name_plural = _("督办通知")
        constraints = [models.UniqueConstraint(fields=["order", "stage", "due_at", "level"], name="notice_once")]

    def __str__(self) -> str:
        return f"{self.order_id} {self.stage} L{self.level}"


class SequenceCounter(models.Model):
    """A named sequence, e.g. the year's formal supervision notices (督〔2026〕12号)."""

    key = models.CharField(max_length=40, primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.last}"


def notice_number(year: int, seq: int) -> str:
    """The number of a formal supervision notice: 督〔2026〕12号."""
    return f"督〔{year}〕{seq}号"


class OrderNumberCounter(models.Model):
    """Per-day sequence behind numbers like 2026120100017."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"

    @classmethod
    def format(cls, day: date, seq: int) -> str:
        return f"{day:%Y%m%d}{seq:05d}"


PHONE_SEARCH = "phone_search"  # PersonalDataAccess.fields of a search by phone number


class PersonalDataAccess(models.Model):
    """Who revealed a caller's full phone number or name, or searched orders by a phone
    number, and when (查看个人信息留痕). A search names no order: `query` holds what was
    looked for, `fields` says "phone_search"."""

    order = models.ForeignKey(WorkOrder, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    fields = models.CharField(max_length=100)
    query = models.CharField(_("查询内容"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")
        indexes = [
            models.Index(fields=["order", "at"], name="pd_access_order"),
            models.Index(fields=["user", "fields", "at"], name="pd_access_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.order_id} {self.fields}"


class OrderSupport(models.Model):
    """One citizen's +1 (附议) on a public order: "this affects me too". One per phone per
    order; the phone is kept only as a keyed hash (civicdesk.orders.actions.supporting), since
    all it is needed for is telling a second +1 from the same phone."""

    order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="supports")
    phone_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("附议")
        verbose_name_plural = _("附议")
        constraints = [models.UniqueConstraint(fields=["order", "phone_hash"], name="support_once_per_phone")]

    def __str__(self) -> str:
        return f"{self.order_id} +1"
