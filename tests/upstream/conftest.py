from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from civicdesk.org.models import OrgUnit, UnitKind
from civicdesk.upstream.models import Arrival, RemoteHub, UpstreamPlatform
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


@pytest.fixture
def county(w: World, mock: MockUpstream) -> RemoteHub:
    """A county center below the world's hub that runs its own CivicDesk (the mock stands for it)."""
    unit = OrgUnit.objects.create(
        name="南岭县中心（独立系统）", code="nl-remote", kind=UnitKind.CENTER, parent=w.hub, is_hub=True, remote=True
    )
    return RemoteHub.objects.create(unit=unit, base_url=mock.url, platform_code="weihai", api_key="push-key")
