"""The layers ARCHITECTURE.md promises, checked from the package's own imports.

Every ``import`` and ``from ... import`` of every module is read with :mod:`ast`, wherever it
stands: at the top, inside a function (where a circle likes to hide), under ``TYPE_CHECKING``.
The rules:

- no import circle among the package's modules, and nothing imports the entry point ``app.py``
  (but ``__main__.py``, which ``python -m`` runs);
- ``ui/`` never imports ``storage/``: the window reads the domain's records from ``core``;
- Qt (PySide6, shiboken6, qasync) is imported only in ``ui/``, and only ``ui/`` and the entry
  point ``app.py`` import ``ui/``, so no service can reach Qt even through another module;
- ``core/`` is the pure domain: it imports only ``core/`` of the package, and nothing that
  reaches a network, a disk or a database.

The checker runs on the real package, and on small made-up packages that break each rule, so
a checker that cannot fail would fail here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import aniworld_desktop

PACKAGE = "aniworld_desktop"
QT_MODULES = ("PySide6", "shiboken6", "qasync")
# What core/ must not import: I/O of any kind (network, files, processes, databases).
IO_MODULES = frozenset({
    "aiohttp", "aiosqlite", "alembic", "asyncio", "defusedxml", "feedparser", "keyring", "os",
    "shutil", "socket", "sqlalchemy", "sqlite3", "ssl", "subprocess", "tempfile", "yarl",
})  # fmt: skip


@dataclass(frozen=True)
class Import:
    """One imported module, where it is imported, and whether it is inside a function."""

    importer: str
    imported: str
    line: int
    in_function: bool


def modules(root: Path, package: str) -> dict[str, Path]:
    """Module name to file, for every ``.py`` file under ``root`` (the package's folder)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join([package, *parts])] = path
    return found


def _is_package(name: str, files: dict[str, Path]) -> bool:
    return name in files and files[name].name == "__init__.py"


def _resolve(importer: str, files: dict[str, Path], module: str | None, level: int) -> str:
    if not level:
        return module or ""
    base = importer.split(".")
    if not _is_package(importer, files):
        base.pop()  # a module's relative imports start at its package
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def imports(files: dict[str, Path]) -> Iterator[Import]:
    """Every import in ``files``, each name of a ``from`` import that is a module counted as one."""
    for importer, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        in_function: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                in_function.update(id(inner) for inner in ast.walk(node) if inner is not node)
        for node in ast.walk(tree):
            nested = id(node) in in_function
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield Import(importer, alias.name, node.lineno, nested)
            elif isinstance(node, ast.ImportFrom):
                source = _resolve(importer, files, node.module, node.level)
                yield Import(importer, source, node.lineno, nested)
                for alias in node.names:  # `from pkg import module` imports pkg.module
                    if f"{source}.{alias.name}" in files:
                        yield Import(importer, f"{source}.{alias.name}", node.lineno, nested)


def graph(files: dict[str, Path], package: str) -> dict[str, set[str]]:
    """Which of the package's modules each module makes Python run, itself excluded.

    Importing ``a.b.c`` runs ``a/__init__`` and ``a/b/__init__`` first, unless the importer is
    inside them already (a package's own modules do not re-enter its ``__init__``).
    """
    edges: dict[str, set[str]] = {name: set() for name in files}
    for found in imports(files):
        if not (found.imported == package or found.imported.startswith(f"{package}.")):
            continue
        parts = found.imported.split(".")
        for end in range(1, len(parts) + 1):
            target = ".".join(parts[:end])
            inside = found.importer == target or found.importer.startswith(f"{target}.")
            if target in files and not inside:
                edges[found.importer].add(target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The import circles: each strongly connected group of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def circle_path(edges: dict[str, set[str]], group: list[str]) -> list[str]:
    """One circle through a group's first module, for a message a person can follow."""
    start = group[0]
    members = set(group)
    paths = [[start]]
    seen = {start}
    while paths:
        path = paths.pop(0)
        for nxt in sorted(edges[path[-1]] & members):
            if nxt == start:
                return [*path, start]
            if nxt not in seen:
                seen.add(nxt)
                paths.append([*path, nxt])
    return group


def broken_rules(root: Path, package: str) -> list[str]:
    """Each broken rule as a sentence naming the file and line; empty when the house holds."""
    files = modules(root, package)
    edges = graph(files, package)
    problems = []
    for group in cycles(edges):
        problems.append("import circle: " + " -> ".join(circle_path(edges, group)))
    ui = f"{package}.ui"
    core = f"{package}.core"
    entry = f"{package}.app"
    for found in imports(files):
        where = f"{files[found.importer].relative_to(root.parent)}:{found.line}"
        in_ui = found.importer == ui or found.importer.startswith(f"{ui}.")
        imported = found.imported
        if in_ui and (
            imported == f"{package}.storage" or imported.startswith(f"{package}.storage.")
        ):
            problems.append(f"{where}: ui imports {imported}; take the record from core.models")
        if not in_ui and imported.split(".")[0] in QT_MODULES:
            problems.append(f"{where}: {imported} outside ui/: the services know no Qt")
        if (
            not in_ui
            and found.importer != entry
            and (imported == ui or imported.startswith(f"{ui}."))
        ):
            problems.append(f"{where}: {found.importer} imports {imported}; only app.py may")
        if imported == entry and found.importer != f"{package}.__main__":  # python -m runs it
            problems.append(f"{where}: {found.importer} imports the entry point {entry}")
        if found.importer == core or found.importer.startswith(f"{core}."):
            top = imported.split(".")[0]
            outside = imported.startswith(f"{package}.") and not imported.startswith(f"{core}.")
            if top in IO_MODULES or outside:
                problems.append(f"{where}: core imports {imported}; core/ does no I/O")
    return problems


# --- the real package ---------------------------------------------------------------------------


def test_the_package_keeps_its_layers() -> None:
    root = Path(aniworld_desktop.__file__).parent
    assert broken_rules(root, PACKAGE) == []


def test_the_reader_sees_the_imports_that_matter() -> None:
    # Guards against a checker that reads nothing: these edges exist and must be seen.
    root = Path(aniworld_desktop.__file__).parent
    files = modules(root, PACKAGE)
    edges = graph(files, PACKAGE)
    assert f"{PACKAGE}.services" in edges[f"{PACKAGE}.cli"]
    assert f"{PACKAGE}.ui.qtapp" in edges[f"{PACKAGE}.app"]  # inside main(): Qt only if needed
    assert f"{PACKAGE}.providers.demo" in edges[f"{PACKAGE}.library.following"]  # in a function
    found = [i for i in imports(files) if i.importer == f"{PACKAGE}.app" and i.in_function]
    # A bundle's multiprocessing helpers, the download process's entry (a bundle's
    # --download-worker), the window's: each imported only on its way.
    assert sorted(i.imported for i in found) == [
        f"{PACKAGE}.downloads.worker",
        f"{PACKAGE}.ui.qtapp",
        "multiprocessing",
    ]
    assert any(i.imported == "PySide6.QtCore" for i in imports(files))


# --- made-up packages that break each rule ------------------------------------------------------


def make_package(root: Path, sources: dict[str, str]) -> Path:
    package = root / "pkg"
    for name, text in {"__init__.py": "", **sources}.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / "__init__.py").touch()
        path.write_text(text)
    return package


LAYERED = {
    "app.py": "def main():\n    from pkg.ui import window\n",
    "services.py": "from pkg.core import models\nfrom pkg.storage import db\n",
    "core/models.py": "",
    "storage/db.py": "from pkg.core.models import *\n",
    "ui/window.py": "import PySide6.QtCore\nfrom pkg.services import *\nfrom pkg.core import models\n",
}


def test_a_layered_package_passes(tmp_path: Path) -> None:
    assert broken_rules(make_package(tmp_path, LAYERED), "pkg") == []


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (
            {"core/models.py": "def later():\n    from pkg import services\n"},
            "import circle: pkg.core.models -> pkg.services -> pkg.core.models",
        ),
        (
            {"storage/db.py": "from . import helper\n", "storage/helper.py": "from .db import x\n"},
            "import circle: pkg.storage.db -> pkg.storage.helper -> pkg.storage.db",
        ),
        (
            {"ui/panel.py": "def f():\n    from pkg.storage.db import Row\n"},
            "ui imports pkg.storage.db",
        ),
        ({"ui/panel.py": "import pkg.storage\n"}, "ui imports pkg.storage"),
        ({"core/models.py": "from PySide6.QtCore import QObject\n"}, "PySide6.QtCore outside ui/"),
        ({"services.py": "def run():\n    import qasync\n"}, "qasync outside ui/"),
        ({"cli.py": "from pkg.ui.window import Window\n"}, "pkg.cli imports pkg.ui.window"),
        ({"core/models.py": "import ssl\n"}, "core imports ssl; core/ does no I/O"),
        (
            {"tools.py": "def f():\n    from pkg.app import main\n"},
            "imports the entry point pkg.app",
        ),
        ({"core/models.py": "from pkg.storage import db\n"}, "core imports pkg.storage"),
    ],
)
def test_each_broken_rule_is_named(tmp_path: Path, change: dict[str, str], complaint: str) -> None:
    problems = broken_rules(make_package(tmp_path, {**LAYERED, **change}), "pkg")
    assert any(complaint in problem for problem in problems), problems
