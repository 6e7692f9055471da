"""Two CivicDesk installations linked by their APIs, each a real `civicdesk serve` on
loopback with its own database: the upper one (a prefecture 12345) hands an order down to
its remote hub, the county's installation; the county dispatches it, its unit signs and
replies, its center accepts the reply and calls the citizen back; the upper one shows every
step once on the order's timeline, and the order closed with the county's reply.

The outboxes are delivered by each installation's worker (`civicdesk worker --once`), run
twice at each step: a second run, and a report delivered again, change nothing."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.linked.sides import PLATFORM, REMOTE_HUB

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _database_urls(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two fresh databases of the kind the suite runs on: two SQLite files, or two PostgreSQL
    databases beside the test database (dropped afterwards)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'upper.sqlite3'}", f"sqlite:///{tmp_path / 'lower.sqlite3'}"
        return
    import psycopg  # only on PostgreSQL: the driver the settings use there

    parts = urlsplit(url)
    base = parts.path.lstrip("/") or "civicdesk"
    names = [f"{base}_linked_upper", f"{base}_linked_lower"]
    admin = urlunsplit(parts._replace(path="/postgres"))

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    with psycopg.connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield tuple(urlunsplit(parts._replace(path=f"/{name}")) for name in names)  # type: ignore[misc]
    finally:
        drop()


@dataclass
class Installation:
    name: str
    env: dict[str, str]
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen[bytes] | None = None
    tokens: dict[str, str] = field(default_factory=dict)
    # What the county's reports carry (its platform's 回报认证值, Bearer …).
    report_token: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def run(self, *args: str, timeout: float = 600) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "civicdesk", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        assert done.returncode == 0, f"{self.name}: civicdesk {args[0]} failed:\n{done.stderr.decode()[-3000:]}"
        return done.stdout.decode()

    def shell(self, code: str) -> Any:
        return json.loads(self.run("shell", "-c", code).strip().splitlines()[-1])

    def deliver(self) -> None:
        """The worker's round: the sweeps (the outbox among them) and the queued tasks."""
        self.run("worker", "--once")

    def settle(self, expected: int) -> list[list[Any]]:
        """Worker rounds until the installation's `expected` upstream messages are all sent (a
        timed-out call on a busy machine is sent again, with its key); then one more round,
        which must change nothing. Returns the outbox rows (template, status, attempts)."""
        deadline = time.monotonic() + 240
        while True:
            self.deliver()
            rows: list[list[Any]] = self.shell("from tests.linked.sides import outbox; outbox()")
            if len(rows) >= expected and all(row[1] == "sent" for row in rows):
                break
            assert time.monotonic() < deadline, f"{self.name}: outbox not delivered: {rows}"
            time.sleep(1)
        self.deliver()
        return rows

    def serve(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "civicdesk", "serve", "--no-migrate", "--workers", "1", "--bind", self.url[7:]],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait_up(self) -> None:
        deadline = time.monotonic() + 600  # collectstatic and the workers' warm-up, on a busy machine
        while time.monotonic() < deadline:
            assert self.process is not None and self.process.poll() is None, f"{self.name} stopped"
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.5)
        pytest.fail(f"{self.name} did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def call(self, who: str, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.tokens[who]}", "Content-Type": "application/json"}
        if method == "POST" and path == "/api/v1/orders":
            headers["Idempotency-Key"] = str(uuid.uuid4())
        return _http(method, self.url + path, body, headers)

    def act(self, who: str, number: str, action: str, **params: Any) -> dict[str, Any]:
        order = self.order(who, number)
        status, answer = self.call(
            who,
            "POST",
            f"/api/v1/orders/{number}/actions/{action}",
            {"expected_version": order["version"], **params},
        )
        assert status == 200, f"{self.name}: {action} → {status} {answer}"
        return answer

    def order(self, who: str, number: str) -> dict[str, Any]:
        status, answer = self.call(who, "GET", f"/api/v1/orders/{number}")
        assert status == 200, f"{self.name}: GET {number} → {status} {answer}"
        return answer

    def events(self, who: str, number: str) -> list[dict[str, Any]]:
        status, answer = self.call(who, "GET", f"/api/v1/orders/{number}/events")
        assert status == 200
        return answer


def _http(method: str, url: str, body: dict[str, Any] | None, headers: dict[str, str]) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.fixture
def linked(tmp_path: Path) -> Iterator[tuple[Installation, Installation]]:
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    # A retry after a timeout (a loaded machine) comes a second later, not a minute.
    base.update(
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        CIVICDESK_OUTBOX_DELIVER_ON_COMMIT="true",
        CIVICDESK_OUTBOX_BACKOFF="1",
        CIVICDESK_OUTBOX_BACKOFF_MAX="2",
    )
    for urls in _database_urls(tmp_path):
        sides = []
        for name, url in zip(("upper", "lower"), urls, strict=True):
            data_dir = tmp_path / name
            data_dir.mkdir()
            env = {**base, "DATABASE_URL": url, "CIVICDESK_DATA_DIR": str(data_dir)}
            sides.append(Installation(name, env))
        upper, lower = sides
        push_token, report_token = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        lower.report_token = report_token
        migrations = [
            subprocess.Popen([sys.executable, "-m", "civicdesk", "migrate", "-v", "0"], env=s.env, cwd=ROOT)
            for s in sides
        ]
        assert all(m.wait(timeout=1200) == 0 for m in migrations)
        upper.tokens = upper.shell(
            f"from tests.linked.sides import upper; upper({lower.url!r}, {push_token!r}, {report_token!r})"
        )
        lower.tokens = lower.shell(
            f"from tests.linked.sides import lower; lower({upper.url!r}, {push_token!r}, {report_token!r})"
        )
        try:
            for side in sides:
                side.serve()
            for side in sides:
                side.wait_up()
            yield upper, lower
        finally:
            for side in sides:
                side.stop()


