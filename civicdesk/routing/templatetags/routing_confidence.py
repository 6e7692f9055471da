"""``{% confidence_badge p %}``: a calibrated probability as 高 / 中 / 低 with the number on hover."""

from __future__ import annotations

from typing import Any

from django import template

from civicdesk.routing import confidence

register = template.Library()


@register.inclusion_tag("routing/_confidence.html")
def confidence_badge(probability: float | None, version: int | None = None) -> dict[str, Any]:
    p = float(probability or 0.0)
    return {"p": p, "level": confidence.level(p), "word": confidence.word(p), "version": version}


@register.filter
def unsure(probability: float | None) -> bool:
    return probability is not None and confidence.unsure(float(probability))
