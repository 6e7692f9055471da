"""The platform down for a while, answering 500 then success, answering slowly: reports are
retried with backoff under the same idempotency key, in order, and applied once; the local
moves never wait for them; failures show on the admins' page."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from civicdesk.notifications.delivery import deliver_outbox
from civicdesk.notifications.models import DeliveryStatus, Medium, OutboxMessage
from civicdesk.orders import actions
from civicdesk.upstream.ingest import ingest
from civicdesk.upstream.models import UpstreamPlatform
from tests.upstream.conftest import upstream_due
from tests.upstream.mock_upstream import MockUpstream
from tests.world import World

pytestmark = pytest.mark.django_db


def _accepted_and_signed(w: World, platform: UpstreamPlatform) -> None:
    order = ingest(
        platform,
        {
            "upstream_id": "MX-7",
            "title": "路灯不亮",
            "content": "村口路灯坏了一个月。",
            "due_at": upstream_due().isoformat(),
        },
    ).order
    order = actions.dispatch(order, actor=w.dispatcher, lead_unit=w.dept_a)
    actions.sign_for(order, actor=w.handler_a)


def _reports() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(medium=Medium.UPSTREAM).order_by("pk"))


def test_a_platform_down_for_a_while_gets_everything_once_it_is_back(
    w: World, platform: UpstreamPlatform, mock: MockUpstream
) -> None:
    mock.down()
    _accepted_and_signed(w, platform)  # the moves go through while the platform is down

    deliver_outbox()

    first, second = _reports()
    assert first.status == DeliveryStatus.PENDING and first.attempt_count == 1 and "network" in first.last_error
    assert first.next_attempt_at is not None and first.next_attempt_at > timezone.now()
    # The later report does not go out before the earlier one.
    assert second.attempt_count == 0
    mock.up()
    deliver_outbox()
    assert mock.received == []  # not yet due: backoff
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        deliver_outbox()
    assert mock.kinds() == ["accepted", "signed"]
    assert all(r.status == DeliveryStatus.SENT for r in _reports())


def test_a_500_then_success_is_applied_once(w: World, platform: UpstreamPlatform, mock: MockUpstream) -> None:
    mock.script = [("status", 500)]
    _accepted_and_signed(w, platform)

    deliver_outbox()
    assert _reports()[0].status == DeliveryStatus.PENDING and _reports()[0].last_error == "HTTP 500"
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        deliver_outbox()

    assert mock.kinds() == ["accepted", "signed"]
    assert len(mock.received) == 3  # the 500, then each once


def test_a_slow_answer_is_retried_with_the_same_key_and_applied_once(
    w: World, platform: UpstreamPlatform, mock: MockUpstream
) -> None:
    mock.script = [("sleep", 3)]  # past the platform's 2-second timeout
    _accepted_and_signed(w, platform)

    deliver_outbox()
    first = _reports()[0]
    assert first.status == DeliveryStatus.PENDING and first.attempt_count == 1
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        deliver_outbox()

    keys = [r["key"] for r in mock.received]
    assert keys[0] == keys[1]  # the slow one, then its retry: the same key
    assert mock.kinds() == ["accepted", "signed"]


def test_a_refusal_fails_visibly_and_an_admin_sends_it_again(
    w: World, platform: UpstreamPlatform, mock: MockUpstream
) -> None:
    mock.script = [("status", 400)]
    _accepted_and_signed(w, platform)
    deliver_outbox()
    failed = _reports()[0]
    assert failed.status == DeliveryStatus.FAILED
    client = Client()
    client.force_login(w.admin)

    page = client.get("/upstream/").content.decode()
    assert f'data-message="{failed.pk}"' in page and "HTTP 400" in page

    client.post(f"/upstream/{failed.pk}/requeue/")
    deliver_outbox()
    assert mock.kinds() == ["accepted", "signed"]
    assert client.get("/upstream/").content.decode().count('data-status="failed"') == 0


def test_a_report_that_keeps_failing_stops_at_the_attempts_limit(
    w: World, platform: UpstreamPlatform, mock: MockUpstream, settings: object
) -> None:
    settings.CIVICDESK_OUTBOX_MAX_ATTEMPTS = 2  # type: ignore[attr-defined]
    mock.script = [("status", 503)] * 5
    _accepted_and_signed(w, platform)
    deliver_outbox()
    with time_machine.travel(timezone.now() + timedelta(hours=1), tick=False):
        deliver_outbox()
    assert [r.status for r in _reports()] == [DeliveryStatus.FAILED, DeliveryStatus.PENDING]
    assert len(mock.received) == 2  # the second waits behind the first, never overtaking


def test_a_worker_killed_mid_delivery_is_taken_over_and_applied_once(
    w: World, platform: UpstreamPlatform, mock: MockUpstream, settings: object
) -> None:
    # Imported here: the delivery's inner steps, to stop a worker between them.
    from civicdesk.notifications.delivery import Backends, _send, claim

    _accepted_and_signed(w, platform)
    claimed = claim("worker-a", 1)
    assert [m.template for m in claimed] == ["upstream:accepted"]
    _send(claimed[0], Backends.configured())  # the platform gets it …
    # … and worker A dies before it records the answer: the report stays claimed.
    assert OutboxMessage.objects.get(pk=claimed[0].pk).status == DeliveryStatus.SENDING
    lease = timedelta(seconds=settings.CIVICDESK_OUTBOX_LEASE + 1)  # type: ignore[attr-defined]
    with time_machine.travel(timezone.now() + lease, tick=False):
        deliver_outbox(worker="worker-b")

    keys = [r["key"] for r in mock.received]
    assert keys[0] == keys[1]  # taken over and sent again with the same key …
    assert mock.kinds() == ["accepted", "signed"]  # … and applied once, in order
    assert all(r.status == DeliveryStatus.SENT for r in _reports())
