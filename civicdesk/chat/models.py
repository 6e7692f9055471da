"""The online one-to-one consultation (网上一对一): a citizen's chat with an operator on duty.

A chat waits in its hub's queue until one operator takes it; it ends as an immediate answer
or a new order (both through the orders' own actions, channel "chat"), as a note, or
abandoned (the citizen left or went silent). Every change is one append-only ChatEvent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from civicdesk.enterprises.models import Enterprise
from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import OrgUnit


class ChatState(models.TextChoices):
    WAITING = "waiting", _("排队中")
    TAKEN = "taken", _("接待中")
    ANSWERED = "answered", _("已即时答复")
    ORDERED = "ordered", _("已转工单")
    NOTED = "noted", _("已记录")
    ABANDONED = "abandoned", _("已离开")


OPEN_STATES = (ChatState.WAITING, ChatState.TAKEN)
ENDED_STATES = (ChatState.ANSWERED, ChatState.ORDERED, ChatState.NOTED, ChatState.ABANDONED)


class Chat(models.Model):
    hub = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="chats", verbose_name=_("受理中心"))
    # The citizen's browser holds a random token (in its session); only its SHA-256 is kept.
    token_hash = models.CharField(max_length=64, unique=True)
    citizen_phone = models.CharField(_("手机号码"), max_length=20)
    citizen_name = models.CharField(_("称呼"), max_length=50, blank=True)
    confidential = models.BooleanField(_("保密"), default=False)
    enterprise = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.SET_NULL, related_name="chats", verbose_name=_("企业")
    )
    state = models.CharField(_("状态"), max_length=20, choices=ChatState.choices, default=ChatState.WAITING)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chats",
        verbose_name=_("接待话务员"),
    )
    # Bumped by every change: a taker who saw an older version is told someone else was faster.
    version = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    taken_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # The citizen's page polls; a waiting chat whose page stopped asking is abandoned by the sweep.
    citizen_seen_at = models.DateTimeField(default=timezone.now)
    order = models.OneToOneField(
        WorkOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="chat", verbose_name=_("工单")
    )
    note = models.TextField(_("记录"), blank=True)

    class Meta:
        verbose_name = _("网上一对一")
        verbose_name_plural = _("网上一对一")
        indexes = [
            models.Index(fields=["hub", "state", "started_at"], name="chat_queue"),
            models.Index(fields=["operator", "state"], name="chat_operator_open"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_state_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class Author(models.TextChoices):
    CITIZEN = "citizen", _("市民")
    OPERATOR = "operator", _("话务员")
    SYSTEM = "system", _("系统")


class ChatMessage(models.Model):
    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=10, choices=Author.choices)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["chat", "pk"]

    def __str__(self) -> str:
        return f"{self.chat_id} {self.author} {self.at:%H:%M}"


class ChatEvent(models.Model):
    """One change of a chat, never edited: who, when, from which state to which."""

    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["chat", "pk"]

    def __str__(self) -> str:
        return f"{self.chat_id} {self.action} {self.at:%Y-%m-%d %H:%M}"
