"""Chinese text analysis for the knowledge-base search (pure: no Django imports).

The same functions produce the tokens of an in-memory index (``civicdesk.text.retrieval``)
and the token strings stored in a full-text column (PostgreSQL ``tsvector`` built with the
``simple`` configuration, or an SQLite FTS5 column with the ``unicode61`` tokenizer): both
of those split on spaces, so a document is stored as its tokens joined by single spaces.

Pipeline of :class:`Analyzer`:

1. :func:`normalize` — NFKC (full-width letters, digits and punctuation become half-width,
   ``\\u3000`` becomes a space), lower case, control characters and runs of white space
   collapsed to one space.
2. jieba segmentation with a private :class:`jieba.Tokenizer` (user words added to one
   analyzer never leak into another), extended by a user dictionary of local place and
   policy names. Anonymised area codes such as ``A2区`` / ``A市`` / ``A7县`` are always
   kept whole.
3. Synonyms: every member of a synonym group is mapped to the group's canonical form, on
   documents and queries alike, before words and n-grams are produced, so ``物管`` in a
   query meets ``物业`` in an article through both the word and the bigram tokens.
4. Words (stop words and lone punctuation dropped) and character n-grams over runs of
   text between punctuation; an n-gram unit is one CJK character or one run of
   letters/digits, so ``A2区`` yields the bigram ``a2区`` rather than ``2区``.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import jieba

__all__ = [
    "AREA_CODE",
    "DEFAULT_STOPWORDS",
    "QUERY_STOPWORDS",
    "Analyzer",
    "SynonymMap",
    "area_prefixes",
    "char_ngrams",
    "extract_place_names",
    "is_cjk",
    "load_user_dict",
    "normalize",
    "strip_punctuation",
]

jieba.setLogLevel(60)  # silence "Building prefix dict ..." on stderr

_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\ufeff]")
_SPACE = re.compile(r"\s+")
# A CJK character or a run of ASCII letters/digits: the unit of a character n-gram.
_UNIT = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[a-z0-9]+(?:[._][a-z0-9]+)*")
# Text the segmenter treats as content (everything else separates runs).
_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffa-z0-9]+")
# Anonymised administrative areas in the 12345 data: "A市", "A2区", "B9市", "K2区", "A7县".
AREA_CODE = re.compile(r"[a-z]\d{0,2}(?:省|市|区|县|州|镇|乡)")
_AREA_SPLIT = re.compile(f"({AREA_CODE.pattern})")


def _wordlist(text: str) -> frozenset[str]:
    return frozenset(text.split())


DEFAULT_STOPWORDS: frozenset[str] = _wordlist(
    """
    的 地 得 了 着 过 是 在 和 与 及 或 而 并 且 但 就 都 也 还 又 再 才 只 很 太 更 最
    吗 呢 啊 吧 呀 么 嘛 哦 哈 啦 了吗 了呢
    我 你 您 他 她 它 我们 你们 他们 她们 咱们 大家 自己 本人 这 那 这个 那个 这些 那些
    这里 那里 这样 那样 此 其 之 该
    什么 怎么 怎么办 怎样 如何 为什么 为何 哪里 哪些 多少 是否 能否 可否 请问 请 请求 希望
    有 没有 没 无 要 能 会 可以 可 应 应该 需要 想 让 使 把 被 给 从 到 向 于 对 对于 关于
    由 为 以 因 因为 所以 如果 虽然 但是 而且 或者 以及 还是 等 等等 个 一个 一些 一下
    年 月 日 号 时 上 下 中 里 后 前 内 外 一 二 三 不 已 已经 正在 将 曾
    """
)

# Request verbs and filler of citizens' message titles ("投诉…", "咨询…问题", "希望有关部门尽快…"):
# frequent in queries, uninformative for finding the reply. Dropped from queries only.
QUERY_STOPWORDS: frozenset[str] = _wordlist(
    """
    投诉 咨询 建议 反映 请求 希望 关于 问题 举报 要求 强烈 呼吁 有关部门 相关部门 政府 解决
    尽快 严重 为何 一直 市民 居民 情况 事宜 处理
    """
)


def normalize(text: str) -> str:
    """Full-width → half-width (NFKC), lower case, control characters removed, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub("", text).lower()
    return _SPACE.sub(" ", text).strip()


