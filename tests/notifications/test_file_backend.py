"""The file backend appends one JSON line per SMS in the data dir."""

from __future__ import annotations

from pathlib import Path

from pytest_django.fixtures import Settings

from civicdesk.notifications.delivery import deliver_outbox
from civicdesk.notifications.models import DeliveryAttempt, DeliveryStatus
from tests.notifications.helpers import parse_json_lines, sms_of
from tests.world import World


def test_it_appends_json_lines_and_records(w: World, settings: Settings, tmp_path: Path) -> None:
    settings.CIVICDESK_SMS_BACKEND = "file"
    settings.CIVICDESK_SMS_FILE = tmp_path / "sms.jsonl"
    first, second = w.new_order(), w.new_order(citizen_phone="13900005678")
    deliver_outbox(worker="w1")
    lines = parse_json_lines((tmp_path / "sms.jsonl").read_text(encoding="utf-8"))
    assert [(line["key"], line["to"]) for line in lines] == [
        (str(sms_of(first).pk), "13800001234"),
        (str(sms_of(second).pk), "13900005678"),
    ]
    assert first.number in lines[0]["text"]
    for order in (first, second):
        message = sms_of(order)
        assert message.status == DeliveryStatus.SENT
        assert DeliveryAttempt.objects.get(message=message).response == "appended to sms.jsonl"
