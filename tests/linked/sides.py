"""What each of the two linked installations holds before the test starts, made inside
that installation (`civicdesk shell -c`), the way its administrators would configure it:

- the upper one (a prefecture 12345) has a remote hub below its center, standing for the
  county's installation: its address, the token the county gave it, the token the county's
  reports must carry;
- the lower one (the county center) has the prefecture as an upstream platform: the token
  the prefecture pushes orders with, where its reports go back, how they are signed.

Each prints one JSON line: the API tokens of its people, for the test to act as them."""

from __future__ import annotations

import json

from civicdesk.api.tokens import create_token
from civicdesk.notifications.models import Medium, OutboxMessage
from civicdesk.org.models import OrgUnit, UnitKind
from civicdesk.upstream.models import Arrival, RemoteHub, UpstreamPlatform
from tests.world import build_world

PLATFORM = "weihai"  # the code the county gives the prefecture's CivicDesk
REMOTE_HUB = "rc-remote"  # the unit that stands for the county in the prefecture's tree


def upper(lower_url: str, push_token: str, report_token: str) -> None:
    w = build_world()
    OrgUnit.objects.filter(pk=w.hub.pk).update(name="威海市12345政务服务便民热线")
    county = OrgUnit.objects.create(
        name="荣成市社会治理服务中心（独立系统）",
        code=REMOTE_HUB,
        kind=UnitKind.CENTER,
        parent=w.hub,
        is_hub=True,
        remote=True,
    )
    RemoteHub.objects.create(
        unit=county,
        base_url=lower_url,
        platform_code=PLATFORM,
        api_key=push_token,
        report_token=report_token,
        timeout_seconds=60,  # a busy test machine answers slowly
    )
    tokens = {name: create_token(getattr(w, name), "linked")[1] for name in ("operator", "dispatcher")}
    print(json.dumps(tokens))


def lower(upper_url: str, push_token: str, report_token: str) -> None:
    w = build_world()
    UpstreamPlatform.objects.create(
        code=PLATFORM,
        name="威海市12345",
        hub=w.hub,
        arrival=Arrival.PUSH,
        inbound_token=push_token,
        report_url=f"{upper_url}/upstream/hubs/{REMOTE_HUB}/reports/",
        auth_value=f"Bearer {report_token}",
        margin_hours=2,
        timeout_seconds=60,
    )
    people = ("dispatcher", "handler_a", "callback_agent")
    tokens = {name: create_token(getattr(w, name), "linked")[1] for name in people}
    print(json.dumps(tokens))


def outbox() -> None:
    """The installation's upstream messages: (template, status, attempts), oldest first."""
    rows = OutboxMessage.objects.filter(medium=Medium.UPSTREAM).order_by("pk")
    print(json.dumps([[m.template, m.status, m.attempt_count] for m in rows]))