def area_prefixes(text: str) -> set[str]:
    """The prefectures of the anonymised area codes in ``text``: ``"A7县 a市 B9市"`` → ``{"a", "b"}``.

    ``A7县`` lies in ``A市``, so the letter identifies the city a message or reply is about.
    """
    return {code[0] for code in AREA_CODE.findall(normalize(text))}


def strip_punctuation(text: str) -> str:
    """Replace every punctuation mark and symbol (Unicode P* and S*) by a space, then collapse."""
    out = [" " if unicodedata.category(ch)[0] in "PS" else ch for ch in text]
    return _SPACE.sub(" ", "".join(out)).strip()


def is_cjk(token: str) -> bool:
    """True when ``token`` contains at least one CJK ideograph."""
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in token)


def _units(run: str) -> list[str]:
    return _UNIT.findall(run)


def char_ngrams(text: str, n: int | tuple[int, int] = 2, *, normalized: bool = False) -> list[str]:
    """Character n-grams of ``text`` that never cross punctuation or white space.

    ``n`` is one size or an inclusive ``(min, max)`` range. A unit is one CJK character or one
    run of letters/digits. A run shorter than the smallest ``n`` yields itself once so that
    short queries (``路灯``, ``a市``) still produce a token.
    """
    lo, hi = (n, n) if isinstance(n, int) else n
    if lo < 1 or hi < lo:
        raise ValueError(f"invalid n-gram range {n!r}")
    if not normalized:
        text = normalize(text)
    grams: list[str] = []
    for run in _RUN.findall(text):
        units = _units(run)
        if not units:
            continue
        if len(units) < lo:
            grams.append("".join(units))
            continue
        for size in range(lo, hi + 1):
            for i in range(len(units) - size + 1):
                grams.append("".join(units[i : i + size]))
    return grams


class SynonymMap:
    """Admin synonyms: groups of equivalent terms, each mapped to the group's first member.

    >>> syn = SynonymMap([["物业", "物管", "物业公司"]])
    >>> syn.canonical("物管")
    '物业'
    """

    def __init__(self, groups: Iterable[Sequence[str]] = ()) -> None:
        self._canon: dict[str, str] = {}
        for group in groups:
            self.add_group(group)

    def add_group(self, group: Sequence[str]) -> None:
        terms = [normalize(t) for t in group if normalize(t)]
        if len(terms) < 2:
            return
        head = self._canon.get(terms[0], terms[0])
        for term in terms:
            self._canon[term] = head

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Iterable[str]]) -> SynonymMap:
        """``{"物业": ["物管", "物业公司"]}`` — key is the canonical term."""
        return cls([[head, *alts] for head, alts in mapping.items()])

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> SynonymMap:
        """One group a line, terms separated by commas, spaces or ``=>`` (Solr style)."""
        groups = []
        for line in lines:
            line = line.split("#", 1)[0].strip()
            if line:
                groups.append([t for t in re.split(r"\s*(?:=>|,|，|\s)\s*", line) if t])
        return cls(groups)

    def canonical(self, term: str) -> str:
        return self._canon.get(term, term)

    def terms(self) -> list[str]:
        """Every member of every group (to be added to the segmenter's dictionary)."""
        return list(self._canon)

    def __len__(self) -> int:
        return len(self._canon)

    def __bool__(self) -> bool:
        return bool(self._canon)


def load_user_dict(path: str | Path) -> list[str]:
    """Words of a jieba-format user dictionary (``word [freq] [tag]`` a line, ``#`` comments)."""
    words = []
    for line in Path(path).read_text(encoding="utf-8").lstrip("\ufeff").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.append(line.split()[0])
    return words


