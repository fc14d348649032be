"""The library pane's new rooms over a real library (SQLite in tmp_path, a feed on 127.0.0.1):
the details pane shows the artwork on disk, the episode tree's check boxes are stored and
honoured by the services (what is missing)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from aniworld_desktop.config import ProfilePaths, Settings
from aniworld_desktop.core.models import MonitorMode
from aniworld_desktop.services import Services, open_services
from aniworld_desktop.ui import details_pane
from aniworld_desktop.ui.details_pane import POSTER_SIZE
from aniworld_desktop.ui.library_pane import LibraryPane
from aniworld_desktop.ui.tasks import TaskRunner
from tests.fault_server import FaultServer
from tests.ui.conftest import wait_until
from tests.ui.test_library_window import FEED

CHECK = Qt.ItemDataRole.CheckStateRole


def picture(path: Path, width: int, height: int, colour: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    assert image.save(str(path))


@contextlib.asynccontextmanager
async def pane_over(
    paths: ProfilePaths, library_dir: Path
) -> AsyncIterator[tuple[Services, LibraryPane]]:
    settings = Settings(library_dir=library_dir, min_free_disk=0)
    async with open_services(paths, settings, run_downloads=False) as services:
        tasks = TaskRunner()
        pane = LibraryPane(services.library, tasks)
        pane.resize(1000, 500)
        pane.show()
        try:
            yield services, pane
        finally:
            tasks.stop()
            await tasks.aclose()
            pane.hide()  # not close(): the last window closed would quit the app's loop
            pane.deleteLater()


@pytest.mark.qt_loop
async def test_details_pane_shows_the_poster_and_fanart_from_disk(
    paths: ProfilePaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library_dir = tmp_path / "library"
    folder = library_dir / "Harbor Lights (2024)"
    (folder / "Season 01").mkdir(parents=True)
    (folder / "Season 01" / "Harbor Lights - S01E01.mkv").write_bytes(b"x" * 100)
    picture(folder / "poster.png", 400, 600, "#336699")
    picture(folder / "fanart.png", 1280, 720, "#993333")
    async with pane_over(paths, library_dir) as (services, pane):
        await services.library.scan()  # the folder becomes a local series
        pane.reload()
        await wait_until(lambda: pane.series_model.rowCount() == 1)
        assert pane.details.title.text() == "No series chosen"
        pane.series_view.selectRow(0)
        await wait_until(
            lambda: (
                pane.details.poster.pixmap() is not None
                and not pane.details.poster.pixmap().isNull()
            )
        )
        poster = pane.details.poster.pixmap()
        assert poster.height() <= POSTER_SIZE.height() and poster.width() <= POSTER_SIZE.width()
        assert poster.toImage().pixelColor(poster.width() // 2, poster.height() // 2) == QColor(
            "#336699"
        )
        assert pane.details.fanart is not None
        assert pane.details.title.text() == "Harbor Lights (2024)"
        assert "only what is on disk" in pane.details.facts.text()
        assert "1 of 1 episode on disk" in pane.details.counts.text()
        assert "Not matched on TMDB" in pane.details.link.text()
        pane.grab()  # paints the fanart under its veil without a fault

        # A reload of the same series reads no picture again; a poster rewritten in place is
        # read anew (the metadata job writes artwork where it was).
        reads: list[object] = []
        read_image = details_pane.read_image

        def counted(*args: object) -> object:
            reads.append(args[0])
            return read_image(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(details_pane, "read_image", counted)
        for _ in range(2):
            pane.reload()
            await wait_until(lambda: not pane._reloading or pane._reloading.done())
        assert reads == []
        picture(folder / "poster.png", 400, 600, "#aa2222")
        os.utime(folder / "poster.png", ns=(1, 1))  # another time, whatever the clock says
        pane.reload()
        await wait_until(
            lambda: pane.details.poster.pixmap().toImage().pixelColor(50, 75) == QColor("#aa2222")
        )
        assert folder / "poster.png" in reads

        # A folder without pictures: no poster, said so; nothing was fetched.
        picture_free = library_dir / "Quiet Valley"
        picture_free.mkdir()
        (picture_free / "Quiet Valley - S01E01.mkv").write_bytes(b"y" * 100)
        await services.library.scan()
        pane.reload()
        await wait_until(lambda: pane.series_model.rowCount() == 2)
        row = next(
            r for r in range(2) if pane.series_model.summary(r).series.title == "Quiet Valley"
        )
        pane.series_view.selectRow(row)
        await wait_until(lambda: pane.details.title.text() == "Quiet Valley")
        await wait_until(lambda: pane.details.poster.text() == "No poster")
        assert pane.details.fanart is None


@pytest.mark.qt_loop
async def test_monitor_check_boxes_are_stored_and_decide_what_is_missing(
    paths: ProfilePaths, tmp_path: Path
) -> None:
    async with (
        FaultServer(tmp_path / "srv") as server,
        pane_over(paths, tmp_path / "library") as (services, pane),
    ):
        server.add_file("harbor.xml", FEED.encode())
        library = services.library
        result = await library.add_url(server.url("harbor.xml"))
        series = result.series
        # A feed with a back catalogue wants new episodes only: nothing of it is missing.
        assert series.monitor_mode is MonitorMode.NEW
        assert await library.missing(series.id) == []
        pane.reload()
        await wait_until(lambda: pane.series_model.rowCount() == 1)
        pane.series_view.selectRow(0)
        await wait_until(lambda: pane.episode_model.rowCount() == 1)
        model = pane.episode_model
        season = model.index(0, 0)
        assert model.data(season, CHECK) == Qt.CheckState.Unchecked
        assert model.data(model.index(0, 3, season)) == "Not monitored"

        # Ticking episode 2 monitors it: the services now count it missing (to be queued).
        tide = model.index(1, 0, season)
        assert model.setData(tide, Qt.CheckState.Checked.value, CHECK)
        # The pane reloads once the library stored it (a SeriesChanged); the tree follows.
        await wait_until(
            lambda: (
                model.rowCount() == 1
                and model.data(model.index(1, 3, model.index(0, 0))) == "Missing"
            )
        )
        assert [m.key.episode for m in await library.missing(series.id)] == [2]
        assert model.data(model.index(0, 0), CHECK) == Qt.CheckState.PartiallyChecked

        # The whole season ticked, then unticked: everything, then nothing, is missing.
        assert model.setData(model.index(0, 0), Qt.CheckState.Checked.value, CHECK)
        await wait_until(lambda: model.data(model.index(0, 3, model.index(0, 0))) == "Missing")
        assert len(await library.missing(series.id)) == 2
        assert model.setData(model.index(0, 0), Qt.CheckState.Unchecked.value, CHECK)
        await wait_until(
            lambda: model.data(model.index(0, 3, model.index(0, 0))) == "Not monitored"
        )
        assert await library.missing(series.id) == []
        states = await library.episode_states(series)
        assert [s.episode.monitored for s in states] == [False, False]
