"""Where the icons and translations are looked for: one lookup (ui/resource_dirs.py) for both."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import aniworld_desktop
from aniworld_desktop.ui.resource_dirs import find_resource_dir

ENV = "ANIWORLD_TEST_RESOURCE_DIR"
PACKAGE = Path(aniworld_desktop.__file__).resolve().parent
CHECKOUT = PACKAGE.parent / "resources" / "things"


@pytest.fixture(autouse=True)
def no_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV, raising=False)


def test_the_environment_names_the_folder_outright(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(ENV, f"  {tmp_path}  ")
    assert find_resource_dir("things", ENV, lambda path: False) == tmp_path
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv(ENV, "~/elsewhere")
    assert find_resource_dir("things", ENV, lambda path: False) == tmp_path / "elsewhere"


def test_a_blank_variable_is_as_good_as_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "   ")
    assert find_resource_dir("things", ENV, lambda path: False) == CHECKOUT


def test_package_data_then_checkout_then_prefix_the_first_that_holds_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    installed = tmp_path / "share" / "aniworld-desktop" / "things"
    asked: list[Path] = []

    def holds(path: Path) -> bool:
        asked.append(path)
        return path == installed

    assert find_resource_dir("things", ENV, holds) == installed
    assert asked == [PACKAGE / "resources" / "things", CHECKOUT, installed]
    asked.clear()
    assert (
        find_resource_dir("things", ENV, lambda path: holds(path) or path == CHECKOUT) == CHECKOUT
    )
    assert asked == [PACKAGE / "resources" / "things", CHECKOUT]


def test_where_none_holds_it_the_checkout_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    assert find_resource_dir("things", ENV, lambda path: False) == CHECKOUT
