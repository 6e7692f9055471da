"""Knowing when not to answer: when the knowledge base holds no close answer, the intake panel
and the portal suggest nothing (and the panel says so) instead of an article that merely shares
a word or two with the call."""

from __future__ import annotations

import pytest
from django.test import Client

from civicdesk.knowledge import search
from civicdesk.knowledge.public import suggest_answers
from tests.knowledge.helpers import FUND, HEATING, SORTING, published
from tests.world import World

pytestmark = pytest.mark.django_db

OTHERS = (
    ("小区停车位被占用怎么办", "小区内停车位由物业管理，车位被占用可先联系物业协调，仍未解决可向街道反映。"),
    ("居民用水停水怎么办", "小区计划停水会提前24小时公告，临时停水可拨打自来水公司热线。"),
    ("新生儿医保办理", "新生儿出生后可在户籍所在地社区办理城乡居民医保参保登记，出生当年免缴费。"),
    ("夜间施工噪音扰民投诉", "夜间22时至次日6时禁止在居民小区周边产生噪声的建筑施工作业，可向城管部门投诉。"),
)


@pytest.fixture
def base(w: World) -> None:
    for title, answer in (HEATING, FUND, SORTING, *OTHERS):
        published(w, title, answer)


def panel(client: Client, title: str, content: str = "") -> str:
    return client.post("/knowledge/intake-answers/", {"title": title, "content": content}).content.decode()


def test_a_close_match_is_suggested(w: World, client: Client, base: None) -> None:
    client.force_login(w.operator)
    html = panel(client, "暖气不热", "家里暖气一直不热，室温很低")
    assert HEATING[0] in html
    assert "没有足够接近" not in html


def test_a_call_sharing_only_a_common_word_gets_no_suggestion(w: World, client: Client, base: None) -> None:
    client.force_login(w.operator)
    # "小区" occurs in several articles, but the matter (a dog biting) is in none.
    html = panel(client, "小区里有人遛狗不拴绳咬伤孩子", "昨天傍晚在小区花园，邻居家的大狗没拴绳把孩子咬伤了")
    assert 'class="border rounded p-2 mb-1 kb-answer"' not in html
    assert "没有足够接近的答复" in html
    # The search itself still finds the article that shares the words: only the panel holds it back.
    assert any(h.article.title == OTHERS[0][0] for h in search.search("小区里有人遛狗不拴绳咬伤孩子"))


def test_nothing_in_common_still_says_nothing_was_found(w: World, client: Client, base: None) -> None:
    client.force_login(w.operator)
    html = panel(client, "彩票兑奖")
    assert "没有找到相关答复" in html


def test_the_portal_holds_back_weak_answers_too(w: World, base: None) -> None:
    assert [a.title for a in suggest_answers("家里暖气一直不热，室温很低")][:1] == [HEATING[0]]
    assert suggest_answers("小区里有人遛狗不拴绳咬伤孩子") == []
