"""Print the app-level import graph of civicdesk, read from the source with `ast`.

Every import counts, including those inside functions (they are dependencies too, only
hidden). Usage:

    python scripts/app_graph.py            # the edges "a -> b", one a line
    python scripts/app_graph.py --local    # + the count of imports inside functions
    python scripts/app_graph.py --cycles   # + the apps that sit on an import cycle
    python scripts/app_graph.py --at REV   # the graph of an earlier commit (read with git archive)

The guard test (tests/architecture/test_app_graph.py) reads the same records through `imports()`.
"""

from __future__ import annotations

import argparse
import ast
import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "civicdesk"


@dataclass(frozen=True)
class Import:
    """One imported name (or module) as written in one file."""

    path: Path  # the importing file
    line: int
    source_app: str  # the app the importing file belongs to ("" for the project files)
    module: str  # the full module imported from, e.g. civicdesk.orders.views.detail
    name: str  # the imported name ("" for `import module`)
    in_function: bool  # written inside a function/method body

    @property
    def target_app(self) -> str:
        return app_of_module(self.module)


def app_of_module(module: str) -> str:
    parts = module.split(".")
    if parts[0] != "civicdesk" or len(parts) < 2:
        return ""
    candidate = parts[1]
    return candidate if (PACKAGE / candidate).is_dir() else ""


def app_of_path(path: Path) -> str:
    rel = path.relative_to(PACKAGE).parts
    return rel[0] if len(rel) > 1 else ""


def _module_of_path(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = _module_of_path(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def source_files() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield path


def imports_in(path: Path) -> Iterator[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    source_app = app_of_path(path)

    def visit(node: ast.AST, in_function: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield Import(path, child.lineno, source_app, alias.name, "", in_function)
            elif isinstance(child, ast.ImportFrom):
                module = _resolve(path, child)
                for alias in child.names:
                    # `from civicdesk.orders import views` imports a module, not a name.
                    sub = f"{module}.{alias.name}"
                    if _is_module(sub):
                        yield Import(path, child.lineno, source_app, sub, "", in_function)
                    else:
                        yield Import(path, child.lineno, source_app, module, alias.name, in_function)
            yield from visit(child, inside)

    yield from visit(tree, False)


def _is_module(dotted: str) -> bool:
    if not dotted.startswith("civicdesk."):
        return False
    base = ROOT.joinpath(*dotted.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imports() -> list[Import]:
    return [imp for path in source_files() for imp in imports_in(path)]


def edges(records: list[Import] | None = None) -> set[tuple[str, str]]:
    records = imports() if records is None else records
    return {
        (r.source_app, r.target_app) for r in records if r.source_app and r.target_app and r.source_app != r.target_app
    }


def cycle_members(graph: set[tuple[str, str]]) -> list[set[str]]:
    """Strongly connected components with more than one app (Tarjan)."""
    nodes = sorted({a for e in graph for a in e})
    succ: dict[str, list[str]] = {n: sorted(b for a, b in graph if a == n) for n in nodes}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in succ[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(component)

    for n in nodes:
        if n not in index:
            strong(n)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--local", action="store_true", help="count imports inside functions")
    parser.add_argument("--cycles", action="store_true", help="list the apps on an import cycle")
    parser.add_argument("--at", metavar="REV", help="read the source as it was at this git revision")
    args = parser.parse_args()
    if args.at:
        _read_from_revision(args.at)
    records = imports()
    graph = edges(records)
    for a, b in sorted(graph):
        print(f"{a} -> {b}")
    print(f"# {len(graph)} edges between {len({x for e in graph for x in e})} apps")
    if args.local:
        local = [r for r in records if r.in_function]
        statements = {(r.path, r.line) for r in local}
        print(f"# imports inside functions: {len(statements)} statements ({len(local)} names)")
    if args.cycles:
        for component in cycle_members(graph):
            print(f"# cycle of {len(component)} apps: {', '.join(sorted(component))}")


def _read_from_revision(revision: str) -> None:
    """Point ROOT and PACKAGE at a copy of civicdesk/ as it was at `revision`."""
    global ROOT, PACKAGE
    copy = Path(tempfile.mkdtemp(prefix="app-graph-"))
    # The revision is the caller's own argument to their own git; nothing is run through a shell.
    archive = subprocess.run(  # noqa: S603
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision, "civicdesk"],  # noqa: S607
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(copy, filter="data")
    ROOT, PACKAGE = copy, copy / "civicdesk"


if __name__ == "__main__":
    main()
