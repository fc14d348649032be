"""MainWindow over real services, and run_window's start and shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import http.server
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from aniworld_desktop.config import ProfilePaths, Settings
from aniworld_desktop.services import Services, open_services
from aniworld_desktop.ui import qtapp
from aniworld_desktop.ui.add_links_dialog import AddLinksDialog
from aniworld_desktop.ui.main_window import MainWindow
from aniworld_desktop.ui.queue_model import Column
from aniworld_desktop.ui.roles import Role
from tests.ui.conftest import MediaServer, signal_future, wait_until

# Port 9 (discard) is never contacted: these tests add links without downloading them.
IDLE_URL = "http://127.0.0.1:9/Show.S01E{:02d}.mp4"


def make_settings(tmp_path: Path) -> Settings:
    return Settings(library_dir=tmp_path / "library", min_free_disk=0)


@contextlib.asynccontextmanager
async def running_window(
    paths: ProfilePaths,
    settings: Settings,
    *,
    run_downloads: bool = True,
    done_limit: int | None = None,
) -> AsyncIterator[tuple[Services, MainWindow]]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    quit_on_close = app.quitOnLastWindowClosed()
    # As in run_window: closing the last window must not quit the app and stop qasync's loop.
    app.setQuitOnLastWindowClosed(False)
    try:
        async with open_services(
            paths,
            settings,
            run_downloads=run_downloads,
            write_in_thread=True,
            done_limit=done_limit,
        ) as services:
            window = MainWindow(services)
            window.show()
            # The queue fills in just after the first paint (a reset, which clears selections).
            await wait_until(lambda: window.queue_loaded)
            try:
                yield services, window
            finally:
                # The order run_window keeps: the window lets go before the services stop.
                await window.aclose()
                window.close()
                window.deleteLater()
    finally:
        app.setQuitOnLastWindowClosed(quit_on_close)


async def visible_child(parent: QWidget, kind: type[QWidget], name: str | None = None) -> Any:
    """The first visible child of ``kind`` (and object name), once there is one."""
    found: list[QWidget] = []

    def look() -> bool:
        found[:] = [
            w
            for w in parent.findChildren(kind)
            if w.isVisible() and (name is None or w.objectName() == name)
        ]
        return bool(found)

    await wait_until(look)
    return found[0]


def status_of(window: MainWindow, item_id: int) -> str:
    row = window.queue_pane.model.row_of(item_id)
    assert row is not None
    return window.queue_pane.model.index(row, Column.STATUS).data(Role.STATUS)


@pytest.mark.qt_loop
async def test_url_added_in_the_dialog_downloads_to_completion(
    paths: ProfilePaths, tmp_path: Path, media_server: MediaServer
) -> None:
    payload = os.urandom(320 << 10)
    media_server.files["Show.S01E01.mp4"] = payload
    # 40 paced writes: about 1.6 s, so the 500 ms progress repaints show it part done.
    media_server.chunk = 8 << 10
    media_server.delay = 0.04
    async with running_window(paths, make_settings(tmp_path)) as (services, window):
        model = window.queue_pane.model
        window.commands["add_links"].trigger()
        dialog = await visible_child(window, AddLinksDialog)
        dialog.links_edit.setPlainText("ftp://example.org/Show.S01E01.mp4")
        assert not dialog.ok_button.isEnabled()
        assert dialog.reason_label.text().splitlines() == [
            "0 links to add.",
            "1 cannot be added:",
            "ftp://example.org/Show.S01E01.mp4: Only http and https links can be added.",
        ]

        fractions: list[float | None] = []
        model.dataChanged.connect(
            lambda tl, br, *_: fractions.append(
                model.index(tl.row(), Column.PROGRESS).data(Role.PROGRESS)
            )
        )
        inserted = signal_future(model.rowsInserted)
        finished = signal_future(window.bridge.finished)
        dialog.links_edit.setPlainText(media_server.url("Show.S01E01.mp4"))
        assert dialog.ok_button.isEnabled() and dialog.reason_label.text() == "1 link to add."
        dialog.ok_button.click()

        await asyncio.wait_for(inserted, 5)
        assert model.rowCount() == 1
        assert model.index(0, Column.SERIES).data() == "Show"
        assert model.index(0, Column.EPISODE).data() == "S01E01"
        (item,) = await asyncio.wait_for(finished, 10)

        await wait_until(lambda: model.index(0, Column.STATUS).data() == "Completed")
        assert model.index(0, Column.PROGRESS).data() == "100%"
        assert any(f is not None and 0 < f < 1 for f in fractions), fractions
        assert (services.library_dir / item.destination).read_bytes() == payload
        assert "Finished Show S01E01" in window.statusBar().currentMessage()
    assert (paths.config_dir / "window.ini").exists()  # geometry and header saved on close


@pytest.mark.qt_loop
async def test_actions_follow_the_selection(paths: ProfilePaths, tmp_path: Path) -> None:
    async with running_window(paths, make_settings(tmp_path), run_downloads=False) as (
        services,
        window,
    ):
        for n in (1, 2, 3):
            await services.library.add_url(IDLE_URL.format(n))
        first, second, third = (item.id for item in services.downloads.items())
        commands = window.commands
        selection_commands = ("pause", "resume", "cancel", "retry", "remove", "move_up", "move_top")

        # The counts follow a burst of changes once it is over: wait for all three.
        await wait_until(lambda: "3 queued" in window.status_bar.counts_label.text())
        await wait_until(lambda: commands["pause_all"].isEnabled())
        assert not any(commands[name].isEnabled() for name in selection_commands)
        assert not commands["resume_all"].isEnabled()
        assert not commands["retry_failed"].isEnabled()
        assert window.status_bar.counts_label.text() == "0 downloading · 3 queued"

        window.queue_pane.select_ids([first])
        assert commands["pause"].isEnabled() and commands["cancel"].isEnabled()
        assert not commands["resume"].isEnabled() and not commands["retry"].isEnabled()
        assert commands["remove"].isEnabled() and commands["move_top"].isEnabled()

        commands["pause"].trigger()
        await wait_until(lambda: commands["resume"].isEnabled())
        assert status_of(window, first) == "paused"
        assert not commands["pause"].isEnabled()
        await wait_until(lambda: commands["resume_all"].isEnabled())

        commands["cancel"].trigger()
        await wait_until(lambda: commands["retry"].isEnabled())
        assert status_of(window, first) == "cancelled"
        assert not commands["cancel"].isEnabled() and not commands["resume"].isEnabled()

        # A mixed selection enables what applies to any of its rows.
        window.queue_pane.select_ids([first, second])
        assert commands["retry"].isEnabled() and commands["pause"].isEnabled()

        # Ctrl+Home reaches "Move to top" before the table's own navigation; the moved row
        # stays selected.
        window.queue_pane.select_ids([third])
        window.activateWindow()
        window.queue_pane.view.setFocus()
        # Shortcuts reach only the active window; activation is an event like any other.
        await wait_until(
            lambda: QApplication.activeWindow() is window and window.queue_pane.view.hasFocus()
        )
        QTest.keyClick(window.queue_pane.view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
        await wait_until(lambda: window.queue_pane.model.item_id(0) == third)
        assert window.queue_pane.model.item_id(0) == third
        assert window.queue_pane.selected_ids() == [third]

        window.queue_pane.view.clearSelection()
        assert not any(commands[name].isEnabled() for name in selection_commands)


@pytest.mark.qt_loop
async def test_remove_asks_first_without_blocking(paths: ProfilePaths, tmp_path: Path) -> None:
    async with running_window(paths, make_settings(tmp_path), run_downloads=False) as (
        services,
        window,
    ):
        for n in (1, 2, 3):
            await services.library.add_url(IDLE_URL.format(n))
        first, _second, third = (item.id for item in services.downloads.items())
        window.queue_pane.select_ids([first, third])
        window.activateWindow()
        window.queue_pane.view.setFocus()

        QTest.keyClick(window.queue_pane.view, Qt.Key.Key_Delete)
        box = await visible_child(window, QMessageBox, "confirmRemove")
        assert "these 2 downloads" in box.text()
        box.button(QMessageBox.StandardButton.Cancel).click()
        await wait_until(lambda: not box.isVisible())
        await asyncio.sleep(0.05)
        assert window.queue_pane.model.rowCount() == 3

        window.commands["remove"].trigger()
        box = await visible_child(window, QMessageBox, "confirmRemove")
        (remove,) = [
            b for b in box.buttons() if box.buttonRole(b) is QMessageBox.ButtonRole.AcceptRole
        ]
        removed = signal_future(window.queue_pane.model.rowsRemoved)
        remove.click()
        await asyncio.wait_for(removed, 5)
        await wait_until(lambda: window.queue_pane.model.rowCount() == 1)
        assert [item.id for item in services.downloads.items()] == [_second]


@pytest.mark.qt_loop
async def test_service_errors_are_shown_not_raised(paths: ProfilePaths, tmp_path: Path) -> None:
    async with running_window(paths, make_settings(tmp_path), run_downloads=False) as (_, window):
        window.tasks.run(
            window.dispatcher.add_url("ftp://example.org/Show.S01E01.mp4"), what="Add URL"
        )
        box = await visible_child(window, QMessageBox, "errorBox")
        assert box.text().startswith("Only http and https links can be added")
        assert window.statusBar().currentMessage() == box.text()
        assert window.queue_pane.model.rowCount() == 0
        box.close()


def test_add_links_dialog_explains_what_is_wrong(qtbot) -> None:
    dialog = AddLinksDialog()
    qtbot.addWidget(dialog)
    cases = {
        "": ["Paste or type one link per line."],
        "example.org/x.mp4": [
            "0 links to add.",
            "1 cannot be added:",
            "example.org/x.mp4: Only http and https links can be added.",
        ],
        "https://": [
            "0 links to add.",
            "1 cannot be added:",
            "https://: The link has no server name.",
        ],
        "  https://example.org/Show.S01E01.mp4 \n\n feed://example.org/rss\n": ["2 links to add."],
    }
    for text, reason in cases.items():
        dialog.links_edit.setPlainText(text)
        assert dialog.reason_label.text().splitlines() == reason, text
        assert dialog.ok_button.isEnabled() is (reason[0].startswith(("1 ", "2 ")))
    assert dialog.links() == ["https://example.org/Show.S01E01.mp4", "http://example.org/rss"]
    assert dialog.refusals() == []

    many = "\n".join(f"ftp://h/{n}.mkv" for n in range(8)) + "\nhttps://h/ok.mkv"
    dialog.links_edit.setPlainText(many)
    lines = dialog.reason_label.text().splitlines()
    assert lines[:2] == ["1 link to add.", "8 cannot be added:"] and lines[-1] == "… and 3 more."
    assert len(dialog.refusals()) == 8 and dialog.links() == ["https://h/ok.mkv"]

    dialog.links_edit.setPlainText("nope")
    dialog.accept()  # Ctrl+Return ends here even with nothing to add
    assert dialog.result() != AddLinksDialog.DialogCode.Accepted


# --------------------------------------------------------------------- run_window


@contextlib.contextmanager
def app_state_restored() -> Iterator[QApplication]:
    """run_window() configures the one QApplication the tests share; put it back after."""
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    name, organisation = app.applicationName(), app.organizationName()
    quit_on_close = app.quitOnLastWindowClosed()
    try:
        yield app
    finally:
        app.setApplicationName(name)
        app.setOrganizationName(organisation)
        app.setQuitOnLastWindowClosed(quit_on_close)


def test_run_window_quits_from_the_quit_action(qapp, paths: ProfilePaths, tmp_path: Path) -> None:
    def press_quit() -> None:
        # An earlier run's window may linger, hidden (a second launch's handler keeps it).
        windows = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        ]
        if windows:
            windows[0].commands["quit"].trigger()
        else:
            QTimer.singleShot(20, press_quit)

    with app_state_restored():
        QTimer.singleShot(20, press_quit)
        assert qtapp.run_window(paths, make_settings(tmp_path)) == 0
        assert not qapp.quitOnLastWindowClosed()


def test_run_window_reports_a_broken_database(
    qapp, paths: ProfilePaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths.database.mkdir(parents=True)  # a folder where the database file should be
    shown: list[str] = []
    monkeypatch.setattr(qtapp, "show_startup_error", shown.append)
    with app_state_restored():
        assert qtapp.run_window(paths, make_settings(tmp_path)) == 2
    assert len(shown) == 1 and "Cannot open the database" in shown[0]


class _TrickleHandler(http.server.BaseHTTPRequestHandler):
    """Announces a large file and sends it slowly, so a download is running at SIGTERM."""

    requested = threading.Event()

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "video/mp4")
        self.send_header("Content-Length", str(64 << 20))
        self.end_headers()
        type(self).requested.set()
        try:
            for _ in range(2000):
                self.wfile.write(b"\0" * 4096)
                self.wfile.flush()
                time.sleep(0.01)
        except OSError:
            pass  # the client went away, as it should on quit

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_sigterm_shuts_down_cleanly_mid_download(tmp_path: Path) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _TrickleHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    profile = tmp_path / "profile"
    paths = ProfilePaths.for_profile(profile)
    url = f"http://127.0.0.1:{server.server_address[1]}/Show.S01E01.mp4"
    settings = make_settings(tmp_path)

    async def queue_it() -> None:
        async with open_services(paths, settings, run_downloads=False) as services:
            await services.library.add_url(url)

    asyncio.run(queue_it())
    (profile / "settings.json").write_text(
        f'{{"library_dir": "{settings.library(paths)}", "min_free_disk": 0}}', encoding="utf-8"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "aniworld_desktop", "--profile", str(profile)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    log_file = paths.log_dir / "aniworld.log"
    try:
        deadline = time.monotonic() + 30
        while not (
            log_file.exists()
            and "window shown" in log_file.read_text(encoding="utf-8")
            and _TrickleHandler.requested.is_set()
        ):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the window did not come up"
            time.sleep(0.05)
        time.sleep(0.3)  # let a few chunks arrive

        process.send_signal(signal.SIGTERM)
        started = time.monotonic()
        _out, err = process.communicate(timeout=5)
        elapsed = time.monotonic() - started
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
        server.shutdown()
        server.server_close()

    assert process.returncode == 0, err
    assert elapsed < 5
    for bad in ("Unclosed", "Traceback", "QThread", "Error"):
        assert bad not in err, err
    log = log_file.read_text(encoding="utf-8")
    assert "shutting down" in log and "services stopped" in log


def test_a_second_launch_hands_its_link_to_the_first_and_exits(tmp_path: Path) -> None:
    """Two real processes: the second gives its --add link to the running window and exits."""
    profile = tmp_path / "profile"
    paths = ProfilePaths.for_profile(profile)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"}
    env = {k: v for k, v in env.items() if not k.startswith("ANIWORLD_")}
    command = [sys.executable, "-m", "aniworld_desktop", "--profile", str(profile)]
    first = subprocess.Popen(command, stderr=subprocess.PIPE, env=env, text=True)
    log_file = paths.log_dir / "aniworld.log"
    try:
        deadline = time.monotonic() + 30
        while not (log_file.exists() and "window shown" in log_file.read_text(encoding="utf-8")):
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the first window did not come up"
            time.sleep(0.05)
        second = subprocess.run(
            [*command, "--add", IDLE_URL.format(4)],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert second.returncode == 0, second.stderr
        deadline = time.monotonic() + 15
        while "a second launch handed over 1 argument(s)" not in log_file.read_text(
            encoding="utf-8"
        ):
            assert time.monotonic() < deadline, "the first window never heard of the second launch"
            time.sleep(0.05)
        deadline = time.monotonic() + 15
        while "added Show from direct" not in log_file.read_text(encoding="utf-8"):
            assert time.monotonic() < deadline, "the handed-over link was not added"
            time.sleep(0.05)
    finally:
        first.send_signal(signal.SIGTERM)
        _out, err = first.communicate(timeout=10)
    assert first.returncode == 0, err
    assert log_file.read_text(encoding="utf-8").count("window shown") == 1  # only one window


def test_run_window_says_a_corrupt_database_was_set_aside(
    qapp, paths: ProfilePaths, tmp_path: Path
) -> None:
    """Never a silent empty start: the window says the old file was kept, and where."""
    paths.database.parent.mkdir(parents=True, exist_ok=True)
    paths.database.write_bytes(b"this is not a database, only words" * 100)
    seen: list[str] = []

    def read_and_quit() -> None:
        boxes = [w for w in QApplication.topLevelWidgets() if w.objectName() == "startupNotices"]
        windows = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        ]  # an earlier test's window may linger, hidden
        boxes = [b for b in boxes if b.isVisible()]
        if boxes and windows:
            box = boxes[0]
            assert isinstance(box, QMessageBox)
            seen.append(box.informativeText())
            box.accept()
            windows[0].commands["quit"].trigger()
        else:
            QTimer.singleShot(20, read_and_quit)

    with app_state_restored():
        QTimer.singleShot(20, read_and_quit)
        notices = ["The settings file was unreadable and was set aside."]
        assert qtapp.run_window(paths, make_settings(tmp_path), notices=notices) == 0
    kept = list(paths.database.parent.glob(f"{paths.database.name}.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"this is not a database")
    assert len(seen) == 1
    assert seen[0].startswith("The settings file was unreadable")  # the settings' come first
    assert kept[0].name in seen[0]
