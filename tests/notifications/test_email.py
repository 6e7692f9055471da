"""E-mail through Django's backends: locmem in tests, and SMTP against a local sink."""

from __future__ import annotations

import email
from email.header import decode_header, make_header

from django.core import mail
from pytest_django.fixtures import Settings

from civicdesk.notifications.delivery import deliver_outbox
from civicdesk.notifications.models import DeliveryAttempt, DeliveryStatus, Medium, OutboxMessage
from civicdesk.orders.models import OrderEvent
from tests.notifications.helpers import SmtpSink
from tests.world import World


def _email(w: World, to: str = "wang@example.cn") -> OutboxMessage:
    order = w.new_order()
    event = OrderEvent.objects.filter(order=order).first()
    assert event is not None
    text = f"您的诉求已受理，工单号 {order.number}，可凭工单号和手机号后四位查询办理进度。"
    return OutboxMessage.objects.create(
        order=order, event=event, medium=Medium.EMAIL, address=to, template="citizen_create", text=text
    )


def test_it_sends_with_the_templates_subject(w: World, settings: Settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "12345@rongcheng.example"
    message = _email(w)
    deliver_outbox(worker="w1")
    [sent] = mail.outbox
    assert sent.subject == f"您的诉求已受理（工单号 {message.order.number}）"
    assert sent.to == ["wang@example.cn"]
    assert sent.body == message.text
    assert sent.extra_headers["Message-ID"] == f"<outbox-{message.pk}@rongcheng.example>"
    message.refresh_from_db()
    assert message.status == DeliveryStatus.SENT
    assert DeliveryAttempt.objects.get(message=message).ok


def test_a_staff_message_goes_to_the_users_address(w: World, settings: Settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    w.handler_a.email = "handler@zj.example"
    w.handler_a.save()
    # The outbox rules write the e-mail row themselves for a recipient with an address.
    order = w.dispatched()
    assert OutboxMessage.objects.filter(order=order, medium=Medium.EMAIL, user=w.handler_a).count() == 1
    deliver_outbox(worker="w1")
    [sent] = mail.outbox
    assert sent.to == ["handler@zj.example"]
    assert sent.subject == f"派至本单位的工单 {order.number}，请及时签收"


def test_smtp_to_a_local_sink(w: World, settings: Settings) -> None:
    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        good = _email(w)
        refused = _email(w, to="refused@example.cn")
        deliver_outbox(worker="w1")
    [(_sender, rcpts, data)] = sink.messages
    assert rcpts == ["wang@example.cn"]
    parsed = email.message_from_bytes(data)
    assert str(make_header(decode_header(parsed["Subject"]))) == f"您的诉求已受理（工单号 {good.order.number}）"
    good.refresh_from_db()
    refused.refresh_from_db()
    assert good.status == DeliveryStatus.SENT
    assert refused.status == DeliveryStatus.FAILED
    assert "refused" in refused.last_error
