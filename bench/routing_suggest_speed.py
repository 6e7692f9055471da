"""Speed of the full dispatch suggestion (civicdesk.routing.suggestions.suggest): area
recognition with jieba, the active model's category probabilities, the unit from category ×
area through the catalogue and the history table, reasons and supporting orders.

Run against a database that holds an active model version, e.g. the demo:

    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/civicdesk demo --no-serve --bulk
    DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python bench/routing_suggest_speed.py [--n 500]

Texts are the database's own orders, each suggested once as at intake (no category, no
area: both are inferred) and once as on the board (category and area as stored), with the
tokenizer's memo cleared first so no text is segmented from the cache. The reference data
and the model are loaded once before timing (as in a running server). Prints p50/p95/max.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")


def main() -> int:
    import django

    django.setup()
    from civicdesk.orders.models import WorkOrder
    from civicdesk.routing import gazetteer
    from civicdesk.routing.suggestions import active_model, suggest, suggest_many
    from civicdesk.text.textclassify import clear_token_cache

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    args = parser.parse_args()

    model = active_model()
    if model is None:
        print("no active model version in this database (run `civicdesk demo` first)")
        return 1
    gazetteer.ensure_loaded()
    orders = list(WorkOrder.objects.select_related("category", "area").order_by("-created_at")[: args.n])
    suggest(title="预热", content="预热")  # load reference data once
    clear_token_cache()

    def timed(**kwargs: object) -> float:
        started = time.perf_counter()
        suggest(**kwargs)  # type: ignore[arg-type]
        return (time.perf_counter() - started) * 1000

    intake = [timed(title=o.title, content=o.content, address=o.address) for o in orders]
    clear_token_cache()
    board = [
        timed(title=o.title, content=o.content, address=o.address, area=o.area, category=o.category) for o in orders
    ]
    clear_token_cache()
    started = time.perf_counter()
    page = orders[:50]
    suggest_many([(o.title, o.content, o.address, o.area, o.category) for o in page], limit=1)
    page_ms = (time.perf_counter() - started) * 1000

    def line(name: str, values: list[float]) -> str:
        ordered = sorted(values)
        p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
        return (
            f"{name}: n={len(values)} p50={statistics.median(values):.2f} ms p95={p95:.2f} ms max={ordered[-1]:.2f} ms"
        )

    print(f"model v{model.number}: {model.model.train_size} training orders")
    print(line("suggest (intake: text only)", intake))
    print(line("suggest (board: category and area given)", board))
    print(f"board page of {len(page)} rows (one batch): {page_ms:.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
