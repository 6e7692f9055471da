"""Finding an enterprise from what a person typed: a credit code, "name（code）" as the
picker offers it, or an exact name; and the picker's options for a fragment."""

from __future__ import annotations

import re

from django.db.models import Q

from civicdesk.enterprises.liaison import enterprises_of
from civicdesk.enterprises.models import Enterprise
from civicdesk.lib import creditcode
from civicdesk.org.models import User

_PICKED = re.compile(r"[（(]\s*([0-9A-Za-z]{18})\s*[)）]\s*$")


def find_enterprise(value: str) -> Enterprise | None:
    value = (value or "").strip()
    if not value:
        return None
    picked = _PICKED.search(value)
    code = creditcode.normalise(picked.group(1) if picked else value)
    if len(code) == 18:
        found = Enterprise.objects.filter(credit_code=code, active=True).first()
        if found is not None:
            return found
    by_name = list(Enterprise.objects.filter(name=value, active=True)[:2])
    return by_name[0] if len(by_name) == 1 else None


def search_enterprises(user: User, query: str, limit: int = 15) -> list[Enterprise]:
    """Enterprises matching a name fragment or credit code prefix; the officer's own first."""
    query = query.strip()[:100]
    own = list(enterprises_of(user).order_by("name"))
    own_ids = {e.pk for e in own}
    if query:
        condition = Q(name__contains=query) | Q(credit_code__startswith=query.upper())
        own = [e for e in own if query in e.name or e.credit_code.startswith(query.upper())]
    else:
        condition = Q(pk__in=[])
    others = list(Enterprise.objects.filter(condition, active=True).exclude(pk__in=own_ids).order_by("name")[:limit])
    return (own + others)[:limit]
