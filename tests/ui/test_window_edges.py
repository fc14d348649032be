"""The window's rough edges (issue 18), each checked on the real window offscreen.

- the episode State column holds its longest text at 1100x640 and 1024x700, English and German;
- finished rows: Clear Finished (asks first), Hide Completed (saved), new downloads in view;
- Download Missing with no selection queues every monitored series;
- the selected series comes back after a restart;
- Play and Open Folder say so when the desktop cannot open the file or folder;
- the Help menu: user guide, keyboard shortcuts, About;
- Cancel and Remove look different.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QStyle

from aniworld_desktop.config import ProfilePaths
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.storage.catalog import CatalogRepository, NewEpisode
from aniworld_desktop.ui import translation
from aniworld_desktop.ui.actions import ActionName
from aniworld_desktop.ui.episode_model import Column as EpisodeColumn
from aniworld_desktop.ui.help import AboutDialog, ShortcutsDialog
from aniworld_desktop.ui.icons import icon
from tests.ui.conftest import MediaServer, queue_episodes, signal_future, wait_until
from tests.ui.test_main_window import make_settings, running_window, visible_child

A = ActionName
S = DownloadStatus
REPO = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def language(code: str) -> Iterator[None]:
    """The window in ``code`` ("de"), English again afterwards (the session's default)."""
    if code == "en":
        yield
        return
    installed = translation.install(code)
    assert installed.language == code
    try:
        yield
    finally:
        installed.remove()


async def add_series_with_every_state(services: Any) -> int:
    """A series whose season shows "2 of 4 on disk" and whose episodes show most states."""
    catalog = CatalogRepository(services.database)
    series = await catalog.ensure_series(
        "Harbor Lights", "feed", "http://127.0.0.1:9/harbor.xml", "Harbor Lights"
    )
    later = date.today() + timedelta(days=30)
    episodes = await catalog.upsert_episodes(
        series.id,
        [NewEpisode(1, n, f"Episode {n}", f"http://127.0.0.1:9/{n}.mp4") for n in (1, 2, 3)]
        + [NewEpisode(1, 4, "Episode 4", "http://127.0.0.1:9/4.mp4", air_date=later)]
        + [NewEpisode(2, n, f"Later {n}", f"http://127.0.0.1:9/2-{n}.mp4") for n in (1, 2)],
    )
    await catalog.set_files(
        [(e.id, f"Harbor Lights/{e.season}-{e.number}.mkv", 5) for e in episodes[:2]]
    )
    return series.id


def click_accept(box: QMessageBox) -> None:
    (button,) = [b for b in box.buttons() if box.buttonRole(b) is QMessageBox.ButtonRole.AcceptRole]
    button.click()


def state_texts(window: Any) -> list[str]:
    model = window.library_pane.episode_model
    texts = []
    for row in range(model.rowCount()):
        season = model.index(row, EpisodeColumn.STATE)
        texts.append(str(season.data()))
        parent = model.index(row, 0)
        for child in range(model.rowCount(parent)):
            texts.append(str(model.index(child, EpisodeColumn.STATE, parent).data()))
    return texts


@pytest.mark.qt_loop
@pytest.mark.parametrize("size", [(1100, 640), (1024, 700)], ids=["default", "1024x700"])
@pytest.mark.parametrize("code", ["en", "de"])
async def test_the_episode_state_column_is_never_cut(
    paths: ProfilePaths, tmp_path: Path, size: tuple[int, int], code: str
) -> None:
    with language(code):
        async with running_window(paths, make_settings(tmp_path), run_downloads=False) as (
            services,
            window,
        ):
            await add_series_with_every_state(services)
            window.resize(*size)
            window.library_pane.reload()
            await wait_until(lambda: window.library_pane.series_model.rowCount() == 1)
            window.library_pane.series_view.selectRow(0)
            await wait_until(lambda: window.library_pane.episode_model.rowCount() == 2)
            await wait_until(lambda: window.width() == size[0])
            view = window.library_pane.episode_view
            header = view.header()
            texts = state_texts(window)
            expected = "2 von 4 vorhanden" if code == "de" else "2 of 4 on disk"
            assert expected in texts
            margin = 2 * (view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)
            needed = max(view.fontMetrics().horizontalAdvance(t) for t in texts) + margin
            assert header.sectionSize(EpisodeColumn.STATE) >= needed, (texts, code, size)
            # And all of the column is in sight, not scrolled off to the right.
            right = header.sectionViewportPosition(EpisodeColumn.STATE) + header.sectionSize(
                EpisodeColumn.STATE
            )
            assert right <= view.viewport().width(), (right, view.viewport().width())
            assert header.sectionSize(EpisodeColumn.TITLE) >= 40  # the title keeps some room


@pytest.mark.qt_loop
async def test_clear_finished_asks_first_and_keeps_the_rest(
    paths: ProfilePaths, tmp_path: Path, media_server: MediaServer
) -> None:
    media_server.files["Show.S01E01.mp4"] = b"v" * 4096
    media_server.files["Show.S01E02.mp4"] = b"w" * (4 << 20)  # paced: still running when cancelled
    async with running_window(paths, make_settings(tmp_path)) as (services, window):
        finished = signal_future(window.bridge.finished)
        await services.library.add_url(media_server.url("Show.S01E01.mp4"))
        (done,) = await asyncio.wait_for(finished, 10)
        slow = (await services.library.add_url(media_server.url("Show.S01E02.mp4"))).queued
        assert slow is not None
        (running,) = slow.added
        await services.downloads.cancel([running.id])
        await wait_until(lambda: window.commands[A.CLEAR_FINISHED].isEnabled())

        window.commands[A.CLEAR_FINISHED].trigger()
        box = await visible_child(window, QMessageBox, "confirmClearFinished")
        assert box.text().startswith("Remove 1 finished download") and "stays" in box.text()
        box.reject()  # the way back: nothing goes
        await wait_until(lambda: not box.isVisible())
        assert {i.id for i in services.downloads.items()} == {done.id, running.id}

        window.commands[A.CLEAR_FINISHED].trigger()
        box = await visible_child(window, QMessageBox, "confirmClearFinished")
        click_accept(box)
        await wait_until(lambda: window.queue_pane.model.total_count() == 1)
        assert [i.id for i in services.downloads.items()] == [running.id]  # cancelled stays
        assert (services.library_dir / done.destination).exists()  # the file stays
        await wait_until(lambda: not window.commands[A.CLEAR_FINISHED].isEnabled())


@pytest.mark.qt_loop
async def test_hide_completed_hides_finished_rows_and_is_kept_for_next_time(
    paths: ProfilePaths, tmp_path: Path, media_server: MediaServer
) -> None:
    media_server.files["Show.S01E01.mp4"] = b"v" * 4096
    settings = make_settings(tmp_path)
    async with running_window(paths, settings) as (services, window):
        pane = window.queue_pane
        finished = signal_future(window.bridge.finished)
        await services.library.add_url(media_server.url("Show.S01E01.mp4"))
        await asyncio.wait_for(finished, 10)
        await services.downloads.pause_all()
        await queue_episodes(services.database, services.downloads, 2, series="Paper Moons")
        await wait_until(lambda: pane.model.rowCount() == 3)
        assert not pane.hide_completed.isChecked()
        pane.hide_completed.setChecked(True)
        assert pane.model.rowCount() == 2
        shown = {pane.model.item(row).status for row in range(pane.model.rowCount())}
        assert S.COMPLETED not in shown
        assert pane.shown_label.text() == "2 of 3"
        assert pane.model.reorder_refusal() is None  # dragging still reorders what is to do
    async with running_window(paths, settings, run_downloads=False) as (services, window):
        pane = window.queue_pane
        assert pane.hide_completed.isChecked()  # as it was left
        await wait_until(lambda: pane.model.total_count() == 3)
        assert pane.model.rowCount() == 2
        pane.hide_completed.setChecked(False)
        assert pane.model.rowCount() == 3


def shown_queue_pane(qtbot: Any) -> Any:
    """A queue pane alone, shown offscreen with room for a few rows."""
    from aniworld_desktop.ui.queue_pane import QueuePane

    pane = QueuePane()
    qtbot.addWidget(pane)
    pane.resize(700, 220)
    pane.show()
    qtbot.waitExposed(pane)
    return pane


def in_sight(pane: Any, item_id: int) -> bool:
    """Whether the row of ``item_id`` shows in the pane's table."""
    row = pane.model.row_of(item_id)
    assert row is not None
    rect = pane.view.visualRect(pane.model.index(row, 1))
    return bool(pane.view.viewport().rect().intersects(rect))


def test_new_downloads_and_the_first_one_to_do_are_scrolled_into_view(qtbot: Any) -> None:
    from tests.ui.conftest import make_item

    pane = shown_queue_pane(qtbot)
    finished = [make_item(n, status=S.COMPLETED) for n in range(1, 81)]
    pane.model.load([*finished, make_item(81), make_item(82)])
    assert not in_sight(pane, 81)  # eighty finished rows come first
    pane.reveal_active()
    qtbot.waitUntil(lambda: in_sight(pane, 81))
    pane.view.scrollToTop()
    assert not in_sight(pane, 82)
    pane.model.add_items([make_item(83)])
    qtbot.waitUntil(lambda: in_sight(pane, 83))


def test_rows_of_a_load_are_not_scrolled_to_one_chunk_at_a_time(qtbot: Any) -> None:
    # Start-up adds the queue in chunks (issue 17): scrolling to each chunk made the table jump
    # down to the newest rows forty times, and cost the window a tenth of a second at 100k rows.
    from tests.ui.conftest import make_item

    pane = shown_queue_pane(qtbot)
    pane.model.load([make_item(n, status=S.COMPLETED) for n in range(1, 11)])
    bar = pane.view.verticalScrollBar()
    moves: list[int] = []
    bar.valueChanged.connect(moves.append)
    for first in range(11, 91, 20):
        pane.add_loaded([make_item(n, status=S.COMPLETED) for n in range(first, first + 20)])
        qtbot.wait(20)  # a reveal is scheduled for the next turn: give it its turns
    assert pane.model.rowCount() == 90
    assert moves == [] and bar.value() == 0
    pane.model.add_items([make_item(91)])  # a new download meanwhile is still shown
    qtbot.waitUntil(lambda: in_sight(pane, 91))
    assert bar.value() > 0


async def add_missing_series(services: Any, title: str, *, monitored: bool) -> int:
    catalog = CatalogRepository(services.database)
    series = await catalog.ensure_series(
        title, "feed", f"http://127.0.0.1:9/{title}.xml", title, monitored=monitored
    )
    await catalog.upsert_episodes(
        series.id,
        [NewEpisode(1, n, f"{title} {n}", f"http://127.0.0.1:9/{title}/{n}.mp4") for n in (1, 2)],
    )
    return series.id


@pytest.mark.qt_loop
async def test_download_missing_without_a_selection_queues_every_monitored_series(
    paths: ProfilePaths, tmp_path: Path
) -> None:
    async with running_window(paths, make_settings(tmp_path), run_downloads=False) as (
        services,
        window,
    ):
        services.library_dir.mkdir(parents=True, exist_ok=True)
        followed = await add_missing_series(services, "Harbor Lights", monitored=True)
        await add_missing_series(services, "Paper Moons", monitored=False)
        window.library_pane.reload()
        await wait_until(lambda: window.library_pane.series_model.rowCount() == 2)
        assert not window.library_pane.selected_series()
        action = window.commands[A.DOWNLOAD_MISSING]
        assert action.isEnabled()
        action.trigger()
        await wait_until(lambda: window.queue_pane.model.total_count() == 2)
        assert {i.key.series_id for i in services.downloads.items()} == {followed}
        await wait_until(lambda: "monitored" in window.statusBar().currentMessage())


@pytest.mark.qt_loop
async def test_the_chosen_series_is_chosen_again_after_a_restart(
    paths: ProfilePaths, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path)
    async with running_window(paths, settings, run_downloads=False) as (services, window):
        await add_missing_series(services, "Amber Fields", monitored=True)
        second = await add_missing_series(services, "Paper Moons", monitored=True)
        window.library_pane.reload()
        await wait_until(lambda: window.library_pane.series_model.rowCount() == 2)
        row = window.library_pane.series_model.row_of(second)
        window.library_pane.series_view.selectRow(row)
        assert [s.id for s in window.library_pane.selected_series()] == [second]
    async with running_window(paths, settings, run_downloads=False) as (services, window):
        await wait_until(lambda: [s.id for s in window.library_pane.selected_series()] == [second])
        await wait_until(lambda: window.library_pane.episode_model.rowCount() == 1)
        assert window.commands[A.MONITOR].isChecked()


class FakeDesktop:
    """QDesktopServices.openUrl as a desktop with (or without) a program for everything."""

    def __init__(self, works: bool) -> None:
        self.works = works
        self.opened: list[QUrl] = []

    def __call__(self, url: QUrl) -> bool:
        self.opened.append(url)
        return self.works


@pytest.mark.qt_loop
@pytest.mark.parametrize("works", [True, False], ids=["player", "no-player"])
async def test_play_and_open_folder_say_when_the_desktop_cannot_open_them(
    paths: ProfilePaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, works: bool
) -> None:
    desktop = FakeDesktop(works)
    monkeypatch.setattr(QDesktopServices, "openUrl", desktop)
    async with running_window(paths, make_settings(tmp_path), run_downloads=False) as (
        services,
        window,
    ):
        video = services.library_dir / "Show" / "Show - S01E01.mkv"
        video.parent.mkdir(parents=True)
        video.write_bytes(b"video")

        class Chosen:
            def chosen_file(self) -> str:
                return "Show/Show - S01E01.mkv"

        window.dispatcher.play_source = Chosen()
        window.dispatcher.play_selected()
        window.commands[A.OPEN_FOLDER].trigger()  # no series chosen: the library folder
        assert [Path(url.toLocalFile()) for url in desktop.opened] == [
            video,
            services.library_dir,
        ]
        boxes = [b for b in window.findChildren(QMessageBox) if b.objectName() == "errorBox"]
        texts = " ".join(box.text() for box in boxes if box.isVisible())
        if works:
            assert not texts
        else:
            assert "No video player was found for Show - S01E01.mkv" in texts
            assert f"No file manager could open {services.library_dir}" in texts


@pytest.mark.qt_loop
async def test_the_help_menu_opens_the_guide_lists_the_keys_and_says_what_this_is(
    paths: ProfilePaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    desktop = FakeDesktop(False)
    monkeypatch.setattr(QDesktopServices, "openUrl", desktop)
    async with running_window(paths, make_settings(tmp_path), run_downloads=False) as (
        services,
        window,
    ):
        menus = [action.menu() for action in window.menuBar().actions()]
        (help_menu,) = [menu for menu in menus if menu is not None and menu.title() == "&Help"]
        names = [action.objectName() for action in help_menu.actions() if not action.isSeparator()]
        assert names == ["action_help_guide", "action_help_shortcuts", "action_help_about"]

        window.commands[A.HELP_GUIDE].trigger()
        (guide,) = desktop.opened
        assert guide.isLocalFile() and guide.toLocalFile().endswith("docs/USER_GUIDE.md")
        assert Path(guide.toLocalFile()) == REPO / "docs" / "USER_GUIDE.md"
        assert "open it in a browser" in window.statusBar().currentMessage()  # nothing opened it

        window.commands[A.HELP_SHORTCUTS].trigger()
        shortcuts = await visible_child(window, ShortcutsDialog)
        keys = shortcuts.keys()
        quit_keys = window.commands[A.QUIT].shortcut().toString()
        assert keys["Quit"] == quit_keys and keys["Pause"] == "Ctrl+P"
        assert "Cancel" not in keys  # no key, on purpose: it deletes partial files
        shortcuts.close()

        window.commands[A.HELP_ABOUT].trigger()
        about = await visible_child(window, AboutDialog)
        from aniworld_desktop import __version__

        assert f"Aniworld Desktop {__version__}" in about.text.text()
        assert str(services.library_dir) in about.text.text()
        about.close()


def test_guide_falls_back_to_the_online_copy(tmp_path: Path) -> None:
    from aniworld_desktop.ui.help import GUIDE_URL, guide_location

    assert guide_location((tmp_path,)).toString() == GUIDE_URL
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "USER_GUIDE.md").write_text("# Guide")
    assert guide_location((tmp_path,)).toLocalFile() == str(tmp_path / "docs" / "USER_GUIDE.md")


@pytest.mark.qt_loop
async def test_cancel_and_remove_look_different(paths: ProfilePaths, tmp_path: Path) -> None:
    async with running_window(paths, make_settings(tmp_path), run_downloads=False) as (
        _services,
        window,
    ):

        def picture(name: ActionName) -> Any:
            return window.commands[name].icon().pixmap(24, 24).toImage()

        assert picture(A.CANCEL) != picture(A.REMOVE)
        assert picture(A.CANCEL) == icon("cancel").pixmap(24, 24).toImage()


def cut_cells(view: Any, free: set[int], *, in_sight: bool = False) -> list[str]:
    """Headers and cells whose text does not fit its column; ``free`` columns (titles) may
    elide, by design, their whole text in a tooltip. ``in_sight``: every column must also be
    within the viewport (no horizontal scrolling to reach it)."""
    from PySide6.QtWidgets import QHeaderView, QTreeView

    header: QHeaderView = view.header() if isinstance(view, QTreeView) else view.horizontalHeader()
    model = view.model()
    metrics = view.fontMetrics()
    style = view.style()
    cell_margin = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)
    header_margin = 2 * style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin)
    cut = []

    def rows(parent: Any) -> Iterator[Any]:

        for row in range(min(model.rowCount(parent), 60)):
            index = model.index(row, 0, parent)
            yield index
            if isinstance(view, QTreeView):
                yield from rows(index)

    from PySide6.QtCore import QModelIndex, Qt

    for column in range(model.columnCount(QModelIndex())):
        if header.isSectionHidden(column) or column in free:
            continue
        width = header.sectionSize(column)
        heading = str(model.headerData(column, Qt.Orientation.Horizontal))
        arrow = header.sortIndicatorSection() == column
        if metrics.horizontalAdvance(heading) + header_margin + (12 if arrow else 0) > width:
            cut.append(f"header {heading!r} in {width} px")
        for first in rows(QModelIndex()):
            text = first.siblingAtColumn(column).data()
            indent = (
                view.indentation() * (first.parent().isValid() + 1)
                if (isinstance(view, QTreeView) and column == 0)
                else 0
            )
            if text and metrics.horizontalAdvance(str(text)) + cell_margin + indent > width:
                cut.append(f"{heading}: {text!r} in {width} px")
        if in_sight:
            right = header.sectionViewportPosition(column) + width
            if right > view.viewport().width():
                cut.append(f"{heading} ends at {right}, beyond {view.viewport().width()}")
    return cut


