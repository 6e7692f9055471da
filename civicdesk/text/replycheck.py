"""Checks of a unit's reply before the hub reviews it (答复质量), pure: no Django.

Each check looks at the reply as a reviewer would and says why it is not satisfied:

- relevance (相关性): the reply shares the request's matter (its words) and its place;
- completeness (完整性): what was done, on what basis, with what result, and a contact;
- tone (语气): banned phrases (rude: "瞎投诉") and evasive ones ("不归我们管", "自行解决"),
  from a list the center's administrators keep (civicdesk.catalogue.ReplyPhrase), with
  DEFAULT_PHRASES shipped;
- contradiction (自相矛盾): marked solved while the text says it will be handled later or
  could not be solved, or marked unsolved while the text says it is solved;
- timeliness (及时性): replied after the handling deadline.

A finding is "block" (the reviewer must give a reason to accept anyway), "warn" (shown and
counted as flagged) or "info" (shown only: a basis or contact left out of an otherwise
complete reply). The result is plain data so it can be stored with the reply's event and
counted by the statistics.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from civicdesk.text.zhtext import char_ngrams, normalize

__all__ = [
    "CHECKS",
    "DEFAULT_PHRASES",
    "PART_LABELS",
    "REASONS",
    "Finding",
    "Phrase",
    "ReplyQuality",
    "check_reply",
    "completeness_parts",
    "places_in",
]

RELEVANCE, COMPLETENESS, TONE, CONTRADICTION, TIMELINESS = (
    "relevance",
    "completeness",
    "tone",
    "contradiction",
    "timeliness",
)
CHECKS = (RELEVANCE, COMPLETENESS, TONE, CONTRADICTION, TIMELINESS)
BLOCK, WARN, INFO = "block", "warn", "info"
BANNED, EVASIVE = "banned", "evasive"


# The checks are pure functions of texts, and texts repeat (a department's standard reply, a
# request type's title: an import of history checks tens of thousands of replies). Their
# answers are kept for the most recent texts; they are immutable (tuples, frozensets, frozen
# findings), so a kept answer cannot be changed by a caller.
_KEPT = 2048


@lru_cache(maxsize=_KEPT)
def _normal(text: str) -> str:
    return normalize(text)


@dataclass(frozen=True)
class Phrase:
    text: str
    kind: str  # BANNED or EVASIVE


# Shipped with the product; administrators add, switch off and edit phrases in the admin.
# Banned: contempt for the caller. Evasive: pushing the matter away without an answer.
DEFAULT_PHRASES: tuple[Phrase, ...] = (
    *(
        Phrase(t, BANNED)
        for t in (
            "瞎投诉",
            "乱投诉",
            "无理取闹",
            "刁民",
            "爱咋咋地",
            "别再打了",
            "别再投诉",
            "闲得慌",
            "找茬",
            "少管闲事",
        )
    ),
    *(
        Phrase(t, EVASIVE)
        for t in (
            "不归我们管",
            "不归我单位管",
            "不关我们的事",
            "与我单位无关",
            "自行解决",
            "自行协商",
            "无法处理",
            "无能为力",
            "管不了",
            "请找相关部门",
            "自己想办法",
            "不属于我们管",
        )
    ),
)


# What each finding says, by its code, with its parameters: the reply event keeps the code and
# the parameters (the phrases, places, parts, days), and the pages say it in the reader's
# language (civicdesk.orders.quality.finding_text, which has these same sentences translated).
# Lists (places, phrases, parts) are joined with "、" here.
REASONS: dict[str, str] = {
    "no_overlap": "答复与诉求几乎没有共同的内容（共有词语不足 6%），可能答非所问。",
    "place_missing": "答复没有提到诉求所说的地点（{places}）。",
    "parts_missing": "答复缺少：{parts}。",
    "banned": "答复含有不文明用语：“{phrases}”。",
    "evasive": "答复含有推诿、敷衍的说法：“{phrases}”。",
    "solved_but_later": "标为“已解决”，答复却说“{quote}”：事情还没有办完。",
    "unsolved_but_solved": "标为“未解决”，答复却说“{quote}”。",
    "late_days": "超过办理时限 {days} 个工作日答复。",
    "late": "超过办理时限答复。",
}
# The parts of a complete reply, as the completeness finding names them.
PART_LABELS = {"done": "做了什么", "basis": "依据", "result": "结果", "contact": "联系方式"}


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str
    code: str
    # Parameters of the sentence: a list of phrases, places or part names, a quote, a number.
    params: tuple[tuple[str, str | tuple[str, ...]], ...] = ()

    @property
    def reason(self) -> str:
        """The finding in Chinese (the command line, the benchmarks)."""
        values: dict[str, str] = {}
        for key, value in self.params:
            if isinstance(value, tuple):
                items = [PART_LABELS.get(x, x) for x in value] if key == "parts" else list(value)
                values[key] = ("”“" if key == "phrases" else "、").join(items)
            else:
                values[key] = value
        return REASONS[self.code].format(**values)

    def as_data(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "severity": self.severity,
            "code": self.code,
            "params": {k: list(v) if isinstance(v, tuple) else v for k, v in self.params},
        }


@dataclass(frozen=True)
class ReplyQuality:
    findings: tuple[Finding, ...] = field(default_factory=tuple)
    # Which of the four parts of a complete reply were found (done, basis, result, contact).
    parts: tuple[str, ...] = ()

    @property
    def flagged(self) -> bool:
        return any(f.severity != INFO for f in self.findings)

    @property
    def blocking(self) -> bool:
        return any(f.severity == BLOCK for f in self.findings)

    def failed(self, check: str) -> bool:
        return any(f.check == check and f.severity != INFO for f in self.findings)

    def as_data(self) -> dict[str, Any]:
        """For the reply event's data (JSON)."""
        return {
            "flagged": self.flagged,
            "blocking": self.blocking,
            "failed": sorted({f.check for f in self.findings if f.severity != INFO}),
            "findings": [f.as_data() for f in self.findings],
            "parts": list(self.parts),
        }


