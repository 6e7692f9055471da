"""`civicdesk demo`: the fictional city of 青岚市 with a year of orders, then serve it."""

from __future__ import annotations

import os
import random
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from civicdesk.demo.bulk import BulkEngine
from civicdesk.demo.city import DEMO_PASSWORD, HUB_CODE, PREFECTURE_ACCOUNTS, ROLE_ACCOUNTS, build_city
from civicdesk.demo.extras import run_extra_seeders
from civicdesk.demo.history import ActionEngine, Simulation, creation_times
from civicdesk.demo.showcase import ensure_every_state
from civicdesk.orders.models import WorkOrder
from civicdesk.orders.workflow import State

_BATCH = 100


class Command(BaseCommand):
    help = "创建演示城市“青岚市”及一年的工单，然后启动服务。Build the demo city and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orders", type=int, default=5000, help="how many orders the demo should hold")
        parser.add_argument("--no-serve", action="store_true", help="build the data, do not start the server")
        parser.add_argument("--seed", type=int, default=20261201)
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument(
            "--bulk",
            action="store_true",
            help="build the moves in memory and write them in batches (same rows, much faster; for large demos)",
        )
        parser.add_argument("--batch", type=int, default=5000, help="orders per bulk write (with --bulk)")

    def handle(
        self,
        *args: Any,
        orders: int,
        no_serve: bool,
        seed: int,
        bind: str,
        bulk: bool = False,
        batch: int = 5000,
        **options: Any,
    ) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        city = build_city()
        existing = WorkOrder.objects.filter(hub=city.hub).count()
        missing = max(0, orders - existing)
        if missing:
            self.stdout.write(f"生成 {missing} 张工单（已有 {existing} 张）…")
            if bulk:
                self.generate_bulk(city, missing, seed + existing, batch)
            else:
                self.generate(city, missing, seed + existing)
        else:
            self.stdout.write(f"演示数据已就绪：{existing} 张工单。")
        with transaction.atomic():
            shown = ensure_every_state(city, timezone.now())
        if shown:
            self.stdout.write("补充展示状态：" + "，".join(str(State(s).label) for s in shown))
        for line in run_extra_seeders(city, timezone.now()):
            self.stdout.write(line)
        self.print_summary()
        if not no_serve:
            # The demo is one machine: the server runs the task worker beside it (exports,
            # SMS, hotspots, deadline watch, statistics), unless told otherwise.
            os.environ.setdefault("CIVICDESK_SERVE_WORKER", "1")
            if os.environ["CIVICDESK_SERVE_WORKER"] == "1":
                self.stdout.write("后台任务进程随服务一同启动（civicdesk worker）。")
            call_command("serve", bind=bind, no_migrate=True)

    def generate(self, city: Any, count: int, seed: int) -> None:
        rng = random.Random(seed)
        now = timezone.now()
        simulation = Simulation(city, ActionEngine(), rng, now)
        moments = creation_times(rng, count, now)
        started = time.monotonic()
        for offset in range(0, count, _BATCH):
            # One transaction per batch: the actions' own atomic blocks become savepoints,
            # which keeps SQLite from syncing to disk after every single move.
            with transaction.atomic():
                for moment in moments[offset : offset + _BATCH]:
                    simulation.run(moment)
            done = min(count, offset + _BATCH)
            if done % 1000 == 0 or done == count:
                self.stdout.write(f"  {done}/{count}  ({time.monotonic() - started:.0f}s)")

    def generate_bulk(self, city: Any, count: int, seed: int, batch: int) -> None:
        """The same Simulation, carried out by BulkEngine: rows built in memory, written per batch."""
        started = time.monotonic()

        def progress(done: int) -> None:
            elapsed = time.monotonic() - started
            rate = done / elapsed if elapsed else 0.0
            self.stdout.write(f"  {done}/{count}  ({elapsed:.0f}s, {rate:.0f} 张/秒)")

        engine = BulkEngine(batch_size=batch, on_flush=progress)
        rng = random.Random(seed)
        now = timezone.now()
        simulation = Simulation(city, engine, rng, now)
        for moment in creation_times(rng, count, now):
            simulation.run(moment)
        engine.close()
        engine.analyze()
        self.stdout.write(f"  用时 {time.monotonic() - started:.0f}s")

    def print_summary(self) -> None:
        counts = dict(WorkOrder.objects.filter(hub__code=HUB_CODE).values_list("state").annotate(n=Count("id")))
        self.stdout.write("工单状态分布：" + "，".join(f"{State(s).label} {n}" for s, n in sorted(counts.items())))
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        self.stdout.write("【市级】东州市12345政务服务便民热线（上级中心，下转青岚市）")
        for username, name, role in PREFECTURE_ACCOUNTS:
            self.stdout.write(f"  {username:<14} {name:<16} {role.label}")
        self.stdout.write("  ph-<代码>                      市直部门承办人，如 ph-jt（东州市交通运输局）")
        self.stdout.write("【县级】青岚市社会治理服务中心（本级中心）")
        for username, name, role in ROLE_ACCOUNTS:
            self.stdout.write(f"  {username:<14} {name:<16} {role.label}")
        self.stdout.write("  h-<部门代码> / head-<部门代码>   各部门承办人 / 负责人，如 h-zj（住建局）、head-zj")
        self.stdout.write("  t-<镇街代码> / thead-<镇街代码>  各镇街承办人 / 负责人，如 t-cg（城关街道）、thead-cg")
        self.stdout.write("  v-<镇街代码>-<序号>             村居承办人，如 v-cg-1")
        self.stdout.write("管理后台：/admin/ （admin 账号）")
