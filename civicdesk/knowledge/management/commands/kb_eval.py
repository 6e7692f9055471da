"""Evaluate the knowledge-base retrieval on (message, reply) pairs: ``manage.py kb_eval --pairs 附件4.xlsx``.

Engines
-------
``--engine db`` (the default) is the product's path: the articles are imported into the
configured database (SQLite or PostgreSQL) as published articles, with their stored
segmentation and full-text index, the place names mined from the replies go into the user
dictionary, and every query goes through :func:`civicdesk.knowledge.search.search_ids` (the
database finds the matches the citizen may see, BM25 orders them; ``--rank db`` orders by the
database's own rank instead). Everything is rolled back at the end. ``--engine memory`` runs
the in-memory BM25 core alone, as before.

``--with-message``: each article also carries the citizen's original message (留言详情) among
the questions it answers, which is what the product's reply → article step does. This is a
different, easier task than the issue's; report it separately.

Method
------
*Articles.* Every non-empty reply (答复意见) becomes one article; identical replies (after
:func:`~civicdesk.text.zhtext.normalize`) are merged into one article, since a knowledge base
would not hold two copies and no ranking could tell them apart. Nothing of the citizen's
message is indexed: the article's ``answer`` is the reply, its ``title`` is derived from the
reply alone (the text the reply quotes as the matter it answers — ``反映的“…”`` / ``《…》`` —
or else its first clause after the greeting), and ``questions`` stay empty (in the product
they are written by editors) unless ``--with-message``.

*Queries.* Each message's title (留言主题) alone. A query is a hit at k when the article made
from its own reply is among the first k results. All messages count, including the few whose
reply is empty and therefore cannot be found.

*Analysis and ranking* (:mod:`civicdesk.text.zhtext`, :mod:`civicdesk.text.retrieval`): NFKC
normalisation; jieba words with a user dictionary mined from the replies themselves
(anonymised area codes like ``A7县`` and names ending in ``小区``, ``街道``, ``路`` …) plus
character bigrams and single characters, each indexed field scored by BM25 (k1 1.2, b 0.9)
and summed with weights (answer words 1.0, answer bigrams 1.0, answer characters 0.3; the
derived title 0, see ``DEFAULT_WEIGHTS``). Request verbs of message titles (``投诉``,
``咨询``, ``希望`` …) are dropped from queries.
A soft region facet multiplies by 0.5 the score of articles that name only other cities
than the query (``A7县`` lies in ``A市``; a reply about ``K3县`` is unlikely to answer it).

*What the figures are bounded by.* Several hundred replies are pure acknowledgements
(``网友:您好!留言已收悉``, ``您反映的问题已转交相关部门。2018年8月31日``): no text of the
reply relates to the message, so no method that indexes only the reply can find them.

*Knowing when not to answer.* A panel shows suggestions only when the match strength
(:func:`civicdesk.text.retrieval.match_strength`: coverage of the query's weight by the best
article times how far it stands out from the sixth) reaches ``search.SUGGEST_STRENGTH``. Each
query is asked again with its own article left out of the base: the share of those where the
panel stays silent is printed next to the recall@5 of what the panel shows when the article is
there (queries whose reply was empty are left out of the first figure).

Output: one line per figure; the last line is ``recall@5 <value>``.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from civicdesk.knowledge import bulk, search
from civicdesk.knowledge.models import ArticleStatus, DictionaryWord
from civicdesk.org.models import OrgUnit, UnitKind
from civicdesk.text.retrieval import STRENGTH_DEPTH, FacetSpec, FieldSpec, Index, match_strength
from civicdesk.text.zhtext import Analyzer, SynonymMap, area_prefixes, extract_place_names, is_cjk, normalize

TITLE_COLUMN = "留言主题"
REPLY_COLUMN = "答复意见"
DETAIL_COLUMN = "留言详情"

# Field weights measured on 附件4 (recall@5 with the title at 0 / 0.1 / 0.2 / 0.5: 0.7326 /
# 0.7294 / 0.7283 / 0.7166). A title derived from the reply only repeats words of the answer,
# so weighting it just double-counts them; editor-written titles and ``questions`` (which
# have no source in this data) need their own measurement once real articles exist.
DEFAULT_WEIGHTS: dict[str, float] = {
    "title.words": 0.0,
    "title.bigrams": 0.0,
    "questions.words": 0.5,
    "questions.bigrams": 0.5,
    "answer.words": 1.0,
    "answer.bigrams": 1.0,
    "answer.chars": 0.3,
}
BM25_K1 = 1.2
BM25_B = 0.9
REGION_MISMATCH = 0.5


@dataclass(frozen=True, slots=True)
class Pair:
    """One message title with the reply it received."""

    query: str
    reply: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Article:
    title: str
    answer: str
    questions: tuple[str, ...] = ()


@dataclass
class EvalResult:
    queries: int
    articles: int
    duplicates_merged: int
    empty_replies: int
    hits: dict[int, int]
    latencies_ms: list[float]
    build_seconds: float
    misses: list[tuple[str, str]] = field(default_factory=list)
    # Knowing when not to answer, at the product's threshold (search.SUGGEST_STRENGTH):
    shown_hits: int = 0  # own article in the first 5 and the panel confident enough to show them
    silent_without_own: int = 0  # own article removed from the base: the panel showed nothing
    with_own: int = 0  # queries whose reply made an article (the ones that can be removed)

    def recall(self, k: int) -> float:
        return self.hits.get(k, 0) / self.queries if self.queries else 0.0

    def shown_recall(self) -> float:
        return self.shown_hits / self.queries if self.queries else 0.0

    def silent_rate(self) -> float:
        return self.silent_without_own / self.with_own if self.with_own else 0.0

    def latency_percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        idx = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[idx]


def read_pairs(path: str | Path, *, query_column: str = TITLE_COLUMN, reply_column: str = REPLY_COLUMN) -> list[Pair]:
    """(title, reply) pairs from an xlsx sheet with a header row; fully empty rows are skipped."""
    import openpyxl  # type: ignore[import-untyped]

    wb = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
        missing = [c for c in (query_column, reply_column) if c not in header]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)}; found {header}")
        qi, ri = header.index(query_column), header.index(reply_column)
        di = header.index(DETAIL_COLUMN) if DETAIL_COLUMN in header else None
        pairs = []
        for row in rows:
            if row is None or all(c is None or str(c).strip() == "" for c in row):
                continue
            q = row[qi] if qi < len(row) else None
            r = row[ri] if ri < len(row) else None
            d = row[di] if di is not None and di < len(row) else None
            pairs.append(Pair(str(q or "").strip(), str(r or "").strip(), normalize(str(d or ""))))
        return pairs
    finally:
        wb.close()


_QUOTED = re.compile(r"[“\"]([^“”\"]{4,80})[”\"]|《([^《》]{4,80})》")
_GREETING = re.compile(
    r"^.{0,80}?(?:回复如下|答复如下|现回复|现答复|已收悉|收悉|已阅|您好|你好)[:!,.。、\s]*",
)
_CLAUSE = re.compile(r"[。!?;\n]")


def derive_title(reply: str, *, max_len: int = 60) -> str:
    """A title made from the reply alone: the matter it quotes, else its first clause."""
    text = normalize(reply)
    for m in _QUOTED.finditer(text[:300]):
        quoted = m.group(1) or m.group(2)
        if is_cjk(quoted) and "问政" not in quoted and "信箱" not in quoted:
            return quoted[:max_len]
    body = _GREETING.sub("", text, count=1)
    first = _CLAUSE.split(body, maxsplit=1)[0].strip()
    return first[:max_len]


def build_articles(pairs: Sequence[Pair], *, with_message: bool = False) -> tuple[list[Article], list[int | None], int]:
    """Articles from the replies, the article index of each pair (None: empty reply), merges.

    ``with_message``: each article also carries the original message (留言详情) of every pair
    it answers among its questions — what the product's reply → article step does."""
    by_text: dict[str, int] = {}
    articles: list[Article] = []
    gold: list[int | None] = []
    merged = 0
    for pair in pairs:
        key = normalize(pair.reply)
        if not key:
            gold.append(None)
            continue
        pos = by_text.get(key)
        questions = (pair.detail,) if with_message and pair.detail else ()
        if pos is None:
            pos = by_text[key] = len(articles)
            articles.append(Article(title=derive_title(pair.reply), answer=pair.reply, questions=questions))
        else:
            merged += 1
            if questions:
                prev = articles[pos]
                articles[pos] = Article(prev.title, prev.answer, prev.questions + questions)
        gold.append(pos)
    return articles, gold, merged