# ------------------------------------------------------------------ places and matter

# A place a request is about: an estate, road, school, company ... named before its kind.
_KINDS = (
    r"(?:小区|社区|花园|家园|公寓|大厦|广场|市场|商场|路口|大道|大街|街道|路|街|巷|村|镇|乡|学校|小学|中学|幼儿园|"
    r"医院|公园|车站|公司|工厂|楼盘|花苑|华苑|新城)"
)
# The shortest name before a kind, and a second kind right after it ("幸福家园" + "小区").
_PLACE = re.compile(r"([\u4e00-\u9fa5A-Za-z0-9]{1,10}?" + _KINDS + _KINDS + "?)")
# Words that precede a place name but are not part of it ("关于", "位于", "在", ...).
_PLACE_LEAD = re.compile(r"^(?:关于|位于|我在|我们|我是|住在|在|的|于|是|我|请|对|到|从|给|和|与|及|把)+")
# Place kinds that alone say nothing ("路" is not a place, "小区" neither).
_KIND_ONLY = re.compile(
    r"^(?:小区|社区|路|街|巷|村|镇|乡|城|厂|苑|府|湾|庭|学校|医院|公司|市场|广场|公园|本村|该村|我村)$"
)


_KIND_END = re.compile(_KINDS + "+$")


def places_in(text: str) -> list[str]:
    """The named places of a text, longest form first, without the place-kind-only words."""
    return list(_places(text))


@lru_cache(maxsize=_KEPT)
def _places(text: str) -> tuple[str, ...]:
    found: list[str] = []
    for match in _PLACE.finditer(_normal(text)):
        name = _PLACE_LEAD.sub("", match.group(1))
        if len(name) < 3 or _KIND_ONLY.match(name) or name in found:
            continue
        found.append(name)
    return tuple(found)


# Bigrams of a request that say nothing about its matter (how people write to 12345).
_FILLER = frozenset(
    char_ngrams(
        "您好你好反映问题情况希望尽快解决处理相关部门领导请问谢谢我们小区政府有关单位要求投诉举报建议现在目前一直已经"
        "没有这个那个什么为什么怎么可以能否是否严重影响居民群众市民生活",
        2,
        normalized=True,
    )
)


