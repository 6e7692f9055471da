"""``{% confidence_badge p %}``: a calibrated probability as 高 / 中 / 低 with the number on hover."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from civicdesk.routing import confidence

register = template.Library()

_COLOURS = {"high": "bg-success", "medium": "bg-warning text-dark", "low": "bg-secondary"}


@register.simple_tag
def confidence_badge(probability: float | None, version: int | None = None) -> SafeString:
    """The badge, written here rather than by an inclusion template: the dispatch board draws one
    per row, and the template with its three {% blocktranslate %} was a sixth of the board's CPU
    (issue #20). The markup is what routing/_confidence.html wrote, character for character
    (tests/routing/test_confidence_badge_markup.py compares them)."""
    p = float(probability or 0.0)
    level = confidence.level(p)
    shown = conditional_escape(floatformat(p, 2))
    # Everything the badge says follows from these four: the board's fifty badges are drawn
    # once each per language, level, figure and version (their translations were a twelfth
    # of the board's CPU).
    key = (get_language(), level, shown, version)
    badge = _drawn.get(key)
    if badge is None:
        if len(_drawn) >= _DRAWN_AT_MOST:
            _drawn.clear()
        badge = _drawn[key] = _draw(level, shown, version, p)
    return badge


_drawn: dict[tuple[str | None, str, str, int | None], SafeString] = {}
_DRAWN_AT_MOST = 5000


def _draw(level: str, shown: str, version: int | None, p: float) -> SafeString:
    if version:
        title = _("分派模型 v%(v)s，校准概率 %(p)s") % {"v": conditional_escape(localize(version)), "p": shown}
    else:
        title = _("校准概率 %(p)s") % {"p": shown}
    text = _("置信度%(w)s") % {"w": conditional_escape(confidence.word(p))}
    return mark_safe(  # noqa: S308 -- the values are escaped above, the words are the catalogue's as the template's
        f'<span class="badge confidence confidence-{level} {_COLOURS[level]}" data-confidence="{shown}" '
        f'title="{title}">{text}</span>\n'
    )


@register.filter
def unsure(probability: float | None) -> bool:
    return probability is not None and confidence.unsure(float(probability))
