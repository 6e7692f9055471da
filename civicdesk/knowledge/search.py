"""Searching the knowledge base in Chinese, on the database the product runs on.

Storage. Every save of an article (through :func:`index_article`) writes its title, questions
and answer segmented — jieba words (with the city's user dictionary and admin synonyms) followed
by character bigrams, space-separated — into ``seg_title`` / ``seg_questions`` / ``seg_answer``.

* PostgreSQL keeps ``setweight(to_tsvector('simple', seg_title), 'A') || … 'B' || … 'C'`` in
  the generated column ``search_vector`` with a GIN index (migration 0002), and
  ``pg_trgm`` (when the database user may enable it) backs a fuzzy title fallback.
* SQLite mirrors them into the FTS5 table ``knowledge_article_fts`` (maintained here).

Query. The query is analysed the same way; its distinct tokens are OR-ed into a ``tsquery`` /
FTS5 ``MATCH``. The database returns the matching articles the audience may see (status and
validity are SQL conditions).

Ranking (hybrid, see :data:`RANK_MODE`). ``ts_rank`` knows no inverse document frequency: a
query bigram found in every second article counts as much as a rare place name, which costs a
lot of recall with OR queries (``--rank db`` of kb-eval measures it), and ranking reads every
match's vector, which is slow. So the database only returns the ids of the matches (an index
scan), and they are ordered by multi-field BM25 (:mod:`civicdesk.text.retrieval`) whose
statistics come from the same stored articles, held per process and rebuilt when the index
generation (:class:`SearchIndexState`) moves. Only articles the database returned can be shown:
the stored index decides *what* matches and who may see it; BM25 decides the order.
"""

from __future__ import annotations

import enum
import threading
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from civicdesk.catalogue.models import Area
from civicdesk.knowledge.models import Article, ArticleStatus, DictionaryWord, SearchIndexState, SynonymGroup
from civicdesk.text.retrieval import STRENGTH_DEPTH, FacetSpec, FieldSpec, Index, match_strength
from civicdesk.text.zhtext import Analyzer, SynonymMap, area_prefixes

# The most matches the database hands to the BM25 order (a safety cap: far above any
# knowledge base a hotline keeps; the benchmark's 2,748 articles stay below it).
MATCH_CAP = 20000
COMMON_SHARE = 0.1
FTS_TABLE = "knowledge_article_fts"
# Column weights: a phrasing of the question or the title matching is stronger evidence than
# the same words somewhere in a long answer.
DB_WEIGHTS = {"title": 1.0, "questions": 0.8, "answer": 0.4}  # PostgreSQL A, B, C
FTS5_WEIGHTS = {"title": 3.0, "questions": 2.0, "answer": 1.0}
BM25_WEIGHTS: dict[str, float] = {
    "title.words": 0.3,
    "title.bigrams": 0.3,
    "questions.words": 0.7,
    "questions.bigrams": 0.7,
    "answer.words": 1.0,
    "answer.bigrams": 1.0,
    "answer.chars": 0.3,
}
BM25_K1 = 1.2
BM25_B = 0.9
# Below this match strength a suggestion panel shows no answer but says there is no close one.
# kb-eval on 附件4 (SQLite; each query asked again with its own article left out of the base):
# replies only, the panel stays silent for 43.6 % of the questions the base cannot answer, and
# recall@5 of what it shows falls from 0.727 to 0.675; with the citizens' messages as questions,
# silent for 14.1 % (the other messages about the same matter answer many of them), recall@5
# 0.928 → 0.923.
SUGGEST_STRENGTH = 0.25


class RankMode(enum.StrEnum):
    HYBRID = "hybrid"  # database candidates, BM25 order
    DB = "db"  # the database's own rank


RANK_MODE = RankMode.HYBRID


class Audience(enum.Enum):
    CITIZEN = "citizen"  # published, in force, review not overdue
    STAFF = "staff"  # every article except drafts; flags are shown next to each


@dataclass(frozen=True)
class Hit:
    article: Article
    score: float


# -- the analyzer -------------------------------------------------------------------------------
_lock = threading.RLock()
_analyzer: tuple[tuple[str, int], Analyzer] | None = None
_by_content: dict[tuple[tuple[str, ...], tuple[tuple[str, ...], ...]], Analyzer] = {}


