"""The knowledge base can cite a measure as an article's source: the article's page lists it,
the measure's history records it, and only someone who may edit the article can add it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from civicdesk.knowledge.models import Article
from civicdesk.policies.models import PolicyCitation, PolicyEvent
from tests.console.helpers import client_for, text
from tests.policies.conftest import measure
from tests.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(w: World) -> Article:
    now = timezone.now()
    return Article.objects.create(
        title="吸纳就业补贴怎么申请", answer="向人社局提交材料。", owner_unit=w.dept_a, created_at=now, updated_at=now
    )


def test_an_article_cites_a_measure_as_its_source(w: World, article: Article) -> None:
    policy = measure(w)

    response = client_for(w.handler_a).post(f"/policies/{policy.pk}/cite/", {"article": article.pk})

    assert response.status_code == 302
    panel = text(client_for(w.handler_a).get(f"/policies/article/{article.pk}/panel/"))
    assert "小微企业吸纳就业补贴" in panel and "荣成市人力资源和社会保障局" in panel
    assert f"/policies/article/{article.pk}/panel/" in text(client_for(w.handler_a).get(f"/knowledge/{article.pk}/"))
    assert PolicyEvent.objects.filter(policy=policy, action="cite", data__article=article.pk).exists()


def test_only_an_editor_of_the_article_may_cite(w: World, article: Article) -> None:
    policy = measure(w)

    response = client_for(w.handler_b).post(f"/policies/{policy.pk}/cite/", {"article": article.pk})

    assert response.status_code == 400
    assert "您无权修改该知识条目" in text(response)
    assert not PolicyCitation.objects.exists()
