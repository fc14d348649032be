"""The window's library side: welcome panel, series and episodes, add-series preview, and
drag-and-drop onto the queue with real QDragEnterEvent/QDropEvent (QTest cannot start drags)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox

from aniworld_desktop.config import ProfilePaths
from aniworld_desktop.ui.add_series_dialog import AddSeriesDialog
from aniworld_desktop.ui.drops import QUEUE_IDS_MIME, ids_mime
from aniworld_desktop.ui.episode_model import EPISODE_IDS_MIME
from tests.fakes import EVERYTHING
from tests.ui.conftest import wait_until
from tests.ui.test_main_window import IDLE_URL, make_settings, running_window, visible_child

FEED = """<?xml version="1.0"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
<title>Harbor Lights</title><description>Lighthouse.</description>
<item><title>Fog</title><guid>1</guid><itunes:season>1</itunes:season><itunes:episode>1</itunes:episode>
<enclosure url="http://127.0.0.1:9/hl1.mp4" length="10" type="video/mp4"/></item>
<item><title>Tide</title><guid>2</guid><itunes:season>1</itunes:season><itunes:episode>2</itunes:episode>
<enclosure url="http://127.0.0.1:9/hl2.mp4" length="10" type="video/mp4"/></item>
</channel></rss>"""


def drop_on(view, mime: QMimeData, row: int | None = None) -> bool:
    """Send a drag-enter and a drop to the view's viewport; True when the drop was accepted."""
    viewport = view.viewport()
    if row is None:
        point = QPointF(10, viewport.height() - 2)
    else:
        rect = view.visualRect(view.model().index(row, 1))
        point = QPointF(rect.center().x(), rect.top() + 2)
    actions = Qt.DropAction.CopyAction | Qt.DropAction.MoveAction
    enter = QDragEnterEvent(
        point.toPoint(), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(viewport, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(
        point, actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(viewport, drop)
    return drop.isAccepted()


@pytest.fixture
def feed_server(tmp_path):
    from tests.fault_server import FaultServer

    return FaultServer(tmp_path / "srv")


@pytest.mark.qt_loop
async def test_welcome_then_add_series_with_preview(
    paths: ProfilePaths, tmp_path: Path, feed_server
) -> None:
    async with (
        feed_server as server,
        running_window(paths, make_settings(tmp_path), run_downloads=False) as (services, window),
    ):
        server.add_file("harbor.xml", FEED.encode())
        await wait_until(lambda: window.stack.currentWidget() is window.welcome)
        window.welcome.add_button.click()
        dialog = await visible_child(window, AddSeriesDialog)
        assert not dialog.add_button.isEnabled()  # nothing previewed yet
        dialog.url_edit.setText(server.url("harbor.xml"))
        dialog.preview_button.click()
        await wait_until(lambda: dialog.add_button.isEnabled())
        assert "Harbor Lights" in dialog.summary.text() and "2 episodes" in dialog.summary.text()
        assert dialog.episodes.count() == 2
        assert await services.library.list_series() == []  # a preview stores nothing
        dialog.add_button.click()
        await wait_until(lambda: window.library_pane.series_model.rowCount() == 1)
        assert window.stack.currentWidget() is window.main_splitter
        window.library_pane.series_view.selectRow(0)
        await wait_until(
            lambda: window.library_pane.episode_model.rowCount() == 1
        )  # one season row
        assert window.commands["download_missing"].isEnabled()


@pytest.mark.qt_loop
async def test_drag_episodes_and_a_series_onto_the_queue(
    paths: ProfilePaths, tmp_path: Path, feed_server
) -> None:
    async with (
        feed_server as server,
        running_window(paths, make_settings(tmp_path), run_downloads=False) as (services, window),
    ):
        server.add_file("harbor.xml", FEED.encode())
        await window.dispatcher.add_url(server.url("harbor.xml"))
        (summary,) = await services.library.list_series()
        # A feed's back catalogue is not wanted by default: all of it is, here.
        await services.library.set_monitoring(summary.series, EVERYTHING)
        await wait_until(lambda: window.library_pane.series_model.rowCount() == 1)
        window.library_pane.series_view.selectRow(0)
        await wait_until(lambda: window.library_pane.episode_model.rowCount() == 1)
        season = window.library_pane.episode_model.index(0, 0)
        first = window.library_pane.episode_model.index(0, 0, season)
        mime = window.library_pane.episode_model.mimeData([first])
        assert mime.hasFormat(EPISODE_IDS_MIME)
        assert drop_on(window.queue_pane.view, mime)
        await wait_until(lambda: window.queue_pane.model.rowCount() == 1)
        assert window.queue_pane.model.item(0).key.episode == 1

        # The whole series: the other (missing) episode follows; the queued one is not doubled.
        series_mime = window.library_pane.series_model.mimeData(
            [window.library_pane.series_model.index(0, 0)]
        )
        assert drop_on(window.queue_pane.view, series_mime)
        await wait_until(lambda: window.queue_pane.model.rowCount() == 2)


@pytest.mark.qt_loop
async def test_reorder_by_drag_and_refused_drops_say_why(
    paths: ProfilePaths, tmp_path: Path
) -> None:
    async with running_window(paths, make_settings(tmp_path), run_downloads=False) as (
        services,
        window,
    ):
        for n in (1, 2, 3):
            await window.dispatcher.add_url(IDLE_URL.format(n))
        await wait_until(lambda: window.queue_pane.model.rowCount() == 3)
        await wait_until(lambda: window.stack.currentWidget() is window.main_splitter)
        ids = [window.queue_pane.model.item_id(row) for row in range(3)]
        assert drop_on(window.queue_pane.view, ids_mime(QUEUE_IDS_MIME, [ids[2]]), row=0)
        await wait_until(
            lambda: (
                [window.queue_pane.model.item_id(r) for r in range(3)] == [ids[2], ids[0], ids[1]]
            )
        )
        stored = [i.id for i in services.downloads.items()]
        assert stored == [ids[2], ids[0], ids[1]]

        refused = QMimeData()
        refused.setUrls([QUrl("ftp://example.org/x.mp4")])
        assert not drop_on(window.queue_pane.view, refused)
        assert "Only http and https" in window.statusBar().currentMessage()


@pytest.mark.qt_loop
async def test_links_dropped_from_outside(paths: ProfilePaths, tmp_path: Path, feed_server) -> None:
    async with (
        feed_server as server,
        running_window(paths, make_settings(tmp_path), run_downloads=False) as (services, window),
    ):
        server.add_file("harbor.xml", FEED.encode())
        media = QMimeData()
        media.setUrls([QUrl(IDLE_URL.format(7))])
        assert drop_on(window.queue_pane.view, media)
        await wait_until(
            lambda: window.queue_pane.model.rowCount() == 1
        )  # a media link is queued at once

        listing = tmp_path / "links.txt"
        listing.write_text(f"{IDLE_URL.format(8)}\nnot a link\n{IDLE_URL.format(9)}\n")
        files = QMimeData()
        files.setUrls([QUrl.fromLocalFile(str(listing))])
        assert drop_on(window.queue_pane.view, files)
        await wait_until(lambda: window.queue_pane.model.rowCount() == 3)

        feed = QMimeData()
        feed.setText(server.url("harbor.xml"))
        assert drop_on(window.queue_pane.view, feed)
        box = await visible_child(window, QMessageBox, "confirmFollow")
        assert "Follow Harbor Lights" in box.text() and "2 episodes" in box.text()
        (follow,) = [b for b in box.buttons() if b.text() == "Follow"]
        follow.click()
        await wait_until(lambda: window.library_pane.series_model.rowCount() >= 2)
        titles = {
            window.library_pane.series_model.summary(r).series.title
            for r in range(window.library_pane.series_model.rowCount())
        }
        assert "Harbor Lights" in titles