def _state() -> SearchIndexState:
    state, _created = SearchIndexState.objects.get_or_create(pk=1, defaults={"epoch": uuid.uuid4().hex})
    return state


def dictionary_words() -> list[str]:
    """The user dictionary: the city's area names (and aliases) and admin-entered words."""
    words: list[str] = list(DictionaryWord.objects.values_list("word", flat=True))
    for name, aliases in Area.objects.filter(active=True).values_list("name", "aliases"):
        words.append(name)
        words.extend(a for a in aliases.replace("，", ",").replace(" ", ",").split(",") if a)
    return words


def analyzer(state: SearchIndexState | None = None) -> Analyzer:
    """The process's analyzer for the current dictionary and synonyms."""
    global _analyzer
    state = state or _state()
    gen = (state.epoch, state.dictionary)
    with _lock:
        if _analyzer is None or _analyzer[0] != gen:
            # Building one costs a second (jieba's dictionary): reuse one made for the same words.
            words = tuple(sorted(set(dictionary_words())))
            groups = tuple(tuple(g.term_list()) for g in SynonymGroup.objects.order_by("pk"))
            key = (words, groups)
            an = _by_content.get(key)
            if an is None:
                an = Analyzer(words, SynonymMap(groups))
                if len(_by_content) >= 4:
                    _by_content.pop(next(iter(_by_content)))
                _by_content[key] = an
            _analyzer = (gen, an)
        return _analyzer[1]


def dictionary_changed() -> None:
    """Call after the user dictionary or synonyms changed (in the same transaction); the
    stored segmentation is then stale: :func:`reindex_all` brings it up to date."""
    SearchIndexState.objects.filter(pk=1).update(dictionary=F("dictionary") + 1, articles=F("articles") + 1)


# -- writing the stored index -------------------------------------------------------------------
def segmented(an: Analyzer, text: str) -> str:
    return an.fts_document(text) if text else ""


def set_segments(article: Article, an: Analyzer | None = None) -> None:
    an = an or analyzer()
    article.seg_title = segmented(an, article.title)
    article.seg_questions = segmented(an, article.questions)
    article.seg_answer = segmented(an, article.answer)


def _fts_sync(rows: Iterable[tuple[int, str, str, str]]) -> None:
    if connection.vendor != "sqlite":
        return
    rows = list(rows)
    with connection.cursor() as cur:
        cur.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(r[0],) for r in rows])  # noqa: S608 -- constants and _audience_sql; values are parameters
        cur.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, title, questions, answer) VALUES (%s, %s, %s, %s)",  # noqa: S608 -- constants; values are parameters
            rows,
        )


def index_article(article: Article) -> None:
    """Write the article's segmented columns (and the SQLite FTS row). Call inside the
    transaction that saves the article; it bumps the index generation."""
    set_segments(article)
    Article.objects.filter(pk=article.pk).update(
        seg_title=article.seg_title, seg_questions=article.seg_questions, seg_answer=article.seg_answer
    )
    _fts_sync([(article.pk, article.seg_title, article.seg_questions, article.seg_answer)])
    _state()
    SearchIndexState.objects.filter(pk=1).update(articles=F("articles") + 1)


def index_many(articles: Sequence[Article], *, batch: int = 500) -> None:
    """Segment and store many saved articles at once (imports, reindexing)."""
    an = analyzer()
    for a in articles:
        set_segments(a, an)
    with transaction.atomic():
        Article.objects.bulk_update(list(articles), ["seg_title", "seg_questions", "seg_answer"], batch_size=batch)
        _fts_sync((a.pk, a.seg_title, a.seg_questions, a.seg_answer) for a in articles)
        _state()
        SearchIndexState.objects.filter(pk=1).update(articles=F("articles") + 1)


def reindex_all() -> int:
    articles = list(Article.objects.all())
    index_many(articles)
    return len(articles)


