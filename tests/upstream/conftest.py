from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from civicdesk.upstream.models import Arrival, UpstreamPlatform
from tests.upstream.mock_upstream import MockUpstream
from tests.world import World


@pytest.fixture
def mock() -> Iterator[MockUpstream]:
    server = MockUpstream().up()
    yield server
    server.down()


@pytest.fixture
def platform(w: World, mock: MockUpstream) -> UpstreamPlatform:
    return UpstreamPlatform.objects.create(
        code="minxin",
        name="民心网",
        hub=w.hub,
        arrival=Arrival.PUSH,
        report_url=f"{mock.url}/reports",
        pull_url=f"{mock.url}/orders",
        auth_value="Bearer up-token",
        margin_hours=24,
        timeout_seconds=2,
    )


def upstream_due(days: int = 10) -> datetime:
    return timezone.now() + timedelta(days=days)