@lru_cache(maxsize=_KEPT)
def _content_bigrams(text: str) -> frozenset[str]:
    return frozenset(g for g in _bigrams(text) if g not in _FILLER and not g.isdigit())


@lru_cache(maxsize=_KEPT)
def _bigrams(text: str) -> frozenset[str]:
    return frozenset(char_ngrams(_normal(text), 2, normalized=True))


@lru_cache(maxsize=_KEPT)
def _relevance(request: str, reply: str, place_hint: str) -> tuple[Finding, ...]:
    findings: list[Finding] = []
    asked = _content_bigrams(request)
    answered = _content_bigrams(reply)
    if len(asked) >= 6 and answered:
        # Either side may be short: a two-line reply about the matter shares most of its words.
        shared = len(asked & answered) / min(len(asked), len(answered))
        if shared < 0.06:
            findings.append(Finding(RELEVANCE, WARN, "no_overlap"))
    # The places named first (the title, the start of the text) are what the request is about.
    places = _places(place_hint + " " + request[:200])[:3]
    if places:
        reply_grams = _bigrams(reply)
        # Named when two characters of the place's own name (not its kind) appear: replies
        # shorten "幸福家园小区" to "幸福家园", "人民路与成山大道交叉口" to "人民路".
        named = any(_bigrams(_KIND_END.sub("", p) or p) & reply_grams for p in places)
        if not named:
            findings.append(Finding(RELEVANCE, WARN, "place_missing", (("places", tuple(places[:3])),)))
    return tuple(findings)


# ------------------------------------------------------------------ completeness

_DONE = re.compile(
    r"(立即|及时|随即|当即|马上|前往|到场|到现场|现场|进行了|组织|安排|派出|派员|联系了|约谈|核实|调查|走访|检查|巡查|"
    r"督促|责令|协调|沟通|处理了|整改|清理|修复|维修|答复如下|经查|经核实|经调查)"
)
_BASIS = re.compile(
    r"(根据|依据|按照|依照|遵照|参照|《|规定|条例|办法|政策|法律|法规|标准|文件|通知|第[一二三四五六七八九十百\d]+条|合同|规划)"
)
_RESULT = re.compile(
    r"(已解决|已修复|已完成|已整改|已恢复|已清理|已落实|已办结|已处理|已发放|已退还|已拆除|已停止|已安装|已更换|"
    r"现已|目前已|结果|办结|恢复正常|得到解决|予以解决|完毕|到位|完成|不符合|不属于|不予|无法|暂不|尚未|正在|将于|计划|"
    r"已[\u4e00-\u9fa5]{0,8}?(?:修复|清理|解决|整改|恢复|拆除|更换|疏通|答复|告知|解释)|"
    # An enquiry's result is its answer.
    r"可以|可在|可到|可向|不能|无需|需要|需提供|须|应当|应由|即可|属实|与事实不符|没有组织|不存在|均已|全部|目前|预计|有效期)"
)
_CONTACT = re.compile(
    r"(\d{3,4}-?\d{7,8}|1[3-9]\d{9}|\d{7,8}|联系电话|咨询电话|联系方式|联系人|致电|来电咨询|电话：|电话:|热线)"
)
PARTS = (
    ("done", _DONE, "做了什么"),
    ("basis", _BASIS, "依据"),
    ("result", _RESULT, "结果"),
    ("contact", _CONTACT, "联系方式"),
)


@lru_cache(maxsize=_KEPT)
def completeness_parts(reply: str) -> tuple[str, ...]:
    """Which parts of a complete reply the text has: done, basis, result, contact."""
    text = _normal(reply)
    return tuple(name for name, pattern, _label in PARTS if pattern.search(text))


def _completeness(parts: Sequence[str]) -> list[Finding]:
    missing = tuple(name for name, _pattern, _label in PARTS if name not in parts)
    if not missing:
        return []
    # Without what was done or its result the reply is thin: a warning. A reply that has
    # both but no basis or contact gets a note (shown, not counted as flagged): most real
    # replies leave the contact out, and flagging them all would teach reviewers to ignore flags.
    severity = WARN if "done" not in parts or "result" not in parts else INFO
    return [Finding(COMPLETENESS, severity, "parts_missing", (("parts", missing),))]