# -- querying -----------------------------------------------------------------------------------
def audience_filter(audience: Audience, today: date) -> Q:
    if audience is Audience.STAFF:
        return ~Q(status=ArticleStatus.DRAFT)
    return (
        Q(status=ArticleStatus.PUBLISHED)
        & (Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        & (Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        & (Q(review_due__isnull=True) | Q(review_due__gte=today))
    )


def query_tokens(an: Analyzer, text: str) -> list[str]:
    toks = an.query_words(text) + an.query_ngrams(text) or an.tokens(text)
    return list(dict.fromkeys(toks))


def _audience_sql(audience: Audience, today: date, category_id: int | None) -> tuple[str, list[Any]]:
    """The rule of :func:`audience_filter` as SQL over ``knowledge_article a`` (the candidate
    queries join it to the full-text index; a subquery there would be evaluated per row)."""
    params: list[Any]
    if audience is Audience.STAFF:
        sql, params = "a.status <> %s", [ArticleStatus.DRAFT.value]
    else:
        sql = (
            "a.status = %s AND (a.valid_from IS NULL OR a.valid_from <= %s) "
            "AND (a.valid_to IS NULL OR a.valid_to >= %s) AND (a.review_due IS NULL OR a.review_due >= %s)"
        )
        params = [ArticleStatus.PUBLISHED.value, today, today, today]
    if category_id is not None:
        sql += " AND a.category_id = %s"
        params.append(category_id)
    return sql, params


def _candidate_sql(where: tuple[str, list[Any]], tokens: list[str], n: int) -> list[tuple[int, float]]:
    """(article id, database rank) of the best ``n`` matches the audience may see, best first."""
    cond, params = where
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            w = DB_WEIGHTS
            cur.execute(
                f"SELECT a.id, ts_rank('{{0.1, {w['answer']}, {w['questions']}, {w['title']}}}', "  # noqa: S608 -- as below
                f"a.search_vector, q) AS r "
                f"FROM knowledge_article a, to_tsquery('simple', %s) q "
                f"WHERE a.search_vector @@ q AND {cond} ORDER BY r DESC, a.id LIMIT %s",
                [" | ".join(tokens), *params, n],
            )
            return [(int(i), float(r)) for i, r in cur.fetchall()]
        w = FTS5_WEIGHTS
        match = " OR ".join('"' + t.replace('"', '""') + '"' for t in tokens)
        cur.execute(
            f"SELECT a.id, -bm25({FTS_TABLE}, {w['title']}, {w['questions']}, {w['answer']}) AS r "  # noqa: S608 -- constants and _audience_sql; values are parameters
            f"FROM {FTS_TABLE} f CROSS JOIN knowledge_article a ON a.id = f.rowid "
            f"WHERE {FTS_TABLE} MATCH %s AND {cond} ORDER BY r DESC, a.id LIMIT %s",
            [match, *params, n],
        )
        return [(int(i), float(r)) for i, r in cur.fetchall()]


def _matching_ids(where: tuple[str, list[Any]], tokens: list[str], cap: int) -> list[tuple[int, float]]:
    """Every article the audience may see that matches any query token (at most ``cap``),
    unranked: the index scan alone, without reading each match's vector to rank it."""
    cond, params = where
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # The planner does not know that testing a (toasted) vector costs far more than a
            # GIN lookup, and scans the table once a fifth of it matches: 18 ms instead of 2.
            cur.execute("SET enable_seqscan = off")
            try:
                # The match first (a CTE the planner may not fold), then the audience's conditions:
                # given both with a LIMIT it prefers a date index and tests every row's vector.
                cur.execute(
                    "WITH m AS MATERIALIZED (SELECT id FROM knowledge_article "  # noqa: S608 -- as above
                    "WHERE search_vector @@ to_tsquery('simple', %s)) "
                    f"SELECT a.id FROM m JOIN knowledge_article a ON a.id = m.id WHERE {cond} LIMIT %s",
                    [" | ".join(tokens), *params, cap],
                )
                rows = cur.fetchall()
            finally:
                cur.execute("RESET enable_seqscan")
            return [(int(i), 0.0) for (i,) in rows]
        else:
            match = " OR ".join('"' + t.replace('"', '""') + '"' for t in tokens)
            cur.execute(
                f"SELECT a.id FROM {FTS_TABLE} f CROSS JOIN knowledge_article a ON a.id = f.rowid "  # noqa: S608 -- constants and _audience_sql; values are parameters
                f"WHERE {FTS_TABLE} MATCH %s AND {cond} LIMIT %s",
                [match, *params, cap],
            )
        return [(int(i), 0.0) for (i,) in cur.fetchall()]


def _title_fallback(where: tuple[str, list[Any]], text: str, n: int) -> list[tuple[int, float]]:
    """PostgreSQL with pg_trgm: titles similar to a query whose tokens matched nothing."""
    if connection.vendor != "postgresql" or not trigram_available():
        return []
    cond, params = where
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT a.id, similarity(a.title, %s) AS r FROM knowledge_article a "  # noqa: S608 -- constants and _audience_sql; values are parameters
            f"WHERE a.title %% %s AND {cond} ORDER BY r DESC, a.id LIMIT %s",
            [text, text, *params, n],
        )
        return [(int(i), float(r)) for i, r in cur.fetchall()]


_trgm: bool | None = None


def trigram_available() -> bool:
    global _trgm
    if _trgm is None:
        with connection.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
            _trgm = cur.fetchone() is not None
    return _trgm


# -- the BM25 order ------------------------------------------------------------------------------
@dataclass
class _Ranker:
    generation: tuple[str, int, int]
    index: Index
    pos: dict[int, int]


_ranker: _Ranker | None = None
# Analysed fields per (article id, seg_title/questions/answer hash): re-analysing unchanged
# articles after one edit would cost seconds on a large base.
_token_cache: dict[tuple[int, tuple[str, int], int], dict[str, list[str]]] = {}


def _make_index(an: Analyzer) -> Index:
    kinds: dict[str, tuple[Any, Any]] = {
        "words": (an.words, an.query_words),
        "bigrams": (an.ngrams, an.query_ngrams),
        "chars": (an.unigrams, an.unigrams),
    }
    specs = []
    for name, weight in BM25_WEIGHTS.items():
        src, kind = name.split(".")
        doc_an, q_an = kinds[kind]
        specs.append(FieldSpec(name, doc_an, weight=weight, source=src, k1=BM25_K1, b=BM25_B, query_analyzer=q_an))
    return Index(specs, [FacetSpec("region", area_prefixes, sources=("answer",), mismatch=0.5)])


def _tokens_of(
    an: Analyzer, dict_gen: tuple[str, int], pk: int, title: str, questions: str, answer: str
) -> dict[str, list[str]]:
    key = (pk, dict_gen, hash((title, questions, answer)))
    toks = _token_cache.get(key)
    if toks is None:
        toks = {}
        for src, text in (("title", title), ("questions", questions), ("answer", answer)):
            words, grams = an.analyze(text) if text else ([], [])
            toks[f"{src}.words"] = words
            toks[f"{src}.bigrams"] = grams
            if src == "answer":
                toks["answer.chars"] = an.unigrams(text) if text else []
        toks["region"] = sorted(area_prefixes(answer))
        _token_cache[key] = toks
    return toks


def ranker(state: SearchIndexState | None = None) -> _Ranker:
    global _ranker
    state = state or _state()
    with _lock:
        generation = (state.epoch, state.dictionary, state.articles)
        if _ranker is not None and _ranker.generation == generation:
            return _ranker
        an = analyzer(state)
        dict_gen = (state.epoch, state.dictionary)
        index = _make_index(an)
        pos: dict[int, int] = {}
        rows = Article.objects.exclude(status=ArticleStatus.DRAFT).values_list("pk", "title", "questions", "answer")
        live: set[tuple[int, tuple[str, int], int]] = set()
        for pk, title, questions, answer in rows.iterator(chunk_size=1000):
            toks = _tokens_of(an, dict_gen, pk, title, questions, answer)
            live.add((pk, dict_gen, hash((title, questions, answer))))
            pos[pk] = len(pos)
            index.add_tokens(pk, toks)
        index.build()
        for key in [k for k in _token_cache if k not in live]:
            del _token_cache[key]
        _ranker = _Ranker(generation, index, pos)
        return _ranker


def informative(index: Index, tokens: list[str]) -> list[str]:
    """The query tokens worth matching on: those in at most COMMON_SHARE of the articles. An
    article that shares only very common tokens with the query cannot rank high, and matching
    on them would hand the database's whole table to the ranking. If every token is common,
    the rarest few are kept."""
    n = len(index)
    if n < 50:
        return tokens
    df = {t: index.doc_frequency(t) for t in tokens}
    keep = [t for t in tokens if df[t] <= COMMON_SHARE * n]
    return keep or sorted(tokens, key=lambda t: df[t])[:3]


@dataclass(frozen=True)
class Ranking:
    """The best articles for a query, (id, score) best first, and how sure the ranking is that
    the first one answers it (:func:`civicdesk.text.retrieval.match_strength`)."""

    ids: list[tuple[int, float]]
    strength: float


def rank(
    text: str,
    *,
    limit: int = 10,
    audience: Audience = Audience.STAFF,
    today: date | None = None,
    category_id: int | None = None,
    mode: RankMode | None = None,
    exclude: Iterable[int] = (),
) -> Ranking:
    """The best ``limit`` articles the audience may see for ``text`` and the match strength.
    ``exclude`` leaves articles out as if they were not in the base (kb-eval removes each
    query's own article to measure how often the panel then stays silent)."""
    text = (text or "").strip()
    if not text or limit <= 0:
        return Ranking([], 0.0)
    mode = mode or RANK_MODE
    today = today or timezone.localdate()
    state = _state()
    an = analyzer(state)
    tokens = query_tokens(an, text)
    where = _audience_sql(audience, today, category_id)
    if not tokens:
        return Ranking([], 0.0)
    left_out = set(exclude)
    if mode is RankMode.HYBRID:
        rk = ranker(state)
        cands = _matching_ids(where, informative(rk.index, tokens), MATCH_CAP)
    else:
        cands = _candidate_sql(where, tokens, limit + len(left_out))
    cands = [c for c in cands if c[0] not in left_out]
    if not cands:
        # A title close in spelling only (pg_trgm): its similarity (0–1) is all the evidence.
        found = [c for c in _title_fallback(where, text, limit + len(left_out)) if c[0] not in left_out]
        return Ranking(found[:limit], found[0][1] if found else 0.0)
    if mode is RankMode.DB:
        # The database's rank has no idea of coverage: no strength to offer.
        return Ranking(cands[:limit], 0.0)
    scores = rk.index.scores(text)
    ranked = []
    for pk, db_rank in cands:
        p = rk.pos.get(pk)
        ranked.append((pk, float(scores[p]) if p is not None else 0.0, db_rank))
    ranked.sort(key=lambda t: (-t[1], -t[2], t[0]))
    strength = match_strength([s for _pk, s, _r in ranked[:STRENGTH_DEPTH]], rk.index.ideal_score(text))
    return Ranking([(pk, s) for pk, s, _r in ranked[:limit]], strength)


def search_ids(
    text: str,
    *,
    limit: int = 10,
    audience: Audience = Audience.STAFF,
    today: date | None = None,
    category_id: int | None = None,
    mode: RankMode | None = None,
) -> list[tuple[int, float]]:
    """(article id, score) of the best ``limit`` articles for ``text``, best first."""
    return rank(text, limit=limit, audience=audience, today=today, category_id=category_id, mode=mode).ids


def search(
    text: str,
    *,
    limit: int = 10,
    audience: Audience = Audience.STAFF,
    today: date | None = None,
    category_id: int | None = None,
) -> list[Hit]:
    ids = search_ids(text, limit=limit, audience=audience, today=today, category_id=category_id)
    by_id = Article.objects.select_related("owner_unit", "category").in_bulk([i for i, _s in ids])
    return [Hit(by_id[i], s) for i, s in ids if i in by_id]


@dataclass(frozen=True)
class Suggestions:
    """What a suggestion panel shows: the hits when the best one is a close match, else none."""

    hits: list[Hit]
    strength: float
    weak: int  # matches found but held back as too weak to suggest


def suggest(
    text: str, *, limit: int = 5, audience: Audience = Audience.CITIZEN, today: date | None = None
) -> Suggestions:
    """Answers for a panel (intake, portal): the best ``limit`` articles, or none when the
    match strength is below :data:`SUGGEST_STRENGTH` — a wrong answer read to a caller costs
    more than no suggestion."""
    found = rank(text, limit=limit, audience=audience, today=today)
    if found.strength < SUGGEST_STRENGTH:
        return Suggestions([], found.strength, len(found.ids))
    by_id = Article.objects.select_related("owner_unit", "category").in_bulk([i for i, _s in found.ids])
    return Suggestions([Hit(by_id[i], s) for i, s in found.ids if i in by_id], found.strength, 0)
