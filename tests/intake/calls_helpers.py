"""Call event sequences for the call tests, posted through the action the API uses."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from civicdesk.intake.calls import record_event
from civicdesk.intake.models import Call
from civicdesk.org.models import Role, User
from tests.world import World

LOCAL = ZoneInfo("Asia/Shanghai")
D = dt.date(2026, 3, 2)  # the day of the hand-worked calls (tests/intake/conftest.py)
NEXT = D + dt.timedelta(days=1)


def at(day: dt.date, clock: str) -> dt.datetime:
    """A local moment of `day` ("HH:MM:SS")."""
    return dt.datetime.combine(day, dt.time.fromisoformat(clock), tzinfo=LOCAL)


def telephony(w: World) -> User:
    """The telephony system's account: an operator role without a password, so an event
    names its agent (or nobody) instead of standing for the poster."""
    user = w.person("cti", "呼叫中心系统", (w.hub, Role.OPERATOR))
    user.set_unusable_password()
    user.save()
    return user


def call(
    cti: User, call_id: str, *events: tuple[str, dt.datetime, str], phone: str = "13700009999", **extra: str
) -> Call:
    """Post each (event, moment, agent username) of one call; extra fields go with the first."""
    for i, (kind, moment, agent) in enumerate(events):
        record_event(
            poster=cti,
            call_id=call_id,
            kind=kind,
            phone=phone,
            at=moment,
            agent=agent,
            **(extra if i == 0 else {}),  # type: ignore[arg-type]
        )
    return Call.objects.get(call_id=call_id)
