"""Small helpers shared by the console tests: a signed-in client and reading pages."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from civicdesk.org.models import User


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return str(response.content.decode())


def order_numbers(html: str) -> list[str]:
    """Order numbers linked from a page, in the order they first appear."""
    seen: list[str] = []
    for number in re.findall(r'href="/orders/(\d{13})/"', html):
        if number not in seen:
            seen.append(number)
    return seen


def field_block(html: str, field_id: str) -> str:
    """The part of a form from the label of `field_id` up to the next label: the field
    itself and the errors shown next to it."""
    start = html.find(f'for="{field_id}"')
    assert start != -1, f"no label for {field_id}"
    end = html.find("<label", start + 1)
    return html[start : end if end != -1 else len(html)]


def field_errors(html: str, field_id: str) -> list[str]:
    return re.findall(r'<div class="field-error" role="alert">([^<]*)</div>', field_block(html, field_id))


def messages_shown(html: str) -> list[str]:
    return [m.strip() for m in re.findall(r'<div class="alert alert-[a-z]+ py-2" role="alert">([^<]*)</div>', html)]
