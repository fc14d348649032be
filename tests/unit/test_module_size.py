"""Module sizes: the main window stays a composition of rooms, and no module outgrows a reader.

The window wires panes, a status bar, an action table and a command object that live in
modules of their own (docs/ARCHITECTURE.md, "The window"); a window past 800 lines is taking
their work back. Past 900 lines a module holds more than one responsibility: split it by one
(as library/service.py was split into sources, organising and the catalogue).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "aniworld_desktop"
MAIN_WINDOW = PACKAGE / "ui" / "main_window.py"
WINDOW_LIMIT = 800
MODULE_LIMIT = 900


def lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_the_main_window_only_composes_and_wires() -> None:
    assert lines(MAIN_WINDOW) <= WINDOW_LIMIT, (
        f"{MAIN_WINDOW.name} has {lines(MAIN_WINDOW)} lines (at most {WINDOW_LIMIT}): move the "
        "work into its room (a pane, the status bar, actions.py, window_commands.py)"
    )


def test_no_module_of_the_package_is_over_the_limit() -> None:
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 50  # the package was found
    sizes = {path.relative_to(PACKAGE.parent).as_posix(): lines(path) for path in modules}
    over = {name: size for name, size in sizes.items() if size > MODULE_LIMIT}
    assert not over, f"modules over {MODULE_LIMIT} lines: {over}"
