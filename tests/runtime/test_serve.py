"""`civicdesk serve` really serves: gunicorn answers, admin pages render, static files come
from the app itself (no CDN on a government intranet)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture
def server(tmp_path: Path):
    port = _free_port()
    env = {**os.environ, "CIVICDESK_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "civicdesk", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 150  # migrate, collectstatic and the workers' warm-up, on a busy machine
    while time.monotonic() < deadline:
        try:
            if _get(base + "/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("server did not start: " + process.stdout.read().decode() if process.stdout else "")
    yield base
    process.terminate()
    process.wait(timeout=20)


def test_it_serves_the_admin_sign_in_page_in_chinese(server: str) -> None:
    status, body = _get(server + "/admin/login/")
    assert status == 200
    assert "登录" in body.decode()


def test_it_serves_static_files_itself(server: str) -> None:
    _, page = _get(server + "/admin/login/")
    css = page.decode().split('href="/static/', 1)[1].split('"', 1)[0]
    status, body = _get(f"{server}/static/{css}")
    assert status == 200
    assert len(body) > 1000
