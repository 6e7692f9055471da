"""Speed of training the whole dispatch model (civicdesk.routing.engine.DispatchModel: the
leaf-category classifier plus the unit history tables) on 100,000 orders.

Run against a database with closed orders, e.g. the demo:

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python bench/routing_train_speed.py [--orders 100000]

The 100,000 orders are SYNTHETIC, resampled from the database's closed orders: each takes
the category, unit and area of a random closed order, its title, and a content made of 2-4
sentences drawn from contents of closed orders of the same category (shuffled), so texts
have the real length and vocabulary without being copies. Loading the orders is timed
apart from training. The text classifier learns from the most recent MAX_TEXT_ORDERS of
them (civicdesk.routing.engine), the unit tables from all. Wall time depends on what else
the machine runs: the CPU time (this process and its tokenising workers) is printed too.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")
SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]?")


def main() -> int:
    import django

    django.setup()
    from civicdesk.routing import suggestions, training
    from civicdesk.routing.engine import DispatchModel, TrainingOrder

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    started = time.perf_counter()
    rows = [r.order for r in training.closed_orders()]
    docs = suggestions.category_docs()
    loaded = time.perf_counter() - started
    if len(rows) < 50:
        print("too few closed orders in this database (run `civicdesk demo` first)")
        return 1
    rng = random.Random(0)
    sentences: dict[int, list[str]] = {}
    for o in rows:
        sentences.setdefault(o.category_id, []).extend(s for s in SENTENCE.findall(o.content) if s.strip())
    synthetic: list[TrainingOrder] = []
    for i in range(args.orders):
        base = rng.choice(rows)
        pool = sentences.get(base.category_id) or [base.content]
        parts = [rng.choice(pool) for _ in range(rng.randint(2, 4))]
        rng.shuffle(parts)
        synthetic.append(replace(base, number=f"S{i:08d}", content="".join(parts), closed_at=float(i)))

    import resource

    def cpu() -> float:
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    started, cpu_started = time.perf_counter(), cpu()
    model = DispatchModel.train(synthetic, docs, n_jobs=args.jobs)
    seconds, cpu_seconds = time.perf_counter() - started, cpu() - cpu_started
    classes = len(model.classifier.classes_) if model.classifier is not None else 1
    print(f"loaded {len(rows)} closed orders in {loaded:.1f} s")
    print(
        f"trained on {len(synthetic)} synthetic orders ({classes} categories, {len(model.unit_counts)} "
        f"history keys) in {seconds:.1f} s wall, {cpu_seconds:.1f} s CPU (jobs={args.jobs}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
