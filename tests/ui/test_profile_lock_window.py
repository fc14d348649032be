"""A window started while another run holds the profile says who, waits, and can be quit.

The real ``run_window``: the holder is a second lock object in this process (refused like
another process would be, see tests/reliability/test_profile_lock.py for real processes).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from aniworld_desktop.config import ProfilePaths
from aniworld_desktop.storage.profile_lock import ProfileLock
from aniworld_desktop.ui import qtapp
from aniworld_desktop.ui.main_window import MainWindow
from tests.ui.test_main_window import app_state_restored, make_settings


def _visible_box() -> QMessageBox | None:
    for widget in QApplication.topLevelWidgets():
        if widget.objectName() == "profileLocked" and widget.isVisible():
            assert isinstance(widget, QMessageBox)
            return widget
    return None


def _visible_windows() -> list[MainWindow]:
    # An earlier test's window may linger, hidden.
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
    ]


def test_the_window_waits_for_a_run_once_and_opens_when_it_ends(
    qapp, paths: ProfilePaths, tmp_path: Path
) -> None:
    holder = ProfileLock.of(paths)
    assert holder.try_acquire("run-once")
    seen: dict[str, object] = {}

    def watch() -> None:
        box = _visible_box()
        if "text" not in seen and box is not None:
            seen["text"] = box.informativeText()
            # Nothing was opened behind the box: no window, not even a database.
            seen["window while waiting"] = bool(_visible_windows())
            seen["database while waiting"] = paths.database.exists()
            holder.release()  # the run-once ends
        elif "text" in seen and _visible_windows():
            seen["box with the window"] = _visible_box() is not None
            _visible_windows()[0].commands["quit"].trigger()
            return
        QTimer.singleShot(20, watch)

    with app_state_restored():
        QTimer.singleShot(20, watch)
        assert qtapp.run_window(paths, make_settings(tmp_path)) == 0
    text = str(seen["text"])
    assert "'run-once'" in text and f"process {os.getpid()}" in text
    assert "opens as soon as it has finished" in text
    assert seen["window while waiting"] is False
    assert seen["database while waiting"] is False
    assert seen["box with the window"] is False
    # The window let go of the profile when it quit.
    assert holder.try_acquire("run-once")
    holder.release()


def test_quit_while_waiting_ends_without_opening_the_profile(
    qapp, paths: ProfilePaths, tmp_path: Path
) -> None:
    holder = ProfileLock.of(paths)
    assert holder.try_acquire("run-once")
    clicked: list[str] = []

    def press_quit() -> None:
        box = _visible_box()
        if box is None:
            QTimer.singleShot(20, press_quit)
            return
        (button,) = box.buttons()
        clicked.append(button.text())
        button.click()

    try:
        with app_state_restored():
            QTimer.singleShot(20, press_quit)
            assert qtapp.run_window(paths, make_settings(tmp_path)) == 0
        assert clicked == ["&Quit"]
        assert not paths.database.exists()
        assert ProfileLock.of(paths).holder().command == "run-once"  # type: ignore[union-attr]
    finally:
        holder.release()
