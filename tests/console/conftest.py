from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_category_words(monkeypatch: pytest.MonkeyPatch) -> None:
    # The catalogue's words are cached per process for a minute; each test has its own
    # categories (the previous test's were rolled back), so start from an empty cache.
    from civicdesk.catalogue import suggest

    monkeypatch.setattr(suggest, "_cache", None)