def _remote_steps(events: list[dict[str, Any]]) -> list[str]:
    return [e["data"]["kind"] for e in events if e["action"] == "remote_progress"]


def test_an_order_handed_to_the_county_installation_comes_back_closed_with_its_reply(
    linked: tuple[Installation, Installation],
) -> None:
    upper, lower = linked

    # The prefecture takes the call and hands it down to the county's installation.
    status, created = upper.call(
        "operator",
        "POST",
        "/api/v1/orders",
        {
            "request_type": "complaint",
            "title": "荣成市石岛镇海边栈道护栏损坏",
            "content": "石岛镇海边栈道多处护栏松动，游客多，存在坠海危险，请尽快修复。",
            "citizen_name": "刘女士",
            "citizen_phone": "13900002222",
        },
    )
    assert status == 201, created
    number = created["number"]
    upper.act("operator", number, "send_to_hub")
    handed = upper.act("dispatcher", number, "hand_down", lower_hub=REMOTE_HUB, note="属地办理")
    assert handed["state"] == "pending_dispatch" and handed["hub"]["code"] == REMOTE_HUB
    upper_due = datetime.fromisoformat(handed["handle_due_at"])

    assert [row[0] for row in upper.settle(1)] == ["remote:orders"]

    # The county has it once, with the prefecture's number and deadline, in its dispatch queue.
    status, listing = lower.call("dispatcher", "GET", "/api/v1/orders?state=pending_dispatch")
    assert status == 200
    arrived = [o for o in listing["results"] if o["title"] == "荣成市石岛镇海边栈道护栏损坏"]
    assert len(arrived) == 1
    county_number = arrived[0]["number"]
    county = lower.order("dispatcher", county_number)
    assert county["upstream_platform"] == PLATFORM and county["upstream_id"] == number
    assert datetime.fromisoformat(county["upstream_due_at"]) == upper_due
    assert county["contact"]["name"] == "刘女士"

    # The county works it with its own people: dispatch, sign, reply, review, callback.
    lower.act("dispatcher", county_number, "dispatch", lead_unit="rc-zj")
    signed = lower.act("handler_a", county_number, "sign")
    # Its unit's deadline ends the platform's margin before the prefecture's.
    assert datetime.fromisoformat(signed["handle_due_at"]) <= upper_due
    reply = "已组织施工队更换松动护栏 12 处，并设置警示牌。"
    lower.act("handler_a", county_number, "reply", result="solved", text=reply)
    lower.act("dispatcher", county_number, "accept_reply")
    lower.act("callback_agent", county_number, "record_callback", solved="solved", satisfaction="satisfied")
    assert lower.order("dispatcher", county_number)["state"] == "closed"

    sent_up = lower.settle(4)
    assert [row[0] for row in sent_up] == [
        "upstream:accepted",
        "upstream:signed",
        "upstream:replied",
        "upstream:closed",
    ]

    # The prefecture's order: each of the county's moves once, in order; closed with its reply.
    events = upper.events("dispatcher", number)
    assert _remote_steps(events) == ["accepted", "signed", "replied", "closed"]
    assert {e["data"]["remote_number"] for e in events if e["action"] == "remote_progress"} == {county_number}
    order = upper.order("dispatcher", number)
    assert order["state"] == "closed"
    assert order["reply_text"] == reply and order["reply_result"] == "solved"

    # A report delivered again (a lost answer, say) is taken once: nothing new on the timeline.
    closed = next(e for e in events if e["action"] == "remote_progress" and e["data"]["kind"] == "closed")
    key = closed["data"]["key"]
    repeat = {"idempotency_key": key, "upstream_id": number, "kind": "closed", "reply": reply}
    headers = {"Authorization": f"Bearer {lower.report_token}", "Content-Type": "application/json"}
    status, _answer = _http("POST", f"{upper.url}/upstream/hubs/{REMOTE_HUB}/reports/", repeat, headers)
    assert status == 200
    assert _remote_steps(upper.events("dispatcher", number)) == ["accepted", "signed", "replied", "closed"]

    # Nothing more went either way: one message handed down, four reported up, each taken once
    # (a call retried after a timeout carries the same key and is dropped by the other side).
    assert [row[:2] for row in upper.shell("from tests.linked.sides import outbox; outbox()")] == [
        ["remote:orders", "sent"]
    ]
    assert len(lower.shell("from tests.linked.sides import outbox; outbox()")) == 4
    status, listing = lower.call("dispatcher", "GET", "/api/v1/orders")
    assert [o["title"] for o in listing["results"]].count("荣成市石岛镇海边栈道护栏损坏") == 1
