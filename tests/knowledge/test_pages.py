from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from civicdesk.knowledge import actions
from civicdesk.knowledge.models import Article
from tests.knowledge.helpers import FUND, HEATING, published

pytestmark = pytest.mark.django_db


def test_staff_search_shows_flagged_articles_with_their_flag(w, client):
    today = timezone.localdate()
    article = published(w, *HEATING)
    actions.edit_article(article, actor=w.dispatcher, review_due=today - timedelta(days=2))
    client.force_login(w.callback_agent)
    html = client.get("/knowledge/search/", {"q": "暖气不热"}).content.decode()
    assert HEATING[0] in html and "逾期未复核" in html


def test_the_list_summarises_the_flags(w, client):
    today = timezone.localdate()
    article = published(w, *FUND)
    actions.edit_article(article, actor=w.dispatcher, review_due=today - timedelta(days=2))
    client.force_login(w.dispatcher)
    html = client.get("/knowledge/").content.decode()
    assert 'id="flag-summary"' in html and "1 条逾期未复核" in html


def test_people_without_a_role_are_refused(w, client):
    client.force_login(w.outsider)
    assert client.get("/knowledge/").status_code == 403
    assert client.get("/knowledge/search/").status_code == 403


def test_a_new_article_with_bad_dates_keeps_what_was_typed(w, client):
    client.force_login(w.handler_a)
    response = client.post(
        "/knowledge/new/",
        {
            "title": "路灯报修",
            "answer": "城管局负责。",
            "owner_unit": w.dept_a.pk,
            "valid_from": "2026-05-01",
            "valid_to": "2026-04-01",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "失效日期不能早于生效日期" in html and "城管局负责。" in html
    assert not Article.objects.exists()
    ok = client.post("/knowledge/new/", {"title": "路灯报修", "answer": "城管局负责。", "owner_unit": w.dept_a.pk})
    assert ok.status_code == 302 and Article.objects.get().created_by == w.handler_a


def test_the_navigation_names_the_knowledge_base(w, client):
    client.force_login(w.handler_a)
    assert 'href="/knowledge/"' in client.get("/").content.decode()


def test_search_hides_another_units_article_under_review(w, client):
    from tests.knowledge.helpers import draft

    article = draft(w, *FUND)
    actions.submit_for_review(article, actor=w.handler_a)
    client.force_login(w.handler_b)
    assert FUND[0] not in client.get("/knowledge/search/", {"q": "公积金提取"}).content.decode()
    client.force_login(w.head_a)
    assert FUND[0] in client.get("/knowledge/search/", {"q": "公积金提取"}).content.decode()
