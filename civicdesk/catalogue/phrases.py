"""The phrase list the reply checks use (civicdesk.text.replycheck): the administrators'
list, or the shipped default while they have none."""

from __future__ import annotations

from civicdesk.catalogue.models import ReplyPhrase
from civicdesk.text.replycheck import DEFAULT_PHRASES, Phrase


def reply_phrases(using: str | None = None) -> list[Phrase]:
    """`using`: the database the order lives in (check-ontime replays a city in a scratch one)."""
    rows = list(ReplyPhrase.objects.using(using or "default").values_list("phrase", "kind", "active"))
    if not rows:
        return list(DEFAULT_PHRASES)
    return [Phrase(phrase, kind) for phrase, kind, active in rows if active]
