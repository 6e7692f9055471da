"""The app's PostgreSQL connections run without JIT and without parallel workers, with a
random_page_cost of 1.1, unless told otherwise (CIVICDESK_PG_OPTIONS): a page's queries are short
and read through indexes, and on a small server compiling them or starting workers for them cost
more than they save (issue #20: the dispatcher's home and the word search took 20-30 ms longer on
PostgreSQL's defaults); on the default random_page_cost (spinning disks) the planner read a city's
open orders to join a unit's assisting parts (a handler's home at ten million orders: 78 → 23 ms)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
URL = "postgres://u:p@127.0.0.1:5432/civicdesk_x"


@pytest.mark.django_db
def test_a_connection_runs_without_jit_and_parallel_workers_planning_for_ssds() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's session settings: this run uses SQLite")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
        cursor.execute("SHOW max_parallel_workers_per_gather")
        workers = cursor.fetchone()[0]
        cursor.execute("SHOW random_page_cost")
        page_cost = cursor.fetchone()[0]
    assert (jit, workers, page_cost) == ("off", "0", "1.1")


def _options(tmp_path: Path, url: str, **env: str) -> dict[str, object]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CIVICDESK_")}
    environ.update(CIVICDESK_DATA_DIR=str(tmp_path), DATABASE_URL=url, **env)
    code = "import json, civicdesk.settings as s; print(json.dumps(s.DATABASES['default'].get('OPTIONS', {})))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_the_session_settings_can_be_changed_or_left_out(tmp_path: Path) -> None:
    assert _options(tmp_path, URL)["options"] == (
        "-c jit=off -c max_parallel_workers_per_gather=0 -c random_page_cost=1.1"
    )
    # A worker that rebuilds the statistics may want PostgreSQL's own settings back.
    assert "options" not in _options(tmp_path, URL, CIVICDESK_PG_OPTIONS="")
    assert _options(tmp_path, URL, CIVICDESK_PG_OPTIONS="-c work_mem=64MB")["options"] == "-c work_mem=64MB"
    # Options written in the database URL are the administrator's own: they win.
    assert _options(tmp_path, URL + "?options=-c%20jit%3Don")["options"] == "-c jit=on"
