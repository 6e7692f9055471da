"""System checks of the portal, run by `civicdesk serve` before it starts (they read the
database, so plain `check` runs them only with `--database default`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import DatabaseError

from civicdesk.portal.service import hub_problem


@register(Tags.database)
def portal_hub_is_staffed(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Portal requests must reach a hub where a person dispatches them. A configured hub that
    is wrong stops the start; without a configured hub the portal closes itself (a warning),
    so that a fresh installation can still start and be set up."""
    if not databases:
        return []
    try:
        problem = hub_problem()
    except DatabaseError:
        return []  # not migrated yet: `serve` migrates first, the next start checks
    if problem is None:
        return []
    if settings.CIVICDESK_PORTAL_HUB:
        return [Error(problem, hint="CIVICDESK_PORTAL_HUB", id="portal.E001")]
    return [Warning(problem, hint="CIVICDESK_PORTAL_HUB", id="portal.W001")]
