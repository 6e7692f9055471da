"""The apps depend downward only, and say why when they hide a dependency in a function.

The allowed direction between the apps is the table below (read like the workflow table):
each app names the apps directly beneath it, and may import those and everything beneath
them. The imports are read from the source with `ast` (scripts/app_graph.py, which also
prints the graph), including the imports written inside functions.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]

# app → the apps directly beneath it. Nothing may import an app above it or beside it.
BENEATH: dict[str, set[str]] = {
    "lib": set(),  # small pure helpers
    "text": {"lib"},  # Chinese text: segmentation, classification, retrieval
    "org": {"lib"},  # units, people, roles: the ground floor
    "catalogue": {"org", "text"},  # categories, areas, topics, the dispatch catalogue
    "worktime": {"catalogue"},  # working calendar, time limits, duty rosters
    "orders": {"worktime"},  # the core: the workflow, the moves, who may see and make them
    "notifications": {"orders"},
    "upstream": {"notifications"},  # upstream platforms: their orders in, our moves reported back
    "statistics": {"orders"},
    "open311": {"orders"},
    "hotspots": {"statistics", "notifications"},  # groups orders into hotspots, alerts, briefing section
    "knowledge": {"statistics", "text"},
    "routing": {"statistics", "text"},
    "enterprises": {"notifications", "statistics"},
    "policies": {"enterprises", "knowledge"},  # support measures matched to the register (惠企政策)
    # Parallel approval (并联审批): applications carried by the core's joint orders.
    # On the portal, the company tracks its own application (a section of the tracked order's page).
    "approvals": {"enterprises", "portal"},
    "intake": {"enterprises", "routing", "knowledge"},
    "portal": {"intake", "knowledge", "open311", "notifications"},
    "chat": {"portal"},  # online one-to-one: the portal's captcha and limits, orders made by intake's actions
    "api": {"intake", "enterprises", "upstream"},  # upstream: a platform's margin for an API-created order
    "quality": {"intake"},  # quality inspection (质检) of answered calls: sampling, scores, appeals
    "runtime": {
        "portal",
        "chat",
        "api",
        "policies",
        "approvals",
        "enterprises",
        "routing",
        "knowledge",
        "statistics",
        "hotspots",
        "upstream",
        "quality",
    },
    "console": {"runtime"},
    "demo": {"console"},
    # History in and out: imports through the demo's bulk engine, the one fast path that
    # carries orders through the real moves.
    "exchange": {"demo"},
}

# Known exceptions, each being worked away; an entry that no longer occurs must be removed.
# (importing file, imported module, imported name or "" for the whole module)
DEBTS: set[tuple[str, str, str]] = set()

# Imports inside functions that arrived without a why-comment while the guard was being written
# (by path and statement): each owner adds the comment or moves the import up, then removes
# the entry. Any other unexplained import fails, and so does an entry that is gone.
UNEXPLAINED: set[tuple[str, str]] = set()

_PRAGMA = re.compile(r"#\s*(type:\s*ignore\S*|noqa\S*|pragma\S*)\s*", re.IGNORECASE)


@cache
def _graph() -> ModuleType:
    spec = importlib.util.spec_from_file_location("app_graph", ROOT / "scripts" / "app_graph.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["app_graph"] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def _imports() -> list:  # list[app_graph.Import]
    return _graph().imports()


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _key(imp: object) -> tuple[str, str, str]:
    return (_rel(imp.path), imp.module, imp.name)  # type: ignore[attr-defined]


def _beneath(app: str) -> set[str]:
    """Every app beneath `app` (the table's closure)."""
    found: set[str] = set()
    todo = list(BENEATH[app])
    while todo:
        below = todo.pop()
        if below not in found:
            found.add(below)
            todo.extend(BENEATH[below])
    return found


def _across(imp: object) -> bool:
    return bool(imp.source_app and imp.target_app and imp.source_app != imp.target_app)  # type: ignore[attr-defined]


def test_the_table_names_every_app_and_runs_one_way() -> None:
    apps = {p.name for p in (ROOT / "civicdesk").iterdir() if (p / "__init__.py").is_file()}
    assert apps == set(BENEATH), "place each app in BENEATH"
    for app in BENEATH:
        assert app not in _beneath(app), f"{app} would sit beneath itself"


def test_no_app_imports_one_above_or_beside_it() -> None:
    wrong = [
        f"{_rel(i.path)}:{i.line}: {i.source_app} → {i.target_app} ({i.module}{'.' + i.name if i.name else ''})"
        for i in _imports()
        if _across(i) and i.target_app not in _beneath(i.source_app) and _key(i) not in DEBTS
    ]
    assert wrong == [], "imports against the direction of BENEATH:\n" + "\n".join(wrong)


def test_private_names_stay_in_their_app() -> None:
    wrong = [
        f"{_rel(i.path)}:{i.line}: {i.module} {i.name}"
        for i in _imports()
        if _across(i)
        and (i.name.startswith("_") or any(p.startswith("_") for p in i.module.split(".")[2:]))
        and _key(i) not in DEBTS
    ]
    assert wrong == [], "private names imported from another app:\n" + "\n".join(wrong)


def test_views_and_forms_stay_in_their_app() -> None:
    wrong = [
        f"{_rel(i.path)}:{i.line}: {i.module}"
        for i in _imports()
        if _across(i) and {"views", "forms"} & set(i.module.split(".")[2:])
    ]
    assert wrong == [], "views or forms imported from another app (move the shared part out):\n" + "\n".join(wrong)


def test_every_import_inside_a_function_says_why() -> None:
    unexplained = []
    lines_of: dict[Path, list[str]] = {}
    for imp in _imports():
        if not imp.in_function:
            continue
        lines = lines_of.setdefault(imp.path, imp.path.read_text(encoding="utf-8").splitlines())
        if not _explained(lines, imp.line) and (_rel(imp.path), lines[imp.line - 1].strip()) not in UNEXPLAINED:
            unexplained.append(f"{_rel(imp.path)}:{imp.line}: {lines[imp.line - 1].strip()}")
    unexplained = sorted(set(unexplained))
    assert unexplained == [], (
        "an import inside a function needs a comment saying why, on its line or just above its group:\n"
        + "\n".join(unexplained)
    )


def _explained(lines: list[str], line: int) -> bool:
    """A comment (not just a type: ignore / noqa) on the import's line, or on the line above
    the group of import lines it belongs to."""
    if "#" in lines[line - 1] and _PRAGMA.sub("", lines[line - 1].split("#", 1)[1]).strip(" #"):
        return True
    index = line - 2
    while index >= 0 and _is_import_line(lines[index]):
        index -= 1
    return index >= 0 and lines[index].strip().startswith("#")


def _is_import_line(text: str) -> bool:
    stripped = text.strip()
    # An import, or a line of a parenthesised import list.
    return stripped.startswith(("import ", "from ")) or (
        bool(stripped) and stripped.endswith((",", "(", ")")) and not stripped.startswith("#") and " = " not in stripped
    )


def test_the_unexplained_imports_listed_still_exist() -> None:
    found = set()
    for imp in _imports():
        if imp.in_function:
            lines = imp.path.read_text(encoding="utf-8").splitlines()
            if not _explained(lines, imp.line):
                found.add((_rel(imp.path), lines[imp.line - 1].strip()))
    gone = sorted(UNEXPLAINED - found)
    assert gone == [], f"remove from UNEXPLAINED, these are explained or gone now: {gone}"


def test_the_known_exceptions_still_exist() -> None:
    # A debt paid off leaves the table, so the guard covers that import from then on.
    present = {_key(i) for i in _imports()}
    gone = sorted(DEBTS - present)
    assert gone == [], f"remove from DEBTS, these imports are gone: {gone}"
