from __future__ import annotations

import pytest

from civicdesk.knowledge import actions
from civicdesk.knowledge.models import Article, ArticleStatus
from civicdesk.orders.errors import InvalidTransition, PermissionDenied

pytestmark = pytest.mark.django_db


def test_the_hub_turns_a_good_reply_into_a_draft_in_one_step(w, client):
    order = w.closed()
    client.force_login(w.dispatcher)
    panel = client.get(f"/knowledge/order/{order.number}/panel/").content.decode()
    assert 'id="to-article"' in panel
    response = client.post(f"/knowledge/order/{order.number}/to-article/")
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/knowledge/{article.pk}/edit/"
    assert article.status == ArticleStatus.DRAFT
    assert article.answer == order.reply_text
    assert article.question_list()[0] == order.title  # the citizen's question is the first phrasing
    assert article.owner_unit == w.dept_a and article.source_order == order
    assert order.number in article.versions.get().note


def test_units_cannot_and_open_orders_do_not(w, client):
    order = w.closed()
    with pytest.raises(PermissionDenied):
        actions.draft_from_reply(order, actor=w.handler_a)
    client.force_login(w.handler_a)
    assert 'id="to-article"' not in client.get(f"/knowledge/order/{order.number}/panel/").content.decode()
    with pytest.raises(InvalidTransition):
        actions.draft_from_reply(w.signed(), actor=w.dispatcher)
    assert not Article.objects.exists()
