"""Unified social credit code (统一社会信用代码), GB 32100-2015.

An 18-character code over the 31 characters ``0-9 A-H J-N P-R T-U W-Y`` (no I, O, Z, S, V):

=========  ======  ==========================================================
position   length  meaning
=========  ======  ==========================================================
1          1       registration authority code (登记管理部门代码), e.g. 9 工商
2          1       organisation type (机构类别代码), e.g. 1 企业
3–8        6       administrative division code (登记管理机关行政区划码), digits
9–17       9       organisation code (主体标识码, GB 11714), its own check at 17
18         1       check character (校验码)
=========  ======  ==========================================================

Check character: each of the first 17 characters has the value of its index in the
alphabet; with weights ``W_i = 3^(i-1) mod 31`` the check value is
``31 - (Σ C_i·W_i mod 31)``, where 31 is written as 0.

Organisation code check (GB 11714-1997): the 8 body characters have values 0–9 for digits
and 10–35 for A–Z; with weights 3 7 9 10 5 8 4 2 the check value is ``11 - (Σ mod 11)``,
written ``X`` for 10 and ``0`` for 11.

Everything here is pure: no Django, no database.
"""

from __future__ import annotations

import string
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {char: value for value, char in enumerate(ALPHABET)}
LENGTH = 18
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_VALUES = {char: value for value, char in enumerate(string.digits + string.ascii_uppercase)}

# GB 32100-2015 table 1 (as amended): registration authorities and their organisation types.
# Descriptive only — validation does not reject unknown combinations, since authorities are
# added over time (e.g. A 军队, N 农业) and a register must not refuse a code the state issued.
AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"}),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": ("旅游", {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"}),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": ("农业", {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"}),
    "Y": ("其他", {"1": "其他"}),
}


class Reason(StrEnum):
    """Why a code is not valid; the first failing rule, in this order."""

    EMPTY = "empty"
    LENGTH = "length"
    CHARACTER = "character"
    DIVISION = "division"
    ORG_CHECK = "org_check"
    CHECK_DIGIT = "check_digit"


@dataclass(frozen=True)
class Verdict:
    """The outcome of :func:`validate`: the normalised code and, if invalid, why."""

    code: str
    reason: Reason | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.reason is None

    def __bool__(self) -> bool:
        return self.ok


class CreditCodeError(ValueError):
    def __init__(self, verdict: Verdict) -> None:
        super().__init__(verdict.message)
        self.verdict = verdict
        self.reason = verdict.reason


def normalise(raw: object) -> str:
    """Full-width → half-width (NFKC), all whitespace removed, upper case."""
    text = unicodedata.normalize("NFKC", "" if raw is None else str(raw))
    return "".join(text.split()).upper()


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (which must be in :data:`ALPHABET`)."""
    if len(first17) != LENGTH - 1:
        raise ValueError(f"need 17 characters, got {len(first17)}")
    total = sum(VALUES[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_check_character(body8: str) -> str:
    """The GB 11714 check character (0-9 or X) for the 8-character organisation code body."""
    if len(body8) != 8:
        raise ValueError(f"need 8 characters, got {len(body8)}")
    total = sum(_ORG_VALUES[char] * weight for char, weight in zip(body8, ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def validate(raw: object) -> Verdict:
    """Validate a code after :func:`normalise`; the verdict carries a Chinese reason."""
    code = normalise(raw)
    if not code:
        return Verdict(code, Reason.EMPTY, "统一社会信用代码为空")
    if len(code) != LENGTH:
        return Verdict(code, Reason.LENGTH, f"统一社会信用代码应为18位，实为{len(code)}位")
    for position, char in enumerate(code, start=1):
        if char not in VALUES:
            hint = "（不使用I、O、Z、S、V）" if char in "IOZSV" else ""
            return Verdict(code, Reason.CHARACTER, f"第{position}位字符“{char}”不合法{hint}")
    division = code[2:8]
    if not division.isdigit():
        return Verdict(code, Reason.DIVISION, f"第3–8位行政区划码应为6位数字，实为“{division}”")
    expected_org = org_check_character(code[8:16])
    if code[16] != expected_org:
        return Verdict(
            code,
            Reason.ORG_CHECK,
            f"组织机构代码“{code[8:17]}”校验位错误：第17位应为“{expected_org}”，实为“{code[16]}”",
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        return Verdict(code, Reason.CHECK_DIGIT, f"校验位错误：第18位应为“{expected}”，实为“{code[17]}”")
    return Verdict(code)


def is_valid(raw: object) -> bool:
    return validate(raw).ok


def clean(raw: object) -> str:
    """The normalised code, or :class:`CreditCodeError` with the reason."""
    verdict = validate(raw)
    if not verdict.ok:
        raise CreditCodeError(verdict)
    return verdict.code


def build(authority: str, kind: str, division: str, org_body: str) -> str:
    """A valid code from its parts: both check characters are computed.

    ``org_body`` is the 8-character organisation code body (without its check character).
    """
    head = f"{authority}{kind}{division}{org_body}"
    if len(authority) != 1 or len(kind) != 1 or len(division) != 6 or not division.isdigit() or len(org_body) != 8:
        raise ValueError(f"bad parts for a credit code: {head!r}")
    if any(char not in VALUES for char in head):
        raise ValueError(f"illegal character in {head!r}")
    first17 = head + org_check_character(org_body)
    return first17 + check_character(first17)


def describe(code: str) -> dict[str, str]:
    """The parts of a (valid, normalised) code, named, for display."""
    authority, types = AUTHORITIES.get(code[0], ("", {}))
    return {
        "authority": authority,
        "kind": types.get(code[1], ""),
        "division": code[2:8],
        "organisation_code": f"{code[8:16]}-{code[16]}",
    }
