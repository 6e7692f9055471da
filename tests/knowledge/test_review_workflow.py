from __future__ import annotations

import pytest

from civicdesk.knowledge import actions
from civicdesk.knowledge.models import ArticleStatus
from civicdesk.orders.errors import InvalidInput, InvalidTransition, PermissionDenied
from tests.knowledge.helpers import HEATING, draft


@pytest.mark.django_db
class TestReviewWorkflow:
    def test_a_unit_drafts_and_the_hub_publishes(self, w):
        article = draft(w, *HEATING)
        actions.submit_for_review(article, actor=w.handler_a)
        actions.publish(article, actor=w.dispatcher)
        article.refresh_from_db()
        assert article.status == ArticleStatus.PUBLISHED and article.published_at is not None

    def test_a_unit_cannot_publish_its_own_article(self, w):
        article = draft(w, *HEATING)
        actions.submit_for_review(article, actor=w.handler_a)
        with pytest.raises(PermissionDenied):
            actions.publish(article, actor=w.head_a)
        article.refresh_from_db()
        assert article.status == ArticleStatus.IN_REVIEW

    def test_another_unit_cannot_draft_or_edit_for_this_unit(self, w):
        with pytest.raises(PermissionDenied):
            actions.create_article(actor=w.handler_b, owner_unit=w.dept_a, title="x标题", answer="y答复")
        article = draft(w, *HEATING)
        with pytest.raises(PermissionDenied):
            actions.edit_article(article, actor=w.handler_b, title="改标题")
        with pytest.raises(PermissionDenied):
            actions.submit_for_review(article, actor=w.operator)

    def test_the_hub_sends_back_with_a_reason(self, w):
        article = draft(w, *HEATING)
        actions.submit_for_review(article, actor=w.handler_a)
        with pytest.raises(InvalidInput):
            actions.send_back(article, actor=w.dispatcher, note="  ")
        actions.send_back(article, actor=w.dispatcher, note="请补充政策依据")
        article.refresh_from_db()
        assert article.status == ArticleStatus.DRAFT
        assert article.versions.order_by("-number").first().note == "请补充政策依据"

    def test_it_refuses_a_move_from_the_wrong_state(self, w):
        article = draft(w, *HEATING)
        with pytest.raises(InvalidTransition):
            actions.send_back(article, actor=w.dispatcher, note="x")
        with pytest.raises(InvalidTransition):
            actions.withdraw(article, actor=w.dispatcher, note="x")

    def test_the_review_queue_is_for_the_hub_only(self, w, client):
        article = draft(w, *HEATING)
        actions.submit_for_review(article, actor=w.handler_a)
        client.force_login(w.handler_a)
        assert client.get("/knowledge/review/").status_code == 403
        client.force_login(w.dispatcher)
        page = client.get("/knowledge/review/")
        assert page.status_code == 200 and HEATING[0] in page.content.decode()

    def test_publishing_through_the_page(self, w, client):
        article = draft(w, *HEATING)
        actions.submit_for_review(article, actor=w.handler_a)
        client.force_login(w.handler_a)
        refused = client.post(f"/knowledge/{article.pk}/act/publish/", {"publish-version": 2, "publish-note": ""})
        assert refused.status_code == 403
        client.force_login(w.dispatcher)
        done = client.post(f"/knowledge/{article.pk}/act/publish/", {"publish-version": 2, "publish-note": "同意"})
        assert done.status_code == 302
        article.refresh_from_db()
        assert article.status == ArticleStatus.PUBLISHED

    def test_a_drafts_of_another_unit_is_not_found(self, w, client):
        article = draft(w, *HEATING)
        client.force_login(w.handler_b)
        assert client.get(f"/knowledge/{article.pk}/").status_code == 404
