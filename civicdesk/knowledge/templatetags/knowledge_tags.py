from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def posted_articles(context: dict[str, Any]) -> list[str]:
    """Article ids the intake form carried when it is drawn again after an error (nothing lost)."""
    request = context.get("request")
    if request is None or request.method != "POST":
        return []
    return [a for a in dict.fromkeys(request.POST.getlist("article")) if a.isdigit()]
