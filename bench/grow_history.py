"""Grow a bulk demo database N-fold by copying its orders, in SQL, in minutes rather than hours.

    DATABASE_URL=postgres://.../civicdesk_pages_1m .venv/bin/python bench/grow_history.py --times 10

For benchmarks only, on a database that holds a bulk demo (`civicdesk demo --bulk`) and that
nobody else uses. Each copy k = 1..N-1 of every order gets a new id and the number of the
same day with k·S added to its day's sequence, S the power of ten above the base's busiest day
(so numbers keep their 13-digit form while N·S stays under 100,000), and
brings along its events, assignments, topic links and supervision notices, under new ids. The
copies keep the states, units, dates and texts: the result looks like the same year of a
hotline N times as busy (N times the open orders too), which is what the bulk demo builds at
N times the size, at the cost of less variety in the texts. Then the statistics rollups are
rebuilt (unless --no-rollups) and the tables vacuumed and analysed.

Why: the bulk demo writes about 130-170 orders a second on the shared 2-core machine, so a
1,000,000-order demo takes about two hours; this takes a few minutes.

For ten million, grow the 100k demo a hundredfold with --rebuild-indexes: the copy then drops
the copied tables' secondary indexes (those backing no constraint) first and builds them again
at the end, as a bulk load should; keeping sixty-odd indexes current row by row over 56M events
would take hours where one sorted build each takes minutes.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402


def _columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
            [table],
        )
        return [row[0] for row in cursor.fetchall()]


def _max_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        return int(cursor.fetchone()[0])


def _drop_secondary_indexes(tables: list[str]) -> list[str]:
    """Drop the tables' indexes that back no constraint; return the statements that build them again."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [tables],
        )
        found = cursor.fetchall()
        for name, definition in found:
            # Printed so that a copy stopped halfway can still be given its indexes back by hand.
            print(f"dropping: {definition};", flush=True)
            cursor.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in found]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--times", type=int, default=10)
    parser.add_argument("--no-rollups", action="store_true", help="leave the statistics rollups as they were")
    parser.add_argument(
        "--rebuild-indexes",
        action="store_true",
        help="drop the copied tables' secondary indexes during the copy and build them again after",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("PostgreSQL only", file=sys.stderr)
        return 2
    # table -> {column: SQL for the copy's value, {k} the copy's number and {<table>} that
    # table's id offset}; other columns are copied as they are (table names are ours).
    tables = {
        "orders_workorder": {
            "number": "left(number, 8) || lpad((right(number, 5)::int + {k} * {step})::text, 5, '0')",
            "parent_id": "parent_id + {k} * {orders_workorder}",
            "upstream_id": "CASE WHEN upstream_id = '' THEN '' ELSE upstream_id || '-{k}' END",
        },
        "orders_workorder_topics": {"workorder_id": "workorder_id + {k} * {orders_workorder}"},
        "orders_orderevent": {"order_id": "order_id + {k} * {orders_workorder}"},
        "orders_assignment": {
            "order_id": "order_id + {k} * {orders_workorder}",
            "parent_id": "parent_id + {k} * {orders_assignment}",
        },
        "orders_supervisionnotice": {
            "order_id": "order_id + {k} * {orders_workorder}",
            "event_id": "event_id + {k} * {orders_orderevent}",
        },
    }
    offsets = {table: _max_id(table) for table in tables}
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(right(number, 5)::int) FROM orders_workorder")
        busiest = int(cursor.fetchone()[0])
    step = 10 ** len(str(busiest))
    if (args.times - 1) * step + busiest >= 100000:
        print(f"a day holds up to {busiest} orders: {args.times} copies would overflow the numbers", file=sys.stderr)
        return 2
    started = time.monotonic()
    dropped = _drop_secondary_indexes(list(tables)) if args.rebuild_indexes else []
    if dropped:
        print(f"{len(dropped)} secondary indexes dropped for the copy", flush=True)
    for k in range(1, args.times):
        with transaction.atomic(), connection.cursor() as cursor:
            for table, changed in tables.items():
                columns = _columns(table)
                values = {"k": k, "step": step, **offsets}
                select = []
                for column in columns:
                    if column == "id":
                        select.append(f"id + {k} * {offsets[table]}")
                    elif column in changed:
                        select.append(changed[column].format(**values))
                    else:
                        select.append(f'"{column}"')
                names = ", ".join(f'"{c}"' for c in columns)
                limit = f"WHERE id <= {offsets[table]}"
                cursor.execute(f"INSERT INTO {table} ({names}) SELECT {', '.join(select)} FROM {table} {limit}")
        print(f"copy {k}/{args.times - 1} done ({time.monotonic() - started:.0f}s)", flush=True)
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        if dropped:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for definition in dropped:
                cursor.execute(definition)
            print(f"{len(dropped)} indexes built again ({time.monotonic() - started:.0f}s)", flush=True)
    if not args.no_rollups:
        call_command("rebuild_rollups")
        print(f"rollups rebuilt ({time.monotonic() - started:.0f}s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"analysed ({time.monotonic() - started:.0f}s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
