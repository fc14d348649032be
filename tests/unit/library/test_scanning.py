"""LibraryScanner on its own: a real SQLite catalogue and a real folder in tmp_path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aniworld_desktop.core.events import EventBus, SeriesChanged
from aniworld_desktop.library.errors import LibraryUnavailableError
from aniworld_desktop.library.scanning import LibraryScanner
from aniworld_desktop.storage.catalog import CatalogRepository, NewLocalSeries
from tests.unit.library.conftest import make_files


@pytest.fixture
def catalog(database) -> CatalogRepository:
    return CatalogRepository(database)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "library"
    folder.mkdir()
    return folder


def scanner_of(
    catalog: CatalogRepository, library: Path, bus: EventBus | None = None
) -> LibraryScanner:
    cache = library.parent / "scan-cache.json"
    return LibraryScanner(catalog, library_dir=library, scan_cache_file=cache, bus=bus)


async def test_a_scan_follows_new_folders_and_records_their_files(
    catalog: CatalogRepository, library: Path
) -> None:
    bus = EventBus()
    changed: list[SeriesChanged] = []
    bus.subscribe(SeriesChanged, changed.append)
    make_files(
        library,
        "Paper Moons (2019)/Season 01/Paper.Moons.S01E01.mkv",
        "Paper Moons (2019)/Season 01/Paper.Moons.S01E02.mkv",
        "Paper Moons (2019)/notes.mkv",
    )
    summary = await scanner_of(catalog, library, bus).scan()

    assert (summary.files, summary.matched, summary.followed) == (3, 2, ["Paper Moons (2019)"])
    assert [f.path for f in summary.unmatched] == ["Paper Moons (2019)/notes.mkv"]
    (series,) = await catalog.list_series()
    assert (series.title, series.year, series.folder) == ("Paper Moons", 2019, "Paper Moons (2019)")
    assert [e.series_id for e in changed] == [series.id]
    episodes = await catalog.episodes(series.id)
    assert [(e.season, e.number, e.file_path) for e in episodes] == [
        (1, 1, "Paper Moons (2019)/Season 01/Paper.Moons.S01E01.mkv"),
        (1, 2, "Paper Moons (2019)/Season 01/Paper.Moons.S01E02.mkv"),
    ]
    assert (library.parent / "scan-cache.json").is_file()


async def test_a_removed_folder_is_not_followed_again(
    catalog: CatalogRepository, library: Path
) -> None:
    make_files(library, "Gone (2020)/Gone.S01E01.mkv", "Kept/Kept.S01E01.mkv")
    await catalog.set_folders_ignored(["Gone (2020)"])
    summary = await scanner_of(catalog, library).scan()
    assert summary.followed == ["Kept"]
    assert [s.folder for s in await catalog.list_series()] == ["Kept"]


async def test_a_file_that_is_gone_is_no_longer_on_disk(
    catalog: CatalogRepository, library: Path
) -> None:
    (series,) = await catalog.add_local_series([NewLocalSeries("Show", "Show")])
    make_files(library, "Show/Show.S01E01.mkv", "Show/Show.S01E02.mkv")
    scanner = scanner_of(catalog, library)
    await scanner.scan()
    (library / "Show/Show.S01E02.mkv").unlink()
    await scanner.scan()
    on_disk = {e.number: e.file_path for e in await catalog.episodes(series.id)}
    assert on_disk == {1: "Show/Show.S01E01.mkv", 2: None}


async def test_walk_sees_the_files_and_records_nothing(
    catalog: CatalogRepository, library: Path
) -> None:
    make_files(library, "Show/Show.S01E01.mkv")
    result = await scanner_of(catalog, library).walk()
    assert [f.path for f in result.files] == ["Show/Show.S01E01.mkv"]
    assert await catalog.list_series() == []


async def test_a_library_that_is_gone_or_emptied_is_refused_and_nothing_changes(
    catalog: CatalogRepository, library: Path
) -> None:
    make_files(library, "Show/Show.S01E01.mkv")
    scanner = scanner_of(catalog, library)
    await scanner.scan()
    (library / "Show/Show.S01E01.mkv").unlink()
    (library / "Show").rmdir()  # the empty mount point of a share that is not connected
    with pytest.raises(LibraryUnavailableError, match="holds no videos, but 1 episode"):
        await scanner.scan()
    with pytest.raises(LibraryUnavailableError, match="is empty, but it held episodes"):
        await scanner.check_present()
    os.rmdir(library)  # the share itself is gone
    with pytest.raises(LibraryUnavailableError, match="cannot be found") as caught:
        await scanner.scan()
    assert caught.value.args and str(library) in str(caught.value)
    (series,) = await catalog.list_series()
    (episode,) = await catalog.episodes(series.id)
    assert episode.file_path == "Show/Show.S01E01.mkv"  # nothing was changed


async def test_a_new_library_may_be_created_by_the_first_download(
    catalog: CatalogRepository, tmp_path: Path
) -> None:
    scanner = scanner_of(catalog, tmp_path / "not-yet")
    await scanner.check_present()  # it never held anything: no error
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    scanner.use_folder(not_a_folder)
    with pytest.raises(LibraryUnavailableError, match="is not a folder"):
        await scanner.check_present()


async def test_another_folder_is_scanned_from_scratch(
    catalog: CatalogRepository, library: Path, tmp_path: Path
) -> None:
    make_files(library, "Old/Old.S01E01.mkv")
    other = tmp_path / "other"
    make_files(other, "New/New.S01E01.mkv")
    scanner = scanner_of(catalog, library)
    await scanner.scan()
    scanner.use_folder(other)
    summary = await scanner.scan()
    assert (scanner.library_dir, summary.followed, summary.cached) == (other, ["New"], 0)
