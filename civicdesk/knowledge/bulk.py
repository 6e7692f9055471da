"""Many articles at once (Excel import, benchmarks): the same rows the actions write — the
article, its first version and its stored segmentation — in a few statements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction

from civicdesk.catalogue.models import Category
from civicdesk.knowledge import search
from civicdesk.knowledge.models import Article, ArticleStatus, ArticleVersion
from civicdesk.orders import clock
from civicdesk.org.models import OrgUnit, User


@dataclass
class NewArticle:
    title: str
    answer: str
    owner_unit: OrgUnit
    questions: str = ""
    category: Category | None = None
    sources: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    review_due: date | None = None
    status: str = ArticleStatus.DRAFT
    extra: dict[str, object] = field(default_factory=dict)


def create_many(rows: Sequence[NewArticle], *, actor: User | None, note: str = "", batch: int = 500) -> list[Article]:
    """Create the articles with version 1 each (action ``import``) and index them."""
    now = clock.now()
    with transaction.atomic():
        articles = [
            Article(
                title=r.title,
                answer=r.answer,
                questions=r.questions,
                owner_unit=r.owner_unit,
                category=r.category,
                sources=r.sources,
                valid_from=r.valid_from,
                valid_to=r.valid_to,
                review_due=r.review_due,
                status=r.status,
                version=1,
                created_by=actor,
                created_at=now,
                updated_at=now,
                published_at=now if r.status == ArticleStatus.PUBLISHED else None,
            )
            for r in rows
        ]
        articles = Article.objects.bulk_create(articles, batch_size=batch)
        if any(a.pk is None for a in articles):  # backends without RETURNING (not ours)
            raise RuntimeError("bulk_create did not return primary keys")
        ArticleVersion.objects.bulk_create(
            [
                ArticleVersion(
                    article=a,
                    number=1,
                    action="import",
                    actor=actor,
                    at=now,
                    note=note,
                    title=a.title,
                    questions=a.questions,
                    answer=a.answer,
                    category_id_at=a.category_id,
                    owner_unit_id_at=a.owner_unit_id,
                    sources=a.sources,
                    valid_from=a.valid_from,
                    valid_to=a.valid_to,
                    review_due=a.review_due,
                    status=a.status,
                )
                for a in articles
            ],
            batch_size=batch,
        )
        search.index_many(articles, batch=batch)
    return articles
