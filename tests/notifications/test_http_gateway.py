"""The HTTP adapter against a real local gateway: what it sends and how it judges the answer."""

from __future__ import annotations

import base64
import json

from pytest_django.fixtures import Settings

from civicdesk.notifications.delivery import deliver_outbox
from civicdesk.notifications.models import DeliveryAttempt, DeliveryStatus
from tests.notifications.helpers import Gateway, sms_of
from tests.world import World


def test_a_2xx_answer_with_the_ok_field_is_a_delivery(w: World, settings: Settings, gateway: Gateway) -> None:
    settings.CIVICDESK_SMS_BACKEND = "http"
    settings.CIVICDESK_SMS_GATEWAY = gateway.config()
    order = w.new_order()
    deliver_outbox(worker="w1")
    message = sms_of(order)
    assert message.status == DeliveryStatus.SENT
    [request] = gateway.requests
    assert request["path"] == "/send"
    assert request["query"] == {"to": "13800001234", "text": message.text, "id": str(message.pk)}
    assert request["headers"]["authorization"] == "Basic " + base64.b64encode(b"civicdesk:s3cret").decode()
    attempt = DeliveryAttempt.objects.get(message=message)
    assert attempt.ok and attempt.response.startswith("HTTP 200")


def test_a_json_post_with_token_and_id_header(w: World, settings: Settings, gateway: Gateway) -> None:
    settings.CIVICDESK_SMS_BACKEND = "http"
    settings.CIVICDESK_SMS_GATEWAY = gateway.config(
        url=gateway.base + "/v1/sms",
        method="POST",
        user="",
        password="",
        token="tok-1",
        headers={"Content-Type": "application/json"},
        id_header="X-Message-Id",
        body='{"mobile": "{phone}", "content": "{text}"}',
        ok_field="",
    )
    order = w.new_order(content='他说："路面坑洼"，请修复。')
    deliver_outbox(worker="w1")
    message = sms_of(order)
    [request] = gateway.requests
    assert request["method"] == "POST"
    assert json.loads(request["body"]) == {"mobile": "13800001234", "content": message.text}
    assert request["headers"]["authorization"] == "Bearer tok-1"
    assert request["headers"]["x-message-id"] == str(message.pk)
    assert message.status == DeliveryStatus.SENT


def test_a_refusal_in_the_json_answer_is_not_a_delivery(w: World, settings: Settings, gateway: Gateway) -> None:
    settings.CIVICDESK_SMS_BACKEND = "http"
    settings.CIVICDESK_SMS_GATEWAY = gateway.config()
    gateway.script = [(200, '{"code": 17, "msg": "余额不足"}')]
    order = w.new_order()
    deliver_outbox(worker="w1")
    message = sms_of(order)
    assert message.status == DeliveryStatus.PENDING
    assert message.next_attempt_at is not None
    assert "code=17" in message.last_error


def test_a_4xx_is_a_permanent_failure(w: World, settings: Settings, gateway: Gateway) -> None:
    settings.CIVICDESK_SMS_BACKEND = "http"
    settings.CIVICDESK_SMS_GATEWAY = gateway.config()
    gateway.script = [(400, '{"error": "bad mobile"}')]
    order = w.new_order()
    deliver_outbox(worker="w1")
    message = sms_of(order)
    assert message.status == DeliveryStatus.FAILED
    assert message.last_error == "HTTP 400"
    assert len(gateway.requests) == 1


def test_a_gateway_that_is_not_there_is_retried(w: World, settings: Settings) -> None:
    with Gateway() as gone:
        config = gone.config()
    settings.CIVICDESK_SMS_BACKEND = "http"
    settings.CIVICDESK_SMS_GATEWAY = config
    order = w.new_order()
    deliver_outbox(worker="w1")
    message = sms_of(order)
    assert message.status == DeliveryStatus.PENDING
    assert message.last_error.startswith("network:")
