"""An order's title made from what a citizen wrote (portal, Open311): the first sentence,
shortened at a clause boundary with "…" rather than cut in the middle of a word."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"[。！？!?；;]|\.(?:\s|$)")
_CLAUSE_BREAKS = "，,、：: "


def title_from(text: str, limit: int = 40) -> str:
    """The first sentence of the first line if it fits in `limit` characters; else as much of
    it as ends at a clause break (，、：or a space) in the second half of the room, else a hard
    cut; "…" marks a shortened title, which never exceeds `limit`."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    first = lines[0]
    end = _SENTENCE_END.search(first)
    sentence = first[: end.start()].strip() if end and end.start() > 0 else first
    if len(sentence) <= limit:
        return sentence
    room = limit - 1  # for the "…"
    cut = max(sentence.rfind(mark, 0, room + 1) for mark in _CLAUSE_BREAKS)
    if cut < room // 2:
        cut = room
    return sentence[:cut].rstrip("，,、：: ") + "…"
