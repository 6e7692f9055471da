"""Knowledge-base answers that may already help are shown before submitting."""

from __future__ import annotations

import pytest
from django.test import Client

from civicdesk.knowledge.public import PublicAnswer
from civicdesk.orders.models import WorkOrder
from tests.portal.helpers import form_data, open_submit, text
from tests.world import World


@pytest.fixture
def kb(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []

    def suggest(query: str, *, limit: int = 3) -> list[PublicAnswer]:
        asked.append(query)
        if "路灯" not in query:
            return []
        return [PublicAnswer(1, "路灯不亮找谁？", "城区路灯由市城管局路灯所维护，报修后一般48小时内修复。")]

    monkeypatch.setattr("civicdesk.knowledge.public.suggest_answers", suggest)
    return asked


def test_answers_show_while_typing(w: World, kb: list[str]) -> None:
    response = Client().post("/portal/answers", {"content": "<b>我家门口路灯</b>不亮"})
    html = text(response)
    assert "路灯不亮找谁？" in html
    assert "48小时内修复" in html
    assert kb == ["我家门口路灯不亮"]  # what is searched is plain text


def test_checking_answers_submits_nothing_and_keeps_the_form(w: World, kb: list[str]) -> None:
    client = Client()
    key = open_submit(client)
    response = client.post("/portal/submit", {**form_data(w), "intent": "check", "captcha_key": key})
    html = text(response)
    assert response.status_code == 200
    assert "这些解答也许能帮到您" in html
    assert "路灯不亮找谁？" in html
    assert "崖头街道人民路88号" in html
    assert not WorkOrder.objects.exists()


def test_no_answer_says_so(w: World, kb: list[str]) -> None:
    client = Client()
    key = open_submit(client)
    response = client.post(
        "/portal/submit", {**form_data(w, content="小区噪声扰民"), "intent": "check", "captcha_key": key}
    )
    assert "没有找到相关的常见解答" in text(response)


def test_with_the_real_knowledge_base(w: World) -> None:
    from tests.knowledge.helpers import published

    published(w, "居民用水停水怎么办", "计划停水会提前24小时公告，临时停水可拨打自来水公司热线。")
    html = text(Client().post("/portal/answers", {"content": "我们小区停水了怎么办"}))
    assert "居民用水停水怎么办" in html