def make_analyzer(
    articles: Sequence[Article],
    *,
    place_dict: bool = True,
    user_words: Iterable[str] = (),
    synonyms: SynonymMap | None = None,
    hmm: bool = False,
    query_stopwords: bool = True,
) -> Analyzer:
    words = list(user_words)
    if place_dict:
        words += extract_place_names(a.answer for a in articles)
    kwargs: dict[str, Any] = {} if query_stopwords else {"query_stopwords": ()}
    return Analyzer(words, synonyms, hmm=hmm, **kwargs)


def make_index(
    analyzer: Analyzer,
    weights: dict[str, float] | None = None,
    *,
    region: bool = True,
    k1: float = BM25_K1,
    b: float = BM25_B,
) -> Index:
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    kinds: dict[str, tuple[Callable[[str], Sequence[str]], Callable[[str], Sequence[str]]]] = {
        "words": (analyzer.words, analyzer.query_words),
        "bigrams": (analyzer.ngrams, analyzer.query_ngrams),
        "chars": (analyzer.unigrams, analyzer.unigrams),
    }
    specs = []
    for name, weight in w.items():
        if weight <= 0:
            continue
        src, kind = name.split(".")
        doc_an, q_an = kinds[kind]
        specs.append(FieldSpec(name, doc_an, weight=weight, source=src, k1=k1, b=b, query_analyzer=q_an))
    facets = [FacetSpec("region", area_prefixes, sources=("answer",), mismatch=REGION_MISMATCH)] if region else []
    return Index(specs, facets)


