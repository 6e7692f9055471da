"""A mock upstream platform on real loopback HTTP: it takes our reports (POST /reports),
answers from a script (a status, or a delay), and — like a real platform given an
idempotency key — applies each key once. It can be down (not listening) and come back on the
same port. It also lists new orders for a pull (GET /orders)."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class MockUpstream:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.received: list[dict[str, Any]] = []  # every request, repeats included
        self.applied: dict[str, dict[str, Any]] = {}  # idempotency key → the report, once
        self.order_of_applying: list[str] = []
        self.script: list[tuple[str, float]] = []  # ("status", 500) or ("sleep", seconds)
        self.orders: list[dict[str, Any]] = []
        self.got_request = threading.Event()
        self.lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def up(self) -> MockUpstream:
        mock = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._answer(200, {"orders": mock.orders})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length).decode("utf-8"))
                key = self.headers.get("Idempotency-Key", "")
                with mock.lock:
                    mock.received.append(
                        {"key": key, "body": body, "auth": self.headers.get("Authorization"), "path": self.path}
                    )
                    step = mock.script.pop(0) if mock.script else ("status", 200)
                mock.got_request.set()
                if step[0] == "sleep":
                    time.sleep(step[1])
                    step = ("status", 200)
                if int(step[1]) != 200:
                    self._answer(int(step[1]), {"code": 1, "msg": "error"})
                    return
                with mock.lock:
                    if key not in mock.applied:
                        mock.applied[key] = body
                        mock.order_of_applying.append(key)
                # The caller may have given up waiting (a slow answer).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._answer(200, {"code": 0})

            def _answer(self, status: int, body: Any) -> None:
                raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def down(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def kinds(self) -> list[str]:
        """The kinds applied, in the order they were applied."""
        return [str(self.applied[key]["kind"]) for key in self.order_of_applying]
