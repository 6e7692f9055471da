"""Pre-aggregated daily rollups of the §6 measures (see civicdesk/statistics/rollups.py).

Every counter is a function of the orders' stored values only (never of "now"), so a row
stays right until an order it counts changes; what depends on the clock (a deadline that
passes, a sign-for limit that passes) is kept per item in PendingItem with its moment and
counted at query time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

# The grains: which dimensions a row keeps (the others are summed over). "full" keeps all;
# a query uses the smallest grain that holds every dimension it filters or groups by.
GRAINS: dict[str, tuple[str, ...]] = {
    "total": (),
    "attrs": ("channel", "request_type", "urgency"),
    "unit": ("unit_id",),
    "category": ("category_id",),
    "area": ("area_id",),
    # The hub whose queue the order is in (a county's leader sees its hub's subtree): alone,
    # and with the unit, so that a county's ranking needs no full-grain scan.
    "hub": ("hub_id",),
    "hub_unit": ("hub_id", "unit_id"),
    # A hub's figures by category and by area (the dashboard's breakdowns and heat map within
    # a reader's hub): far fewer rows than the full grain, which they would otherwise sum.
    "hub_cat": ("hub_id", "category_id"),
    "hub_area": ("hub_id", "area_id"),
    "full": ("channel", "request_type", "urgency", "category_id", "area_id", "hub_id", "unit_id"),
}
DIMS: tuple[str, ...] = GRAINS["full"]
# The grains of the topic rollup (every row also keeps its topic): the topic alone, within a hub
# (the dashboard's topics within a reader's hub), and every dimension.
TOPIC_GRAINS: dict[str, tuple[str, ...]] = {"topic": (), "hub": ("hub_id",), "full": DIMS}

COUNTERS: tuple[str, ...] = (
    # by created day
    "accepted",
    "answered",
    "answered_closed",
    # by handling-deadline day (the current deadline)
    "due_closed",
    "due_on_time",
    "due_late_reply",
    # by dispatch day, unit = the unit that received the dispatch
    "disp_on_time",
    "disp_counted",
    "disp_total",
    # by callback day
    "cb_solved",
    "cb_partly",
    "cb_unsolved",
    "cb_satisfied",
    "cb_basically",
    "cb_unsatisfied",
    # by first-dispatch day
    "fd_total",
    "fd_returned",
    "fd_accurate",
    # by (last) reply day
    "ht_count",
    # 催办率: by first-dispatch day, the orders urged at least once
    "fd_urged",
    # 重复来电率: by created day, the repeat calls (civicdesk.orders.repeats)
    "acc_repeat",
    # 答复质量提示率, 答复退回率: by the day of each reply and of each reply sent back
    "rp_total",
    "rp_flagged",
    "rp_sent_back",
    # 虚假答复次数: by callback day, the callbacks that found the reply untrue and sent the order
    # back for rework (月度通报's deduction)
    "cb_rework",
    # How many entries of orders (an order's row in one of the families above) the row holds:
    # the row exists while this is above 0, as in a rebuild, so a sweep that takes an order's
    # contribution out of a row knows when the row is gone.
    "entries",
)


class RollupBase(models.Model):
    day = models.DateField()
    grain = models.CharField(max_length=10)
    channel = models.CharField(max_length=20, blank=True)
    request_type = models.CharField(max_length=20, blank=True)
    urgency = models.CharField(max_length=20, blank=True)
    # Plain ids, not foreign keys: rows are rebuilt, never joined on write.
    category_id = models.IntegerField(null=True)
    area_id = models.IntegerField(null=True)
    # The hub whose queue the order is in (order.hub: a handed-down order, the lower hub's).
    hub_id = models.IntegerField(null=True)
    # The order's lead unit; for the dispatch counters the unit that received the dispatch.
    unit_id = models.IntegerField(null=True)

    accepted = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    answered_closed = models.PositiveIntegerField(default=0)
    due_closed = models.PositiveIntegerField(default=0)
    due_on_time = models.PositiveIntegerField(default=0)
    due_late_reply = models.PositiveIntegerField(default=0)
    disp_on_time = models.PositiveIntegerField(default=0)
    disp_counted = models.PositiveIntegerField(default=0)
    disp_total = models.PositiveIntegerField(default=0)
    cb_solved = models.PositiveIntegerField(default=0)
    cb_partly = models.PositiveIntegerField(default=0)
    cb_unsolved = models.PositiveIntegerField(default=0)
    cb_satisfied = models.PositiveIntegerField(default=0)
    cb_basically = models.PositiveIntegerField(default=0)
    cb_unsatisfied = models.PositiveIntegerField(default=0)
    fd_total = models.PositiveIntegerField(default=0)
    fd_returned = models.PositiveIntegerField(default=0)
    fd_accurate = models.PositiveIntegerField(default=0)
    ht_count = models.PositiveIntegerField(default=0)
    ht_minutes = models.FloatField(default=0)
    fd_urged = models.PositiveIntegerField(default=0)
    acc_repeat = models.PositiveIntegerField(default=0)
    rp_total = models.PositiveIntegerField(default=0)
    rp_flagged = models.PositiveIntegerField(default=0)
    rp_sent_back = models.PositiveIntegerField(default=0)
    cb_rework = models.PositiveIntegerField(default=0)
    entries = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


def _one_row_per_key(*dims: str, name: str) -> models.UniqueConstraint:
    """One row per grain, day and key: a sweep finds the rows it changes by this index (the
    ids compared as 0 where null, so that the index answers the equality)."""
    return models.UniqueConstraint(
        "grain",
        "day",
        "channel",
        "request_type",
        "urgency",
        *(Coalesce(dim, 0) for dim in dims),
        name=name,
    )


class DailyRollup(RollupBase):
    class Meta:
        verbose_name = _("日统计汇总")
        verbose_name_plural = _("日统计汇总")
        indexes = [models.Index(fields=["day"], name="rollup_day")]
        # (It leads with grain and day: the dashboard's reads of a grain's days use it too.)
        constraints = [_one_row_per_key("category_id", "area_id", "hub_id", "unit_id", name="rollup_one_row_per_key")]

    def __str__(self) -> str:
        return f"{self.day} {self.grain}"


class TopicDailyRollup(RollupBase):
    """The same counters per special topic (an order with two topics counts in both)."""

    topic_id = models.IntegerField()

    class Meta:
        verbose_name = _("专题日统计汇总")
        verbose_name_plural = _("专题日统计汇总")
        indexes = [
            models.Index(fields=["grain", "topic_id", "day"], name="topic_rollup_grain_day"),
            # A sweep replaces the rows of the days it recomputes.
            models.Index(fields=["day"], name="topic_rollup_day"),
        ]
        constraints = [
            _one_row_per_key(
                "category_id", "area_id", "hub_id", "unit_id", "topic_id", name="topic_rollup_one_row_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.grain} topic {self.topic_id}"


class PendingKind(models.TextChoices):
    OPEN_DUE = "open_due", _("未办结（时限届满即计入应办结）")
    UNREPLIED_DUE = "unreplied_due", _("未答复（时限届满即计入超期）")
    SIGN_DUE = "sign_due", _("未签收（签收时限届满即计入派单次数）")


class PendingItem(models.Model):
    """One order (or dispatch) that starts counting at `moment`: the part of a figure that
    grows with the clock. Kept with the rollups, counted where moment <= now."""

    kind = models.CharField(max_length=16, choices=PendingKind.choices)
    order_id = models.IntegerField(db_index=True)
    day = models.DateField()
    moment = models.DateTimeField()
    channel = models.CharField(max_length=20, blank=True)
    request_type = models.CharField(max_length=20, blank=True)
    urgency = models.CharField(max_length=20, blank=True)
    category_id = models.IntegerField(null=True)
    area_id = models.IntegerField(null=True)
    hub_id = models.IntegerField(null=True)
    unit_id = models.IntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "day"], name="pending_kind_day"),
            # A sweep replaces the items of the days it recomputes.
            models.Index(fields=["day"], name="pending_day"),
            # The figures count those whose moment has come: most are still ahead.
            models.Index(fields=["moment"], name="pending_moment"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.order_id} {self.moment}"


class RollupFootprint(models.Model):
    """The rollup cells (day and dimensions of a full-grain row) an open order counted in when
    it was last taken in, so a change also recomputes the cells it left. Written as one token
    per set of dimensions, `channel|type|urgency|category|area|hub|unit:day,day` (a bare day is
    a footprint from before cells were kept). Finished orders never move again (no move leaves
    a terminal state) and have none. `contribution` holds what the order added to those cells."""

    order_id = models.IntegerField(primary_key=True)
    days = models.TextField(blank=True)
    # What the order added to its cells when it was last taken in (rollups.Contribution as
    # JSON): a change takes exactly this out and the order's new contribution in, instead of
    # counting its cells again from every order in them. None in footprints written before.
    contribution = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.order_id}: {self.days}"


class RollupState(models.Model):
    """The sweep's lock row and watermark (the last order event it has fully taken in)."""

    name = models.CharField(max_length=20, primary_key=True)
    last_event_id = models.BigIntegerField(default=0)
    built_at = models.DateTimeField(null=True)
    # When a sweep last took in every event there was: the figures are current as of then
    # (the dashboard's "数据截至").
    swept_at = models.DateTimeField(null=True)
    # The events above the watermark that a sweep has already taken in (ids, space-separated):
    # the watermark waits SETTLE for a slower transaction's event with a smaller id, and these
    # are not taken in again meanwhile (at 30 moves a second, five minutes of them would be).
    seen_events = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_event_id}"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("生成中")
    READY = "ready", _("已完成")
    FAILED = "failed", _("失败")


class Export(models.Model):
    """An Excel file built in the background; only the person who asked may download it."""

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    title = models.CharField(max_length=200)
    params = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    rows = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return self.title


class BriefingKind(models.TextChoices):
    DAILY = "daily", _("日报")
    WEEKLY = "weekly", _("周报")
    MONTHLY = "monthly", _("月报")


class Briefing(models.Model):
    """One 日报 or 周报; the unique constraint makes the worker write each period once."""

    kind = models.CharField(max_length=10, choices=BriefingKind.choices)
    start = models.DateField()
    end = models.DateField()  # exclusive
    # Whose figures: this hub's subtree (civicdesk.statistics.scope); empty for briefings
    # written before briefings had a hub (of the whole installation).
    hub = models.ForeignKey("org.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="briefings")
    created_at = models.DateTimeField(auto_now_add=True)
    data = models.JSONField(default=dict)
    html = models.TextField(blank=True)
    pdf = models.BinaryField(blank=True)

    class Meta:
        ordering = ["-start", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "start", "hub"], name="briefing_once_per_hub_period"),
            models.UniqueConstraint(
                fields=["kind", "start"], condition=models.Q(hub__isnull=True), name="briefing_once_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.start}"
