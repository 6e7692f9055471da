"""What a request is about and where: the similarity that groups orders into hotspots (热点)
and suggests duplicates to merge (并单). Pure code (no Django): the product's incremental
update, the merge suggestions and the `civicdesk hotspots` command all call these functions,
so a file read from disk and the orders in the database are grouped the same way.

A request is reduced to its :class:`Features`:

- places: the estates, roads, schools, companies and villages it names, found by jieba
  segmentation (with the city's gazetteer — area names, known estates — as user words) and
  the name's last word (``…小区``, ``…路``, ``…学院``, ``…公司``); the key of a place drops the
  generic tail (``魅力之城小区`` → ``魅力之城``) so ``万科魅力之城`` and ``魅力之城小区`` meet;
- areas: the district codes of the anonymised data (``A5区``) or the area the order is filed in;
- matter: the remaining words (not places, not request verbs such as 投诉/反映) weighted by
  their rarity in general Chinese (jieba's IDF table, so the weights never depend on which
  orders happen to be loaded), plus a few synonyms (餐馆/饭店 → 餐饮) and the title's
  character pairs, so the same matter in different words still overlaps.

Two requests are about one matter at one place when they name the same place (or neither
names one) in the same area and their matter vectors are close (cosine). A hotspot is a
:class:`Profile`: the sum of its members' features, to which a new request is compared; the
best profile above the thresholds takes it, otherwise it starts a new one. Grouping a file
(:func:`group`) is that incremental step applied in time order, exactly what the product
does for each new order.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from civicdesk.text.zhtext import AREA_CODE, DEFAULT_STOPWORDS, QUERY_STOPWORDS, Analyzer, SynonymMap, normalize


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# -- places -------------------------------------------------------------------------------------

# The last word of a place name, by kind. Longer tails first (a token is matched on its end).
PLACE_TAILS: dict[str, tuple[str, ...]] = {
    "estate": (
        "小区",
        "花园",
        "花苑",
        "家园",
        "新村",
        "新城",
        "公寓",
        "大厦",
        "广场",
        "山庄",
        "华庭",
        "公馆",
        "华府",
        "名城",
        "之城",
        "国际",
        "苑",
        "府",
        "湾",
        "城",
        "园",
        "居",
    ),
    "road": ("大道", "大街", "大桥", "立交", "隧道", "高速", "路", "街", "巷", "桥"),
    "school": ("幼儿园", "小学", "中学", "学校", "学院", "大学", "一中", "二中", "三中", "职校", "技校"),
    "company": (
        "公司",
        "集团",
        "银行",
        "医院",
        "卫生院",
        "物业",
        "市场",
        "商场",
        "超市",
        "酒店",
        "宾馆",
        "工厂",
        "厂",
        "车贷",
        "驾校",
    ),
    "village": ("社区", "村"),
    # A town is an area, not a place: orders are compared by area anyway, and "石岛镇" says
    # nothing of where in the town the matter is.
    "town": ("街道", "镇", "乡"),
}
_TAIL_KIND = sorted(((t, k) for k, tails in PLACE_TAILS.items() for t in tails), key=lambda p: -len(p[0]))
# Tails dropped from the key: the same estate is written with and without them.
_KEY_DROP = ("小区", "社区", "项目", "业主", "一期", "二期", "三期", "四期", "五期")
# Words that end like a place but are not one (``县城``, ``进城``); and words that a name
# never contains, which end it on the left (``该小区``, ``我们小区``, ``位于``).
_NOT_PLACE = frozenset(
    _words(
        """
        县城 进城 主城 城里 城内 全城 满城 城 园 村 镇 乡 路 街 桥 居 湾 府 苑 厂 国际
        小区 社区 学校 公司 银行 医院 市场 马路 道路 公路 出路 一路 沿路 路上 路边 路面 路段
        马路边 走路 修路 上街 街头 大街 街道 物业 花园 公园 家园 乐园 校园 园区 菜园 果园
        庄园 陵园 动物园 同居 邻居 居住 民居 故居 新居 安居 定居 厂家 工厂 全村 本村 该村
        各村 农村 乡村 城乡 城镇 乡镇 全镇 本镇 该镇 城市 城区 市区 小镇 两岸 沿街 政府
        市政府 区政府 县政府 省政府 市委市政府 人民政府 镇政府 街道办 国际 公安局 派出所 出路
        退路 思路 线路 网路 电路 套路 门路 一路上 一路
        """
    )
)
_LEFT_STOP = frozenset(
    (DEFAULT_STOPWORDS - {"之", "中", "上", "下", "里", "前", "后", "内", "外", "东", "西", "南", "北", "新", "老"})
    | QUERY_STOPWORDS
    | frozenset(
        _words(
            """
            该 本 某 各 这 那 我 我们 我家 所在 所住 整个 附近 周边 旁边 对面 门口 楼下 隔壁
            位于 地处 住在 居住 家住 业主 居民 市民 村民 群众 学生 家长 员工 公司 的 在 和 与
            及 对 向 到 从 至 是 关于 反映 投诉 咨询 举报 建议 请问 希望 要求 强烈 紧急 求助
            有关 个 一个 几个 多个 新 老 原 区 市 县 省 所 我市 我区 本市 全市 西地省 东地省
            """
        )
    )
)
# A district (A5区, A7县, A9市) of the anonymised data; the city itself (A市) is no area.
DISTRICT = re.compile(r"[a-z]\d{1,2}(?:区|县|市)")
_NAME_TOKEN = re.compile(r"[\u4e00-\u9fff0-9a-z]+")
_MAX_PLACE = 12


@dataclass(frozen=True)
class Place:
    name: str  # as written: 魅力之城小区
    key: str  # for matching: 魅力之城
    kind: str  # estate, road, school, company, village


def place_key(name: str) -> str:
    key = normalize(name)
    key = AREA_CODE.sub("", key)
    changed = True
    while changed:
        changed = False
        for tail in _KEY_DROP:
            if key.endswith(tail) and len(key) - len(tail) >= 2:
                key = key[: -len(tail)]
                changed = True
    return key


_TAIL_OF = dict(_TAIL_KIND)
_TAIL_SIZES = sorted({len(t) for t in _TAIL_OF}, reverse=True)


def _tail_kind(token: str) -> str | None:
    for size in _TAIL_SIZES:
        kind = _TAIL_OF.get(token[-size:])
        if kind is not None:
            return kind
    return None


def _tail_len(name: str) -> int:
    return next((len(t) for t, _k in _TAIL_KIND if name.endswith(t)), 0)


def places_match(a: str, b: str) -> bool:
    """Two place keys name the same place: equal, one holds the other (≥ 3 characters), or
    they end alike in a name of their own (万科魅力之城 ~ 劳动东路魅力之城: 魅力 + 之城; but
    not 向阳新村 ~ 朝阳新村, whose common end is one character and the tail)."""
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 3 and short in long_:
        return True
    common = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        common += 1
    return common >= 3 and common - _tail_len(a[-common:]) >= 2


# -- matter -------------------------------------------------------------------------------------

# Words of every complaint, or of the complaint's form rather than its matter.
_GENERIC = frozenset(
    _words(
        """
        投诉 反映 咨询 举报 建议 请问 请求 希望 要求 强烈 呼吁 有关部门 相关部门 有关 相关
        部门 政府 领导 解决 处理 尽快 严重 一直 市民 居民 业主 村民 群众 情况 事宜 问题 现象
        影响 导致 存在 目前 现在 已经 多次 进行 工作 造成 时间 我们 大家 自己 今年 去年 每天
        天天 这种 这样 这个 那个 一些 很多 非常 特别 还有 而且 但是 可是 然后 因为 所以 如果
        就是 不是 只是 还是 没有 不能 可以 能够 知道 认为 觉得 看到 发现 出现 经常 有人 左右
        以上 以下 之前 以后 之后 时候 期间 近日 最近 日前 上午 下午 晚上 凌晨 半夜 小区 社区
        地方 附近 周边 旁边 一下 为什么 怎么 怎么办 什么 哪里 如何 是否 能否 谢谢 感谢 您好
        你好 尊敬 书记 市长 区长 县长 局长 主任 同志 a市 市里 区里 县里 本人 家里 进行了
        已经有 请求 帮助 给予 予以 整改 查处 监管 管理 相关单位 单位 回复 答复 关注 重视 调查
        核实 落实 人员 工作人员 办理 申请 有没有
        """
    )
)

# One word for the many ways citizens name a matter.
MATTER_SYNONYMS: list[list[str]] = [
    ["餐饮", "餐馆", "饭店", "餐厅", "饭馆", "排档", "大排档", "烧烤", "夜宵", "小吃店", "餐饮店"],
    ["噪音", "噪声", "吵闹", "轰鸣", "吵", "噪音污染", "噪声污染"],
    ["扰民", "扰邻", "影响休息", "无法入睡", "睡不着", "休息"],
    ["油烟", "排烟", "烟雾", "油烟味"],
    ["粉尘", "灰尘", "扬尘", "尘土", "灰"],
    ["施工", "工地", "建筑工地", "夜间施工", "施工方"],
    ["搅拌站", "搅拌厂", "混凝土搅拌站", "水泥搅拌站"],
    ["车位", "停车位", "车库", "地下车库", "停车场"],
    ["捆绑销售", "捆绑", "搭售", "强制购买", "强买强卖", "强卖"],
    ["实习", "顶岗实习", "实训", "强制实习"],
    ["非法集资", "集资", "诈骗", "骗局", "爆雷", "跑路", "暴雷"],
    ["停水", "断水", "没水", "水压"],
    ["停电", "断电", "没电"],
    ["垃圾", "生活垃圾", "垃圾站", "垃圾堆"],
    ["违建", "违章建筑", "违法建筑", "私搭乱建", "乱搭乱建"],
    ["拖欠", "欠薪", "拖欠工资", "工资", "讨薪"],
    ["物业", "物业公司", "物管"],
    ["学费", "收费", "乱收费"],
]

IDF_DEFAULT = 10.0  # an unknown word is rare: near the table's upper range
_TITLE_WEIGHT = 2.0
_DETAIL_WEIGHT = 0.5
_DETAIL_CHARS = 300
_BIGRAM_WEIGHT = 1.5  # a pair of characters, without an IDF of its own


@cache
def _idf_table() -> dict[str, float]:
    import jieba.analyse  # jieba's own IDF table ships with the package; loaded once, on first use

    path = Path(jieba.analyse.__file__).with_name("idf.txt")
    table: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, _, value = line.partition(" ")
        if value:
            table[word] = float(value)
    return table


def idf(word: str) -> float:
    return _idf_table().get(word, IDF_DEFAULT)


# -- features -----------------------------------------------------------------------------------


@dataclass
class Features:
    """What one request is about (matter) and where (places, areas)."""

    places: list[Place]
    areas: list[str]
    matter: dict[str, float]  # term → weight
    terms: list[str]  # the matter words of the title, in order (for titles)

    @property
    def place_keys(self) -> list[str]:
        return list(dict.fromkeys(p.key for p in self.places))

    def norm(self) -> float:
        return math.sqrt(sum(w * w for w in self.matter.values())) or 1.0


class Reader:
    """Turns a request's title and text into :class:`Features`.

    ``gazetteer``: the city's names (areas, estates, roads …) added to the segmenter's
    dictionary so each stays one word. One Reader is built per gazetteer and reused.
    """

    def __init__(self, gazetteer: Iterable[str] = ()) -> None:
        names = [normalize(n) for n in gazetteer if n and len(normalize(n)) >= 2]
        self.gazetteer = frozenset(names)
        words = list(names)
        for group in MATTER_SYNONYMS:
            words.extend(group)
        self.analyzer = Analyzer(words, SynonymMap(MATTER_SYNONYMS), min_word_len=2)
        # jieba splits a few common place tails off their name; these make it keep them.
        for tail in ("小区", "花园", "新城", "学院", "公司", "搅拌站", "车贷"):
            self.analyzer._jieba.add_word(tail, 2000)

    def places(self, text: str) -> list[Place]:
        """The places named in ``text``, in order, each once."""
        return self._places(self.analyzer.segment(text))

    def _places(self, segments: Sequence[str]) -> list[Place]:
        found: dict[str, Place] = {}
        n = len(segments)
        i = floor = 0  # a name never reaches left into the place before it
        while i < n:
            token = segments[i]
            kind = _tail_kind(token) if _NAME_TOKEN.fullmatch(token) else None
            if token in self.gazetteer and not AREA_CODE.fullmatch(token) and kind is None:
                kind = "estate" if len(token) >= 3 else None
            if kind is None or (token in _NOT_PLACE and not self._has_name_left(segments, i)):
                i += 1
                continue
            # A name followed by another tail of its kind (伊景园 滨河苑, 魅力之城 小区) is one
            # place; a road before an estate is a place of its own (劳动东路 | 魅力之城小区).
            end = i
            while end + 1 < n and _NAME_TOKEN.fullmatch(segments[end + 1]) and _tail_kind(segments[end + 1]) == kind:
                nxt = segments[end + 1]
                if nxt in _LEFT_STOP or len("".join(segments[i : end + 2])) > _MAX_PLACE:
                    break
                end += 1
            start = i
            while start > floor:
                left = segments[start - 1]
                if (
                    left in _LEFT_STOP
                    or not _NAME_TOKEN.fullmatch(left)
                    or AREA_CODE.fullmatch(left)
                    or (left.isdigit() and kind != "company")
                    or (_tail_kind(left) == "road" and kind != "road")
                    or len("".join(segments[start - 1 : end + 1])) > _MAX_PLACE
                ):
                    break
                start -= 1
            name = "".join(segments[start : end + 1])
            key = place_key(name)
            named = len(name) - _tail_len(name) >= 2 or name in self.gazetteer
            if (
                kind != "town"
                and named
                and len(key) >= 2
                and name not in _NOT_PLACE
                and key not in _NOT_PLACE
                and not _generic_name(name)
            ):
                found.setdefault(key, Place(name, key, kind))
            i = end + 1
            floor = i
        return list(found.values())

    def _has_name_left(self, segments: Sequence[str], i: int) -> bool:
        return (
            i > 0
            and bool(_NAME_TOKEN.fullmatch(segments[i - 1]))
            and segments[i - 1] not in _LEFT_STOP
            and not AREA_CODE.fullmatch(segments[i - 1])
        )

    def features(self, title: str, text: str = "", *, area: str = "") -> Features:
        title_n = normalize(title)
        detail_n = normalize(text)[:_DETAIL_CHARS] if text else ""
        # The title says where; the text is searched only when the title names no place, and
        # then for its first places (the rest are what the caller compares with, or the
        # offices they wrote to: 政府, 物业公司).
        title_segments = self.analyzer.segment(title_n, normalized=True)
        detail_segments = self.analyzer.segment(detail_n, normalized=True) if detail_n else []
        places = self._places(title_segments) or self._places(detail_segments)[:2]
        # The district the title names (the text's districts are as often the ones compared with).
        areas = list(dict.fromkeys(DISTRICT.findall(title_n)))
        if area:
            areas = [normalize(area), *[a for a in areas if a != normalize(area)]]
        in_place = {p.name for p in places} | {p.key for p in places}
        place_chars = "".join(in_place)
        matter: dict[str, float] = {}
        title_terms: list[str] = []
        keep = self.analyzer._keep
        for weight, segments in ((_TITLE_WEIGHT, title_segments), (_DETAIL_WEIGHT, detail_segments)):
            seen: Counter[str] = Counter()
            for word in (w for w in segments if keep(w)):
                if self._matter_word(word, in_place, place_chars):
                    seen[word] += 1
                    if seen[word] <= 2:  # a word the caller repeats says no more
                        matter[word] = matter.get(word, 0.0) + weight * idf(word)
                    if weight == _TITLE_WEIGHT:
                        title_terms.append(word)
        # The title's character pairs outside places: 排放油烟 and 油烟排放 still meet.
        rest = title_n
        for name in sorted(in_place, key=len, reverse=True):
            rest = rest.replace(name, " ")
        rest = AREA_CODE.sub(" ", rest)
        for gram in set(self.analyzer.ngrams(rest, 2)):
            if not any(g in _GENERIC_CHARS for g in gram):
                matter["~" + gram] = matter.get("~" + gram, 0.0) + _BIGRAM_WEIGHT
        return Features(places, areas, matter, list(dict.fromkeys(title_terms)))

    def _matter_word(self, word: str, in_place: set[str], place_chars: str) -> bool:
        if word in _GENERIC or word in DEFAULT_STOPWORDS or AREA_CODE.fullmatch(word):
            return False
        if word in in_place or (len(word) >= 2 and word in place_chars and word not in _MATTER_KEEP):
            return False
        return not (word.isdigit() or len(word) < 2)


# Characters of request verbs and fillers: a title pair containing one says nothing of the matter.
_GENERIC_CHARS = frozenset("的了在是和与及或我你他她它这那有无不被把给对向关于请求希望投诉反映咨询问题市区县")
# Matter words that may also appear inside a place name (搅拌站, 车贷) and still mean the matter.
_MATTER_KEEP = frozenset({"搅拌站", "车贷", "物业", "市场"})


def _generic_name(name: str) -> bool:
    # A "name" made only of generic words (新建小区, 老旧小区) is no place.
    core = place_key(name)
    return core in {"新建", "老旧", "老", "新", "周边", "附近", "这个", "那个", "我们", "该", "本"}


def mine_gazetteer(titles: Iterable[str], *, min_count: int = 3) -> list[str]:
    """Place names that recur in a set of titles (the anonymised data has no gazetteer of its
    own): the knowledge base's name miner, without the names that swallowed a word a name
    never holds (小区附近搅拌站)."""
    from civicdesk.text.zhtext import extract_place_names  # the miner lives with the analyzer

    inner = ("附近", "周边", "旁边", "对面", "小区", "业主", "投诉", "反映", "关于", "强制", "违规", "非法")
    names = []
    for name in extract_place_names(titles, min_count=min_count):
        body = name[:-2]
        if any(word in body for word in inner) or name in _NOT_PLACE or _tail_kind(name) is None:
            continue
        names.append(name)
    return names


def cosine(a: dict[str, float], b: dict[str, float], norm_a: float | None = None, norm_b: float | None = None) -> float:
    if len(a) > len(b):
        a, b, norm_a, norm_b = b, a, norm_b, norm_a
    dot = sum(w * b[t] for t, w in a.items() if t in b)
    if not dot:
        return 0.0
    na = norm_a if norm_a is not None else math.sqrt(sum(w * w for w in a.values()))
    nb = norm_b if norm_b is not None else math.sqrt(sum(w * w for w in b.values()))
    return dot / (na * nb) if na and nb else 0.0


# -- thresholds ---------------------------------------------------------------------------------

SAME_PLACE = 0.12  # matter cosine enough when both name the same place
NO_PLACE = 0.42  # ... when one (or both) names no place: the words must carry it
PROFILE_TERMS = 60  # a profile keeps its heaviest terms only (bounded size in the database)


@dataclass
class Match:
    score: float
    cosine: float
    same_place: bool
    reason: str


def compare(f: Features, g: Features) -> Match | None:
    """Whether two requests are about one matter at one place (the merge suggestions' test);
    None when they are not."""
    return _decide(
        f,
        f.norm(),
        {p.key: 1 for p in g.places},
        1,
        g.areas[:1],
        g.matter,
        g.norm(),
    )


def _decide(
    f: Features,
    f_norm: float,
    places: dict[str, int],
    size: int,
    areas: Sequence[str],
    matter: dict[str, float],
    matter_norm: float,
    grams: dict[str, set[str]] | None = None,
) -> Match | None:
    if f.areas and areas and f.areas[0] != areas[0] and areas[0] not in f.areas:
        return None
    keys = f.place_keys
    # The profile's places the request names too (each pair compared once: most of the
    # grouping's comparisons end here).
    shared = [k for k in _near(keys, places, grams) if any(places_match(k, mine) for mine in keys)] if keys else []
    if keys and places and not shared:
        return None
    sim = cosine(f.matter, matter, f_norm, matter_norm)
    if keys and places:
        # Places the profile holds for a good share of its members (one stray mention of a
        # road does not make a hotspot about that road).
        weight = max(places[k] for k in shared) / max(size, 1)
        if weight < 0.25 and max(places[k] for k in shared) < 2:
            return None
        if sim >= SAME_PLACE:
            return Match(sim + 0.5, sim, True, "place")
        return None
    if sim >= NO_PLACE:
        return Match(sim, sim, False, "text")
    return None


def _place_grams(places: Iterable[str]) -> dict[str, set[str]]:
    """Place keys by their 3-character pieces (see _near)."""
    grams: dict[str, set[str]] = {}
    for key in places:
        for i in range(len(key) - 2):
            grams.setdefault(key[i : i + 3], set()).add(key)
    return grams


def _near(keys: Sequence[str], places: dict[str, int], grams: dict[str, set[str]] | None) -> Iterable[str]:
    """The places (in their order) that may match one of `keys`: the same key, or one sharing
    a 3-character piece with it, which places_match needs (the shorter in the longer, from 3
    characters; or a common end of 3 or more). A profile of many places is compared with
    thousands of requests, so its pieces are kept (Profile._grams) rather than every pair
    compared."""
    if grams is None:
        return places
    near: set[str] = {k for k in keys if k in places}
    for key in keys:
        for i in range(len(key) - 2):
            near.update(grams.get(key[i : i + 3], ()))
    return [k for k in places if k in near]


@dataclass
class Profile:
    """A hotspot as the grouping compares new requests with it: the sum of its members."""

    size: int = 0
    places: dict[str, int] = field(default_factory=dict)  # key → members naming it
    names: dict[str, int] = field(default_factory=dict)  # name as written → members
    kinds: dict[str, str] = field(default_factory=dict)  # key → kind
    areas: dict[str, int] = field(default_factory=dict)
    matter: dict[str, float] = field(default_factory=dict)  # summed, the heaviest kept
    titles: dict[str, int] = field(default_factory=dict)  # title term → members using it
    _norm: float | None = field(default=None, repr=False, compare=False)
    _grams: dict[str, set[str]] | None = field(default=None, repr=False, compare=False)

    def _norm_now(self) -> float:
        self._norm = math.sqrt(sum(w * w for w in self.matter.values())) or 1.0
        return self._norm

    def add(self, f: Features) -> None:
        self._norm = None
        self._grams = None
        self.size += 1
        for place in f.places:
            # The same place written two ways counts once, under the key seen first.
            key = next((k for k in self.places if places_match(k, place.key)), place.key)
            self.places[key] = self.places.get(key, 0) + 1
            self.names[place.name] = self.names.get(place.name, 0) + 1
            self.kinds.setdefault(key, place.kind)
        for area in f.areas[:1]:
            self.areas[area] = self.areas.get(area, 0) + 1
        norm = f.norm()
        for term, weight in f.matter.items():
            self.matter[term] = self.matter.get(term, 0.0) + weight / norm
        for term in f.terms:
            self.titles[term] = self.titles.get(term, 0) + 1
        if len(self.matter) > PROFILE_TERMS * 2:
            keep = sorted(self.matter.items(), key=lambda kv: -kv[1])[:PROFILE_TERMS]
            self.matter = dict(keep)
        if len(self.titles) > PROFILE_TERMS:
            self.titles = dict(sorted(self.titles.items(), key=lambda kv: -kv[1])[:PROFILE_TERMS])

    @property
    def area(self) -> str:
        return max(self.areas.items(), key=lambda kv: kv[1])[0] if self.areas else ""

    def main_place(self) -> str:
        """The place as most members write it (the longest spelling of the commonest place);
        "" when no place is named by at least two members or a third of them."""
        if not self.places:
            return ""
        key, count = max(self.places.items(), key=lambda kv: (kv[1], len(kv[0])))
        if self.size > 1 and count < 2 and count * 3 < self.size:
            return ""
        spellings = [(n, c) for n, c in self.names.items() if places_match(place_key(n), key)]
        if not spellings:
            return key
        return max(spellings, key=lambda nc: (nc[1], len(nc[0])))[0]

    def match(self, f: Features, f_norm: float | None = None) -> Match | None:
        norm = self._norm if self._norm is not None else self._norm_now()
        dominant = self.places if self.size else {}
        if self._grams is None:
            self._grams = _place_grams(self.places)
        area = self.area
        return _decide(
            f,
            f.norm() if f_norm is None else f_norm,
            dominant,
            self.size,
            [area] if area else [],
            self.matter,
            norm,
            self._grams,
        )

    def index_keys(self) -> set[str]:
        """Keys a new request is looked up by: its places (and their 3-character tails) and
        its rarest matter terms."""
        keys = {f"p:{k}" for k in self.places}
        keys |= {f"p:{k[i:]}" for k in self.places for i in range(1, len(k) - 2)}
        words = [t for t in self.matter if not t.startswith("~")]
        words.sort(key=lambda t: -self.matter[t])
        keys |= {f"t:{t}" for t in words[:8]}
        return keys

    def title(self) -> str:
        """The matter and the place in a few words: 魅力之城小区 餐饮 油烟 噪音."""
        place = self.main_place()
        terms = sorted(self.titles.items(), key=lambda kv: (-kv[1] * idf(kv[0]), kv[0]))
        picked: list[str] = []
        for term, count in terms:
            if picked and (count * 3 < self.size or count < 2):
                break
            if any(term in p or p in term for p in picked) or (place and term in place):
                continue
            picked.append(term)
            if len(picked) == 3:
                break
        matter = "".join(picked) if sum(len(t) for t in picked) <= 8 else " ".join(picked)
        return f"{place} {matter}".strip() if place else matter

    def to_json(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "places": self.places,
            "names": self.names,
            "kinds": self.kinds,
            "areas": self.areas,
            "matter": {t: round(w, 4) for t, w in self.matter.items()},
            "titles": self.titles,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Profile:
        return cls(
            size=int(data.get("size", 0)),
            places=dict(data.get("places", {})),
            names=dict(data.get("names", {})),
            kinds=dict(data.get("kinds", {})),
            areas=dict(data.get("areas", {})),
            matter={t: float(w) for t, w in data.get("matter", {}).items()},
            titles=dict(data.get("titles", {})),
        )


def lookup_keys(f: Features) -> list[str]:
    """The index keys a request's hotspot may be found by (see Profile.index_keys)."""
    keys = [f"p:{k}" for k in f.place_keys]
    keys += [f"p:{k[i:]}" for k in f.place_keys for i in range(1, len(k) - 2)]
    words = [t for t in f.matter if not t.startswith("~")]
    words.sort(key=lambda t: -f.matter[t])
    keys += [f"t:{t}" for t in words[:8]]
    return list(dict.fromkeys(keys))


# -- heat ---------------------------------------------------------------------------------------

HEAT_WEIGHTS = {"orders": 1.0, "callers": 2.0, "growth": 1.5, "urgent": 2.0, "supports": 3.0}
HEAT_FORMULA = "热度 = 1.0×工单数 + 2.0×不同来电人数 + 1.5×近7日增长 + 2.0×紧急件数 + 3.0×ln(1+附议/点赞数)"
GROWTH_DAYS = 7


def heat(*, orders: int, callers: int, growth: int, urgent: int, supports: int) -> float:
    """The heat index (the formula is HEAT_FORMULA, shown wherever the index is)."""
    w = HEAT_WEIGHTS
    value = (
        w["orders"] * orders
        + w["callers"] * callers
        + w["growth"] * max(growth, 0)
        + w["urgent"] * urgent
        + w["supports"] * math.log1p(max(supports, 0))
    )
    return round(value, 1)


def growth(times: Iterable[datetime], now: datetime, days: int = GROWTH_DAYS) -> int:
    """Members in the last `days` minus those in the `days` before (how fast it grows)."""
    recent = before = 0
    for t in times:
        age = now - t
        if age < timedelta(0):
            continue
        if age <= timedelta(days=days):
            recent += 1
        elif age <= timedelta(days=2 * days):
            before += 1
    return recent - before


# -- grouping a set of requests -----------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One request as a file (or an export) gives it."""

    ident: str
    title: str
    text: str
    at: datetime
    caller: str = ""
    area: str = ""
    supports: int = 0
    urgent: bool = False


@dataclass
class Group:
    profile: Profile
    members: list[Request]
    last_at: datetime

    @property
    def callers(self) -> int:
        return len({m.caller for m in self.members if m.caller} or {m.ident for m in self.members})

    def heat(self, now: datetime) -> float:
        return heat(
            orders=len(self.members),
            callers=self.callers,
            growth=growth((m.at for m in self.members), now),
            urgent=sum(1 for m in self.members if m.urgent),
            supports=sum(m.supports for m in self.members),
        )


WINDOW = timedelta(days=60)  # a hotspot takes a new request while its last one is this recent


class Grouper:
    """The incremental grouping, in memory (the product keeps the same state in its tables)."""

    def __init__(self, reader: Reader, window: timedelta = WINDOW) -> None:
        self.reader = reader
        self.window = window
        self.groups: list[Group] = []
        self._index: dict[str, set[int]] = {}

    def add(self, request: Request) -> Group:
        f = self.reader.features(request.title, request.text, area=request.area)
        norm = f.norm()
        best: tuple[float, int] | None = None
        candidates: set[int] = set()
        for key in lookup_keys(f):
            candidates |= self._index.get(key, set())
        for gid in candidates:
            group = self.groups[gid]
            if request.at - group.last_at > self.window:
                continue
            found = group.profile.match(f, norm)
            if found is not None and (best is None or found.score > best[0]):
                best = (found.score, gid)
        if best is None:
            group = Group(Profile(), [], request.at)
            self.groups.append(group)
            gid = len(self.groups) - 1
        else:
            gid = best[1]
            group = self.groups[gid]
        group.profile.add(f)
        group.members.append(request)
        group.last_at = max(group.last_at, request.at)
        for key in group.profile.index_keys():
            self._index.setdefault(key, set()).add(gid)
        return group


def group(requests: Iterable[Request], reader: Reader, window: timedelta = WINDOW) -> list[Group]:
    """Group requests into hotspots, taking them in time order as the product does."""
    grouper = Grouper(reader, window)
    for request in sorted(requests, key=lambda r: (r.at, r.ident)):
        grouper.add(request)
    return grouper.groups
