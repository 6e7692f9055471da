"""Hotspots (热点): many requests about one matter at one place in a short time.

A hotspot is kept up to date as orders arrive (civicdesk.hotspots.grouping): its profile is
the sum of its members' features (civicdesk.text.similar.Profile), and its keys (places, rare
matter words) let a new order find it without reading the others. Every change a person makes
is an action that writes one HotspotEvent (append-only).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.catalogue.models import Area
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import OrgUnit, User


class Status(models.TextChoices):
    NEW = "new", _("新发现")
    CONFIRMED = "confirmed", _("已确认")
    DISMISSED = "dismissed", _("已排除")
    MERGED = "merged", _("已并单")


class Hotspot(models.Model):
    hub = models.ForeignKey(OrgUnit, verbose_name=_("受理中心"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("标题"), max_length=120)  # generated: the matter and the place
    name = models.CharField(_("名称"), max_length=120, blank=True)  # given by the hub, wins over title
    place = models.CharField(_("地点"), max_length=120, blank=True)
    area = models.ForeignKey(Area, verbose_name=_("区域"), null=True, blank=True, on_delete=models.SET_NULL)
    first_at = models.DateTimeField(_("首次"))
    last_at = models.DateTimeField(_("最近"), db_index=True)
    order_count = models.PositiveIntegerField(_("工单数"), default=0)
    caller_count = models.PositiveIntegerField(_("来电人数"), default=0)
    urgent_count = models.PositiveIntegerField(_("紧急件数"), default=0)
    supports = models.PositiveIntegerField(_("附议数"), default=0)
    growth = models.IntegerField(_("近7日增长"), default=0)
    heat = models.FloatField(_("热度"), default=0, db_index=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.NEW)
    lead_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("牵头单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The order the members were merged into (status merged).
    main_order = models.ForeignKey(
        WorkOrder, verbose_name=_("主单"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    profile = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=0)
    # Drawn anew (at random) whenever the profile is written: what a process's parse of the
    # profile is kept by (civicdesk.hotspots.grouping._profiles).
    profile_rev = models.BigIntegerField(default=0, db_default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("热点")
        verbose_name_plural = _("热点")
        indexes = [models.Index(fields=["hub", "status", "-heat"], name="hotspot_rank")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.title


class Member(models.Model):
    """An order in a hotspot (an order is in one hotspot at most)."""

    hotspot = models.ForeignKey(Hotspot, on_delete=models.CASCADE, related_name="members")
    order = models.OneToOneField(WorkOrder, on_delete=models.CASCADE, related_name="hotspot_member")
    caller = models.CharField(max_length=64, blank=True)  # phone, else the order number
    at = models.DateTimeField()
    score = models.FloatField(default=0)

    class Meta:
        verbose_name = _("热点工单")
        verbose_name_plural = _("热点工单")
        indexes = [
            models.Index(fields=["hotspot", "at"], name="hotspot_member_at"),
            # Whether a caller called about the hotspot before (its caller count).
            models.Index(fields=["hotspot", "caller"], name="hotspot_member_caller"),
        ]

    def __str__(self) -> str:
        return f"{self.hotspot_id}:{self.order_id}"


class Key(models.Model):
    """A place or a rare matter word of a hotspot: what a new order looks its hotspot up by."""

    hotspot = models.ForeignKey(Hotspot, on_delete=models.CASCADE, related_name="keys")
    hub_id_copy = models.IntegerField()  # the hotspot's hub, so the lookup needs no join
    key = models.CharField(max_length=80)
    last_at = models.DateTimeField()  # the hotspot's last order, so the window needs no join

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hotspot", "key"], name="hotspot_key_once")]
        indexes = [models.Index(fields=["hub_id_copy", "key", "last_at"], name="hotspot_key_lookup")]

    def __str__(self) -> str:
        return self.key


class Event(models.Model):
    """What was done to a hotspot (append-only): found, grew, alerted, confirmed, named, …"""

    hotspot = models.ForeignKey(Hotspot, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("热点记录")
        verbose_name_plural = _("热点记录")

    LABELS = {
        "found": _("发现热点"),
        "alert": _("预警"),
        "confirm": _("确认"),
        "rename": _("命名"),
        "set_lead_unit": _("设置牵头单位"),
        "merge": _("并单"),
        "dismiss": _("排除"),
    }

    def __str__(self) -> str:
        return f"{self.hotspot_id} {self.action}"

    @property
    def label(self) -> str:
        return str(self.LABELS.get(self.action, self.action))


class Alert(models.Model):
    """An early warning sent: once per hotspot and threshold (the constraint makes sure)."""

    hotspot = models.ForeignKey(Hotspot, on_delete=models.CASCADE, related_name="alerts")
    threshold = models.CharField(max_length=20)
    at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hotspot", "threshold"], name="hotspot_alert_once")]

    def __str__(self) -> str:
        return f"{self.hotspot_id} {self.threshold}"
