"""Serve the app with gunicorn (static files through whitenoise)."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


def default_workers() -> int:
    """Worker processes for this machine: two per core and one more (gunicorn's own advice). A
    sync worker serves one request at a time and waits for PostgreSQL in each of its queries
    (bench/intake_cost.py: a new order is about three quarters the app's CPU, a quarter the
    database's), so one process per core leaves cores idle while others wait. Each process holds
    one database connection and its own copy of what the warm-up loads."""
    return 2 * (os.cpu_count() or 1) + 1


class Command(BaseCommand):
    help = "用 gunicorn 运行 CivicDesk（生产服务器）。Run CivicDesk with gunicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("CIVICDESK_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", "0")) or None,
            help="worker processes (default: WEB_CONCURRENCY, else 2 per core + 1)",
        )
        parser.add_argument("--no-migrate", action="store_true", help="do not apply migrations first")

    def handle(self, *args: Any, bind: str, workers: int | None, no_migrate: bool, **options: Any) -> None:
        workers = workers or default_workers()
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        # Checks that read the database (the portal's hub); an error stops the start with its message.
        call_command("check", databases=["default"])
        # The hashed-name static storage needs its manifest; building it takes a second.
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"CivicDesk: http://{bind}/  (Ctrl+C 停止)")
        self.stdout.flush()
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "civicdesk.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--timeout",
            "60",
            # Each worker loads views, templates, jieba and the dispatch model before its first request.
            "--config",
            "python:civicdesk.runtime.gunicorn_conf",
        ]
        # Replace this process so gunicorn receives the signals (Ctrl+C, SIGTERM) directly.
        os.execv(sys.executable, argv)  # noqa: S606
