"""Managing the library from the real window (offscreen, SQLite in tmp_path, a fake TMDB and a
feed on 127.0.0.1): Library > Import with its proposals, an edited match and a problem sentence
per row; removing a series with its confirmation (files kept; deleting asks again); the
Monitor submenu; attaching a feed to a local series."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QInputDialog, QMessageBox, QPushButton

from aniworld_desktop.config import ProfilePaths, Settings
from aniworld_desktop.core.models import MatchState, MonitorMode
from aniworld_desktop.library.tmdb_matching import TMDBMatch
from aniworld_desktop.ui.import_dialog import Column, ImportDialog
from aniworld_desktop.ui.tmdb_match_dialog import TmdbMatchDialog
from tests.fake_tmdb import FakeShow, FakeTMDB
from tests.fault_server import FaultServer
from tests.sentinels import TMDB_V4_TOKEN
from tests.ui.conftest import wait_until
from tests.ui.test_library_window import FEED
from tests.ui.test_main_window import running_window, visible_child


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def make_library(root: Path) -> None:
    known = root / "Harbor Lights (2024)" / "Season 01"
    known.mkdir(parents=True)
    for n in (1, 3, 5):
        (known / f"Harbor Lights - S01E{n:02d}.mkv").write_bytes(f"episode {n}".encode())
    poster = QImage(60, 90, QImage.Format.Format_RGB32)
    poster.fill(QColor("#225588"))
    assert poster.save(str(root / "Harbor Lights (2024)" / "poster.png"))
    twin = root / "Harbor Lights" / "Season 1"  # finds the same TMDB series as the first
    twin.mkdir(parents=True)
    (twin / "Harbor Lights - S01E02.mkv").write_bytes(b"another copy")
    unknown = root / "Quiet Valley" / "Season 1"
    unknown.mkdir(parents=True)
    (unknown / "Quiet.Valley.S01E01.mkv").write_bytes(b"a home video")


def button(box: QMessageBox, name: str) -> QPushButton:
    found = box.findChild(QPushButton, name)
    assert found is not None, name
    return found


@pytest.mark.qt_loop
async def test_import_view_proposes_matches_and_imports_the_ticked_folders(
    paths: ProfilePaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANIWORLD_TMDB_TOKEN", TMDB_V4_TOKEN)
    library = tmp_path / "library"
    make_library(library)
    before = tree(library)
    shows = {"Harbor Lights": FakeShow(4242, 2024, seasons={1: 6})}
    async with FakeTMDB(shows) as tmdb:
        settings = Settings(library_dir=library, min_free_disk=0, tmdb_api_url=tmdb.api_url)
        async with running_window(paths, settings, run_downloads=False) as (services, window):
            window.commands["import_library"].trigger()
            dialog = await visible_child(window, ImportDialog)
            await wait_until(lambda: len(dialog.proposals) == 3 and not dialog.busy, seconds=15)
            rows = {p.folder: row for row, p in enumerate(dialog.proposals)}
            known = dialog.table.topLevelItem(rows["Harbor Lights (2024)"])
            twin = dialog.table.topLevelItem(rows["Harbor Lights"])
            unknown = dialog.table.topLevelItem(rows["Quiet Valley"])
            assert known.text(Column.MATCH) == "Harbor Lights"
            assert known.text(Column.YEAR) == "2024" and known.text(Column.EPISODES) == "3"
            assert known.text(Column.CONFIDENCE) == "100%"
            # Two folders claiming one TMDB id: each row names the other, neither is taken.
            assert "Also claimed by folder 'Harbor Lights'" in known.text(Column.NOTE)
            assert "Also claimed by folder 'Harbor Lights (2024)'" in twin.text(Column.NOTE)
            assert "3 need a look" in dialog.status.text()
            assert unknown.text(Column.MATCH) == "—"
            assert "Quiet Valley" in unknown.text(Column.NOTE)  # TMDB knows no such series
            # The poster in the folder, read from disk.
            await wait_until(lambda: not known.icon(Column.FOLDER).isNull())
            assert unknown.icon(Column.FOLDER).isNull()
            # The window stays usable meanwhile: the dialog is not modal.
            assert not dialog.isModal()

            # Say the unknown one is no series, and give the known one a match by hand.
            dialog.set_ticked(rows["Quiet Valley"], False)
            dialog.set_ticked(rows["Harbor Lights"], False)
            # Change Match… searches TMDB in the match dialog; the choice is the user's.
            dialog.table.setCurrentItem(known)
            dialog.match_button.click()
            match = await visible_child(window, TmdbMatchDialog)
            await wait_until(lambda: match.results.topLevelItemCount() >= 1)
            match.results.setCurrentItem(match.results.topLevelItem(0))
            assert match.chosen_id() == 4242
            match.ok_button.click()
            row = rows["Harbor Lights (2024)"]
            await wait_until(lambda: dialog.proposals[row].state is MatchState.MANUAL)
            assert dialog.proposals[row].match == TMDBMatch(4242, "Harbor Lights", 2024)
            assert known.text(Column.NOTE) == "" and known.text(Column.CONFIDENCE) == "100%"
            assert [p.folder for p in dialog.ticked()] == ["Harbor Lights (2024)"]
            dialog.import_button.click()
            await wait_until(lambda: "Imported 1 series" in dialog.status.text(), seconds=15)
            (summary,) = [
                s for s in await services.library.list_series() if s.series.folder.startswith("H")
            ]
            assert summary.series.tmdb_id == 4242
            assert summary.series.match_state is MatchState.MANUAL
            assert summary.counts.episodes == 6 and summary.counts.on_disk == 3
            await wait_until(
                lambda: any(
                    window.library_pane.series_model.summary(r).series.tmdb_id == 4242
                    for r in range(window.library_pane.series_model.rowCount())
                )
            )
            assert tree(library) == before  # nothing renamed, moved or deleted
            dialog.close()


@pytest.mark.qt_loop
async def test_a_tmdb_outage_is_a_sentence_on_the_row(
    paths: ProfilePaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANIWORLD_TMDB_TOKEN", TMDB_V4_TOKEN)
    library = tmp_path / "library"
    make_library(library)
    async with FakeTMDB({"Harbor Lights": FakeShow(4242, 2024)}) as tmdb:
        tmdb.fail_next(1000, status=503)
        settings = Settings(library_dir=library, min_free_disk=0, tmdb_api_url=tmdb.api_url)
        async with running_window(paths, settings, run_downloads=False) as (_services, window):
            dialog = window.series_commands.open_import()
            await wait_until(lambda: len(dialog.proposals) == 3 and not dialog.busy, seconds=30)
            for row in range(3):
                note = dialog.table.topLevelItem(row).text(Column.NOTE)
                assert "TMDB" in note and note.endswith("."), note
            dialog.close()


@pytest.mark.qt_loop
async def test_remove_asks_keeps_the_files_and_deleting_asks_again(
    paths: ProfilePaths, tmp_path: Path
) -> None:
    library = tmp_path / "library"
    make_library(library)
    before = tree(library)
    settings = Settings(library_dir=library, min_free_disk=0)
    async with running_window(paths, settings, run_downloads=False) as (services, window):
        await services.library.scan()  # both folders become local series
        window.library_pane.reload()
        pane = window.library_pane
        await wait_until(lambda: pane.series_model.rowCount() == 3)
        pane.select_series([s.series.id for s in await services.library.list_series()][:1])
        await wait_until(lambda: window.commands["remove_series"].isEnabled())
        first = pane.selected_series()[0]

        # Cancel: nothing happens.
        window.commands["remove_series"].trigger()
        box = await visible_child(window, QMessageBox, "confirmRemoveSeries")
        assert first.title in box.text() and "files stay" in box.text()
        box.button(QMessageBox.StandardButton.Cancel).click()
        await wait_until(lambda: not box.isVisible())
        assert len(await services.library.list_series()) == 3

        # Delete the files: a second question naming the folder; saying no removes nothing.
        window.commands["remove_series"].trigger()
        box = await visible_child(window, QMessageBox, "confirmRemoveSeries")
        button(box, "removeDeleteFiles").click()
        again = await visible_child(window, QMessageBox, "confirmDeleteFiles")
        assert first.folder in again.text()
        again.button(QMessageBox.StandardButton.Cancel).click()
        await wait_until(lambda: not again.isVisible())
        assert len(await services.library.list_series()) == 3

        # Remove, keeping the files: unfollowed, every file still there, the window says so.
        window.commands["remove_series"].trigger()
        box = await visible_child(window, QMessageBox, "confirmRemoveSeries")
        button(box, "removeKeepFiles").click()
        await wait_until(lambda: pane.series_model.rowCount() == 2)
        assert first.id not in [s.series.id for s in await services.library.list_series()]
        assert tree(library) == before
        assert "no longer followed" in window.statusBar().currentMessage()
        # A later scan leaves its folder alone.
        await services.library.scan()
        assert len(await services.library.list_series()) == 2


@pytest.mark.qt_loop
async def test_deleting_the_files_moves_only_that_folder_to_the_desktop_trash(
    paths: ProfilePaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The real Send2Trash, its freedesktop trash (as on Linux) kept inside tmp_path: a home there,
    # so the library is on the trash's device, and its data folder.
    import send2trash.plat_other as freedesktop

    home, data = tmp_path / "home", tmp_path / "data"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr(freedesktop, "XDG_DATA_HOME", os.fsencode(data))
    monkeypatch.setattr(freedesktop, "HOMETRASH_B", os.fsencode(data / "Trash"))
    monkeypatch.setattr(freedesktop, "HOMETRASH", str(data / "Trash"))
    library = tmp_path / "library"
    make_library(library)
    others = {k: v for k, v in tree(library).items() if not k.startswith("Quiet Valley")}
    settings = Settings(library_dir=library, min_free_disk=0)
    async with running_window(paths, settings, run_downloads=False) as (services, window):
        await services.library.scan()
        window.library_pane.reload()
        pane = window.library_pane
        await wait_until(lambda: pane.series_model.rowCount() == 3)
        (valley,) = [
            s.series
            for s in await services.library.list_series()
            if s.series.folder == "Quiet Valley"
        ]
        pane.select_series([valley.id])
        await wait_until(lambda: window.commands["remove_series"].isEnabled())
        window.commands["remove_series"].trigger()
        box = await visible_child(window, QMessageBox, "confirmRemoveSeries")
        button(box, "removeDeleteFiles").click()
        again = await visible_child(window, QMessageBox, "confirmDeleteFiles")
        (delete,) = [
            b for b in again.buttons() if again.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole
        ]
        delete.click()
        await wait_until(lambda: pane.series_model.rowCount() == 2)
        await wait_until(lambda: "trash" in window.statusBar().currentMessage())
        assert "Quiet Valley" in window.statusBar().currentMessage()
        assert valley.id not in [s.series.id for s in await services.library.list_series()]
        assert not (library / "Quiet Valley").exists()
        trashed = data / "Trash" / "files" / "Quiet Valley"
        assert (trashed / "Season 1" / "Quiet.Valley.S01E01.mkv").read_bytes() == b"a home video"
        info = (data / "Trash" / "info" / "Quiet Valley.trashinfo").read_text()
        assert "Path=" in info and "DeletionDate=" in info  # the desktop can restore it
        assert tree(library) == others  # the other series' files are as they were


@pytest.mark.qt_loop
async def test_monitor_submenu_and_attaching_a_feed(paths: ProfilePaths, tmp_path: Path) -> None:
    library = tmp_path / "library"
    folder = library / "Harbor Lights" / "Season 01"
    folder.mkdir(parents=True)
    (folder / "Harbor Lights - S01E01.mkv").write_bytes(b"fog")
    settings = Settings(library_dir=library, min_free_disk=0)
    async with (
        FaultServer(tmp_path / "srv") as server,
        running_window(paths, settings, run_downloads=False) as (services, window),
    ):
        server.add_file("harbor.xml", FEED.encode())
        await services.library.scan()
        window.library_pane.reload()
        pane = window.library_pane
        await wait_until(lambda: pane.series_model.rowCount() == 1)
        pane.series_view.selectRow(0)
        await wait_until(lambda: window.commands["change_source"].isEnabled())
        (local,) = pane.selected_series()
        assert local.is_local

        # Change Source on a local series attaches the feed to it.
        window.commands["change_source"].trigger()
        ask = await visible_child(window, QInputDialog, "changeSourceDialog")
        ask.setTextValue(server.url("harbor.xml"))
        ask.accept()
        await wait_until(lambda: "now follows" in window.statusBar().currentMessage())
        (summary,) = await services.library.list_series()
        assert summary.series.id == local.id and summary.series.source_url == server.url(
            "harbor.xml"
        )

        # The Monitor submenu: everything, then nothing.
        await wait_until(lambda: not pane.selected_series()[0].is_local)
        menu = window.commands["monitor_mode"].menu()
        assert [a.text() for a in menu.actions()] == [
            "&New Episodes Only",
            "From the &Latest Season On",
            "&Everything",
            "N&othing",
        ]
        window.commands["monitor_all"].trigger()
        await wait_until(lambda: "Every episode is wanted" in window.statusBar().currentMessage())
        (summary,) = await services.library.list_series()
        assert summary.series.monitor_mode is MonitorMode.ALL
        assert [m.key.episode for m in await services.library.missing(local.id)] == [2]
        window.commands["monitor_none"].trigger()
        await wait_until(lambda: "No episode is wanted" in window.statusBar().currentMessage())
        assert await services.library.missing(local.id) == []
        window.commands["monitor_season"].trigger()
        await wait_until(lambda: "latest season" in window.statusBar().currentMessage())
        (summary,) = await services.library.list_series()
        assert summary.series.monitoring.season == 1


@pytest.mark.qt_loop
async def test_a_new_library_folder_in_the_settings_applies_at_once_and_offers_the_import(
    paths: ProfilePaths, tmp_path: Path
) -> None:
    from aniworld_desktop.ui.settings_dialog import SettingsDialog

    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    make_library(second)
    settings = Settings(library_dir=first, min_free_disk=0)
    async with running_window(paths, settings, run_downloads=False) as (services, window):
        assert services.library_dir == first
        window.commands["settings"].trigger()
        dialog = await visible_child(window, SettingsDialog)
        dialog.edits["library_dir"].setText(str(second))
        dialog.ok_button.click()
        offer = await visible_child(window, QMessageBox, "offerImport")
        assert str(second) in offer.text()
        # Applied without a restart: the same services work on the new folder.
        assert services.library_dir == second and services.library.library_dir == second
        assert services.downloads.library_dir == second
        assert "library folder" in window.statusBar().currentMessage()
        offer.defaultButton().click()
        importer = await visible_child(window, ImportDialog)
        await wait_until(lambda: len(importer.proposals) == 3 and not importer.busy, seconds=15)
        assert sorted(p.folder for p in importer.proposals) == [
            "Harbor Lights",
            "Harbor Lights (2024)",
            "Quiet Valley",
        ]
        importer.import_button.click()
        await wait_until(lambda: window.library_pane.series_model.rowCount() == 3, seconds=15)
        importer.close()


@pytest.mark.qt_loop
async def test_new_download_limits_in_the_settings_apply_at_once(
    paths: ProfilePaths, tmp_path: Path
) -> None:
    from aniworld_desktop.ui.settings_dialog import SettingsDialog

    settings = Settings(library_dir=tmp_path / "library", min_free_disk=0)
    async with running_window(paths, settings, run_downloads=False) as (services, window):
        engine = services.engine._engine  # the engine on the download thread
        assert engine is not None and engine.limiter is not None
        assert engine.limiter.bytes_per_second == 0
        window.commands["settings"].trigger()
        dialog = await visible_child(window, SettingsDialog)
        dialog.edits["speed_limit"].setText("512")  # KB/s
        dialog.edits["max_downloads"].setText("5")
        dialog.edits["max_downloads_per_host"].setText("4")
        dialog.ok_button.click()
        await wait_until(lambda: "download limits" in window.statusBar().currentMessage())
        await wait_until(lambda: engine.limiter.bytes_per_second == 512 * 1024)
        downloads = services.downloads
        assert (downloads.max_downloads, downloads.max_per_host) == (5, 4)


@pytest.mark.qt_loop
async def test_add_series_offers_the_monitor_mode_new_only_by_default(
    paths: ProfilePaths, tmp_path: Path
) -> None:
    from aniworld_desktop.ui.add_series_dialog import AddSeriesDialog

    settings = Settings(library_dir=tmp_path / "library", min_free_disk=0)
    async with (
        FaultServer(tmp_path / "srv") as server,
        running_window(paths, settings, run_downloads=False) as (services, window),
    ):
        server.add_file("harbor.xml", FEED.encode())
        window.commands["add_series"].trigger()
        dialog = await visible_child(window, AddSeriesDialog)
        assert dialog.monitor_choice.currentText() == "New episodes only"
        assert [dialog.monitor_choice.itemText(i) for i in range(4)] == [
            "New episodes only",
            "From the latest season on",
            "Everything, the back catalogue too",
            "Nothing for now",
        ]
        dialog.url_edit.setText(server.url("harbor.xml"))
        dialog.preview_button.click()
        await wait_until(dialog.add_button.isEnabled)
        dialog.monitor_choice.setCurrentIndex(2)  # everything
        dialog.add_button.click()
        await wait_until(lambda: window.library_pane.series_model.rowCount() == 1)
        (summary,) = await services.library.list_series()
        assert summary.series.monitor_mode is MonitorMode.ALL
        assert len(await services.library.missing(summary.series.id)) == 2


@pytest.mark.qt_loop
async def test_closing_the_import_view_while_it_looks_stops_it_quietly(
    paths: ProfilePaths, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    library = tmp_path / "library"
    make_library(library)
    settings = Settings(library_dir=library, min_free_disk=0)
    async with running_window(paths, settings, run_downloads=False) as (services, window):
        gate = asyncio.Event()
        propose = services.library.propose_import

        async def slow(**kwargs: object) -> object:
            await gate.wait()  # never set: the view is closed while it waits
            return await propose(**kwargs)  # type: ignore[arg-type]

        services.library.propose_import = slow  # type: ignore[method-assign]
        dialog = window.series_commands.open_import()
        await wait_until(lambda: dialog.busy)
        dialog.close()  # deleted on close
        await wait_until(lambda: window.series_commands.import_dialog is None)
        await asyncio.sleep(0.1)
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert await services.library.list_series() == []  # nothing was stored


@pytest.mark.qt_loop
async def test_the_import_view_is_busy_until_its_buttons_have_followed(
    paths: ProfilePaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A look through the library that has just ended is still "busy" until the view has taken
    the end in: a click in between found the Import button still off (a flaky window test)."""
    library = tmp_path / "library"
    make_library(library)
    settings = Settings(library_dir=library, min_free_disk=0)

    async def no_posters(self: ImportDialog, folders: list[str]) -> None:
        return None  # the look ends in the same step as the proposals arrive

    monkeypatch.setattr(ImportDialog, "_load_posters", no_posters)
    async with running_window(paths, settings, run_downloads=False) as (services, window):
        gate = asyncio.Event()
        propose = services.library.propose_import
        ready: list[object] = []

        async def gated(**kwargs: object) -> object:
            await gate.wait()
            return ready[0]

        ready.append(await propose())
        services.library.propose_import = gated  # type: ignore[method-assign]
        dialog = window.series_commands.open_import()
        await wait_until(lambda: dialog.busy)
        gate.set()  # the look's task wakes first, this test one step after it
        await asyncio.sleep(0)
        assert dialog.proposals  # the look has ended ...
        assert dialog.busy or dialog.import_button.isEnabled()  # ... never "idle" and off
        await wait_until(lambda: not dialog.busy)
        assert dialog.import_button.isEnabled()


@pytest.mark.qt_loop
async def test_the_window_closes_with_the_import_view_still_looking(
    paths: ProfilePaths, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    library = tmp_path / "library"
    make_library(library)
    settings = Settings(library_dir=library, min_free_disk=0)
    gate = asyncio.Event()
    async with running_window(paths, settings, run_downloads=False) as (services, window):
        propose = services.library.propose_import

        async def slow(**kwargs: object) -> object:
            await gate.wait()
            return await propose(**kwargs)  # type: ignore[arg-type]

        services.library.propose_import = slow  # type: ignore[method-assign]
        dialog = window.series_commands.open_import()
        await wait_until(lambda: dialog.busy)
        looking = dialog._task
        assert looking is not None
    # running_window closed the window (aclose), then the services: the view's work had stopped.
    assert looking.cancelled()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
