"""Masking personal data for display (138****0000).

A phone number is masked whatever way it was written: 7- and 8-digit local numbers, numbers
with an area code, and numbers split by dots, spaces, hyphens or brackets
(``138.1234.5678``). Free text (a title, a description, an address) can carry a number too:
``mask_phones_in`` masks every phone-like run of digits in it.
"""

from __future__ import annotations

import re

# Seven or more digits, maybe split by single separators (space, dot, hyphen, brackets): a
# phone number in free text. Dates and order numbers are told apart below.
_PHONE_LIKE = re.compile(r"(?<![\d.-])(\+?\(?\d(?:[ .\-()]{0,2}\d){6,})(?![\d])")
_DATE = re.compile(r"(?:19|20)\d{2}([-./年])\d{1,2}\1\d{1,2}")
_ORDER_NUMBER = re.compile(r"20\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{5}")


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def mask_phone(phone: str) -> str:
    """The number with enough digits hidden that it cannot be guessed from what is left:
    a mobile keeps its first 3 and last 4 (138****5678), a shorter number only its last 2
    (*****78), a very short one nothing. Separators are dropped."""
    text = phone.strip()
    plus = "+" if text.startswith("+") else ""
    digits = _digits(text)
    country = ""
    if (len(digits) == 13 and digits.startswith("86")) or (len(digits) == 15 and digits.startswith("0086")):
        # +86 / 0086 before a mobile number: the country code says nothing, mask the rest.
        country, digits = digits[:-11], digits[-11:]
    n = len(digits)
    if n >= 11:
        return f"{plus}{country}{digits[:3]}{'*' * (n - 7)}{digits[-4:]}"
    if n >= 7:
        return plus + "*" * (n - 2) + digits[-2:]
    return "*" * n


def _is_phone(candidate: str) -> bool:
    digits = _digits(candidate)
    if len(digits) < 7:
        return False
    if _DATE.fullmatch(candidate.strip()):
        return False
    # An order number quoted in the text (2026120100017) is not a phone.
    return not (candidate.isdigit() and _ORDER_NUMBER.fullmatch(candidate))


def mask_phones_in(text: str) -> str:
    """Free text with every phone number in it masked, whatever separators it was written with."""
    if not text:
        return text
    return _PHONE_LIKE.sub(lambda m: mask_phone(m.group(1)) if _is_phone(m.group(1)) else m.group(1), text)


def mask_name(name: str) -> str:
    name = name.strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def scrub_text(text: str, *, name: str = "") -> str:
    """Free text for a reader who may not know the caller: the caller's name and every phone
    number in it masked."""
    if name and len(name.strip()) >= 2:
        text = text.replace(name.strip(), mask_name(name))
    return mask_phones_in(text)
