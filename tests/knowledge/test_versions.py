from __future__ import annotations

import pytest

from civicdesk.knowledge import actions
from civicdesk.knowledge.models import ArticleVersion
from civicdesk.orders.errors import ConflictError
from tests.knowledge.helpers import FUND, draft, published


@pytest.mark.django_db
class TestVersions:
    def test_it_keeps_every_state_with_who_and_when(self, w):
        article = published(w, *FUND)
        actions.edit_article(
            article, actor=w.dispatcher, category=None, answer=FUND[1] + "线上也可办理。", note="补充线上渠道"
        )
        versions = list(article.versions.order_by("number"))
        assert [v.action for v in versions] == ["create", "submit", "publish", "edit"]
        assert [v.actor for v in versions] == [w.handler_a, w.handler_a, w.dispatcher, w.dispatcher]
        assert versions[0].answer == FUND[1] and versions[-1].answer.endswith("线上也可办理。")
        assert versions[-1].note == "补充线上渠道"
        assert all(v.at is not None for v in versions)
        article.refresh_from_db()
        assert article.version == 4

    def test_it_refuses_an_edit_based_on_an_old_version(self, w):
        article = draft(w, *FUND)
        actions.edit_article(article, actor=w.handler_a, title="公积金购房提取", expected_version=1)
        with pytest.raises(ConflictError):
            actions.edit_article(article, actor=w.head_a, title="另一个标题", expected_version=1)
        article.refresh_from_db()
        assert article.title == "公积金购房提取"
        assert ArticleVersion.objects.filter(article=article).count() == 2

    def test_a_units_edit_of_a_published_article_goes_back_to_review(self, w):
        article = published(w, *FUND)
        actions.edit_article(article, actor=w.handler_a, answer="新的口径。")
        article.refresh_from_db()
        assert article.status == "draft"

    def test_the_history_page_lists_the_versions(self, w, client):
        article = published(w, *FUND)
        client.force_login(w.handler_a)
        page = client.get(f"/knowledge/{article.pk}/").content.decode()
        assert page.count('<li><div class="when">v') == 3
        assert "派单员老张" in page
