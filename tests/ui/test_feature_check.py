"""PySide6's look at every imported module, answered from the file's bytes (ui/feature_check.py).

Real PySide6: its import hook, its feature table, modules written to tmp_path and imported.
"""

from __future__ import annotations

import importlib
import linecache
import sys
from pathlib import Path
from types import ModuleType

import pytest

import aniworld_desktop.ui  # noqa: F401  (installs the check, as the window's start does)
from aniworld_desktop.ui import feature_check

feature = sys.modules.get(feature_check.FEATURE_MODULE)
NEEDS_THE_CHECK = pytest.mark.skipif(
    feature is None or not hasattr(feature, "_mod_uses_pyside"),
    reason="this PySide6 has no per-module feature check to make cheap (install() does nothing:"
    " the last test covers that)",
)


@NEEDS_THE_CHECK
def test_importing_the_window_layer_puts_the_file_read_in_place() -> None:
    checker = feature._mod_uses_pyside  # type: ignore[union-attr]
    assert isinstance(checker, feature_check._FromFile)
    assert feature_check.install() is True  # twice is once
    assert feature._mod_uses_pyside is checker  # type: ignore[union-attr]


@NEEDS_THE_CHECK
def test_it_answers_as_pyside_does_for_every_loaded_module() -> None:
    checker = feature._mod_uses_pyside  # type: ignore[union-attr]
    modules = [m for m in list(sys.modules.values()) if isinstance(m, ModuleType)]
    with_files = [m for m in modules if str(getattr(m, "__file__", "")).endswith(".py")]
    assert len(with_files) > 200  # SQLAlchemy's, aiohttp's, ours: a real sample
    differ = [m.__name__ for m in with_files if checker(m) != checker.upstream(m)]
    assert differ == []
    assert any(checker(m) for m in with_files)  # ours mention PySide6; a check that says no
    assert not all(checker(m) for m in with_files)  # to all would not be one


@NEEDS_THE_CHECK
def test_modules_imported_later_are_sorted_as_pyside_would_and_their_text_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "uses_qt_here.py").write_text("from PySide6.QtCore import QObject\n")
    (tmp_path / "plain_module_here.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        for name in ("uses_qt_here", "plain_module_here"):
            __import__(name)  # the import statement's way: through PySide6's hook
        table = feature.pyside_feature_dict  # type: ignore[union-attr]
        assert table["uses_qt_here"] == 0  # PySide's default for a module that uses it
        assert table["plain_module_here"] == -1  # "ignore this module"
        kept = {str(Path(name).resolve()) for name in linecache.cache if not name.startswith("<")}
        assert str((tmp_path / "plain_module_here.py").resolve()) not in kept
    finally:
        for name in ("uses_qt_here", "plain_module_here"):
            sys.modules.pop(name, None)
            feature.pyside_feature_dict.pop(name, None)  # type: ignore[union-attr]


@NEEDS_THE_CHECK
def test_a_module_without_a_source_file_gets_pysides_own_answer() -> None:
    checker = feature._mod_uses_pyside  # type: ignore[union-attr]
    for module in (sys, importlib.import_module("_sqlite3"), ModuleType("made_up")):
        assert checker(module) == checker.upstream(module)


def test_nothing_changes_where_pyside_has_no_such_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, feature_check.FEATURE_MODULE, ModuleType("elsewhere"))
    assert feature_check.install() is False
    monkeypatch.delitem(sys.modules, feature_check.FEATURE_MODULE)
    assert feature_check.install() is False