def index_articles(index: Index, articles: Sequence[Article]) -> None:
    for pos, art in enumerate(articles):
        index.add(pos, {"title": art.title, "questions": "\n".join(art.questions), "answer": art.answer})
    index.build()


def evaluate(
    pairs: Sequence[Pair],
    *,
    ks: Sequence[int] = (1, 5),
    weights: dict[str, float] | None = None,
    region: bool = True,
    place_dict: bool = True,
    hmm: bool = False,
    query_stopwords: bool = True,
    user_words: Iterable[str] = (),
    synonyms: SynonymMap | None = None,
    keep_misses: int = 0,
) -> EvalResult:
    t0 = time.perf_counter()
    articles, gold, merged = build_articles(pairs)
    analyzer = make_analyzer(
        articles,
        place_dict=place_dict,
        user_words=user_words,
        synonyms=synonyms,
        hmm=hmm,
        query_stopwords=query_stopwords,
    )
    index = make_index(analyzer, weights, region=region)
    index_articles(index, articles)
    build_seconds = time.perf_counter() - t0

    kmax = max(ks)
    hits = dict.fromkeys(ks, 0)
    latencies: list[float] = []
    misses: list[tuple[str, str]] = []
    shown = silent = 0
    depth = max(kmax, STRENGTH_DEPTH) + 1
    for pair, g in zip(pairs, gold, strict=True):
        start = time.perf_counter()
        results = index.search(pair.query, depth)
        latencies.append((time.perf_counter() - start) * 1000.0)
        ids = [doc_id for doc_id, _ in results[:kmax]]
        for k in ks:
            if g is not None and g in ids[:k]:
                hits[k] += 1
        if (g is None or g not in ids[:kmax]) and len(misses) < keep_misses:
            misses.append((pair.query, pair.reply[:80]))
        ideal = index.ideal_score(pair.query)
        strength = match_strength([s for _d, s in results], ideal)
        if g is not None and g in ids[:5] and strength >= search.SUGGEST_STRENGTH:
            shown += 1
        if g is not None:
            without = [s for d, s in results if d != g]
            silent += match_strength(without, ideal) < search.SUGGEST_STRENGTH
    return EvalResult(
        queries=len(pairs),
        articles=len(articles),
        duplicates_merged=merged,
        empty_replies=sum(1 for g in gold if g is None),
        hits=hits,
        latencies_ms=latencies,
        build_seconds=build_seconds,
        misses=misses,
        shown_hits=shown,
        silent_without_own=silent,
        with_own=sum(1 for g in gold if g is not None),
    )


class _Rollback(Exception):
    pass


