"""Field rules of the enterprise register, shared by the model and the Excel importer."""

from __future__ import annotations

import re
import unicodedata

# Mobile 1[3-9]xxxxxxxxx; landline with area code 0xx(x)-xxxxxxx(x), optional extension;
# a local landline of 7–8 digits; 400/800 service numbers.
_PHONE_PATTERNS = (
    re.compile(r"1[3-9]\d{9}"),
    re.compile(r"0\d{2,3}-?[2-9]\d{6,7}(-\d{1,6})?"),
    re.compile(r"[2-9]\d{6,7}(-\d{1,6})?"),
    re.compile(r"[48]00-?\d{3}-?\d{4}"),
)


def normalise_phone(raw: object) -> str:
    """Half-width, no spaces or brackets, without a leading +86 / 0086."""
    text = unicodedata.normalize("NFKC", "" if raw is None else str(raw))
    text = re.sub(r"[\s()（）]", "", text).replace("—", "-").replace("－", "-")
    return re.sub(r"^(\+86|0086)-?", "", text)


def phone_problem(phone: str) -> str | None:
    """Why a (normalised) phone number is not acceptable, or None; empty is acceptable."""
    if not phone:
        return None
    if len(phone) > 20 or not any(pattern.fullmatch(phone) for pattern in _PHONE_PATTERNS):
        return f"联系电话“{phone}”格式不正确（应为手机号、带区号的固定电话或400/800号码）"
    return None
