"""Confidence in words: what a dispatcher reads before the number.

The model's figures are calibrated probabilities (``routing-eval`` prints the reliability table
on held-out messages: of suggestions shown at 0.8, about eight in ten are right), so the
bands are plain probability cut-offs. Below ``UNSURE_BELOW`` the top suggestion is no better
than a coin toss between two units: the screens say 不确定 and show the candidates instead of
one answer.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

HIGH_FROM = 0.8
MEDIUM_FROM = 0.5
UNSURE_BELOW = MEDIUM_FROM


def level(probability: float) -> str:
    """ "high", "medium" or "low" for a calibrated probability."""
    if probability >= HIGH_FROM:
        return "high"
    if probability >= MEDIUM_FROM:
        return "medium"
    return "low"


def word(probability: float) -> str:
    """高 / 中 / 低 (translated) for a calibrated probability."""
    return {"high": _("高"), "medium": _("中"), "low": _("低")}[level(probability)]


def unsure(probability: float) -> bool:
    return probability < UNSURE_BELOW