def evaluate_db(
    pairs: Sequence[Pair],
    *,
    ks: Sequence[int] = (1, 5),
    with_message: bool = False,
    place_dict: bool = True,
    mode: str = "hybrid",
    keep_misses: int = 0,
) -> EvalResult:
    """The product's path: import the articles into the database (published, owned by a
    throw-away unit), their mined place names into the user dictionary, query through
    :func:`civicdesk.knowledge.search.search`; everything is rolled back at the end."""
    result: EvalResult | None = None
    try:
        with transaction.atomic():
            t0 = time.perf_counter()
            articles, gold, merged = build_articles(pairs, with_message=with_message)
            if place_dict:
                words = [w for w in extract_place_names(a.answer for a in articles) if len(w) <= 50]
                DictionaryWord.objects.bulk_create(
                    [DictionaryWord(word=w) for w in dict.fromkeys(words)], ignore_conflicts=True, batch_size=1000
                )
                search._state()
                search.dictionary_changed()
            unit = OrgUnit.objects.create(name="kb-eval", code=f"kb-eval-{time.time_ns()}", kind=UnitKind.OTHER)
            stored = bulk.create_many(
                [
                    bulk.NewArticle(
                        title=a.title,
                        answer=a.answer,
                        questions="\n".join(a.questions),
                        owner_unit=unit,
                        status=ArticleStatus.PUBLISHED,
                    )
                    for a in articles
                ],
                actor=None,
                note="kb-eval",
            )
            ids = [a.pk for a in stored]
            if connection.vendor == "postgresql":
                # Fresh rows have no planner statistics yet (autovacuum would gather them in a
                # running system); without them the planner scans by status and reads every vector.
                with connection.cursor() as cur:
                    cur.execute("ANALYZE knowledge_article")
            search.ranker()  # statistics are built once per index generation, before the first query
            build_seconds = time.perf_counter() - t0
            rank_mode = search.RankMode(mode)
            kmax = max(ks)
            hits = dict.fromkeys(ks, 0)
            latencies: list[float] = []
            misses: list[tuple[str, str]] = []
            shown = silent = 0
            for pair, g in zip(pairs, gold, strict=True):
                start = time.perf_counter()
                found = search.rank(pair.query, limit=kmax, audience=search.Audience.CITIZEN, mode=rank_mode)
                latencies.append((time.perf_counter() - start) * 1000.0)
                got = [pk for pk, _score in found.ids]
                want = ids[g] if g is not None else None
                for k in ks:
                    if want is not None and want in got[:k]:
                        hits[k] += 1
                if (want is None or want not in got[:kmax]) and len(misses) < keep_misses:
                    misses.append((pair.query, pair.reply[:80]))
                if want is not None:
                    shown += want in got[:5] and found.strength >= search.SUGGEST_STRENGTH
                    # The same question with its own answer taken out of the base: does the panel
                    # stay silent rather than offer another article?
                    alone = search.rank(
                        pair.query, limit=kmax, audience=search.Audience.CITIZEN, mode=rank_mode, exclude=[want]
                    )
                    silent += alone.strength < search.SUGGEST_STRENGTH
            result = EvalResult(
                queries=len(pairs),
                articles=len(articles),
                duplicates_merged=merged,
                empty_replies=sum(1 for g in gold if g is None),
                hits=hits,
                latencies_ms=latencies,
                build_seconds=build_seconds,
                misses=misses,
                shown_hits=shown,
                silent_without_own=silent,
                with_own=sum(1 for g in gold if g is not None),
            )
            raise _Rollback
    except _Rollback:
        pass
    assert result is not None
    return result


