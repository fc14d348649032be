"""The window's keys: standard keys where Qt has them, F5 refreshes, and no two actions share a
key under any of Qt's key schemes (Windows, macOS, X11, KDE, GNOME); distinct mnemonics.

Qt gives a standard key the bindings of the platform theme's key scheme, so one process sees
one scheme. ``tests/ui/key_schemes.py`` holds Qt's bindings for the standard keys we use under
all five; the first test holds that table to what Qt answers wherever this machine can make the
scheme (offscreen: Windows; xcb under Xvfb: X11, KDE, GNOME) and presses every key of every
action on a real window there. The others resolve the real action table under every scheme.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QTableView

from aniworld_desktop.ui.actions import (
    ACTIONS,
    MENUS,
    QUEUE_MENU,
    SERIES_MENU,
    ActionName,
    ActionSpec,
    build_menus,
    create_actions,
    pick,
    resolve_keys,
)
from tests.ui.key_schemes import MADE_BY, SCHEMES, bindings
from tests.xvfb import xvfb_display

ROOT = Path(__file__).parents[2]
A = ActionName


def clashes(specs: Iterable[ActionSpec], scheme: str) -> list[str]:
    """Keys that more than one action answers to under ``scheme`` (or that start another's)."""
    owners: list[tuple[QKeySequence, ActionName]] = []
    for spec in specs:
        owners += [(keys, spec.name) for keys in resolve_keys(spec.shortcut, bindings(scheme))]
    found = []
    for n, (keys, name) in enumerate(owners):
        for other_keys, other in owners[n + 1 :]:
            # Equal, or one the start of the other (Qt waits for the rest): both are ambiguous.
            no = QKeySequence.SequenceMatch.NoMatch
            if keys.matches(other_keys) != no or other_keys.matches(keys) != no:
                found.append(f"{keys.toString()} / {other_keys.toString()}: {name}, {other}")
    return found


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_no_two_actions_share_a_key_under_any_scheme(scheme: str) -> None:
    assert clashes(ACTIONS, scheme) == []


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
def test_f5_refreshes_and_the_standard_keys_stand_under_every_scheme(scheme: str) -> None:
    def keys(name: ActionName) -> list[str]:
        spec = next(spec for spec in ACTIONS if spec.name is name)
        return [k.toString() for k in resolve_keys(spec.shortcut, bindings(scheme))]

    table = SCHEMES[scheme]
    assert "F5" in keys(A.REFRESH)
    for name, key in (
        (A.REFRESH, QKeySequence.StandardKey.Refresh),
        (A.ADD_SERIES, QKeySequence.StandardKey.New),
        (A.FIND, QKeySequence.StandardKey.Find),
        (A.PASTE_LINKS, QKeySequence.StandardKey.Paste),
    ):
        assert keys(name)[: len(table[key])] == list(table[key]), name
    assert keys(A.REMOVE) == ["Del"]  # the Delete key only (X11's Ctrl+D is Download Missing's)
    assert keys(A.QUIT) == [*(table[QKeySequence.StandardKey.Quit] or ("Ctrl+Q",))]
    assert keys(A.SETTINGS) == [*(table[QKeySequence.StandardKey.Preferences] or ("Ctrl+,",))]


def test_the_check_finds_a_key_two_actions_share() -> None:
    """Before issue 18, Resume had Ctrl+R: GNOME's and macOS's Refresh, not Windows'."""
    old = [
        spec if spec.name is not A.RESUME else ActionSpec(A.RESUME, "&Resume", "Ctrl+R", "", "")
        for spec in ACTIONS
    ]
    assert clashes(old, "gnome") == ["Ctrl+R / Ctrl+R: resume, refresh"]
    assert clashes(old, "macos") == ["Ctrl+R / Ctrl+R: resume, refresh"]
    assert clashes(old, "windows") == []
    chord = [*ACTIONS, ActionSpec(A.QUIT, "x", "Ctrl+D, Ctrl+X", "", "")]
    assert any("Ctrl+D, Ctrl+X" in clash for clash in clashes(chord, "windows"))


def test_an_action_with_a_standard_key_the_table_lacks_is_refused() -> None:
    unknown = ActionSpec(A.QUIT, "x", QKeySequence.StandardKey.ZoomIn, "", "")
    with pytest.raises(KeyError, match=r"ZoomIn is not in tests/ui/key_schemes\.py"):
        clashes([unknown], "windows")


# --------------------------------------------------------------------------------- Qt itself


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    with xvfb_display() as value:
        yield value


def probe(platform: str, theme: str, display: str | None) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "XDG_CURRENT"))}
    env.update(QT_QPA_PLATFORM=platform, QT_QPA_PLATFORMTHEME=theme, KDE_SESSION_VERSION="5")
    if display is not None:
        env["DISPLAY"] = display
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.keys_probe"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("scheme", [s for s, made in sorted(MADE_BY.items()) if made])
def test_qt_answers_what_the_table_says_and_every_key_reaches_its_one_action(
    scheme: str, request: pytest.FixtureRequest
) -> None:
    made = MADE_BY[scheme]
    assert made is not None
    platform, theme = made
    seen = probe(platform, theme, request.getfixturevalue("display") if platform == "xcb" else None)
    assert seen["platform"] == platform and seen["active"]
    expected = {key.name: list(sequences) for key, sequences in SCHEMES[scheme].items()}
    assert seen["bindings"] == expected
    wrong = {
        f"{name} {keys}": fired
        for name, pressed in seen["pressed"].items()
        for keys, fired in pressed.items()
        if fired != [name]
    }
    assert wrong == {}, "keys that did not trigger exactly their own action"
    assert len(seen["pressed"]) == sum(1 for spec in ACTIONS if spec.shortcut is not None)
    assert not [w for w in seen["warnings"] if "mbiguous" in w]


# --------------------------------------------------------------------------------- mnemonics


def mnemonic(text: str) -> str:
    found = re.search(r"&([^&\s])", text.replace("&&", ""))
    return found.group(1).casefold() if found else ""


def test_english_mnemonics_lead_to_one_entry_in_every_menu(qtbot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    view = QTableView(window)
    actions = create_actions(window, {spec.name: lambda: None for spec in ACTIONS}, view=view)
    build_menus(window.menuBar(), actions)
    menus: dict[str, list[str]] = {"menu bar": [a.text() for a in window.menuBar().actions()]}
    for entry in window.menuBar().actions():
        menu = entry.menu()
        assert isinstance(menu, QMenu)
        menus[menu.title()] = [a.text() for a in menu.actions() if not a.isSeparator()]
    for where, names in (("queue context menu", QUEUE_MENU), ("series context menu", SERIES_MENU)):
        menus[where] = [a.text() for a in pick(actions, names) if a is not None]
    assert len(menus) == len(MENUS) + 3
    for where, texts in menus.items():
        keys = [mnemonic(text) for text in texts]
        assert all(keys), f"{where}: an entry without a mnemonic in {texts}"
        clashing = sorted({key for key in keys if keys.count(key) > 1})
        assert not clashing, f"{where}: {clashing} lead to more than one of {texts}"


def test_the_mnemonic_check_sees_a_clash() -> None:
    texts = ["&Monitor", "Set TMDB &Match…"]
    keys = [mnemonic(text) for text in texts]
    assert keys == ["m", "m"] and mnemonic("R&&D") == "" and mnemonic("Save && &Quit") == "q"
