"""gunicorn settings of `civicdesk serve`: each worker loads what the first request would
otherwise load (civicdesk.runtime.warmup) before it takes requests; with
CIVICDESK_SERVE_WORKER=1 (what `civicdesk demo` sets) the server also runs one
`civicdesk worker` beside it and stops it when the server stops."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

# How long the task worker may take to finish its current task when the server stops.
WORKER_STOP_SECONDS = 15


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


def when_ready(server: Any) -> None:
    # A single-machine install (the demo) has nobody to start the task worker by hand:
    # without it queued exports, SMS delivery, hotspot grouping, the deadline watch and the
    # statistics rollups would wait for ever. A production install runs `civicdesk worker`
    # as its own service (several, on PostgreSQL) and leaves this off.
    if os.environ.get("CIVICDESK_SERVE_WORKER", "0") != "1":
        return
    process = subprocess.Popen([sys.executable, "-m", "civicdesk", "worker"])
    server.civicdesk_worker = process
    server.log.info("CivicDesk task worker started (pid %s)", process.pid)


def on_exit(server: Any) -> None:
    process: subprocess.Popen[bytes] | None = getattr(server, "civicdesk_worker", None)
    if process is None or process.poll() is not None:
        return
    process.terminate()  # the worker finishes its current task and stops (SIGTERM)
    try:
        process.wait(timeout=WORKER_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    server.log.info("CivicDesk task worker stopped")
