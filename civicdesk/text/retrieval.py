"""In-memory multi-field BM25 retrieval (pure: no Django imports).

An :class:`Index` holds documents made of named text fields (``title``, ``questions``,
``answer`` …). Each *indexed field* reads one source field through one analyzer (for
example jieba words of the title, character bigrams of the title) and has its own weight
and BM25 parameters. A document's score is the weighted sum of its per-field BM25 scores::

    score(q, d) = Σ_f  w_f · Σ_{t ∈ q}  qtf_f(t) · idf_f(t) · tf·(k1+1) / (tf + k1·(1 − b + b·len/avglen))

The postings of each term are two numpy arrays (document positions, precomputed BM25
weights), so a query costs one vectorised scatter-add per distinct query term and field:
well under a millisecond on a few thousand documents.

Optionally :meth:`Index.search` expands the query by pseudo-relevance feedback (RM3
style): the top ``feedback_docs`` documents of the first pass contribute their most
discriminative terms, weighted by ``feedback_weight``, to a second pass.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = ["FacetSpec", "FieldSpec", "Index", "match_strength"]

Tokenizer = Callable[[str], Sequence[str]]


@dataclass(frozen=True)
class FieldSpec:
    """One indexed field: ``analyzer(document[source])`` is indexed under ``name``.

    ``query_analyzer`` (default: ``analyzer``) analyses the query for this field; fields
    that share an analyzer object share one analysis of the query.
    """

    name: str
    analyzer: Tokenizer
    weight: float = 1.0
    source: str = ""
    k1: float = 1.2
    b: float = 0.75
    query_analyzer: Tokenizer | None = None

    @property
    def src(self) -> str:
        return self.source or self.name


@dataclass(frozen=True)
class FacetSpec:
    """A soft filter: documents whose facet values are all different from the query's are demoted.

    ``extract`` maps text to facet values (for example the city a text names). When the query
    has values and a document has values but shares none, the document's score is multiplied
    by ``mismatch``; documents without values are left alone. ``sources`` are the document
    fields the values are read from.
    """

    name: str
    extract: Callable[[str], Iterable[str]]
    sources: tuple[str, ...] = ("answer",)
    mismatch: float = 0.5


@dataclass
class _FacetIndex:
    spec: FacetSpec
    values: list[frozenset[str]] = field(default_factory=list)
    masks: dict[str, npt.NDArray[np.bool_]] = field(default_factory=dict)
    has_any: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, np.bool_))

    def build(self) -> None:
        n = len(self.values)
        self.masks = {}
        for pos, vals in enumerate(self.values):
            for v in vals:
                mask = self.masks.get(v)
                if mask is None:
                    mask = self.masks[v] = np.zeros(n, dtype=np.bool_)
                mask[pos] = True
        self.has_any = np.fromiter((bool(v) for v in self.values), dtype=np.bool_, count=n)

    def apply(self, query: str, scores: npt.NDArray[np.float32]) -> None:
        qvals = set(self.spec.extract(query))
        if not qvals or self.spec.mismatch == 1.0:
            return
        ok = np.zeros(len(scores), dtype=np.bool_)
        for v in qvals:
            mask = self.masks.get(v)
            if mask is not None:
                ok |= mask
        scores[self.has_any & ~ok] *= self.spec.mismatch


@dataclass
class _FieldIndex:
    spec: FieldSpec
    vocab: dict[str, int] = field(default_factory=dict)
    docs: list[Counter[int]] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)
    df: list[int] = field(default_factory=list)
    post_docs: list[npt.NDArray[np.int32]] = field(default_factory=list)
    post_w: list[npt.NDArray[np.float32]] = field(default_factory=list)
    idf: npt.NDArray[np.float32] = field(default_factory=lambda: np.zeros(0, np.float32))
    terms: list[str] = field(default_factory=list)

    def add(self, tokens: Sequence[str]) -> None:
        counts: Counter[int] = Counter()
        vocab = self.vocab
        for tok in tokens:
            tid = vocab.get(tok)
            if tid is None:
                tid = vocab[tok] = len(vocab)
                self.df.append(0)
            counts[tid] += 1
        for tid in counts:
            self.df[tid] += 1
        self.docs.append(counts)
        self.lengths.append(len(tokens))

    def build(self) -> None:
        n_docs = len(self.docs)
        spec = self.spec
        avg = (sum(self.lengths) / n_docs) if n_docs else 1.0
        avg = avg or 1.0
        df = np.asarray(self.df, dtype=np.float64)
        # Lucene's BM25 idf, always positive.
        self.idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        rows: list[list[int]] = [[] for _ in self.vocab]
        weights: list[list[float]] = [[] for _ in self.vocab]
        k1, b = spec.k1, spec.b
        for pos, (counts, length) in enumerate(zip(self.docs, self.lengths, strict=True)):
            norm = k1 * (1.0 - b + b * length / avg)
            for tid, tf in counts.items():
                rows[tid].append(pos)
                weights[tid].append(self.idf[tid] * tf * (k1 + 1.0) / (tf + norm))
        self.post_docs = [np.asarray(r, dtype=np.int32) for r in rows]
        self.post_w = [np.asarray(w, dtype=np.float32) for w in weights]
        self.terms = [""] * len(self.vocab)
        for tok, tid in self.vocab.items():
            self.terms[tid] = tok


class Index:
    """Multi-field BM25 index. Documents are added with :meth:`add`; searching builds lazily.

    >>> from civicdesk.text.zhtext import char_ngrams
    >>> idx = Index([FieldSpec("title", char_ngrams, weight=2.0)])
    >>> idx.add("a", {"title": "路灯不亮"}); idx.add("b", {"title": "噪音扰民"})
    >>> idx.search("小区路灯坏了", k=1)[0][0]
    'a'
    """

    def __init__(self, fields: Sequence[FieldSpec], facets: Sequence[FacetSpec] = ()) -> None:
        if not fields:
            raise ValueError("an index needs at least one field")
        names = [f.name for f in fields]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate field names: {names}")
        self._fields = [_FieldIndex(spec) for spec in fields]
        self._field_pos = {spec.name: i for i, spec in enumerate(fields)}
        self._facets = [_FacetIndex(spec) for spec in facets]
        self._ids: list[Hashable] = []
        self._pos: dict[Hashable, int] = {}
        self._built = False

    # -- building -----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._ids)

    @property
    def fields(self) -> list[FieldSpec]:
        return [f.spec for f in self._fields]

    def add(self, doc_id: Hashable, doc: Mapping[str, str]) -> None:
        """Add a document; ``doc`` maps source field names to text (missing fields are empty)."""
        if doc_id in self._pos:
            raise KeyError(f"document {doc_id!r} is already indexed")
        cache: dict[int, Sequence[str]] = {}
        for fi in self._fields:
            text = doc.get(fi.spec.src, "") or ""
            key = id(fi.spec.analyzer) ^ hash(fi.spec.src)
            toks = cache.get(key)
            if toks is None:
                toks = cache[key] = fi.spec.analyzer(text) if text else []
            fi.add(toks)
        for fc in self._facets:
            vals: set[str] = set()
            for src in fc.spec.sources:
                vals.update(fc.spec.extract(doc.get(src, "") or ""))
            fc.values.append(frozenset(vals))
        self._pos[doc_id] = len(self._ids)
        self._ids.append(doc_id)
        self._built = False

    def add_tokens(self, doc_id: Hashable, tokens: Mapping[str, Sequence[str]]) -> None:
        """Add a document whose fields are already analysed.

        Keys are indexed-field names (and facet names, whose values are the facet values).
        """
        if doc_id in self._pos:
            raise KeyError(f"document {doc_id!r} is already indexed")
        for fi in self._fields:
            fi.add(tokens.get(fi.spec.name, []))
        for fc in self._facets:
            fc.values.append(frozenset(tokens.get(fc.spec.name, [])))
        self._pos[doc_id] = len(self._ids)
        self._ids.append(doc_id)
        self._built = False

    def build(self) -> None:
        for fi in self._fields:
            fi.build()
        for fc in self._facets:
            fc.build()
        self._built = True

    # -- querying -----------------------------------------------------------------------------
    def doc_frequency(self, term: str) -> int:
        """In how many documents ``term`` occurs, in the field where it is most common."""
        best = 0
        for fi in self._fields:
            tid = fi.vocab.get(term)
            if tid is not None and fi.df[tid] > best:
                best = fi.df[tid]
        return best

    def analyze_query(self, query: str) -> dict[str, list[str]]:
        """Tokens of ``query`` for each indexed field."""
        cache: dict[int, list[str]] = {}
        out: dict[str, list[str]] = {}
        for fi in self._fields:
            qa = fi.spec.query_analyzer or fi.spec.analyzer
            toks = cache.get(id(qa))
            if toks is None:
                toks = cache[id(qa)] = list(qa(query))
            out[fi.spec.name] = toks
        return out

    def _score(
        self, qtokens: Mapping[str, Mapping[str, float]], weights: Mapping[str, float] | None
    ) -> npt.NDArray[np.float32]:
        scores = np.zeros(len(self._ids), dtype=np.float32)
        for fi in self._fields:
            w_f = fi.spec.weight if weights is None else weights.get(fi.spec.name, fi.spec.weight)
            if w_f == 0.0:
                continue
            vocab = fi.vocab
            for tok, qtf in qtokens.get(fi.spec.name, {}).items():
                tid = vocab.get(tok)
                if tid is None:
                    continue
                scores[fi.post_docs[tid]] += (w_f * qtf) * fi.post_w[tid]
        return scores

    def ideal_score(self, query: str) -> float:
        """The score of a document holding each query term once, at average length:
        Σ_f w_f Σ_t qtf·idf_f(t), a term no document has counting as much as the rarest term
        of the base. A best score close to it means the query's words meet in one document; far below
        it, the best document shares only a few of them (in a small base most of a question's
        words are in no article, and one shared word must not look like an answer)."""
        if not self._built:
            self.build()
        total = 0.0
        for name, toks in self.analyze_query(query).items():
            fi = self._fields[self._field_pos[name]]
            unseen = math.log1p((len(fi.docs) - 0.5) / 1.5)  # as rare as the rarest known term
            for tok, qtf in _tf(toks).items():
                tid = fi.vocab.get(tok)
                total += fi.spec.weight * qtf * (unseen if tid is None else float(fi.idf[tid]))
        return total

    def scores(self, query: str, *, weights: Mapping[str, float] | None = None) -> npt.NDArray[np.float32]:
        """Score of every document (in insertion order) for ``query``."""
        if not self._built:
            self.build()
        q = {name: _tf(toks) for name, toks in self.analyze_query(query).items()}
        scores = self._score(q, weights)
        for fc in self._facets:
            fc.apply(query, scores)
        return scores

    def search(
        self,
        query: str,
        k: int = 10,
        *,
        weights: Mapping[str, float] | None = None,
        feedback_docs: int = 0,
        feedback_terms: int = 20,
        feedback_weight: float = 0.3,
        feedback_fields: Iterable[str] | None = None,
    ) -> list[tuple[Hashable, float]]:
        """Top ``k`` ``(doc_id, score)`` pairs, best first; documents scoring 0 are left out.

        ``weights`` overrides field weights for this query. ``feedback_docs > 0`` enables
        pseudo-relevance feedback (see the module docstring).
        """
        if not self._built:
            self.build()
        if not self._ids or k <= 0:
            return []
        q = {name: _tf(toks) for name, toks in self.analyze_query(query).items()}
        scores = self._score(q, weights)
        for fc in self._facets:
            fc.apply(query, scores)
        if feedback_docs > 0:
            top = _top(scores, feedback_docs)
            fb_names = set(feedback_fields) if feedback_fields is not None else None
            expanded: dict[str, dict[str, float]] = {}
            for fi in self._fields:
                name = fi.spec.name
                base = dict(q.get(name, {}))
                if fb_names is None or name in fb_names:
                    for tok, wt in self._feedback_terms(fi, top, scores, feedback_terms).items():
                        base[tok] = base.get(tok, 0.0) + feedback_weight * wt
                expanded[name] = base
            scores = self._score(expanded, weights)
            for fc in self._facets:
                fc.apply(query, scores)
        best = _top(scores, k)
        return [(self._ids[i], float(scores[i])) for i in best if scores[i] > 0.0]

    def _feedback_terms(
        self,
        fi: _FieldIndex,
        top: npt.NDArray[np.intp],
        scores: npt.NDArray[np.float32],
        n_terms: int,
    ) -> dict[str, float]:
        if len(top) == 0 or n_terms <= 0:
            return {}
        weight: dict[int, float] = {}
        total = float(sum(max(float(scores[i]), 0.0) for i in top)) or 1.0
        for i in top:
            doc = fi.docs[int(i)]
            length = fi.lengths[int(i)] or 1
            rel = max(float(scores[i]), 0.0) / total
            for tid, tf in doc.items():
                weight[tid] = weight.get(tid, 0.0) + rel * tf / length * float(fi.idf[tid])
        if not weight:
            return {}
        best = sorted(weight.items(), key=lambda kv: -kv[1])[:n_terms]
        norm = best[0][1] or 1.0
        return {fi.terms[tid]: w / norm for tid, w in best}

    def explain(self, query: str, doc_id: Hashable) -> dict[str, float]:
        """Per-field contribution to ``doc_id``'s score (for debugging and admin screens)."""
        if not self._built:
            self.build()
        pos = self._pos[doc_id]
        q = {name: _tf(toks) for name, toks in self.analyze_query(query).items()}
        out: dict[str, float] = {}
        for fi in self._fields:
            total = 0.0
            for tok, qtf in q.get(fi.spec.name, {}).items():
                tid = fi.vocab.get(tok)
                if tid is None:
                    continue
                hit = np.searchsorted(fi.post_docs[tid], pos)
                if hit < len(fi.post_docs[tid]) and fi.post_docs[tid][hit] == pos:
                    total += qtf * float(fi.post_w[tid][hit])
            out[fi.spec.name] = fi.spec.weight * total
        return out


