from __future__ import annotations

from collections.abc import Iterator

import pytest

from civicdesk.worktime.limits import forget_calendar


@pytest.fixture(autouse=True)
def _fresh_calendar() -> Iterator[None]:
    """A test's calendar overrides are rolled back with its database; so is the cache."""
    forget_calendar()
    yield
    forget_calendar()
