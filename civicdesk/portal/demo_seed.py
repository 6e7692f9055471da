"""Demo rows for the citizen portal and the phone line: a request submitted on the portal
(with its tracking number and digits printed), rating links for the orders waiting for a
callback, and a day of calls with a few missed ones."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from civicdesk.catalogue.models import Category, RequestType
from civicdesk.intake.calls import record_event
from civicdesk.intake.models import Call
from civicdesk.orders.models import OrderEvent, WorkOrder
from civicdesk.orders.workflow import State
from civicdesk.org.models import Role, User
from civicdesk.portal import service
from civicdesk.portal.links import rating_path, rating_token
from civicdesk.portal.models import RatingLink

SAMPLE_PHONE = "13906316688"
SAMPLE_CONTENT = (
    "青岚市城关街道幸福路与和平路交叉口的红绿灯这两天一直黄灯闪烁，早晚高峰车辆拥堵，行人过马路很危险，希望尽快修好。"
)
# (call id, minutes before now, phone, how it went): answered calls last a few minutes.
CALLS = [
    ("demo-call-001", 300, "13805316001", "answered"),
    ("demo-call-002", 240, "13905316002", "missed"),
    ("demo-call-003", 200, "15605316003", "answered"),
    ("demo-call-004", 150, "13705316004", "abandoned"),
    ("demo-call-005", 95, "18605316005", "answered"),
    ("demo-call-006", 60, "13905316002", "missed"),
    ("demo-call-007", 25, "15205316007", "missed"),
    ("demo-call-008", 5, "13805316008", "ringing"),
]


def _sample_order(city: Any, now: datetime) -> WorkOrder:
    existing = WorkOrder.objects.filter(owner__username=service.ACCOUNT, citizen_phone=SAMPLE_PHONE).first()
    if existing is not None:
        return existing
    category = Category.objects.filter(parent__isnull=True, active=True).order_by("code").first()
    return service.submit(
        {
            "request_type": RequestType.HELP,
            "category": category,
            "content": SAMPLE_CONTENT,
            "address": "城关街道幸福路与和平路交叉口",
            "area": None,
            "citizen_name": "刘先生",
            "citizen_phone": SAMPLE_PHONE,
            "confidential": False,
            "wants_reply": True,
        },
        [],
        client="demo",
        hub=city.hub,
    )


def _rating_links() -> tuple[int, str]:
    """A link row for each order waiting for its callback (their SMS were written in bulk)."""
    made, sample = 0, ""
    accepted = (
        OrderEvent.objects.filter(
            action="accept_reply", order__state=State.AWAITING_CALLBACK, order__citizen_phone__gt=""
        )
        .select_related("order")
        .order_by("-at")
    )
    latest: dict[int, OrderEvent] = {}
    for event in accepted:
        latest.setdefault(event.order_id, event)
    for event in latest.values():
        if event.seq != event.order.event_count:
            continue  # not the latest move: a link only for the acceptance the citizen is asked about
        _link, created = RatingLink.issue(event.order, event, only_if_sent=False)
        made += int(created)
        sample = sample or rating_path(rating_token(event.order.number, event.seq))
    return made, sample


def _calls(operators: list[User], now: datetime) -> int:
    made = 0
    for index, (call_id, minutes, phone, outcome) in enumerate(CALLS):
        if Call.objects.filter(call_id=call_id).exists():
            continue
        agent = operators[index % len(operators)]
        start = now - timedelta(minutes=minutes)
        extension = f"80{index + 1:02d}"
        record_event(poster=agent, call_id=call_id, kind="ringing", phone=phone, at=start, extension=extension)
        if outcome == "answered":
            record_event(poster=agent, call_id=call_id, kind="answered", phone=phone, at=start + timedelta(seconds=8))
            record_event(
                poster=agent,
                call_id=call_id,
                kind="hung_up",
                phone=phone,
                at=start + timedelta(minutes=4, seconds=index * 13),
            )
        elif outcome == "missed":
            record_event(poster=agent, call_id=call_id, kind="missed", phone=phone, at=start + timedelta(seconds=30))
        elif outcome == "abandoned":  # the caller gave up before anyone answered
            record_event(poster=agent, call_id=call_id, kind="hung_up", phone=phone, at=start + timedelta(seconds=12))
        made += 1
    return made


def seed(city: Any, now: datetime) -> list[str]:
    order = _sample_order(city, now)
    made, sample_link = _rating_links()
    operators = [u for u in city.staff.get(Role.OPERATOR, []) if u.is_active]
    calls = _calls(operators, now) if operators else 0
    base = str(settings.CIVICDESK_PUBLIC_URL) or "http://127.0.0.1:8000"
    missed = Call.objects.filter(state="missed", called_back_at__isnull=True, call_id__startswith="demo-call").count()
    lines = [
        _("市民门户：%(url)s/portal/") % {"url": base},
        _("  查询示例：工单号 %(number)s，手机号后四位 %(digits)s")
        % {"number": order.number, "digits": SAMPLE_PHONE[-4:]},
    ]
    if sample_link:
        lines.append(_("  评价链接示例（登录免密，限用一次）：%(url)s") % {"url": base + sample_link})
    summary = _("来电记录：新增 %(calls)s 通，未接待回拨 %(missed)s 通（/intake/missed）；评价链接新增 %(links)s 条")
    lines.append(summary % {"calls": calls, "missed": missed, "links": made})
    return lines
