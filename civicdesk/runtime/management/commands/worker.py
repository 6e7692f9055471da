"""Run background tasks (django-tasks, database backend) and the periodic sweeps.

Several workers may run against one PostgreSQL: tasks are claimed with row locks by
django-tasks-db, and the sweeps lock each order with SKIP LOCKED.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from civicdesk.runtime.sweeps import run_round

logger = logging.getLogger("civicdesk.worker")


class Command(BaseCommand):
    help = "运行后台任务与定时巡检（时限预警等）。Run background tasks and periodic sweeps."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run the sweeps and queued tasks once, then exit")
        parser.add_argument("--sweep-interval", type=float, default=None)

    def handle(self, *args: Any, once: bool, sweep_interval: float | None, **options: Any) -> None:
        interval = sweep_interval or float(settings.CIVICDESK_SWEEP_INTERVAL)
        worker_id = get_random_string(16)
        tasks = Worker(
            queue_names=["*"],
            interval=1.0,
            batch=once,
            backend_name="default",
            startup_delay=not once,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        if once:
            self._sweep()
            tasks.run()
            return
        stop = threading.Event()

        def shutdown(signum: int, frame: FrameType | None) -> None:
            stop.set()
            tasks.running = False

        signal.signal(signal.SIGINT, shutdown)
        signal.signal(signal.SIGTERM, shutdown)
        sweeper = threading.Thread(target=self._sweep_loop, args=(stop, interval), daemon=True)
        sweeper.start()
        self.stdout.write(f"CivicDesk worker {worker_id}: tasks + sweeps every {interval:g}s")
        self.stdout.flush()
        while not stop.is_set():
            tasks.batch = True  # run what is queued, then come back here to check `stop`
            tasks.run()
            stop.wait(1.0)
        sweeper.join(timeout=10)

    def _sweep(self) -> None:
        # A failing sweep is logged and recorded by run_round and shown to admins; the others
        # and the queued tasks still run, and the worker keeps going (exit status 0 for --once).
        result = run_round()
        if any(result.counts.values()):
            self.stdout.write(" ".join(f"{name}={count}" for name, count in result.counts.items()))
        for name, error in result.failed.items():
            self.stderr.write(f"sweep {name} failed: {error}")

    def _sweep_loop(self, stop: threading.Event, interval: float) -> None:
        while not stop.is_set():
            started = time.monotonic()
            try:
                close_old_connections()
                self._sweep()
            except Exception:  # a failing sweep must not kill the worker; it retries next round
                logger.exception("sweep failed")
            finally:
                close_old_connections()
            stop.wait(max(0.0, interval - (time.monotonic() - started)))
