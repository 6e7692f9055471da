"""Helpers for the hub page tests: a signed-in client, htmx posts, and reading rows."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from civicdesk.orders.models import WorkOrder
from civicdesk.org.models import User

HTMX = {"HX-Request": "true"}


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return str(response.content.decode())


def board_numbers(html: str) -> list[str]:
    """The orders listed on the dispatch board's pending table, in order."""
    return re.findall(r'<tr id="pending-(\d{13})"', html)


def review_numbers(html: str) -> list[str]:
    return re.findall(r'<tr id="review-(\d{13})"', html)


def row(html: str, prefix: str, number: str) -> str:
    """The table row with id `prefix-number`."""
    start = html.index(f'<tr id="{prefix}-{number}"')
    return html[start : html.index("</tr>", start)]


def result_line(html: str, number: str) -> str:
    """The bulk dispatch report's line about `number`."""
    pattern = r'<li class="[^"]*" data-result="(\w+)">\s*<a href="/orders/' + number + r'/">.*?</li>'
    match = re.search(pattern, html, re.S)
    assert match, f"no result for {number}"
    return match.group(0)


def field_errors(html: str, field_id: str) -> list[str]:
    """Errors shown right after the field with id `field_id`."""
    start = html.index(f'id="{field_id}"')
    end = html.find("<label", start)
    block = html[start : end if end != -1 else len(html)]
    return re.findall(r'<div class="field-error" role="alert">([^<]*)</div>', block)


def fresh(order: WorkOrder) -> WorkOrder:
    return WorkOrder.objects.get(pk=order.pk)


def bulk_post(orders: list[WorkOrder], **extra: Any) -> dict[str, Any]:
    """The board form as a browser posts it: every row's version and suggestion, plus the
    ticked rows and the bulk fields in `extra`."""
    data: dict[str, Any] = {}
    for order in orders:
        data[f"version-{order.number}"] = order.version
    data.update(extra)
    return data
