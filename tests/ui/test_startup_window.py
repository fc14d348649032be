"""The window shows before the services open, and a Quit meanwhile ends the app cleanly.

The real ``run_window``, with ``qtapp.open_services`` held at a gate the test opens: while it is
shut the services cannot be open, so whatever shows then was shown before them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel

from aniworld_desktop.config import ProfilePaths
from aniworld_desktop.storage.profile_lock import ProfileLock
from aniworld_desktop.ui import qtapp
from aniworld_desktop.ui.main_window import MainWindow
from tests.ui.test_main_window import app_state_restored, make_settings

GIVE_UP_MS = 20_000


class Gate:
    """Holds ``open_services`` until :meth:`open` is called; counts what it let through."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._opened = False
        self._event: asyncio.Event | None = None  # made on the loop that waits on it
        self.entered = 0  # services opened
        self.left = 0  # services closed again
        real = qtapp.open_services

        @contextlib.asynccontextmanager
        async def gated(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
            self._event = asyncio.Event()
            if not self._opened:
                await self._event.wait()
            async with real(*args, **kwargs) as services:
                self.entered += 1
                try:
                    yield services
                finally:
                    self.left += 1

        monkeypatch.setattr(qtapp, "open_services", gated)

    def open(self) -> None:
        self._opened = True
        if self._event is not None:
            self._event.set()


def _visible_windows() -> list[MainWindow]:
    # An earlier test's window may linger, hidden.
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
    ]


def test_the_window_shows_before_the_services_open(
    qapp, paths: ProfilePaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(monkeypatch)
    seen: dict[str, object] = {}

    def watch() -> None:
        windows = _visible_windows()
        if "frame" not in seen and windows:
            window = windows[0]
            label = window.centralWidget()
            seen["frame"] = {
                "services open": window.services_open,
                "text": label.text() if isinstance(label, QLabel) else None,
                "status": window.statusBar().currentMessage(),
                "commands": sorted(window.commands),
                "database": paths.database.exists(),
            }
            gate.open()
        elif "frame" in seen and windows and windows[0].services_open:
            window = windows[0]
            if window.queue_loaded:
                seen["filled"] = {
                    "has the queue": window.centralWidget() is window.stack,
                    "commands": len(window.commands),
                }
                window.commands["quit"].trigger()
                return
        QTimer.singleShot(20, watch)

    with app_state_restored():
        QTimer.singleShot(20, watch)
        # Were the window shown only after the services, it would never show while the gate is
        # shut: open it after a while anyway, so such a start fails the asserts, not hangs.
        QTimer.singleShot(GIVE_UP_MS, gate.open)
        assert qtapp.run_window(paths, make_settings(tmp_path)) == 0
    assert seen["frame"] == {
        "services open": False,
        "text": "Opening the library…",
        "status": "Opening the library…",
        "commands": ["quit"],  # the one command before the services are there
        "database": False,  # nothing opened behind the frame yet
    }
    filled = seen["filled"]
    assert isinstance(filled, dict)
    assert filled["has the queue"] is True and filled["commands"] > 20
    assert (gate.entered, gate.left) == (1, 1)


def test_quit_before_the_services_open_ends_cleanly(
    qapp, paths: ProfilePaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(monkeypatch)
    seen: dict[str, object] = {}
    served: list[object] = []
    real_serve = qtapp._serve

    async def serve(*args: Any, **kwargs: Any) -> None:
        served.append(args)
        await real_serve(*args, **kwargs)

    monkeypatch.setattr(qtapp, "_serve", serve)

    def quit_then_open() -> None:
        windows = _visible_windows()
        if not windows:
            QTimer.singleShot(20, quit_then_open)
            return
        windows[0].commands["quit"].trigger()
        seen["visible after quit"] = bool(_visible_windows())
        # The opening finishes only now, after the quit: it must not fill a window in.
        QTimer.singleShot(50, gate.open)

    with app_state_restored():
        QTimer.singleShot(20, quit_then_open)
        QTimer.singleShot(GIVE_UP_MS, gate.open)  # as above: fail, never hang
        assert qtapp.run_window(paths, make_settings(tmp_path)) == 0
    assert seen["visible after quit"] is False  # the window went at once
    assert (gate.entered, gate.left) == (1, 1)  # opened, then closed in order
    assert served == []  # the window was never filled in over services about to close
    # The profile is free again: the next run may take it.
    lock = ProfileLock.of(paths)
    assert lock.try_acquire("run-once")
    lock.release()


# Offscreen has no tray: the icon falls back to Qt's own tray window (see tests/ui/test_tray.py).
@pytest.mark.qt_log_ignore(r"No such signal QPlatformNativeInterface::systemTrayWindowChanged")
def test_a_start_in_the_tray_shows_its_icon_before_the_services_open(
    qapp, paths: ProfilePaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aniworld_desktop.ui.tray import TrayIcon

    gate = Gate(monkeypatch)
    monkeypatch.setattr(TrayIcon, "available", staticmethod(lambda: True))  # offscreen has none
    made: list[TrayIcon] = []

    class Tray(TrayIcon):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(qtapp, "TrayIcon", Tray)
    seen: dict[str, object] = {}
    commands = ("show_hide", "pause_all", "resume_all", "run_now", "open_folder", "quit")

    def menu(tray: TrayIcon) -> dict[str, bool]:
        return {name: tray.actions[name].isEnabled() for name in commands}

    def watch() -> None:
        if made and "opening" not in seen:
            tray = made[0]
            window = tray.parent()
            assert isinstance(window, MainWindow)
            seen["opening"] = {
                "icon shown": tray.tray.isVisible(),
                "window shown": window.isVisible(),
                "tooltip": tray.tray.toolTip(),
                "menu": menu(tray),
            }
            tray.actions["show_hide"].trigger()  # the frame, while the library opens
            seen["window after Show"] = (window.isVisible(), window.services_open)
            tray.actions["show_hide"].trigger()
            gate.open()
        elif "opening" in seen and made[0].parent().tray is not None:  # type: ignore[union-attr]
            tray = made[0]
            window = tray.parent()
            seen["open"] = {"trays": len(made), "attached": window.tray is tray, "menu": menu(tray)}
            tray.actions["show_hide"].trigger()
            seen["window after Show"] += (window.isVisible(),)  # type: ignore[operator]
            tray.actions["quit"].trigger()
            return
        QTimer.singleShot(20, watch)

    with app_state_restored():
        QTimer.singleShot(20, watch)
        QTimer.singleShot(GIVE_UP_MS, gate.open)  # fail, never hang
        assert qtapp.run_window(paths, make_settings(tmp_path), minimized=True) == 0
    assert seen["opening"] == {
        "icon shown": True,
        "window shown": False,
        "tooltip": "Aniworld Desktop\nOpening the library…",
        "menu": {name: name in ("show_hide", "quit") for name in commands},
    }
    assert seen["open"] == {"trays": 1, "attached": True, "menu": dict.fromkeys(commands, True)}
    # Shown while opening, hidden again; shown once more by the attached icon (one toggle each).
    assert seen["window after Show"] == (True, False, True)
    assert (gate.entered, gate.left) == (1, 1)
    assert not made[0].tray.isVisible()  # no ghost icon after Quit
