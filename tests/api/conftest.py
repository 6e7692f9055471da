from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from civicdesk.api.tokens import create_token
from civicdesk.org.models import User
from tests.world import World

BASE = "/api/v1"


@dataclass
class Caller:
    """One user calling the API with a token of their own."""

    user: User
    token: str
    http: Client

    def _auth(self, headers: dict[str, str] | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.http.get(BASE + path, params or {}, headers=self._auth(headers))

    def post(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        return self.http.post(
            BASE + path,
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers=self._auth(headers),
        )

    def create(self, body: dict[str, Any], key: str | None = None) -> Any:
        return self.post("/orders", body, headers={"Idempotency-Key": key or str(uuid.uuid4())})

    def act(self, number: str, action: str, version: int, **params: Any) -> Any:
        return self.post(f"/orders/{number}/actions/{action}", {"expected_version": version, **params})


@pytest.fixture
def as_user(w: World) -> Callable[[User], Caller]:
    made: dict[int, Caller] = {}

    def make(user: User) -> Caller:
        if user.pk not in made:
            _record, token = create_token(user, "tests")
            made[user.pk] = Caller(user, token, Client())
        return made[user.pk]

    return make


def order_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "provincial",
        "request_type": "complaint",
        "title": "崖头街道人民路路面坑洼",
        "content": "人民路与成山大道交叉口南侧路面有多处坑洼，请尽快修复。",
        "citizen_name": "王先生",
        "citizen_phone": "13800001234",
        "category": "c-cj-dl-ph",
        "area": "a-yt",
    }
    body.update(overrides)
    return body
