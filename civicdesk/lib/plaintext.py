"""Plain text from what someone typed into a public form: tags removed, not escaped.

A citizen's message is stored as the words they meant. Markup is dropped (the content of
<script> and <style> with it), character references are turned back into characters, and
control characters other than line breaks and tabs go. The result is escaped when shown,
like any other text.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_SKIPPED = {"script", "style", "template", "noscript", "iframe", "object"}
_BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}
# Bidi embedding/override/isolate controls go too (civicdesk.lib.controls says why).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")
_BLANK_LINES = re.compile(r"\n{3,}")
# Only something that looks like a tag or comment is markup; "1 < 2" or "<3" stays text.
_TAG_LIKE = re.compile(r"<\s*/?\s*[A-Za-z!?]")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag in _BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _once(text: str) -> str:
    parser = _Text()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


def strip_html(value: str | None) -> str:
    """`value` without markup, trimmed; line breaks kept (at most one blank line in a row)."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    # Entities decoded in one pass may spell a new tag ("&lt;script&gt;"): strip until stable.
    for _round in range(5):
        if not _TAG_LIKE.search(text) and "&" not in text:
            break
        stripped = _once(text) if _TAG_LIKE.search(text) else _unescape(text)
        if stripped == text:
            break
        text = stripped
    text = _CONTROL.sub("", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _unescape(text: str) -> str:
    return html.unescape(text)
