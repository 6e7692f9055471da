from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from civicdesk.open311.keys import create_client
from civicdesk.open311.models import ApiClient, Datatype, ServiceAttribute
from tests.open311.helpers import BASE
from tests.world import World


@dataclass
class Api:
    client: ApiClient
    key: str
    http: Client

    def post(self, fmt: str = "json", **fields: Any) -> Any:
        data: dict[str, Any] = {"api_key": self.key, **fields}
        return self.http.post(f"{BASE}/requests.{fmt}", data)


@pytest.fixture
def api(w: World, client: Client) -> Api:
    app, key = create_client("随手拍", w.hub)
    return Api(app, key, client)


@pytest.fixture
def attributes(w: World) -> list[ServiceAttribute]:
    """The pothole service asks for its size (required), depth, hazards and when it was seen."""
    common = {"category": w.cat_potholes}
    return [
        ServiceAttribute.objects.create(
            **common,
            code="size",
            datatype=Datatype.SINGLE,
            required=True,
            order=1,
            description="坑洼大小",
            values=[{"key": "small", "name": "一米以内"}, {"key": "large", "name": "一米以上"}],
        ),
        ServiceAttribute.objects.create(
            **common,
            code="depth",
            datatype=Datatype.NUMBER,
            order=2,
            description="深度（厘米）",
            datatype_description="填写数字",
        ),
        ServiceAttribute.objects.create(
            **common,
            code="hazards",
            datatype=Datatype.MULTI,
            order=3,
            description="危险情况",
            values=[{"key": "water", "name": "积水"}, {"key": "night", "name": "夜间无照明"}],
        ),
        ServiceAttribute.objects.create(
            **common, code="seen_at", datatype=Datatype.DATETIME, order=4, description="发现时间"
        ),
        ServiceAttribute.objects.create(
            **common,
            code="note",
            datatype=Datatype.STRING,
            order=5,
            variable=False,
            description="紧急险情请拨打 12345 或 110。",
        ),
    ]