@pytest.mark.qt_loop
@pytest.mark.parametrize("code", ["en", "de"])
async def test_no_column_is_cut_at_the_default_size(
    paths: ProfilePaths, tmp_path: Path, code: str
) -> None:
    from aniworld_desktop.ui.queue_model import Column as QueueColumn
    from aniworld_desktop.ui.series_model import Column as SeriesColumn

    with language(code):
        async with running_window(paths, make_settings(tmp_path), run_downloads=False) as (
            services,
            window,
        ):
            assert (window.width(), window.height()) == (1100, 640)  # the default size
            harbor = await add_series_with_every_state(services)
            added = await queue_episodes(services.database, services.downloads, 5)
            ids = [item.id for item in added.added]
            await services.downloads.pause([ids[1]])
            await services.downloads.cancel([ids[2]])
            window.library_pane.reload()
            await wait_until(lambda: window.library_pane.series_model.rowCount() == 2)
            window.library_pane.select_series([harbor])
            await wait_until(lambda: window.library_pane.episode_model.rowCount() == 2)
            await wait_until(lambda: window.queue_pane.model.rowCount() == 5)
            pane = window.library_pane
            problems = cut_cells(pane.episode_view, {EpisodeColumn.TITLE}, in_sight=True)
            problems += cut_cells(pane.series_view, {SeriesColumn.TITLE})
            problems += cut_cells(
                window.queue_pane.view,
                {QueueColumn.SERIES, QueueColumn.TITLE, QueueColumn.ERROR},
            )
            assert not problems, "\n".join(problems)
            # Every status fits, not only those of these rows ("Lädt herunter").
            queue = window.queue_pane
            width = queue.view.horizontalHeader().sectionSize(QueueColumn.STATUS)
            for status in S:
                text = queue.model.status_text(status)
                assert queue.view.fontMetrics().horizontalAdvance(text) + 4 <= width, text


