from __future__ import annotations

import pytest

from tests.world import World, build_world


@pytest.fixture
def w(db: None) -> World:
    return build_world()


@pytest.fixture(autouse=True)
def _fresh_reference_caches() -> None:
    # The calendar and time limits are cached per process; a test must not see the
    # previous test's rows (its transaction was rolled back without signals).
    from civicdesk.worktime.limits import forget_calendar

    forget_calendar()
