"""Finding an enterprise from what a person typed: a credit code, "name（code）" as the
picker offers it, or an exact name."""

from __future__ import annotations

import re

from civicdesk.enterprises.models import Enterprise
from civicdesk.lib import creditcode

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
