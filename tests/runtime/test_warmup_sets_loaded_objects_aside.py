"""After its warm-up a server process has set aside what it loaded (gc.freeze): a full garbage
collection during a request then walks what requests made, not the ~400,000 objects every
process keeps for its life (pypinyin's phrase dictionary, the modules), which paused one
request in a few dozen for 160 ms."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from pypinyin.phrases_dict import phrases_dict

from civicdesk.runtime.warmup import warm_up
from tests.world import World


@pytest.fixture
def unfrozen_afterwards() -> Iterator[None]:
    yield
    gc.unfreeze()  # the rest of the test run collects as before


def _walked_by_the_collector(obj: object) -> bool:
    # gc.get_objects() lists what a collection walks; frozen objects are not in it.
    return any(tracked is obj for tracked in gc.get_objects())


def test_what_the_warm_up_loaded_is_not_walked_by_a_collection(w: World, unfrozen_afterwards: None) -> None:
    reading = next(iter(phrases_dict.values()))  # one phrase's readings: a list of lists
    assert _walked_by_the_collector(reading)  # before: every full collection walks it

    warm_up()

    assert gc.get_freeze_count() > 100_000
    assert not _walked_by_the_collector(reading)
    made_by_a_request: list[object] = []
    assert _walked_by_the_collector(made_by_a_request)  # later objects are collected as ever
