"""Repeated stratified 5-fold cross-validation of the routing classifier on the 495 labelled messages.

Run:  .venv/bin/python bench/routing_cv.py [--repeats 3] [--data DIR] [--no-unlabeled] [--no-taxonomy]

Each fold trains on 4/5 of 附件2_示例数据_495 plus the category tree (附件1) and the
unlabelled messages (附件3, 附件4, 测试数据_2801), and is scored on the held-out 1/5.
Before each fold the unlabelled pool is deduplicated against the held-out messages
(same title or same detail after dropping whitespace/punctuation), so no text of a test
message is seen in training, not even unlabelled. Figures are on held-out messages only.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from civicdesk.text.teddycup import labelled, read_messages, read_taxonomy  # noqa: E402
from civicdesk.text.textclassify import RoutingClassifier, macro_f1_report, overlap_filter  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "tipdm2020_c_smart_gov"
UNLABELED_FILES = ("附件3.xlsx", "附件4.xlsx", "测试数据_2801.xlsx")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-unlabeled", action="store_true", help="ablation: do not use the unlabelled pool")
    parser.add_argument("--no-taxonomy", action="store_true", help="ablation: do not use 附件1")
    args = parser.parse_args()

    from sklearn.model_selection import RepeatedStratifiedKFold  # type: ignore[import-untyped]

    data: Path = args.data
    if not data.is_dir():
        print(f"data folder {data} not found", file=sys.stderr)
        return 2
    messages = labelled(read_messages(data / "附件2_示例数据_495.xlsx"))
    taxonomy = [] if args.no_taxonomy else [leaf.path for leaf in read_taxonomy(data / "附件1.xlsx")]
    pool_messages = []
    if not args.no_unlabeled:
        for name in UNLABELED_FILES:
            pool_messages.extend(read_messages(data / name))
    # the pool deduplicated within itself first
    seen: set[tuple[str, str]] = set()
    unique_pool = []
    for m in pool_messages:
        k = (m.title, m.detail)
        if k not in seen:
            seen.add(k)
            unique_pool.append(m)
    pairs = [(m.title, m.detail) for m in unique_pool]
    _, overlap_all = overlap_filter(pairs, [(m.title, m.detail) for m in messages])
    print(
        f"labelled {len(messages)}; unlabelled pool {len(pool_messages)} messages, {len(unique_pool)} after "
        f"removing exact duplicates; {overlap_all} pool messages share a title or detail with one of the 495"
    )

    texts = [m.text for m in messages]
    labels = [m.label or "" for m in messages]
    splitter = RepeatedStratifiedKFold(n_splits=args.folds, n_repeats=args.repeats, random_state=0)
    accuracies: list[float] = []
    macros: list[float] = []
    per_class_all: dict[str, list[float]] = {}
    removed_counts: list[int] = []
    started = time.perf_counter()
    for fold, (train_idx, test_idx) in enumerate(splitter.split(texts, labels), start=1):
        test_pairs = [(messages[i].title, messages[i].detail) for i in test_idx]
        kept, removed = overlap_filter(pairs, test_pairs)
        removed_counts.append(removed)
        model = RoutingClassifier().fit(
            [texts[i] for i in train_idx],
            [labels[i] for i in train_idx],
            unlabeled=[unique_pool[i].text for i in kept],
            taxonomy=taxonomy,
        )
        predicted = model.predict([texts[i] for i in test_idx])
        accuracy, per_class, macro = macro_f1_report([labels[i] for i in test_idx], predicted)
        accuracies.append(accuracy)
        macros.append(macro)
        for label, f1 in per_class.items():
            per_class_all.setdefault(label, []).append(f1)
        print(
            f"fold {fold:2d}: accuracy {accuracy:.4f}  macro-F1 {macro:.4f}  "
            f"(pool {len(kept)}, {removed} removed as overlapping the test fold, fit {model.report_.seconds:.1f}s)",
            flush=True,
        )
    elapsed = time.perf_counter() - started
    runs = len(macros)
    print(f"\n{args.repeats}x{args.folds}-fold CV on {len(messages)} labelled messages, {runs} runs, {elapsed:.0f}s")
    print(f"unlabelled: {'off' if args.no_unlabeled else 'on'}; taxonomy: {'off' if args.no_taxonomy else 'on'}")
    print(
        f"pool messages removed per fold for overlapping the test fold: min {min(removed_counts)}, "
        f"max {max(removed_counts)}, mean {statistics.mean(removed_counts):.1f}"
    )
    for label in sorted(per_class_all):
        values = per_class_all[label]
        print(f"  F1 {label:<8} {statistics.mean(values):.4f} ± {statistics.stdev(values):.4f}")
    print(f"accuracy {statistics.mean(accuracies):.4f} ± {statistics.stdev(accuracies):.4f}")
    print(f"macro-F1 {statistics.mean(macros):.4f} ± {statistics.stdev(macros):.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
