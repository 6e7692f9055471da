from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_django.fixtures import Settings

from tests.notifications.helpers import RECORDER, Gateway, RecordingSmsBackend


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    with Gateway() as gw:
        yield gw


@pytest.fixture
def recorder(settings: Settings) -> type[RecordingSmsBackend]:
    settings.CIVICDESK_SMS_BACKEND = RECORDER
    RecordingSmsBackend.reset()
    return RecordingSmsBackend
