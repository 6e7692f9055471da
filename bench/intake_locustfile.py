"""Locust users of bench/intake_load.py (run it, not this file: it prepares the database, the
tokens, the staff's sessions and the server, and writes the JSON this file reads).

Two kinds of user:

- ApiClient: another system taking orders in through `POST /api/v1/orders`, at a fixed pace
  (each user on its own beat, the beats spread evenly), each POST with its own Idempotency-Key
  and that key in the order's title (`〔key〕`), so that the script can tell afterwards, order
  by order, which were lost and which doubled.
- Staff: a signed-in member of the demo city's staff (session cookie made by the script)
  paging their queue and the orders in it, with a person's pause between two pages.

Every outcome of a POST is written to the results file when the test stops: the key with the
order number answered (201), or the key with what went wrong (status or exception) and the body
sent, so that the script can retry it with the same key.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
from typing import Any

import gevent
from locust import FastHttpUser, between, events, task

CONFIG: dict[str, Any] = json.loads(open(os.environ["CIVICDESK_LOAD_CONFIG"], encoding="utf-8").read())  # noqa: SIM115
_sequence = itertools.count(1)
_tokens = itertools.cycle(CONFIG["tokens"])
_staff = iter(CONFIG["staff"])
# key -> order number (201); key -> {"error", "status", "body", "token"} (anything else); keys sent
# with no answer yet are "pending" (still in flight when the run stopped), with their body and token.
created: dict[str, str] = {}
failed: dict[str, dict[str, Any]] = {}
pending: dict[str, dict[str, Any]] = {}
# Every request as locust timed it: name -> [[start (epoch s), ms, error or ""], ...]. Kept here
# rather than read from locust's CSV, which is written before the last requests have ended.
timings: dict[str, list[list[Any]]] = {}


@events.request.add_listener
def _timed(name: str, start_time: float, response_time: float, exception: Any, **_kwargs: Any) -> None:
    timings.setdefault(name, []).append([start_time, response_time, str(exception)[:120] if exception else ""])


class ApiClient(FastHttpUser):
    fixed_count = int(CONFIG["api_users"])
    # Each user POSTs once every `interval` seconds (together --rate orders/s), on its own beat.
    interval = max(1, int(CONFIG["api_users"])) / float(CONFIG["rate"])
    # A slow answer is a slow answer, not a retry: one POST is one attempt.
    max_retries = 0
    network_timeout = float(CONFIG.get("timeout", 60))
    connection_timeout = float(CONFIG.get("timeout", 60))

    def on_start(self) -> None:
        self.token = next(_tokens)
        self.samples = CONFIG["samples"]
        # The beats are spread over one interval. With constant_throughput (locust's pace, counted
        # from when the users were spawned, all at once) every user's second POST and all after it
        # came in the same instant whatever its first waited: at 40 orders/s sixty POSTs every
        # 1.5 s queued behind each other on the server's five workers, p50 280 ms, where the
        # same rate spread evenly is answered in 18 ms. Other systems' orders do not arrive in step.
        self.next_at = time.monotonic() + random.uniform(0, self.interval)
        gevent.sleep(self.next_at - time.monotonic())

    def wait_time(self) -> float:
        # The next beat; one missed (the POST took longer than the interval) is not made up.
        now = time.monotonic()
        self.next_at = max(self.next_at + self.interval, now)
        return self.next_at - now

    @task
    def create_order(self) -> None:
        key = f"{CONFIG['run']}-{next(_sequence)}"
        sample = random.choice(self.samples)
        body = {**sample, "title": f"{sample['title']}〔{key}〕"}
        pending[key] = {"body": body, "token": self.token}
        with self.client.post(
            "/api/v1/orders",
            json=body,
            headers={"Authorization": f"Bearer {self.token}", "Idempotency-Key": key},
            name="api: POST /api/v1/orders",  # bench/intake_load.py POST_NAME
            catch_response=True,
        ) as response:
            pending.pop(key, None)
            number = None
            if response.status_code == 201:
                try:
                    number = response.json().get("number")
                except ValueError:
                    number = None
            if number:
                created[key] = number
                response.success()
            else:
                error = response.error or f"HTTP {response.status_code}"
                failed[key] = {
                    "error": str(error)[:200],
                    "status": response.status_code,
                    "body": body,
                    "token": self.token,
                }
                response.failure(f"HTTP {response.status_code}")


class Staff(FastHttpUser):
    fixed_count = int(CONFIG["staff_users"])
    wait_time = between(float(CONFIG["staff_wait"][0]), float(CONFIG["staff_wait"][1]))
    max_retries = 0
    network_timeout = float(CONFIG.get("timeout", 60))
    connection_timeout = float(CONFIG.get("timeout", 60))

    def on_start(self) -> None:
        me = next(_staff)
        self.username = me["username"]
        self.cookie = f"{me['cookie_name']}={me['session']}"
        self.pages: list[tuple[str, str]] = [(path, name) for path, name in me["pages"]]
        self.orders: list[str] = me["orders"]

    def _get(self, path: str, name: str) -> None:
        # No redirect followed: a redirect to the sign-in page would be a lost session, not a page.
        with self.client.get(
            path, headers={"Cookie": self.cookie}, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code} for {self.username}")

    @task(3)
    def queue(self) -> None:
        path, name = random.choice(self.pages)
        self._get(path, name)

    @task(2)
    def order_page(self) -> None:
        if self.orders:
            self._get(f"/orders/{random.choice(self.orders)}/", "staff: order page")
        else:
            self.queue()


@events.test_stop.add_listener
def _write_results(**_kwargs: Any) -> None:
    with open(CONFIG["results"], "w", encoding="utf-8") as out:
        json.dump(
            {"created": created, "failed": failed, "pending": pending, "timings": timings}, out, ensure_ascii=False
        )
