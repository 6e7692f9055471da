"""Filling in the portal's forms as a citizen would."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from tests.world import World

PHONE = "13912345678"


def captcha_key(html: str) -> str:
    match = re.search(r'name="captcha_key" value="([^"]+)"', html)
    assert match, "the page shows no captcha"
    return match.group(1)


def form_data(w: World, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "request_type": "complaint",
        "category": str(w.cat_roads.parent_id),
        "content": "人民路与成山大道交叉口路灯不亮已经一周，晚上行人看不清路。",
        "address": "崖头街道人民路88号",
        "area": "",
        "citizen_name": "王女士",
        "citizen_phone": PHONE,
        "wants_reply": "on",
        "intent": "submit",
    }
    data.update(overrides)
    return data


def open_submit(client: Client) -> str:
    response = client.get("/portal/submit")
    assert response.status_code == 200
    return captcha_key(response.content.decode())


def submit(client: Client, w: World, *, answer: str = "7", **overrides: Any) -> Any:
    key = open_submit(client)
    data = form_data(w, **overrides)
    data.setdefault("captcha_key", key)
    data.setdefault("captcha_answer", answer)
    return client.post("/portal/submit", data)


def text(response: Any) -> str:
    return response.content.decode()


def track(client: Client, number: str, last_four: str) -> Any:
    return client.post("/portal/track", {"number": number, "last_four": last_four})
