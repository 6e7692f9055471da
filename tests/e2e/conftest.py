"""Browser tests: the demo city served by the real server, driven by Debian's headless chromium.

The app runs as `civicdesk serve` (gunicorn, two workers) in a subprocess, against a database built
for the session by `civicdesk demo`: a SQLite file, or, when DATABASE_URL points at PostgreSQL, a
database of its own on that server (created and dropped here). Nothing in this process touches the
ORM, so the browser's event loop never meets Django's async-safety checks, and the server sees the
demo data exactly as a user would.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Playwright's own browser download is never used: Debian's chromium, quiet and sandbox-free
# (CI runs as root).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
DEMO_ORDERS = 200
DEMO_PASSWORD = "qinglan2026"
VIEWPORT = {"width": 1366, "height": 900}
# Long enough for a 2-core CI machine under load, short enough that a missing button fails fast.
TIMEOUT_MS = 15_000
CAPTCHA_TEST_ANSWER = "e2e-pass"
RECORDING_URL = "https://recordings.invalid/play/{recording_id}"
# The served app's environment (its database), for app_command.
_LIVE_ENV: dict[str, str] = {}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} is not installed (apt-get install -y chromium fonts-noto-cjk; .ci/run does it)"
    )
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    # Lets the page fixture save a screenshot of the page a test failed on.
    setattr(item, f"report_{report.when}", report)
    return report


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _is_postgres(url: str) -> bool:
    return url.split(":", 1)[0] in {"postgres", "postgresql", "pgsql", "postgis"}


@contextlib.contextmanager
def _session_database(tmp: Path) -> Iterator[str]:
    """A database URL of the session's own: never the developer's database, nor pytest-django's."""
    configured = os.environ.get("DATABASE_URL", "")
    if not _is_postgres(configured):
        yield f"sqlite:///{tmp / 'e2e.sqlite3'}"
        return
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(configured)
    name = f"{config['NAME']}_e2e_{os.getpid()}"
    server = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }

    def run(statement: sql.Composable) -> None:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as connection:
            connection.execute(statement)

    run(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    run(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlsplit(configured)._replace(path=f"/{name}").geturl()
    finally:
        run(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.3)
    process.kill()
    pytest.fail(f"the server did not answer within 90 s:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of CivicDesk serving the demo city (青岚市, 200 orders) for the whole session."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for stale in ARTIFACTS.glob("FAILED-*.png"):  # from an earlier run; this run's failures make their own
        stale.unlink()
    tmp = tmp_path_factory.mktemp("e2e-server")
    with _session_database(tmp) as database_url:
        env = {
            **os.environ,
            "CIVICDESK_DATA_DIR": str(tmp),
            "DATABASE_URL": database_url,
            "DEBUG": "false",
            "PYTHONUNBUFFERED": "1",
            # The portal's captcha accepts this answer too, in this server only (off by default).
            "CIVICDESK_PORTAL_CAPTCHA_TEST_ANSWER": CAPTCHA_TEST_ANSWER,
            # The online desk is staffed all day here: the browser tests run at any hour.
            "CIVICDESK_CHAT_HOURS": "00:00-23:59",
            # Call recordings are offered (the play view sends the listener on to this address).
            "CIVICDESK_RECORDING_URL": RECORDING_URL,
        }
        _LIVE_ENV.clear()
        _LIVE_ENV.update(env)
        build = subprocess.run(
            [sys.executable, "-m", "civicdesk", "demo", "--orders", str(DEMO_ORDERS), "--no-serve"],
            env=env,
            cwd=tmp,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        (ARTIFACTS / "demo-build.log").write_text(build.stdout + build.stderr, encoding="utf-8")
        if build.returncode != 0:
            pytest.fail(f"civicdesk demo failed ({build.returncode}):\n{build.stderr[-3000:]}")
        port = _free_port()
        log = ARTIFACTS / "server.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "civicdesk",
                    "serve",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                    "--no-migrate",
                ],
                env=env,
                cwd=tmp,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            base = f"http://127.0.0.1:{port}"
            try:
                _wait_until_up(base, process, log)
                yield base
            finally:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)


@pytest.fixture
def app_command(live_app: str) -> Callable[..., str]:
    """Runs a `civicdesk` management command against the served app's database (e.g. to make
    an API token, as the center's administrator would) and returns what it printed."""

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "civicdesk", *args],
            env=_LIVE_ENV,
            cwd=_LIVE_ENV["CIVICDESK_DATA_DIR"],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if done.returncode != 0:
            pytest.fail(f"civicdesk {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
        return done.stdout

    return run


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    # Package scope: Playwright's sync API keeps an event loop for as long as it runs, and Django
    # refuses ORM calls while one is running, so it must be gone before the other test folders run.
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def new_page(browser: Any, live_app: str, request: pytest.FixtureRequest) -> Iterator[Callable[[], Any]]:
    """Opens a page in a fresh browser context (its own cookies and localStorage), like a new
    person at a new desk. A failed test leaves a screenshot of each of its pages."""
    contexts: list[Any] = []

    def open_page() -> Any:
        context = browser.new_context(base_url=live_app, locale="zh-CN", viewport=VIEWPORT)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    report = getattr(request.node, "report_call", None)
    for i, context in enumerate(contexts):
        if report is not None and report.failed:
            for j, page in enumerate(context.pages):
                with contextlib.suppress(Exception):
                    screenshot(page, f"FAILED-{request.node.name}-{i}-{j}")
        context.close()


@pytest.fixture
def signed_in(new_page: Callable[[], Any]) -> Callable[[str], Any]:
    """A page signed in as a demo account, on that person's home page."""
    from playwright.sync_api import expect

    def sign_in(username: str) -> Any:
        page = new_page()
        page.goto("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("button", name="退出")).to_be_visible()
        return page

    return sign_in
