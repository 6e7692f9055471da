"""EXPLAIN (ANALYZE, BUFFERS) of the queries one page runs, as one user.

    DATABASE_URL=postgres://…/civicdesk_search20_100k .venv/bin/python bench/explain_page.py \\
        --user dispatcher1 --path '/orders/search/?q=停水' [--post q=13800001234] [--match orders_workorder]
        [--bearer TOKEN] [--full]

Requests the page once through Django's test client (DEBUG off) to warm up, once more with the
queries captured, then runs each captured query whose SQL names --match under EXPLAIN (ANALYZE,
BUFFERS) and prints the plan's top node, the index or scan nodes, the buffers and the execution
time (--full: the whole plan). Reads only: the page's own writes (audit rows of a phone search)
are made by the page as usual. PostgreSQL only.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicdesk.settings")
os.environ["DEBUG"] = "0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--user", help="username of the staff member (none: anonymous)")
    parser.add_argument("--path", required=True)
    parser.add_argument("--post", action="append", default=[], help="NAME=VALUE of a POST body")
    parser.add_argument("--match", default="orders_workorder", help="explain the queries naming this")
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from civicdesk.org.models import User

    if connection.vendor != "postgresql":
        raise SystemExit("PostgreSQL only")
    client = Client()
    headers: dict[str, str] = {}
    if args.user:
        client.force_login(User.objects.get(username=args.user))
    if args.path.startswith("/api/"):
        from civicdesk.api.tokens import create_token

        _record, token = create_token(User.objects.get(username=args.user), "bench-explain")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    body = dict(item.split("=", 1) for item in args.post)

    def request() -> int:
        if body:
            return client.post(args.path, body, **headers).status_code
        return client.get(args.path, **headers).status_code

    request()
    with CaptureQueriesContext(connection) as captured:
        status = request()
    print(f"{args.path} as {args.user or 'anonymous'}: HTTP {status}, {len(captured.captured_queries)} queries")
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if args.match not in sql or not sql.lstrip().lstrip("(").upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = [row[0] for row in cursor.fetchall()]
            print("\n--", re.sub(r"\s+", " ", sql)[:300], "…" if len(sql) > 300 else "")
            shown = [
                line
                for index, line in enumerate(plan)
                if args.full or index == 0 or re.search(r"Scan|Buffers|Execution Time|Sort Method|Filter", line)
            ]
            for line in shown if args.full else shown[:30]:
                print("  ", line)
    if args.path.startswith("/api/"):
        from civicdesk.api.models import ApiToken

        ApiToken.objects.filter(name="bench-explain").delete()


if __name__ == "__main__":
    main()
