from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext


@contextmanager
def queries_on(*aliases: str) -> Iterator[dict[str, list[str]]]:
    """The SQL each alias ran inside the block."""
    captured: dict[str, list[str]] = {}
    contexts = {alias: CaptureQueriesContext(connections[alias]) for alias in aliases}
    for context in contexts.values():
        context.__enter__()
    try:
        yield captured
    finally:
        for alias, context in contexts.items():
            context.__exit__(None, None, None)
            captured[alias] = [q["sql"] for q in context.captured_queries]


def touching(sql: list[str], table: str) -> list[str]:
    return [q for q in sql if f'"{table}"' in q]


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client
