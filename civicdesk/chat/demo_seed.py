"""Demo chats for the online desk: one turned into an order, one answered on the spot, one
being served by an operator and one waiting in the queue. Idempotent: a chat is made only
when no demo chat from its phone number exists."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from civicdesk.catalogue.models import Category, RequestType
from civicdesk.chat import actions
from civicdesk.chat.models import Chat
from civicdesk.org.models import Role, User
from civicdesk.portal import service

# (phone, what the citizen says, what the operator answers, how it ends)
CHATS = [
    (
        "13706316601",
        "幸福路小区北门的路灯坏了一个多星期了，晚上出入很不方便。",
        "您好，请问是北门外马路上的路灯，还是小区院内的路灯？",
        "order",
    ),
    (
        "15806316602",
        "请问新生儿参加城乡居民医保需要带什么材料？",
        "您好，新生儿参保需要出生医学证明和户口本，可到户籍所在地社区服务中心或在网上办理。",
        "answer",
    ),
    (
        "18606316603",
        "我们公司想咨询一下周末能不能办理营业执照变更。",
        "您好，请问需要变更的是哪一项登记事项？",
        "taken",
    ),
    ("13906316604", "小区楼下的餐馆每天深夜还在营业，噪音很大。", "", "waiting"),
]


def seed(city: Any, now: datetime) -> list[str]:
    # The chats wait where the portal sends citizens (the highest staffed hub, or
    # CIVICDESK_PORTAL_HUB), and one of that hub's operators serves them.
    try:
        hub = service.portal_hub()
    except service.PortalClosed:
        hub = city.hub
    operator = (
        User.objects.filter(memberships__unit=hub, memberships__role=Role.OPERATOR, is_active=True, is_service=False)
        .order_by("username")
        .first()
    )
    if operator is None:
        return []
    category = Category.objects.filter(active=True, children__isnull=True).order_by("code").first()
    made = 0
    for phone, question, reply, ending in CHATS:
        if Chat.objects.filter(hub=hub, citizen_phone=phone).exists():
            continue
        chat, _token = actions.start_chat(hub=hub, phone=phone, text=question, name=_("市民"))
        made += 1
        if ending == "waiting":
            continue
        actions.take(chat, actor=operator)
        actions.operator_says(chat, actor=operator, text=reply)
        if ending == "order":
            actions.citizen_says(chat, text="是北门外马路上的，一共三盏都不亮。")
            actions.make_order(chat, actor=operator, request_type=RequestType.HELP, category=category)
        elif ending == "answer":
            actions.answer(
                chat, actor=operator, answer=_("如需帮助，也可拨打 12345 热线。"), request_type=RequestType.ENQUIRY
            )
    base = str(settings.CIVICDESK_PUBLIC_URL) or "http://127.0.0.1:8000"
    return [
        _("网上一对一咨询：%(url)s/chat/（话务员接待：/chat/desk/）；新增演示咨询 %(n)s 个") % {"url": base, "n": made}
    ]
