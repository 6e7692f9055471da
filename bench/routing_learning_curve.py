"""Learning curve of the routing classifier: macro-F1 on messages never seen against the
amount of labelled training data, to tell whether a goal is out of reach with the labels at
hand.

Protocol as ``civicdesk routing-eval --cv``: stratified 5-fold CV over the 400-message
development set (附件2_验证集_400), the 495-message sample always in training; for each
fraction f, a stratified f-share of each fold's training messages (495 + four fifths of the
400) is kept. The features are the product's (RoutingClassifier's blocks: jieba words and
character 1–2-grams of the message and of its title, LSA over all texts, the catalogue's leaf
documents), fitted once over every text (unsupervised; the labels are used only by the
linear SVM), so the figures rank amounts of data, not the product's absolute score — compare
with routing-eval's pooled macro-F1 at f = 1.

    .venv/bin/python bench/routing_learning_curve.py [--data ../shared/data/tipdm2020_c_smart_gov]
        [--fractions 0.125 0.25 0.5 0.75 1] [--repeats 2]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "tipdm2020_c_smart_gov"


def main() -> int:
    parser = argparse.ArgumentParser(description="routing macro-F1 against the amount of training data")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--fractions", type=float, nargs="+", default=[0.125, 0.25, 0.5, 0.75, 1.0])
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    data: Path = args.data
    if not data.is_dir():
        print(f"{data} is missing: the Teddy Cup data is needed")
        return 1
    import numpy as np
    import scipy.sparse as sp
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold
    from sklearn.svm import LinearSVC

    from civicdesk.text.teddycup import read_messages, read_taxonomy
    from civicdesk.text.textclassify import _prepare, overlap_filter, taxonomy_documents

    train = [m for m in read_messages(data / "附件2_示例数据_495.xlsx") if m.label]
    dev = [m for m in read_messages(data / "附件2_验证集_400.xlsx") if m.label]
    pool, seen = [], set()
    for name in ("附件3.xlsx", "附件4.xlsx", "测试数据_2801.xlsx"):
        for m in read_messages(data / name):
            if (m.title, m.detail) not in seen:
                seen.add((m.title, m.detail))
                pool.append(m)
    kept, _ = overlap_filter([(m.title, m.detail) for m in pool], [(m.title, m.detail) for m in dev + train])
    classes = sorted({m.label or "" for m in train})
    index = {c: i for i, c in enumerate(classes)}
    tax = taxonomy_documents([leaf.path for leaf in read_taxonomy(data / "附件1.xlsx")], classes)
    texts = [m.text for m in train + dev] + [pool[i].text for i in kept] + [t for t, _ in tax]
    prepared = _prepare(texts)
    blocks = []
    for column, kind in (
        (prepared.full_tokens, "words"),
        (prepared.full, "chars"),
        (prepared.titles, "chars"),
        (prepared.title_tokens, "words"),
    ):
        if kind == "words":
            vec = TfidfVectorizer(analyzer=lambda tokens: tokens, sublinear_tf=True, dtype=np.float32)
        else:
            vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True, min_df=2, dtype=np.float32)
        blocks.append(vec.fit_transform(column))
    topics = TruncatedSVD(256, n_iter=4, random_state=0).fit_transform(blocks[0])
    topics /= np.maximum(np.linalg.norm(topics, axis=1, keepdims=True), 1e-9)
    x = sp.hstack([*blocks, sp.csr_matrix(topics.astype(np.float32))], format="csr")
    n_tr, n_dev = len(train), len(dev)
    x_tr, x_dev, x_tax = x[:n_tr], x[n_tr : n_tr + n_dev], x[len(texts) - len(tax) :]
    y_tr = np.array([index[m.label or ""] for m in train])
    y_dev = np.array([index[m.label or ""] for m in dev])
    y_tax = np.array([index[c] for _, c in tax])
    rng = np.random.default_rng(0)
    print(f"train {n_tr} + dev {n_dev} labelled; {len(kept)} unlabelled; {len(tax)} catalogue documents")
    for fraction in args.fractions:
        scores = []
        for repeat in range(args.repeats):
            predicted = np.zeros(n_dev, dtype=np.int64)
            folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=repeat)
            for fit_idx, test_idx in folds.split(np.zeros(n_dev), y_dev):
                xs = sp.vstack([x_tr, x_dev[fit_idx]], format="csr")
                ys = np.concatenate([y_tr, y_dev[fit_idx]])
                keep: list[int] = []
                for c in range(len(classes)):
                    members = np.flatnonzero(ys == c)
                    take = max(2, round(fraction * len(members)))
                    keep += rng.choice(members, take, replace=False).tolist()
                rows = np.array(sorted(keep))
                svm = LinearSVC(C=0.1, class_weight="balanced")
                svm.fit(sp.vstack([xs[rows], x_tax], format="csr"), np.concatenate([ys[rows], y_tax]))
                predicted[test_idx] = svm.predict(x_dev[test_idx])
            scores.append(f1_score(y_dev, predicted, average="macro"))
        size = round(fraction * (n_tr + 0.8 * n_dev))
        print(f"fraction {fraction:.3f} (~{size} labelled messages): pooled macro-F1 {np.mean(scores):.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
