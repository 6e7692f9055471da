from __future__ import annotations

import pytest
from django.utils import timezone

from civicdesk.demo.city import build_city
from civicdesk.knowledge import public
from civicdesk.knowledge.demo_seed import ARTICLES, seed
from civicdesk.knowledge.models import Article, ArticleStatus


@pytest.mark.django_db
def test_the_demo_knowledge_base_is_realistic_and_seeded_once():
    city = build_city()
    now = timezone.now()
    lines = seed(city, now)
    assert lines and "知识库" in lines[0]
    assert Article.objects.filter(status=ArticleStatus.PUBLISHED).count() == len(ARTICLES)
    assert Article.objects.filter(status=ArticleStatus.EXPIRED).count() == 1
    assert Article.objects.filter(status__in=[ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW]).count() == 3
    overdue = Article.objects.get(title="供暖期和供暖费收费标准")
    assert overdue.is_review_overdue(timezone.localdate())
    titles = [a.title for a in public.suggest_answers("暖气费多少钱一平方")]
    assert "供暖期和供暖费收费标准" not in titles
    assert public.suggest_answers("公积金怎么取出来买房")[0].title == "购买自住住房提取住房公积金"
    assert seed(city, now) == []
    assert Article.objects.count() == len(ARTICLES) + 4