@pytest.mark.qt_loop
async def test_add_series_keeps_no_stale_refusal_and_enter_adds(qtbot: Any) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QDialog

    from aniworld_desktop.core.errors import UsageError
    from aniworld_desktop.providers.base import EpisodeInfo, SeriesInfo
    from aniworld_desktop.ui.add_series_dialog import AddSeriesDialog

    asked: list[str] = []

    async def preview(url: str) -> tuple[str, SeriesInfo]:
        asked.append(url)
        if "gone" in url:
            raise UsageError("The feed https://example.org/gone.xml could not be downloaded.")
        episode = EpisodeInfo(season=1, number=1, title="Fog", url="https://example.org/1.mp4")
        return "feed", SeriesInfo("Night Ferry", url, [episode])

    dialog = AddSeriesDialog(preview)
    qtbot.addWidget(dialog)
    dialog.open()
    edit = dialog.url_edit
    edit.setText("https://")
    assert dialog.summary.text() == "The link has no server name."
    edit.setText("https://example.org/feed.xml")
    assert "no server name" not in dialog.summary.text()  # the refusal went with its link
    assert dialog.summary.text().startswith("Paste the link")

    # Enter on a link whose preview fails: it says why, and nothing is added.
    edit.setText("https://example.org/gone.xml")
    QTest.keyClick(edit, Qt.Key.Key_Return)
    await wait_until(lambda: "could not be downloaded" in dialog.summary.text())
    assert dialog.isVisible() and dialog.result() == 0

    # Enter on a good link: its preview, then it is added.
    edit.setText("https://example.org/feed.xml")
    finished = signal_future(dialog.finished)
    QTest.keyClick(edit, Qt.Key.Key_Return)
    (code,) = await asyncio.wait_for(finished, 5)
    assert code == QDialog.DialogCode.Accepted
    assert dialog.previewed is not None and dialog.previewed.title == "Night Ferry"
    assert asked == ["https://example.org/gone.xml", "https://example.org/feed.xml"]


@pytest.mark.qt_loop
async def test_enter_after_a_preview_adds_at_once(qtbot: Any) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QDialog

    from aniworld_desktop.providers.base import SeriesInfo
    from aniworld_desktop.ui.add_series_dialog import AddSeriesDialog

    asked: list[str] = []

    async def preview(url: str) -> tuple[str, SeriesInfo]:
        asked.append(url)
        return "feed", SeriesInfo("Night Ferry", url, [])

    dialog = AddSeriesDialog(preview, url="https://example.org/feed.xml")
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.preview_button.click()
    await wait_until(lambda: dialog.add_button.isEnabled())
    finished = signal_future(dialog.finished)
    QTest.keyClick(dialog.url_edit, Qt.Key.Key_Return)
    (code,) = await asyncio.wait_for(finished, 5)
    assert code == QDialog.DialogCode.Accepted
    assert asked == ["https://example.org/feed.xml"]  # no second look
