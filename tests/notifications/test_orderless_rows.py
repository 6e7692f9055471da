"""Outbox rows that belong to no order (a licence expiry reminder) go out like the others:
by the sweep and by the on-commit task, with their own e-mail subject, and they expire
after the maximum age like the others."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.utils import timezone
from pytest_django.fixtures import Settings

from civicdesk.notifications.delivery import deliver_outbox
from civicdesk.notifications.models import DeliveryAttempt, DeliveryStatus, Medium, OutboxMessage
from civicdesk.notifications.tasks import deliver_ids
from tests.notifications.helpers import RecordingSmsBackend
from tests.world import World

TEXT = (
    "【12345证照提醒】青岚市示例餐饮有限公司：食品经营许可证（JY-1）将于2026-04-08到期，还有30天，"
    "请及时向市场监管局申请延续。"
)


def _row(medium: str, address: str, **fields: object) -> OutboxMessage:
    return OutboxMessage.objects.create(
        medium=medium,
        address=address,
        template="licence_reminder",
        subject="证照到期提醒：食品经营许可证（JY-1）",
        text=TEXT,
        **fields,
    )


def test_the_sweep_sends_an_sms_and_an_email_without_an_order(w: World, recorder: type[RecordingSmsBackend]) -> None:
    sms = _row(Medium.SMS, "13900001234")
    email = _row(Medium.EMAIL, "boss@example.cn")
    deliver_outbox(worker="w1")

    sms.refresh_from_db()
    email.refresh_from_db()
    assert (sms.status, email.status) == (DeliveryStatus.SENT, DeliveryStatus.SENT)
    assert "JY-1" in "".join(text for _key, _phone, text in recorder.sent)
    assert {phone for _key, phone, _text in recorder.sent} == {"13900001234"}
    [sent] = mail.outbox
    assert sent.subject == "证照到期提醒：食品经营许可证（JY-1）" and sent.to == ["boss@example.cn"]
    assert DeliveryAttempt.objects.filter(message__in=[sms, email], ok=True).count() == 2


def test_the_on_commit_task_sends_it_too(w: World, recorder: type[RecordingSmsBackend]) -> None:
    sms = _row(Medium.SMS, "13900001234")
    assert deliver_ids([sms.pk]) == 1
    sms.refresh_from_db()
    assert sms.status == DeliveryStatus.SENT
    sent = list(recorder.sent)
    assert sent and {key.split("-")[0] for key, _p, _t in sent} == {str(sms.pk)}
    deliver_outbox(worker="w1")  # the sweep after it does not send it again
    assert recorder.sent == sent


def test_it_expires_like_the_others(w: World, settings: Settings, recorder: type[RecordingSmsBackend]) -> None:
    settings.CIVICDESK_OUTBOX_MAX_AGE_HOURS = 48
    old = _row(Medium.SMS, "13900001234", created_at=timezone.now() - dt.timedelta(days=3))
    deliver_outbox(worker="w1")
    old.refresh_from_db()
    assert old.status == DeliveryStatus.EXPIRED
    assert recorder.sent == []
    assert not DeliveryAttempt.objects.filter(message=old).exists()
