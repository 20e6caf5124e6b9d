"""The import graph of a package's source, read with :mod:`ast` (nothing is imported).

Every import counts: at the top, inside a function, under ``TYPE_CHECKING``.
An edge goes to the most specific module named (``from .a import b`` is an
edge to ``a.b`` when ``b`` is a module, else to ``a``); the implicit import of
a parent package is not an edge, so an ``__init__`` that re-exports its
modules makes no cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path


def modules(package: Path) -> dict[str, tuple[Path, bool]]:
    """Every module under the folder ``package``: dotted name → (file, is a package's ``__init__``)."""
    found: dict[str, tuple[Path, bool]] = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


def import_graph(package: Path) -> dict[str, set[str]]:
    """Each module of ``package`` → the modules of the same package it imports."""
    known = modules(package)
    return {name: _imported(name, path, is_package, known) for name, (path, is_package) in known.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle (its modules, the first repeated at the end), or None."""
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def visit(name: str) -> list[str] | None:
        path.append(name)
        on_path.add(name)
        for target in sorted(graph.get(name, ())):
            if target in on_path:
                return [*path[path.index(target) :], target]
            if target not in done:
                found = visit(target)
                if found is not None:
                    return found
        on_path.discard(path.pop())
        done.add(name)
        return None

    for start in sorted(graph):
        if start not in done:
            found = visit(start)
            if found is not None:
                return found
    return None


def _imported(name: str, path: Path, is_package: bool, known: dict[str, tuple[Path, bool]]) -> set[str]:
    package = name if is_package else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets.update(_nearest(alias.name, known) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                targets.add(_nearest(f"{base}.{alias.name}", known))
    return {target for target in targets if target in known and target != name}


def _nearest(dotted: str, known: dict[str, tuple[Path, bool]]) -> str:
    """The longest prefix of ``dotted`` that is a known module ("" when none is)."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return ""
