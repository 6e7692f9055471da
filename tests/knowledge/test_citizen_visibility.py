from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from civicdesk.knowledge import actions, public
from civicdesk.knowledge.models import ArticleStatus
from civicdesk.runtime.sweeps import SWEEPS
from tests.knowledge.helpers import FUND, HEATING, draft, published


def _titles(text: str) -> list[str]:
    return [a.title for a in public.suggest_answers(text, limit=5)]


@pytest.mark.django_db
class TestCitizenVisibility:
    def test_only_published_articles_in_force_reach_citizens(self, w):
        published(w, *HEATING)
        draft(w, "暖气费缴纳方式", "暖气费可在营业厅缴纳。")
        assert _titles("暖气不热怎么办") == [HEATING[0]]

    def test_an_article_overdue_for_review_leaves_the_results_and_is_flagged(self, w, client):
        today = timezone.localdate()
        article = published(w, *HEATING, review_due=today + timedelta(days=3))
        assert _titles("暖气不热") == [HEATING[0]]
        actions.edit_article(article, actor=w.dispatcher, review_due=today - timedelta(days=1))
        assert _titles("暖气不热") == []
        client.force_login(w.dispatcher)
        page = client.get("/knowledge/?flag=review").content.decode()
        assert HEATING[0] in page and "逾期未复核" in page
        actions.confirm_reviewed(article, actor=w.handler_a, next_review=today + timedelta(days=180))
        assert _titles("暖气不热") == [HEATING[0]]

    def test_the_sweep_expires_articles_past_their_validity(self, w):
        today = timezone.localdate()
        article = published(w, *FUND, valid_to=today + timedelta(days=1))
        assert _titles("公积金提取买房") == [FUND[0]]
        assert SWEEPS["expire_articles"]() == 0
        with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
            # Out of the citizens' results at once, before the sweep marks it.
            assert _titles("公积金提取买房") == []
            assert SWEEPS["expire_articles"]() == 1
            assert SWEEPS["expire_articles"]() == 0
        article.refresh_from_db()
        assert article.status == ArticleStatus.EXPIRED
        assert article.versions.order_by("-number").first().action == "expire"

    def test_not_yet_valid_articles_wait(self, w):
        today = timezone.localdate()
        published(w, *FUND, valid_from=today + timedelta(days=10), today=today)
        assert _titles("公积金提取买房") == []
