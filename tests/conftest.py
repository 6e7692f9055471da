from __future__ import annotations

import pytest

from tests.world import World, build_world


@pytest.fixture
def w(db: None) -> World:
    return build_world()