# ------------------------------------------------------------------ tone


@lru_cache(maxsize=_KEPT)
def _tone(reply: str, phrases: tuple[Phrase, ...]) -> tuple[Finding, ...]:
    text = _normal(reply)
    banned = [p.text for p in phrases if p.kind == BANNED and _normal(p.text) in text]
    evasive = [p.text for p in phrases if p.kind == EVASIVE and _normal(p.text) in text]
    findings = []
    if banned:
        findings.append(Finding(TONE, BLOCK, "banned", (("phrases", tuple(banned)),)))
    if evasive:
        findings.append(Finding(TONE, BLOCK, "evasive", (("phrases", tuple(evasive)),)))
    return tuple(findings)


# ------------------------------------------------------------------ contradiction

# Saying the work is still to come ("将于下周处理", "后续将", "待……后").
# Only about the matter itself: "后续将加强日常巡查" after a repair is prevention, not a delay.
_HANDLING = r"(?:处理|解决|修复|维修|安排|整改|落实|办理|施工|清理|答复|拆除|安装|更换|疏通|治理)"
_LATER = re.compile(
    r"(?:将于|将在|将会|计划于|拟于|择期|近期将|下一步将|尽快|待[^，。；]{1,12}?后)[^，。；]{0,10}?"
    + _HANDLING
    + r"|正在(?:处理|协调|办理|施工|整改|核实|调查)"
    + r"|(?:暂未|尚未|还未|未能|暂时无法|目前无法|无法|不能)"
    + _HANDLING
)
_SOLVED_WORDS = re.compile(r"(已解决|已修复|已完成|已整改到位|问题已处理|已办结|得到解决)")
# A sentence that denies: "尚未完成" must not count as "已完成".
_NEGATED = re.compile(r"(尚未|还未|没有|未能|暂未)(?:解决|修复|完成|整改)")


@lru_cache(maxsize=_KEPT)
def _contradiction(reply: str, result: str) -> tuple[Finding, ...]:
    text = _normal(reply)
    if result == "solved":
        later = _LATER.search(text)
        if later:
            return (
                Finding(
                    CONTRADICTION, BLOCK, "solved_but_later", (("quote", _around(text, later.start(), later.end())),)
                ),
            )
    if result == "unsolved":
        solved = _SOLVED_WORDS.search(text)
        if solved and not _NEGATED.search(text):
            return (
                Finding(
                    CONTRADICTION,
                    BLOCK,
                    "unsolved_but_solved",
                    (("quote", _around(text, solved.start(), solved.end())),),
                ),
            )
    return ()


def _around(text: str, start: int, end: int) -> str:
    """The phrase with a few characters after it, up to the end of its clause."""
    tail = re.split(r"[，。；！？,.;!?]", text[end : end + 12])[0]
    return text[start:end] + tail


# ------------------------------------------------------------------ timeliness


def _timeliness(replied_at: datetime | None, due_at: datetime | None, late_days: float | None) -> list[Finding]:
    if replied_at is None or due_at is None or replied_at <= due_at:
        return []
    if late_days is not None:
        return [Finding(TIMELINESS, WARN, "late_days", (("days", f"{late_days:.1f}"),))]
    return [Finding(TIMELINESS, WARN, "late")]


def check_reply(
    *,
    request: str,
    reply: str,
    result: str = "",
    place: str = "",
    phrases: Iterable[Phrase] = DEFAULT_PHRASES,
    replied_at: datetime | None = None,
    due_at: datetime | None = None,
    late_days: float | None = None,
) -> ReplyQuality:
    """Every check on one reply. `request`: the title and text of the request; `place`: its
    address and area as written on the order; `result`: solved / partly / unsolved (or "");
    `late_days`: working days past the deadline, when the caller knows them."""
    parts = completeness_parts(reply)
    findings = [
        *_tone(reply, tuple(phrases)),
        *_contradiction(reply, result),
        *_relevance(request, reply, place),
        *_completeness(parts),
        *_timeliness(replied_at, due_at, late_days),
    ]
    return ReplyQuality(tuple(findings), parts)