# Suffixes of place and organisation names that appear in citizens' messages and replies.
_PLACE_SUFFIX = (
    "小区|社区|街道|村委会|居委会|村|镇|乡|大道|路|街|巷|大桥|桥|隧道|立交|高速|"
    "花园|花苑|家园|新村|新城|公寓|大厦|广场|商城|市场|公园|景区|工业园|产业园|园区|"
    "小学|中学|学校|幼儿园|学院|大学|医院|卫生院|车站|站|机场|码头|"
    "公司|集团|银行|物业|项目"
)
_PLACE = re.compile(rf"([\u4e00-\u9fff]{{2,6}}?({_PLACE_SUFFIX}))")
# Characters that rarely start a name: a place name found after one of them is cut there.
_BAD_START = set("的了在是和与及或对向从到于为把被给由将我你您他她它这那其该此各本请所")


def extract_place_names(texts: Iterable[str], *, min_count: int = 2, max_words: int = 20000) -> list[str]:
    """Mine candidate place/organisation names from replies for the user dictionary.

    A candidate is 2–6 CJK characters followed by a name suffix (``小区``, ``街道``, ``路`` …),
    cut after a function character (``的``, ``在`` …). Since the left edge of a name is
    uncertain (``要求景蓉华苑小区``), every tail of a candidate is counted once per text, and a
    tail is kept when it occurs in at least ``min_count`` texts and no one-character-longer
    tail occurs as often (the longest name with that support wins). Quoted titles (``《…》``)
    are kept whole as policy names; anonymised area codes (``A2区``) are always kept.
    """
    counts: Counter[str] = Counter()
    for raw in texts:
        text = normalize(raw)
        found: set[str] = set(AREA_CODE.findall(text))
        found.update(t for t in re.findall(r"《([^《》]{2,30})》", text) if is_cjk(t))
        for run in _RUN.findall(text):
            for m in _PLACE.finditer(run):
                cand = m.group(1)
                cut = max((i for i, ch in enumerate(cand[:-2]) if ch in _BAD_START), default=-1)
                cand = cand[cut + 1 :].lstrip("省市区县镇乡")
                suffix = m.group(2)
                for i in range(len(cand) - len(suffix) - 1):
                    tail = cand[i:]
                    if tail[0] not in _BAD_START:
                        found.add(tail)
        counts.update(found)
    shadowed = {w[1:] for w, c in counts.items() if len(w) >= 4 and counts.get(w[1:]) == c}
    return [w for w, c in counts.most_common() if (c >= min_count and w not in shadowed) or AREA_CODE.fullmatch(w)][
        :max_words
    ]


_JIEBA_LOCK = threading.Lock()


