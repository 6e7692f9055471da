"""When the online desk is staffed (周末不打烊): within CIVICDESK_CHAT_HOURS on working days,
and on days off (weekends and holidays) only while someone of the hub is on duty by the
roster (civicdesk.worktime.duty: a whole-day duty, or a seat shift covering that moment).
Outside those hours the chat offers the portal's form instead of a queue nobody reads."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone

from civicdesk.lib.worktime import BusinessHours
from civicdesk.org.models import OrgUnit
from civicdesk.worktime.duty import on_duty_ids
from civicdesk.worktime.limits import work_calendar


def chat_hours() -> BusinessHours:
    return BusinessHours.parse(str(settings.CIVICDESK_CHAT_HOURS))


def hours_text() -> str:
    return "、".join(f"{start:%H:%M}–{end:%H:%M}" for start, end in chat_hours().periods)


def staffed(hub: OrgUnit, at: datetime | None = None) -> bool:
    local = timezone.localtime(at or timezone.now())
    now = local.time()
    if not any(start <= now < end for start, end in chat_hours().periods):
        return False
    if work_calendar().is_workday(local.date()):
        return True
    # The moment, not the day: a seat ending at noon leaves the afternoon's chats unread.
    return bool(on_duty_ids([hub.pk], local))
