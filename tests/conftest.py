from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.world import World, build_world

# Each test process its own shared cache (the lists' tokens: civicdesk.lib.listversion): units changed by the tests
# of another process running at the same time (another database) must not make this one read the
# tree again while a test counts queries. The processes a test starts inherit it.
if "CIVICDESK_SHARED_CACHE_DIR" not in os.environ:
    _made = Path(tempfile.gettempdir()) / f"civicdesk-test-cache-{os.getpid()}"
    os.environ["CIVICDESK_SHARED_CACHE_DIR"] = str(_made)
    # Gone when the run ends (a run leaves no directory a day behind it).
    atexit.register(shutil.rmtree, _made, ignore_errors=True)
_SHARED = os.environ["CIVICDESK_SHARED_CACHE_DIR"]
settings.CACHES["shared"]["LOCATION"] = _SHARED


@pytest.fixture
def w(db: None) -> World:
    return build_world()


@pytest.fixture(autouse=True)
def _fresh_reference_caches() -> None:
    # The calendar, time limits, unit tree, catalogue and pickers' HTML are kept per process; a test must
    # not see the previous test's rows (its transaction was rolled back without on_commit).
    from civicdesk.catalogue.tree import forget_catalogue_copy
    from civicdesk.lib.listversion import forget_lists
    from civicdesk.org.tree import forget_unit_tree
    from civicdesk.worktime.limits import forget_calendar

    forget_calendar()
    forget_unit_tree()
    forget_catalogue_copy()
    forget_lists()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    # A page requested in English leaves English active in the thread (the locale
    # middleware does not undo it): the next test starts in the default language again.
    yield
    from django.conf import settings  # settings are configured by pytest-django by now
    from django.utils import translation  # likewise

    translation.activate(settings.LANGUAGE_CODE)