def _weights_arg(raw: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in raw.split(","):
        if not item.strip():
            continue
        name, _, value = item.partition("=")
        name = name.strip()
        if name not in DEFAULT_WEIGHTS:
            raise CommandError(f"unknown field {name!r}; fields: {', '.join(DEFAULT_WEIGHTS)}")
        try:
            out[name] = float(value)
        except ValueError:
            raise CommandError(f"weight of {name} must be a number; got {value!r}") from None
    return out


class Command(BaseCommand):
    help = (
        "Import every reply of a (message, reply) xlsx as a knowledge article, query with each "
        "message title and print recall@1, p95 latency and recall@5 (last line)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pairs", required=True, help="xlsx with columns 留言主题 and 答复意见 (e.g. 附件4.xlsx)")
        parser.add_argument("--limit", type=int, default=0, help="use only the first N pairs")
        parser.add_argument(
            "--weights",
            type=_weights_arg,
            default={},
            help="field weights, e.g. 'title.words=0,answer.chars=0.5' (0 leaves a field out)",
        )
        parser.add_argument("--no-region", action="store_true", help="turn off the region facet")
        parser.add_argument("--no-place-dict", action="store_true", help="no user dictionary mined from replies")
        parser.add_argument("--no-query-stopwords", action="store_true", help="keep request verbs in queries")
        parser.add_argument("--hmm", action="store_true", help="jieba HMM new-word discovery")
        parser.add_argument("--user-dict", help="extra jieba user dictionary (word [freq] [tag] a line)")
        parser.add_argument("--synonyms", help="synonym file: one group a line, terms separated by commas")
        parser.add_argument(
            "--engine",
            choices=("db", "memory"),
            default="db",
            help="db: import into the database and query the product's search (default); "
            "memory: the pure in-memory BM25 core",
        )
        parser.add_argument(
            "--rank",
            choices=("hybrid", "db"),
            default="hybrid",
            help="with --engine db: hybrid = database candidates in BM25 order (the product's); "
            "db = the database's own rank (ts_rank / FTS5 bm25)",
        )
        parser.add_argument(
            "--with-message",
            action="store_true",
            help="each article also carries the original message (留言详情) among its questions",
        )
        parser.add_argument("--show-misses", type=int, default=0, metavar="N", help="print N missed queries")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = Path(opts["pairs"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            pairs = read_pairs(path)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if opts["limit"]:
            pairs = pairs[: opts["limit"]]
        if not pairs:
            raise CommandError(f"{path} holds no pairs")
        user_words: list[str] = []
        if opts["user_dict"]:
            # jieba loads only when the command runs.
            from civicdesk.text.zhtext import load_user_dict

            user_words = load_user_dict(opts["user_dict"])
        synonyms = None
        if opts["synonyms"]:
            synonyms = SynonymMap.from_lines(Path(opts["synonyms"]).read_text(encoding="utf-8").splitlines())

        if opts["engine"] == "db":
            # The articles are written to (and rolled back from) the configured database,
            # which may be a fresh file: bring its tables up to date first.
            call_command("migrate", interactive=False, verbosity=0)

            res = evaluate_db(
                pairs,
                with_message=opts["with_message"],
                place_dict=not opts["no_place_dict"],
                mode=opts["rank"],
                keep_misses=opts["show_misses"],
            )
            self._print(res, f"{connection.vendor}, rank {opts['rank']}", opts["with_message"])
            return
        res = evaluate(
            pairs,
            weights=opts["weights"],
            region=not opts["no_region"],
            place_dict=not opts["no_place_dict"],
            hmm=opts["hmm"],
            query_stopwords=not opts["no_query_stopwords"],
            user_words=user_words,
            synonyms=synonyms,
            keep_misses=opts["show_misses"],
        )
        self._print(res, "memory", False)

    def _print(self, res: EvalResult, engine: str, with_message: bool) -> None:
        out = self.stdout.write
        for query, reply in res.misses:
            out(f"miss: {query} || {reply}")
        out(
            f"articles {res.articles} (from {res.queries} replies; {res.duplicates_merged} identical merged, "
            f"{res.empty_replies} empty)"
        )
        out(f"engine {engine}; articles: {'reply + original message as a question' if with_message else 'reply only'}")
        out(f"queries {res.queries} (message titles only)")
        out(f"build {res.build_seconds:.1f} s")
        out(
            f"latency ms p50 {statistics.median(res.latencies_ms):.2f} "
            f"p95 {res.latency_percentile(95):.2f} max {max(res.latencies_ms):.2f}"
        )
        out(
            f"knowing when not to answer (panel threshold {search.SUGGEST_STRENGTH}): own article removed, "
            f"panel silent for {res.silent_rate():.4f} of {res.with_own} queries; own article present, "
            f"recall@5 of what the panel shows {res.shown_recall():.4f}"
        )
        out(f"recall@1 {res.recall(1):.4f}")
        out(f"p95 {res.latency_percentile(95):.2f} ms")
        out(f"recall@5 {res.recall(5):.4f}")
