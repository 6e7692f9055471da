"""A one-machine install (the demo) serves with the task worker beside it: without it queued
exports, SMS, hotspots, the deadline watch and the statistics would never move. The worker
runs its sweeps (the admin's 后台巡检状态 shows them) and stops with the server."""

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from civicdesk.runtime import gunicorn_conf
from tests.runtime.test_serve import _free_port, _get


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone but for its parent's reading of its status.
    return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()


def _sweeps_done(database: Path) -> int:
    try:
        with sqlite3.connect(database, timeout=5) as db:
            row = db.execute("SELECT count(*) FROM runtime_sweepstate WHERE last_success_at IS NOT NULL").fetchone()
    except sqlite3.OperationalError:
        return 0  # not migrated yet
    return int(row[0])


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads the process tree from Linux's /proc")
def test_the_server_runs_the_task_worker_and_stops_it(tmp_path: Path) -> None:
    port = _free_port()
    database = tmp_path / "db.sqlite3"
    env = {
        **os.environ,
        "CIVICDESK_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{database}",
        "CIVICDESK_SERVE_WORKER": "1",
        "CIVICDESK_WARMUP": "0",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "civicdesk", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 150  # migrate, collectstatic, start, on a busy machine
        workers: list[int] = []
        while time.monotonic() < deadline:
            workers = [p for p in _children(server.pid) if "civicdesk worker" in _cmdline(p)]
            if workers and _sweeps_done(database) > 0:
                break
            time.sleep(0.5)
        assert len(workers) == 1, "the server runs one task worker"
        assert _sweeps_done(database) > 0, "the worker ran its sweeps"
        assert _get(f"http://127.0.0.1:{port}/healthz")[0] == 200
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert not _alive(workers[0]), "the worker stops with the server"


def test_without_the_switch_the_server_starts_no_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    # A production install runs its workers as services of their own; serve adds none.
    monkeypatch.delenv("CIVICDESK_SERVE_WORKER", raising=False)
    started: list[object] = []
    monkeypatch.setattr(gunicorn_conf.subprocess, "Popen", lambda *a, **k: started.append(a))
    server = SimpleNamespace(log=SimpleNamespace(info=lambda *a: None))
    gunicorn_conf.when_ready(server)
    gunicorn_conf.on_exit(server)
    assert started == []
    monkeypatch.setenv("CIVICDESK_SERVE_WORKER", "1")
    monkeypatch.setattr(gunicorn_conf.subprocess, "Popen", lambda *a, **k: started.append(a) or SimpleNamespace(pid=1))
    gunicorn_conf.when_ready(server)
    assert started == [([sys.executable, "-m", "civicdesk", "worker"],)]
