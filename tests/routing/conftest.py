from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_routing_caches() -> None:
    # Reference data and the active model are cached per process; a rolled-back test
    # leaves no signal behind, so every test starts from nothing.
    from civicdesk.catalogue import suggest
    from civicdesk.routing import gazetteer, suggestions

    suggestions.forget()
    suggestions.forget_model()
    gazetteer.forget()
    suggest.forget()
