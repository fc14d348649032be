"""Links from outside: a second launch's (the desktop's %U), the Add Links dialog, Ctrl+V on the
queue, and the feed schemes of a web page's "Subscribe" button. Media links are queued, feeds
offered to follow, and what is refused is listed with its reason."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from aniworld_desktop.config import ProfilePaths
from aniworld_desktop.ui.add_links_dialog import AddLinksDialog
from tests.ui.conftest import MediaServer, wait_until
from tests.ui.test_main_window import make_settings, running_window, visible_child
from tests.unit.library.test_opml import FEED
from tests.unit.providers.feed_server import FeedServer


def accept(box: QMessageBox) -> None:
    (button,) = [b for b in box.buttons() if box.buttonRole(b) is QMessageBox.ButtonRole.AcceptRole]
    button.click()


@pytest.fixture
def clipboard(qapp: Any) -> Any:
    board = QGuiApplication.clipboard()
    board.clear()
    yield board
    board.clear()


@pytest.mark.qt_loop
async def test_links_from_outside_queue_media_offer_feeds_and_list_refusals(
    paths: ProfilePaths, tmp_path: Path, media_server: MediaServer
) -> None:
    media_server.files["Harbor.Lights.S01E01.mp4"] = b"x" * 1000
    async with (
        FeedServer() as feeds,
        running_window(paths, make_settings(tmp_path), run_downloads=False) as (services, window),
    ):
        feeds.add("/moons.xml", FEED.format(title="Paper Moons").encode())
        address = feeds.url("/moons.xml").removeprefix("http://")
        # What a browser hands over for a "Subscribe" button, a video link, and two refusals.
        window.dispatcher.add_links(
            [
                f"feed://{address}",
                media_server.url("Harbor.Lights.S01E01.mp4"),
                "ftp://example.org/x.mkv",
                f"http://{address.replace('moons', 'gone')}",
            ]
        )
        box = await visible_child(window, QMessageBox, "confirmFollow")
        assert box.text() == "Follow Paper Moons from feed? The feed lists 1 episode."
        accept(box)
        error = await visible_child(window, QMessageBox, "errorBox")
        lines = error.text().splitlines()
        assert lines[0] == "Queued 1 link; following 1 new series. 2 links could not be added:"
        assert lines[2].startswith("x.mkv: Only http and https links can be added (ftp given)")
        assert (
            lines[3]
            == f"http://{address.replace('moons', 'gone')}: {feeds.url('/gone.xml')} answered HTTP 404."
        )
        error.close()
        titles = sorted(s.series.title for s in await services.library.list_series())
        assert titles == ["Harbor Lights", "Paper Moons"]
        assert [i.series_title for i in services.downloads.items()] == ["Harbor Lights"]
        assert feeds.seen("/moons.xml")  # feed:// was read as http://


@pytest.mark.qt_loop
async def test_the_add_links_dialog_takes_several_and_says_what_it_refused(
    paths: ProfilePaths, tmp_path: Path, media_server: MediaServer, clipboard: Any
) -> None:
    media_server.files["Show.S01E01.mp4"] = b"x" * 100
    media_server.files["Show.S01E02.mp4"] = b"x" * 100
    first, second = (media_server.url(f"Show.S01E0{n}.mp4") for n in (1, 2))
    clipboard.setText(f"see {first} and mailto:nobody")
    async with running_window(paths, make_settings(tmp_path), run_downloads=False) as (
        services,
        window,
    ):
        window.commands["add_links"].trigger()
        dialog = await visible_child(window, AddLinksDialog)
        assert dialog.links_edit.toPlainText() == first  # the clipboard's links, offered
        dialog.links_edit.setPlainText(f"{first}\n{second}\nftp://example.org/x.mkv\n")
        assert dialog.ok_button.isEnabled()
        dialog.ok_button.click()
        error = await visible_child(window, QMessageBox, "errorBox")
        assert error.text().splitlines() == [
            "Queued 2 links. 1 link could not be added:",
            "",
            "ftp://example.org/x.mkv: Only http and https links can be added.",
        ]
        error.close()
        assert sorted(i.key.label() for i in services.downloads.items()) == ["S01E01", "S01E02"]


@pytest.mark.qt_loop
async def test_ctrl_v_on_the_queue_adds_the_clipboards_links(
    paths: ProfilePaths, tmp_path: Path, media_server: MediaServer, clipboard: Any
) -> None:
    media_server.files["Show.S02E01.mp4"] = b"x" * 100
    async with running_window(paths, make_settings(tmp_path), run_downloads=False) as (
        services,
        window,
    ):
        messages: list[str] = []
        window.statusBar().messageChanged.connect(messages.append)
        window.stack.setCurrentWidget(window.main_splitter)
        view = window.queue_pane.view
        # Focus and shortcuts reach only the active window (an earlier test's may still be).
        window.activateWindow()
        view.setFocus()
        await wait_until(lambda: QApplication.activeWindow() is window and view.hasFocus())
        paste = QKeySequence(QKeySequence.StandardKey.Paste)[0]

        clipboard.setText("nothing to see here")
        QTest.keyClick(view, paste.key(), paste.keyboardModifiers())
        await wait_until(lambda: "The clipboard's text holds no http or https link." in messages)

        mime = QMimeData()
        mime.setUrls([QUrl(media_server.url("Show.S02E01.mp4"))])
        clipboard.setMimeData(mime)
        QTest.keyClick(view, paste.key(), paste.keyboardModifiers())
        await wait_until(lambda: len(services.downloads.items()) == 1)
        await wait_until(lambda: "Queued 1 link." in messages)

        # In the queue's filter Ctrl+V pastes text, as everywhere.
        window.queue_pane.filter_edit.setFocus()
        await wait_until(window.queue_pane.filter_edit.hasFocus)
        clipboard.setText("Show")
        QTest.keyClick(window.queue_pane.filter_edit, paste.key(), paste.keyboardModifiers())
        assert window.queue_pane.filter_edit.text() == "Show"
        assert len(services.downloads.items()) == 1


async def test_a_second_launch_hands_a_feed_link_to_the_first_window(tmp_path: Path) -> None:
    """The desktop starts ``aniworld-desktop --add feed://…`` for a "Subscribe" link; a window
    already runs: it gets the link and reads the feed it stands for."""
    profile = tmp_path / "profile"
    log_file = ProfilePaths.for_profile(profile).log_dir / "aniworld.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANIWORLD_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    command = [sys.executable, "-m", "aniworld_desktop", "--profile", str(profile)]
    async with FeedServer() as feeds:
        feeds.add("/moons.xml", FEED.format(title="Paper Moons").encode())
        first = await asyncio.create_subprocess_exec(
            *command, env=env, stderr=asyncio.subprocess.PIPE
        )
        try:
            await wait_until(
                lambda: (
                    log_file.exists() and "window shown" in log_file.read_text(encoding="utf-8")
                ),
                seconds=30,
            )
            link = "feed://" + feeds.url("/moons.xml").removeprefix("http://")
            second = await asyncio.create_subprocess_exec(*command, "--add", link, env=env)
            assert await asyncio.wait_for(second.wait(), 30) == 0
            await wait_until(lambda: feeds.seen("/moons.xml"), seconds=15)
            assert "a second launch handed over 1 argument(s)" in log_file.read_text(
                encoding="utf-8"
            )
        finally:
            first.send_signal(signal.SIGTERM)
            _out, err = await asyncio.wait_for(first.communicate(), 30)
    assert first.returncode == 0, err.decode()
