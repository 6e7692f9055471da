"""gunicorn settings of `civicdesk serve`: each worker loads what the first request would
otherwise load (civicdesk.runtime.warmup) before it takes requests."""

from __future__ import annotations

import os
from typing import Any


def post_worker_init(worker: Any) -> None:
    # The app (Django) is loaded by now; warming here keeps every worker's database
    # connection its own (nothing is opened in the master and inherited by a fork).
    # CIVICDESK_WARMUP=0 serves without it (bench/console_pages_cold.py compares the two).
    if os.environ.get("CIVICDESK_WARMUP", "1") == "0":
        return
    # Imported in the worker, after Django is set up there: the master never loads the app.
    from civicdesk.runtime.warmup import warm_up

    took = warm_up(between=worker.notify)
    worker.log.info("CivicDesk warm-up: %s", ", ".join(f"{k} {v:.2f}s" for k, v in took.items()))
