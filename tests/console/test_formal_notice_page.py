"""督办单 on the pages: issued from the order page, listed on the supervision page, shown on
the order and in the unit's inbox, answered in writing."""

from __future__ import annotations

import pytest

from tests.console.helpers import client_for, text
from tests.world import World

pytestmark = pytest.mark.django_db


def test_a_notice_from_issue_to_written_answer(w: World) -> None:
    order = w.signed()
    supervisor = client_for(w.supervisor)
    response = supervisor.post(
        f"/orders/{order.number}/act/issue_notice/",
        {"issue_notice-version": order.version, "issue_notice-text": "坑洼已致人摔伤，请立即修复并书面说明。"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    number = order.notice_number
    assert number.startswith("督〔") and number.endswith("〕1号")

    listing = text(supervisor.get("/orders/supervision/?list=formal"))
    assert order.number in listing and number in listing

    handler = client_for(w.handler_a)
    inbox = text(handler.get("/orders/inbox/?tab=notices"))
    assert number in inbox
    page = text(handler.get(f"/orders/{order.number}/"))
    assert "坑洼已致人摔伤，请立即修复并书面说明。" in page[page.index('id="notice"') :]
    form = page[page.index("/act/answer_notice/") :]
    assert number in form[: form.index("</form>")]  # the answer form names the notice it answers

    response = handler.post(
        f"/orders/{order.number}/act/answer_notice/",
        {"answer_notice-version": order.version, "answer_notice-text": "已于当日修复并设警示标志。"},
    )
    assert response.status_code == 302
    page = text(handler.get(f"/orders/{order.number}/"))
    assert "已于当日修复并设警示标志。" in page[page.index('id="notice"') :]
    assert order.number not in text(supervisor.get("/orders/supervision/?list=formal"))
