"""A reply check's findings are kept in the reply event as codes with their parameters and
said in the reader's language (Chinese, or English); replies checked before keep the
Chinese sentence they were stored with, and still read."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from civicdesk.orders import actions
from civicdesk.orders.errors import InvalidInput
from civicdesk.orders.models import OrderEvent
from civicdesk.orders.quality import finding_text
from tests.world import World

RUDE = "瞎投诉，这事不归我们管。"


def _findings(order) -> list[dict]:  # type: ignore[no-untyped-def]
    return OrderEvent.objects.filter(order=order, action="reply").latest("seq").data["quality"]["findings"]


def test_the_event_keeps_codes_and_the_page_says_them_in_each_language(w: World) -> None:
    order = actions.reply(w.signed(), actor=w.handler_a, result="solved", text=RUDE)
    findings = _findings(order)

    assert all("reason" not in f for f in findings)
    banned = next(f for f in findings if f["code"] == "banned")
    parts = next(f for f in findings if f["code"] == "parts_missing")
    with translation.override("zh-hans"):
        assert finding_text(banned) == "答复含有不文明用语：“瞎投诉”。"
        assert finding_text(parts).startswith("答复缺少：做了什么、依据")
    with translation.override("en"):
        assert finding_text(banned) == "The reply contains rude words: “瞎投诉”."
        assert finding_text(parts).startswith("The reply lacks: what was done, the basis")


def test_a_finding_stored_as_text_before_reads_as_it_was() -> None:
    old = {"check": "tone", "severity": "block", "reason": "答复含有不文明用语：“瞎投诉”。"}

    with translation.override("en"):
        assert finding_text(old) == "答复含有不文明用语：“瞎投诉”。"


def test_the_reviewer_reads_the_findings_in_english(w: World) -> None:
    order = actions.reply(w.signed(), actor=w.handler_a, result="solved", text=RUDE)
    client = Client()
    client.force_login(w.dispatcher)

    html = client.get(f"/orders/{order.number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "The reply contains rude words" in html
    assert "答复含有不文明用语" not in html


def test_a_blocked_acceptance_names_the_findings_in_the_readers_language(w: World) -> None:
    order = actions.reply(w.signed(), actor=w.handler_a, result="solved", text=RUDE)

    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        actions.accept_reply(order, actor=w.dispatcher)

    assert "The reply contains rude words" in str(refused.value)
