"""Speed of the routing classifier: training on 100,000 orders and one suggestion (top-3).

Run:  .venv/bin/python bench/routing_speed.py [--orders 100000] [--jobs 2] [--data DIR]

The 100,000 training orders are SYNTHETIC, made from the 495 real labelled messages of
附件2: each order takes the label c and the title of a random real message of class c, and a
detail built from 2-4 sentences drawn at random from real details of class c (sentences
split on 。！？; the sentence order is shuffled), so texts have realistic length and vocabulary
but are not copies. Training also uses the category tree (附件1) and the ~9,700 real
unlabelled messages, as the evaluation command does. Latency is measured per message on
real messages of 附件3 that were not in training, one `top_k(text, k=3)` call each, with
the tokenizer's memo cleared first.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from civicdesk.text.teddycup import labelled, read_messages, read_taxonomy  # noqa: E402
from civicdesk.text.textclassify import RoutingClassifier, clear_token_cache, join_message  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "tipdm2020_c_smart_gov"
SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]?")


def synthetic_orders(n: int, seed: int, data: Path) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    by_class: dict[str, list[tuple[str, list[str]]]] = {}
    for m in labelled(read_messages(data / "附件2_示例数据_495.xlsx")):
        sentences = [s for s in SENTENCE.findall(m.detail) if s.strip()] or [m.detail]
        by_class.setdefault(m.label or "", []).append((m.title, sentences))
    classes = sorted(by_class)
    weights = [len(by_class[c]) for c in classes]
    texts: list[str] = []
    labels: list[str] = []
    for _ in range(n):
        label = rng.choices(classes, weights)[0]
        pool = by_class[label]
        title = rng.choice(pool)[0]
        parts = [rng.choice(rng.choice(pool)[1]) for _ in range(rng.randint(2, 4))]
        rng.shuffle(parts)
        texts.append(join_message(title, "".join(parts)))
        labels.append(label)
    return texts, labels


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--latency-samples", type=int, default=500)
    args = parser.parse_args()
    data: Path = args.data
    if not data.is_dir():
        print(f"data folder {data} not found", file=sys.stderr)
        return 2

    print(f"machine: {os.cpu_count()} CPUs; tokenising with {args.jobs} process(es)")
    texts, labels = synthetic_orders(args.orders, seed=0, data=data)
    mean_len = statistics.mean(len(t) for t in texts)
    print(
        f"training set: {len(texts)} SYNTHETIC orders recombined from the 495 real labelled messages "
        f"(real title + 2-4 real detail sentences of the same class, mean {mean_len:.0f} chars)"
    )
    taxonomy = [leaf.path for leaf in read_taxonomy(data / "附件1.xlsx")]
    unlabeled: list[str] = []
    for name in ("附件3.xlsx", "附件4.xlsx", "测试数据_2801.xlsx"):
        unlabeled.extend(m.text for m in read_messages(data / name))
    held_out = unlabeled[: args.latency_samples]
    pool = unlabeled[args.latency_samples :]
    print(f"plus {len(taxonomy)} taxonomy leaves and {len(pool)} real unlabelled messages")

    clear_token_cache()
    started = time.perf_counter()
    model = RoutingClassifier(n_jobs=args.jobs).fit(texts, labels, unlabeled=pool, taxonomy=taxonomy)
    train_seconds = time.perf_counter() - started
    print(f"training time: {train_seconds:.1f} s (calibration: {model.report_.calibration})")

    clear_token_cache()
    model.top_k(held_out[0], k=3)  # warm-up (lazy imports)
    clear_token_cache()
    latencies: list[float] = []
    for text in held_out:
        t0 = time.perf_counter()
        model.top_k(text, k=3)
        latencies.append((time.perf_counter() - t0) * 1000.0)
    latencies.sort()
    p95 = latencies[min(len(latencies) - 1, round(0.95 * len(latencies)) - 1)]
    print(
        f"suggestion latency over {len(latencies)} real unseen messages (附件3): "
        f"median {statistics.median(latencies):.2f} ms, p95 {p95:.2f} ms, max {latencies[-1]:.2f} ms"
    )
    size = len(model.to_bytes())
    print(f"model size: {size / 1e6:.1f} MB pickled")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