class Analyzer:
    """Segmenter + normaliser producing word tokens, n-gram tokens and full-text strings.

    ``user_words`` are added to a private jieba dictionary (they may also be given as a path
    to a jieba user-dictionary file). ``synonyms`` canonicalises words before indexing.
    ``min_word_len`` drops CJK words shorter than it (single characters are left to the
    n-grams). ``hmm`` turns on jieba's HMM new-word discovery, which guesses unknown names but
    may split them differently in a short query than in a long reply. ``query_stopwords``
    (and the n-grams lying inside them) are dropped from queries only: see
    :meth:`query_words` and :meth:`query_ngrams`.
    """

    def __init__(
        self,
        user_words: Iterable[str] | str | Path = (),
        synonyms: SynonymMap | Mapping[str, Iterable[str]] | None = None,
        *,
        stopwords: Iterable[str] = DEFAULT_STOPWORDS,
        query_stopwords: Iterable[str] = QUERY_STOPWORDS,
        hmm: bool = False,
        min_word_len: int = 2,
        ngram: int | tuple[int, int] = 2,
    ) -> None:
        if isinstance(synonyms, SynonymMap):
            self.synonyms = synonyms
        elif synonyms is None:
            self.synonyms = SynonymMap()
        else:
            self.synonyms = SynonymMap.from_mapping(synonyms)
        self.stopwords = frozenset(normalize(w) for w in stopwords)
        self.hmm = hmm
        self.min_word_len = min_word_len
        self.ngram = ngram
        self._last: tuple[str, list[str]] = ("", [])
        with _JIEBA_LOCK:
            self._jieba = jieba.Tokenizer()
            self._jieba.initialize()
        words = load_user_dict(user_words) if isinstance(user_words, (str, Path)) else user_words
        self.add_words(words)
        self.add_words(self.synonyms.terms())
        self.query_stopwords: frozenset[str] = frozenset()
        self.query_stop_ngrams: frozenset[str] = frozenset()
        self.set_query_stopwords(query_stopwords)

    def set_query_stopwords(self, words: Iterable[str]) -> None:
        qs = frozenset(self.synonyms.canonical(normalize(w)) for w in words)
        self.query_stopwords = qs
        self.query_stop_ngrams = frozenset(g for w in qs for g in char_ngrams(w, self.ngram, normalized=True))

    def add_words(self, words: Iterable[str]) -> None:
        """Add words to this analyzer's segmentation dictionary (each is kept as one token)."""
        for word in words:
            word = normalize(word)
            if len(word) < 2 or " " in word:
                continue
            # suggest_freq makes the word beat its own pieces; double it so that it also
            # wins against a neighbouring word competing for its first or last character.
            freq = 2 * self._jieba.suggest_freq(word, False)
            self._jieba.add_word(word, freq)
        self._last = ("", [])

    # -- segmentation -------------------------------------------------------------------------
    def segment(self, text: str, *, normalized: bool = False) -> list[str]:
        """All segments of ``text`` (punctuation and spaces included), synonyms canonicalised.

        The last result is memoised, so asking for the words and then the n-grams of the same
        text segments it once.
        """
        if not normalized:
            text = normalize(text)
        if self._last[0] == text and text:
            return self._last[1]
        out: list[str] = []
        canon = self.synonyms.canonical
        for piece in _AREA_SPLIT.split(text):
            if not piece:
                continue
            if AREA_CODE.fullmatch(piece):
                out.append(canon(piece))
                continue
            out.extend(canon(w) for w in self._jieba.cut(piece, HMM=self.hmm))
        self._last = (text, out)
        return out

    def _keep(self, token: str) -> bool:
        if token in self.stopwords or not _RUN.fullmatch(token):
            return False
        if is_cjk(token):
            return len(token) >= self.min_word_len
        return True

    def words(self, text: str) -> list[str]:
        """Word tokens: segments without stop words, punctuation or (by default) lone characters."""
        return [t for t in self.segment(text) if self._keep(t)]

    def ngrams(self, text: str, n: int | tuple[int, int] | None = None) -> list[str]:
        """Character n-grams of the synonym-canonicalised text."""
        segments = self.segment(text)
        rebuilt = "".join(s if _RUN.fullmatch(s) else " " for s in segments)
        return char_ngrams(rebuilt, self.ngram if n is None else n, normalized=True)

    def unigrams(self, text: str) -> list[str]:
        """Single CJK characters / letter-digit runs (a weak, high-recall signal)."""
        return self.ngrams(text, 1)

    def query_words(self, text: str) -> list[str]:
        """:meth:`words` without the query stop words (request verbs such as ``投诉``)."""
        qs = self.query_stopwords
        return [t for t in self.words(text) if t not in qs]

    def query_ngrams(self, text: str) -> list[str]:
        """:meth:`ngrams` without the n-grams of the query stop words."""
        qs = self.query_stop_ngrams
        return [g for g in self.ngrams(text) if g not in qs]

    def analyze(self, text: str) -> tuple[list[str], list[str]]:
        """``(words, ngrams)`` from one segmentation pass."""
        return self.words(text), self.ngrams(text)

    def tokens(self, text: str) -> list[str]:
        """Words followed by n-grams: what one full-text column holds for ``text``."""
        words, grams = self.analyze(text)
        return words + grams

    def fts_document(self, text: str) -> str:
        """Space-joined tokens for ``to_tsvector('simple', …)`` or an FTS5 column."""
        return " ".join(self.tokens(text))

    def fts_query(self, text: str, *, operator: str = "|") -> str:
        """Distinct query tokens joined for ``to_tsquery('simple', …)`` (``|``) or FTS5 (``OR``).

        Query stop words are dropped; if that leaves nothing, the plain tokens are used.
        """
        toks = self.query_words(text) + self.query_ngrams(text) or self.tokens(text)
        return f" {operator} ".join(dict.fromkeys(toks))
