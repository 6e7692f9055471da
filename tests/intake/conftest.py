"""The hand-worked day of calls the call-measure tests share."""

from __future__ import annotations

import pytest

from civicdesk.intake.models import Call
from tests.intake.calls_helpers import NEXT, D, at, call, telephony
from tests.world import World


@pytest.fixture
def day(w: World) -> World:
    """Six calls (times local):
    A 09:00:00 queued 普通话, answered 09:00:12 by operator, hung up 09:05:12   wait 12, talk 300
    B 09:10:00 queued 普通话, hung up 09:10:03                                  abandoned, wait 3
    C 09:20:00 queued 普通话, answered 09:20:40 by dispatcher, transferred 09:22:40 to operator,
      hung up 09:30:40                                                          wait 40, talk 600
    D 10:00:00 queued 企业专席, hung up 10:01:00, called back 10:11:00           abandoned, wait 60
    E 23:59:50 queued 企业专席, answered 00:00:05 next day by operator, hung up 00:02:05  wait 15, talk 120
    F next day 08:00:00, answered 08:00:01 by operator, still talking"""
    cti = telephony(w)
    call(
        cti,
        "A",
        ("queued", at(D, "09:00:00"), ""),
        ("answered", at(D, "09:00:12"), "operator"),
        ("hung_up", at(D, "09:05:12"), ""),
        queue="普通话",
    )
    call(cti, "B", ("queued", at(D, "09:10:00"), ""), ("hung_up", at(D, "09:10:03"), ""), queue="普通话")
    call(
        cti,
        "C",
        ("queued", at(D, "09:20:00"), ""),
        ("answered", at(D, "09:20:40"), "dispatcher"),
        ("transferred", at(D, "09:22:40"), "operator"),
        ("hung_up", at(D, "09:30:40"), ""),
        queue="普通话",
    )
    missed = call(cti, "D", ("queued", at(D, "10:00:00"), ""), ("hung_up", at(D, "10:01:00"), ""), queue="企业专席")
    Call.objects.filter(pk=missed.pk).update(called_back_at=at(D, "10:11:00"), called_back_by=w.operator)
    call(
        cti,
        "E",
        ("queued", at(D, "23:59:50"), ""),
        ("answered", at(NEXT, "00:00:05"), "operator"),
        ("hung_up", at(NEXT, "00:02:05"), ""),
        queue="企业专席",
    )
    call(cti, "F", ("ringing", at(NEXT, "08:00:00"), ""), ("answered", at(NEXT, "08:00:01"), "operator"))
    return w
