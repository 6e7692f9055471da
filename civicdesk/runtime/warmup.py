"""What a fresh server process would otherwise load on somebody's first click, loaded before it
takes requests (`civicdesk serve` runs this in every gunicorn worker, see gunicorn_conf).

Measured on the demo (bench/console_pages_cold.py): the first page a process served took
seconds — the URL configuration imports every view module (the API's schemas, openpyxl,
jieba, scikit-learn …), every template is compiled on first use, the translation catalogues
are read, and the first search or dispatch suggestion builds jieba's dictionary, the
knowledge-base analyser and the dispatch model's index from the database. All of that is
per-process and read-only, so it is done here once, before the first request.

Each step is timed and failures are logged, never raised: a warm-up that fails leaves the
process as it was (lazy), it must not keep the server from starting.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger("civicdesk.runtime")


def _urls() -> None:
    # Imported when the step runs, so the step's time includes loading it.
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports every view module)


def _templates() -> None:
    """Compile every template of the apps into the cached loader."""
    # Imported when the step runs, so the step's time includes loading it.
    from django.apps import apps
    from django.template import TemplateDoesNotExist, TemplateSyntaxError
    from django.template.loader import get_template

    for config in apps.get_app_configs():
        root = Path(config.path) / "templates"
        if not root.is_dir() or not config.name.startswith("civicdesk"):
            continue
        for path in root.rglob("*.html"):
            try:
                get_template(path.relative_to(root).as_posix())
            except (TemplateDoesNotExist, TemplateSyntaxError, UnicodeDecodeError):
                logger.warning("warm-up: template %s not loaded", path)


def _translations() -> None:
    # Imported when the step runs, so the step's time includes loading it.
    from django.conf import settings
    from django.utils import translation

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("首页")


def _text_search() -> None:
    """jieba's dictionary and the knowledge-base analyser and ranker (first search, intake page)."""
    # Imported when the step runs, so the step's time includes loading it.
    from civicdesk.knowledge import search

    search.segmented(search.analyzer(), "人民路路灯不亮")  # jieba builds its dictionary on first cut
    search.ranker()


def _dispatch_suggestions() -> None:
    """The dispatch model and the catalogue's reference texts (intake page, dispatch board)."""
    # Imported when the step runs, so the step's time includes loading it.
    from civicdesk.routing import suggestions

    suggestions.suggest(title="人民路路灯不亮", content="人民路路灯不亮，晚上很黑。")


def _pickers() -> None:
    """The searchable pickers' pinyin and word starts for every category, area and unit name
    (pypinyin's and jieba's dictionaries load on the first name: seconds on the intake page)."""
    # Imported when the step runs, so the step's time includes loading it.
    from civicdesk.catalogue.models import Area, Category
    from civicdesk.lib.pinyin import readings, word_starts
    from civicdesk.org.models import OrgUnit

    for model in (Category, Area, OrgUnit):
        for name in model._default_manager.filter(active=True).values_list("name", flat=True):  # type: ignore[attr-defined]
            readings(name)
            word_starts(name)


def _calendar() -> None:
    # Imported when the step runs, so the step's time includes loading it.
    from civicdesk.worktime.limits import work_calendar

    work_calendar()


def _set_aside() -> None:
    """Move everything loaded so far out of the garbage collector's way (gc.freeze), so that a
    full collection during a request walks what requests made, not what the process keeps.

    A warmed process holds about 400,000 objects the collector tracks — most of them pypinyin's
    phrase dictionary (one list per reading), then Django's and the apps' modules — and they
    never die. A full collection walked all of them: one request in a few dozen paid a 160 ms
    pause (bench/pages.py, the statistics JSON's p95 at 100k orders: 224 ms against a median
    of 55). Frozen objects are still freed by reference counting if they are ever dropped;
    only the cycle search skips them."""
    gc.collect()  # what is garbage now is not frozen with the rest
    gc.freeze()


STEPS: list[tuple[str, Callable[[], None]]] = [
    ("urls", _urls),
    ("templates", _templates),
    ("translations", _translations),
    ("calendar", _calendar),
    ("text_search", _text_search),
    ("dispatch_suggestions", _dispatch_suggestions),
    ("pickers", _pickers),
    ("set_aside", _set_aside),  # last: it freezes what the steps before it loaded
]


def warm_up(between: Callable[[], None] | None = None) -> dict[str, float]:
    """Run every step; returns seconds per step (a failed step is logged and skipped).
    `between` is called after each step (gunicorn's heartbeat, so a slow machine's warm-up
    is not taken for a hung worker)."""
    # Imported when the step runs, so the step's time includes loading it.
    from django.db import close_old_connections

    took: dict[str, float] = {}
    for name, step in STEPS:
        start = time.perf_counter()
        try:
            step()
        except Exception:  # a lazy load later is better than a server that will not start
            logger.exception("warm-up step %s failed", name)
            if between is not None:
                between()
            continue
        took[name] = time.perf_counter() - start
        if between is not None:
            between()
    close_old_connections()
    logger.info("warm-up: %s", ", ".join(f"{k} {v:.2f}s" for k, v in took.items()))
    return took
