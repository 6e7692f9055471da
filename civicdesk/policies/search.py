"""The public search of the measures (portal, no account): by industry, size and keyword.

A measure that sets no industry (or size) applies to all and is found under every one. The
library holds tens of measures, not millions: the conditions are read in Python, which also
keeps the JSON lists portable between SQLite and PostgreSQL."""

from __future__ import annotations

from django.db.models import Q

from civicdesk.policies.matching import current_policies
from civicdesk.policies.models import Policy

SEARCHED = ("title", "benefit", "eligibility", "materials", "issuing_body", "document_number", "full_text")


def public_search(q: str = "", industry: str = "", size: str = "") -> list[Policy]:
    found = current_policies()
    for word in q.split():
        condition = Q()
        for name in SEARCHED:
            condition |= Q(**{f"{name}__icontains": word})
        found = found.filter(condition)
    rows = list(found.order_by("-issued_on", "code"))
    if industry:
        rows = [p for p in rows if not p.industries or industry in p.industries]
    if size:
        rows = [p for p in rows if not p.sizes or size in p.sizes]
    return rows
