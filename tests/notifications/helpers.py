"""Test doubles for delivery: a recording SMS backend, a local HTTP gateway, a tiny SMTP sink."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from civicdesk.notifications.backends import Outcome, SmsBackend
from civicdesk.notifications.models import Medium, OutboxMessage
from civicdesk.orders.models import WorkOrder

RECORDER = "tests.notifications.helpers.RecordingSmsBackend"


class RecordingSmsBackend(SmsBackend):
    """Keeps every send in a class-level list (shared by threads); optionally slow."""

    sent: list[tuple[str, str, str]] = []
    delay = 0.0
    lock = threading.Lock()

    @classmethod
    def reset(cls, delay: float = 0.0) -> None:
        with cls.lock:
            cls.sent = []
        cls.delay = delay

    def send(self, phone: str, text: str, key: str) -> Outcome:
        time.sleep(self.delay)
        with self.lock:
            self.sent.append((key, phone, text))
        return Outcome(True, "recorded")


def sms_of(order: WorkOrder) -> OutboxMessage:
    return OutboxMessage.objects.get(order=order, medium=Medium.SMS)


class Gateway:
    """An SMS gateway on 127.0.0.1: answers from a script (then 200 {"code": 0}), records each
    request, and—like real gateways given a client message id—delivers each id only once."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.script: list[tuple[int, str]] = []
        self.delivered: list[str] = []
        self._seen: set[str] = set()
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8") if length else ""
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                request: dict[str, Any] = {
                    "method": self.command,
                    "path": parts.path,
                    "query": query,
                    "body": body,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                }
                with gateway.lock:
                    gateway.requests.append(request)
                    status, answer = gateway.script.pop(0) if gateway.script else (200, '{"code": 0}')
                    key = str(query.get("id") or request["headers"].get("x-message-id") or "")
                    if 200 <= status < 300 and key not in gateway._seen:
                        gateway._seen.add(key)
                        gateway.delivered.append(key)
                data = answer.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = _handle
            do_POST = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def config(self, **overrides: Any) -> dict[str, Any]:
        config: dict[str, Any] = {
            "url": self.base + "/send?to={phone}&text={text}&id={id}",
            "method": "GET",
            "body": "",
            "headers": {},
            "user": "civicdesk",
            "password": "s3cret",
            "token": "",
            "ok_field": "code=0",
            "id_header": "",
            "timeout": 5,
        }
        config.update(overrides)
        return config

    def __enter__(self) -> Gateway:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class SmtpSink:
    """Just enough SMTP to accept mail on 127.0.0.1; refuses recipients starting "refused"."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self._stop = False

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                self._session(conn.makefile("rwb"))

    def _session(self, f: Any) -> None:
        def say(line: str) -> None:
            f.write(line.encode() + b"\r\n")
            f.flush()

        say("220 sink ready")
        sender, rcpts = "", list[str]()
        while True:
            line = f.readline()
            if not line:
                return
            cmd = line.decode().strip()
            verb = cmd.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                say("250 sink")
            elif verb == "MAIL":
                sender, rcpts = cmd.split(":", 1)[1].strip(" <>"), []
            elif verb == "RCPT":
                rcpt = cmd.split(":", 1)[1].strip(" <>")
                if rcpt.startswith("refused"):
                    say("550 no such user")
                    continue
                rcpts.append(rcpt)
            elif verb == "DATA":
                say("354 go ahead")
                data = b""
                while not data.endswith(b"\r\n.\r\n"):
                    chunk = f.readline()
                    if not chunk:
                        return
                    data += chunk
                self.messages.append((sender, rcpts, data[:-5]))
                say("250 queued")
                continue
            elif verb == "QUIT":
                say("221 bye")
                return
            if verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                say("250 ok")
            elif verb not in ("EHLO", "HELO"):
                say("502 not implemented")

    def __enter__(self) -> SmtpSink:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop = True
        self.thread.join(2)
        self.sock.close()


def parse_json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]
