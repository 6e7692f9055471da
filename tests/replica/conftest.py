"""A `replica` alias for the tests: a second connection to the test database, as Django's
TEST MIRROR makes when DATABASE_REPLICA_URL is set. The tests that use it commit (transaction
=True), so the second connection sees the rows, as a caught-up streaming replica would. It is
made as a dynamic connection (not in DATABASES): the test database was set up without it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from django.db.utils import load_backend

from civicdesk.lib import replica


def add_replica(**changes: Any) -> None:
    settings_dict = {**connections["default"].settings_dict, **changes}
    backend = load_backend(settings_dict["ENGINE"])
    connections[replica.REPLICA] = backend.DatabaseWrapper(settings_dict, replica.REPLICA)
    replica.reset()


@pytest.fixture
def replica_alias(transactional_db: None) -> Iterator[str]:
    add_replica()
    yield replica.REPLICA
    drop_replica()


def drop_replica() -> None:
    if replica.configured():
        connections[replica.REPLICA].close()
        del connections[replica.REPLICA]
    replica.reset()
