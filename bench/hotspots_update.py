"""How long does the hotspot update take for one new order, with a year of 1,000,000 orders?

    DATABASE_URL=postgres://.../civicdesk_bench_hotspots .venv/bin/python bench/hotspots_update.py \
        [--orders 1000000] [--new 200] [--reuse]

What it builds (PostgreSQL, INSERT … SELECT generate_series, a few minutes; --reuse keeps it):
- N work orders over the last 365 days, copied from one template order, each titled with one
  of PLACES × MATTERS ("青松小区楼下烧烤店油烟扰民", "柳岸路夜间施工噪音" …);
- the hotspot tables as the incremental update leaves them after those orders: every three
  consecutive orders of one hotspot (N/3 hotspots, each with the profile and lookup keys the
  product computes for its title: about ten Key rows each), members for all N orders.

What it times: `civicdesk.hotspots.grouping.add_order` followed by `alerts.check` — the whole
after-commit reaction to one new order (features with jieba and the city's gazetteer, the
per-key lookup of recent hotspots, comparison with their profiles, the member row, the
recount, the keys, the alert check) — for --new fresh orders at "now", each in its own
transaction, after one warm-up order. Prints median, p95 and max in milliseconds.
Goal: ≤ 200 ms per order.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from civicdesk.catalogue.gazetteer import city_reader  # noqa: E402
from civicdesk.catalogue.models import Area, AreaKind  # noqa: E402
from civicdesk.hotspots import alerts, grouping  # noqa: E402
from civicdesk.hotspots.models import Hotspot, Key, Member  # noqa: E402
from civicdesk.orders.models import WorkOrder  # noqa: E402
from civicdesk.org.models import Membership, OrgUnit, Role, User  # noqa: E402
from civicdesk.text.similar import Profile  # noqa: E402

FIRST = "青松 翠柏 金桂 银杏 紫荆 丹枫 碧水 蓝湾 锦绣 龙泉 凤凰 天鹅 明珠 海韵 山语 清溪 白沙 红旗 幸福 和平"
SECOND = "小区 花园 家园 新城 路 大道 小学 中学 公司 市场"
MATTERS = [
    "楼下烧烤店油烟扰民",
    "夜间施工噪音扰民",
    "路灯不亮",
    "自来水停水",
    "垃圾清运不及时",
    "电梯经常故障困人",
    "违章搭建",
    "门口车辆乱停",
    "物业乱收费",
    "下水道堵塞污水外溢",
    "拖欠工资",
    "噪音扰民",
]


def _titles() -> list[str]:
    places = [f"{a}{b}" for a in FIRST.split() for b in SECOND.split()]
    return [f"{place}{matter}" for place in places for matter in MATTERS]


def _setup() -> tuple[OrgUnit, User, Area]:
    hub, _ = OrgUnit.objects.get_or_create(
        code="bench-hub", defaults={"name": "青岚市12345热线", "kind": "center", "is_hub": True}
    )
    user, _ = User.objects.get_or_create(username="bench-operator", defaults={"display_name": "话务员"})
    for role in (Role.OPERATOR, Role.DISPATCHER):
        Membership.objects.get_or_create(user=user, unit=hub, role=role)
    city, _ = Area.objects.get_or_create(code="bench-city", defaults={"name": "青岚市", "kind": AreaKind.CITY})
    town, _ = Area.objects.get_or_create(
        code="bench-town", defaults={"name": "城关街道", "kind": AreaKind.TOWN, "parent": city}
    )
    return hub, user, town


def _template(hub: OrgUnit, user: User, town: Area) -> WorkOrder:
    template, _ = WorkOrder.objects.get_or_create(
        number="B000000000000",
        defaults={
            "channel": "phone",
            "request_type": "complaint",
            "title": "模板",
            "content": "模板",
            "hub": hub,
            "owner": user,
            "area": town,
            "citizen_phone": "13800000000",
        },
    )
    return template


def build_orders(n: int, hub: OrgUnit, user: User, town: Area) -> None:
    titles = _titles()
    template = _template(hub, user, town)
    order_table = WorkOrder._meta.db_table
    columns = [f.column for f in WorkOrder._meta.concrete_fields if f.column != "id"]
    replaced = {
        "number": "'B' || lpad(g::text, 12, '0')",
        "title": "(t.titles)[1 + g %% %(c)s]",
        "content": "(t.titles)[1 + g %% %(c)s] || '，请尽快处理。'",
        "citizen_phone": "'139' || lpad((g %% 99999999)::text, 8, '0')",
        "created_at": "now() - (g * interval '365 days' / %(n)s)",
        "updated_at": "now() - (g * interval '365 days' / %(n)s)",
    }
    select = ", ".join(replaced.get(c, f'w."{c}"') for c in columns)
    col_list = ", ".join(f'"{c}"' for c in columns)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {order_table} ({col_list}) SELECT {select} "
            f"FROM {order_table} w, (SELECT %(titles)s::text[] AS titles) t, generate_series(1, %(n)s) g "
            f"WHERE w.id = %(template)s",
            {"titles": titles, "c": len(titles), "n": n, "template": template.pk},
        )
    print(f"orders: {n} in {time.perf_counter() - started:.0f} s", flush=True)


def build_hotspots(n: int, hub: OrgUnit, town: Area) -> None:
    titles = _titles()
    reader = city_reader()
    order_table = WorkOrder._meta.db_table
    with connection.cursor() as cursor:
        tables = ", ".join(m._meta.db_table for m in (Hotspot, Key, Member))
        cursor.execute(f"TRUNCATE {tables}, hotspots_event, hotspots_alert RESTART IDENTITY")
    # One profile and key set per title, as the product computes them.
    profiles = []
    for title in titles:
        profile = Profile()
        for _ in range(3):
            profile.add(reader.features(title, title + "，请尽快处理。", area=f"area{town.pk}"))
        profiles.append(
            (profile.title(), json.dumps(profile.to_json(), ensure_ascii=False), sorted(profile.index_keys()))
        )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_profile (i int, title text, profile jsonb, keys text[])")
        cursor.executemany(
            "INSERT INTO bench_profile VALUES (%s, %s, %s::jsonb, %s)",
            [(i, t, p, k) for i, (t, p, k) in enumerate(profiles)],
        )
        # Hotspot h holds orders 3h+1 … 3h+3 (the title of its first order).
        cursor.execute(
            f"""
            INSERT INTO {Hotspot._meta.db_table} (id, hub_id, title, name, place, area_id, first_at, last_at,
                order_count, caller_count, urgent_count, supports, growth, heat, status, profile, version,
                created_at, updated_at)
            SELECT h + 1, %(hub)s, p.title, '', '', %(area)s,
                now() - ((3 * h + 3) * interval '365 days' / %(n)s),
                now() - ((3 * h + 1) * interval '365 days' / %(n)s),
                3, 3, 0, 0, 0, 9.0, 'new', p.profile, 0, now(), now()
            FROM generate_series(0, %(h)s - 1) h JOIN bench_profile p ON p.i = (3 * h + 1) %% %(c)s
            """,
            {"hub": hub.pk, "area": town.pk, "n": n, "h": n // 3, "c": len(titles)},
        )
        cursor.execute(
            f"""
            INSERT INTO {Key._meta.db_table} (hotspot_id, hub_id_copy, key, last_at)
            SELECT s.id, s.hub_id, k, s.last_at FROM {Hotspot._meta.db_table} s
            JOIN bench_profile p ON p.title = s.title, unnest(p.keys) k
            ON CONFLICT DO NOTHING
            """
        )
        cursor.execute(
            f"""
            INSERT INTO {Member._meta.db_table} (hotspot_id, order_id, caller, at, score)
            SELECT LEAST((o.rank - 1) / 3 + 1, %(h)s), o.id, o.citizen_phone, o.created_at, 0.5
            FROM (SELECT id, citizen_phone, created_at, row_number() OVER (ORDER BY number) AS rank
                  FROM {order_table} WHERE number LIKE 'B%%' AND number <> 'B000000000000') o
            """,
            {"h": n // 3},
        )
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{Hotspot._meta.db_table}', 'id'), %s)", [n // 3 + 1])
        cursor.execute("ANALYZE")
    print(f"hotspots, keys, members in {time.perf_counter() - started:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--new", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="keep the tables a previous run built")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only: SQLite timings say nothing about the production database.")
    call_command("migrate", verbosity=0)
    hub, user, town = _setup()
    have = WorkOrder.objects.filter(number__startswith="B").exclude(number="B000000000000").count()
    if not (args.reuse and have == args.orders):
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {Hotspot._meta.db_table} CASCADE")
        WorkOrder.objects.filter(number__startswith="B").exclude(number="B000000000000").delete()
        build_orders(args.orders, hub, user, town)
    if not (args.reuse and Hotspot.objects.count() >= args.orders // 3):
        build_hotspots(args.orders, hub, town)
    print(
        f"in the database: {WorkOrder.objects.count()} orders, {Hotspot.objects.count()} hotspots, "
        f"{Key.objects.count()} keys, {Member.objects.count()} members",
        flush=True,
    )
    WorkOrder.objects.filter(number__startswith="N").delete()  # left by an interrupted run
    titles = _titles()
    rng = random.Random(7)
    city_reader()  # the gazetteer reader is built once per process, not per order
    times: list[float] = []
    joined = 0
    statements: list[int] = []
    db_ms: list[float] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements[-1] += 1
            db_ms[-1] += (time.perf_counter() - started) * 1000

    for i in range(args.new + 1):
        order = WorkOrder.objects.create(
            number=f"N{i:012d}{rng.randrange(10**6):06d}"[:20],
            channel="phone",
            request_type="complaint",
            title=rng.choice(titles),
            content="今天又出现了，请尽快处理。",
            hub=hub,
            owner=user,
            area=town,
            citizen_phone=f"137{rng.randrange(10**8):08d}",
            created_at=timezone.now() - timedelta(seconds=rng.randrange(3600)),
        )
        statements.append(0)
        db_ms.append(0.0)
        started = time.perf_counter()
        # As the after-commit reaction runs it: outside any transaction, the order just created.
        with connection.execute_wrapper(count):
            hotspot = grouping.add_order(order, new=True)
            if hotspot is not None:
                alerts.check(hotspot)
        elapsed = (time.perf_counter() - started) * 1000
        if i:  # the first order warms the caches
            times.append(elapsed)
            joined += int(hotspot is not None and hotspot.order_count > 1)
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(
        f"add_order + alert check, {len(times)} new orders ({joined} joined an existing hotspot): "
        f"median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms (goal ≤ 200 ms)"
    )
    print(
        f"of which waiting on the database: median {statistics.median(db_ms[1:]):.1f} ms "
        f"({statistics.median(statements[1:]):.0f} statements per order)"
    )
    WorkOrder.objects.filter(number__startswith="N").delete()


if __name__ == "__main__":
    main()
