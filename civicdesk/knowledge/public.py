"""What citizens may see of the knowledge base: the portal's suggestions before submission.

Only published articles that are in force (valid_from ≤ today ≤ valid_to) and not overdue
for review are ever returned; staff-only flags and drafts never leave this module.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

__all__ = ["PublicAnswer", "suggest_answers"]


@dataclass(frozen=True, slots=True)
class PublicAnswer:
    id: int
    title: str
    answer: str


def suggest_answers(text: str, *, limit: int = 3) -> list[PublicAnswer]:
    """The best citizen-visible answers for ``text`` (a draft message), best first."""
    # knowledge.search loads jieba and numpy: only when answers are asked for.
    from civicdesk.knowledge import search

    text = (text or "").strip()
    if not text or limit <= 0:
        return []
    # Only close matches: a citizen reading a wrong answer may give up on asking.
    found = search.suggest(text, limit=limit, audience=search.Audience.CITIZEN, today=timezone.localdate())
    return [PublicAnswer(id=h.article.pk, title=h.article.title, answer=h.article.answer) for h in found.hits]