# How far down the list the runner-up is read for distinctness, and the most distinctness counts.
STRENGTH_DEPTH = 6
STRENGTH_CAP = 3.0


def match_strength(ranked_scores: Sequence[float], ideal: float) -> float:
    """How sure a ranking is that its first document answers the query, from two signs:
    coverage (best score / :meth:`Index.ideal_score`: the share of the query's weight the best
    document holds) times distinctness (best score / the STRENGTH_DEPTH-th best, capped at
    STRENGTH_CAP: a best document that stands out from the crowd, not one of many that share
    a common phrase). ``ranked_scores`` are the scores best first.

    Measured on 附件4 (kb-eval, each query asked again with its own reply removed from the
    base), at the product's threshold 0.25: the panel stays silent for 43.6 % of the queries
    whose answer is not in the base, while recall@5 of what it shows for those whose answer is
    there falls from 0.727 to 0.675 (see knowledge.search.SUGGEST_STRENGTH).
    """
    if not ranked_scores or ideal <= 0.0 or ranked_scores[0] <= 0.0:
        return 0.0
    best = float(ranked_scores[0])
    runner = float(ranked_scores[STRENGTH_DEPTH - 1]) if len(ranked_scores) >= STRENGTH_DEPTH else 0.0
    distinct = STRENGTH_CAP if runner <= 0.0 else min(best / runner, STRENGTH_CAP)
    return best / ideal * distinct


def _tf(tokens: Sequence[str]) -> dict[str, float]:
    counts = Counter(tokens)
    # Sub-linear query term frequency: a bigram repeated in a long query should not dominate.
    return {t: 1.0 + math.log(c) for t, c in counts.items()}


def _top(scores: npt.NDArray[np.float32], k: int) -> npt.NDArray[np.intp]:
    n = len(scores)
    if n == 0:
        return np.zeros(0, dtype=np.intp)
    k = min(k, n)
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.argsort(-scores[part], kind="stable")]
