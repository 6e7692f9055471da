"""A chat message's round trip on the online desk, in server time, with 50 chats open.

    DATABASE_URL=postgres://…/civicdesk_bench_chat CIVICDESK_DATA_DIR=var/bench-chat \\
        .venv/bin/python bench/chat_roundtrip.py [--chats 50] [--rounds 600] [--history 20]

In a scratch database (migrated here; everything this script writes is rolled back at the
end, so it can run again): the test city's hub with five operators, `--chats` chats each
taken by one of them and holding `--history` messages. One round trip is what the two
browsers do for one message: the citizen's page posts it (htmx, /chat/send, the log comes
back) and the operator's page polls the conversation (/chat/desk/<id>/messages) and gets it;
then the other way (the operator's /say, the citizen's poll of /chat/messages). Each is timed
inside the server (Django's test client: the whole request through middleware, sessions and
templates; no network), with the app process's CPU time per request beside it (on a busy
machine the wall time includes waiting for a CPU). Prints p50/p95/max per request and per round trip against the goal
(≤ 100 ms p95), with the load average and the process's CPU time.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from civicdesk.chat import actions  # noqa: E402
from civicdesk.org.models import Role  # noqa: E402
from tests.world import build_world  # noqa: E402

GOAL_MS = 100.0


class Rollback(Exception):
    pass


def _p(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def _line(name: str, values: list[float]) -> str:
    return (
        f"{name:<34} n={len(values):>5}  p50={_p(values, 0.5):7.1f} ms  p95={_p(values, 0.95):7.1f} ms"
        f"  max={max(values):7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=600)
    parser.add_argument("--history", type=int, default=20)
    args = parser.parse_args()
    setup_test_environment()  # the test client on any host name, as in the tests
    settings.CIVICDESK_CHAT_MESSAGES_PER_MINUTE = 10_000  # the limiter still counts; it must not refuse
    call_command("migrate", verbosity=0)
    timings: dict[str, list[float]] = {"citizen send": [], "operator poll": [], "operator say": [], "citizen poll": []}
    trips: list[float] = []
    cpu_ms: dict[str, list[float]] = {name: [] for name in timings}
    query_counts: dict[str, list[int]] = {name: [] for name in timings}
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    try:
        with transaction.atomic():
            w = build_world()
            operators = [w.operator] + [
                w.person(f"bench-op{n}", f"话务员{n}", (w.hub, Role.OPERATOR)) for n in range(1, 5)
            ]
            desks = []
            for operator in operators:
                client = Client()
                client.force_login(operator)
                desks.append(client)
            chats = []
            for n in range(args.chats):
                chat, token = actions.start_chat(hub=w.hub, phone=f"139{n:08d}", text=f"第{n}位市民的问题：路灯不亮。")
                operator = operators[n % len(operators)]
                actions.take(chat, actor=operator)
                for m in range(args.history // 2):
                    actions.operator_says(chat, actor=operator, text=f"您好，请问具体位置？（{m}）")
                    actions.citizen_says(chat, text=f"在幸福路{m}号门口。")
                citizen = Client()
                session = citizen.session
                session["chat_token"] = token
                session.save()
                citizen.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
                chats.append((chat, citizen, desks[n % len(operators)]))
            print(
                f"{args.chats} open chats, {len(operators)} operators, {args.history} messages each; "
                f"database: {connection.vendor}"
            )

            def timed(
                name: str, client: Client, method: str, path: str, data: dict[str, str] | None = None
            ) -> tuple[float, str]:
                started, cpu = time.perf_counter(), time.process_time()
                with CaptureQueriesContext(connection) as queries:
                    if method == "post":
                        response = client.post(path, data or {}, HTTP_HX_REQUEST="true")
                    else:
                        response = client.get(path, HTTP_HX_REQUEST="true")
                elapsed = (time.perf_counter() - started) * 1000
                cpu_ms[name].append((time.process_time() - cpu) * 1000)
                query_counts[name].append(len(queries))
                assert response.status_code == 200, (name, response.status_code)
                timings[name].append(elapsed)
                return elapsed, response.content.decode()

            # One untimed pass first: the first requests import views and compile templates.
            for chat, citizen, desk in chats:
                citizen.get("/chat/messages", HTTP_HX_REQUEST="true")
                desk.get(f"/chat/desk/{chat.pk}/messages", HTTP_HX_REQUEST="true")
            wall = time.perf_counter()
            for n in range(args.rounds):
                chat, citizen, desk = chats[n % len(chats)]
                text = f"补充说明{n}"
                sent, _page = timed("citizen send", citizen, "post", "/chat/send", {"text": text})
                polled, page = timed("operator poll", desk, "get", f"/chat/desk/{chat.pk}/messages")
                assert text in page
                trips.append(sent + polled)
                answer = f"收到，已记录{n}"
                sent, _page = timed("operator say", desk, "post", f"/chat/desk/{chat.pk}/say", {"text": answer})
                polled, page = timed("citizen poll", citizen, "get", "/chat/messages")
                assert answer in page
                trips.append(sent + polled)
            wall = time.perf_counter() - wall
            raise Rollback
    except Rollback:
        pass
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    for name, values in timings.items():
        print(
            _line(name, values) + f"  (app CPU p50 {_p(cpu_ms[name], 0.5):.1f} ms, {max(query_counts[name])} queries)"
        )
    print(_line("round trip (send + poll)", trips))
    p95 = _p(trips, 0.95)
    print(f"goal: round trip p95 ≤ {GOAL_MS:.0f} ms → {'met' if p95 <= GOAL_MS else 'NOT met'} ({p95:.1f} ms)")
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    load = os.getloadavg()
    print(
        f"wall {wall:.1f} s for {len(trips)} round trips; process CPU {cpu:.1f} s (user+system, setup included); "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs"
    )


if __name__ == "__main__":
    main()
