"""The library walker and its cache, on real (empty) files in a temporary folder."""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from aniworld_desktop.core.recognise import ParsedFile
from aniworld_desktop.library import scanner
from aniworld_desktop.library.scanner import ScanCache, ScannedFile, scan_library, scan_path

LIBRARY = {
    "Harbor Lights/Season 01/Harbor.Lights.S01E01.1080p.mkv": 10,
    "Harbor Lights/Season 01/Harbor.Lights.S01E02.1080p.mkv": 20,
    "Harbor Lights/Season 02/Episode 03.mp4": 30,
    "Harbor Lights/Specials/Harbor Lights - S00E01.mkv": 40,
    "Harbor Lights/Extras/Making of.mkv": 50,
    "Kimi no Hana/[Group] Kimi no Hana - 012 [1080p].mkv": 60,
    "Die Brücke/Staffel 1/Folge 2.avi": 70,
    "Loose.Show.S03E04.mkv": 80,
}
NOT_VIDEOS = [
    "Harbor Lights/tvshow.nfo",
    "Harbor Lights/poster.jpg",
    "Harbor Lights/Season 01/Harbor.Lights.S01E01.1080p.en.srt",
    "Harbor Lights/Season 01/Harbor.Lights.S01E03.mkv.part",
    "Harbor Lights/Season 01/.Harbor.Lights.S01E04.mkv",
    "Harbor Lights/.hidden/Harbor.Lights.S01E05.mkv",
    ".trash/Other.S01E01.mkv",
]


def _write(root: Path, rel: str, size: int = 0, mtime_ns: int | None = None) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    if mtime_ns is not None:
        os.utime(path, ns=(mtime_ns, mtime_ns))
    return path


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    for n, (rel, size) in enumerate(LIBRARY.items()):
        _write(root, rel, size, mtime_ns=1_700_000_000_000_000_000 + n)
    for rel in NOT_VIDEOS:
        _write(root, rel)
    return root


@pytest.fixture
def no_parsing(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Call it to make any name parsing fail the test from then on."""

    def forbid() -> None:
        def parse(path: str) -> ParsedFile | None:
            raise AssertionError(f"{path} was parsed again")

        monkeypatch.setattr(scanner, "recognise", parse)

    return forbid


def _by_path(files: list[ScannedFile]) -> dict[str, ScannedFile]:
    return {f.path: f for f in files}


def test_finds_videos_only_sorted_with_sizes_times_and_series_folders(library: Path) -> None:
    result = scan_library(library)
    assert [f.path for f in result.files] == sorted(LIBRARY)
    assert result.parsed == len(LIBRARY) and result.cached == 0 and result.errors == []
    files = _by_path(result.files)
    for n, (rel, size) in enumerate(LIBRARY.items()):
        assert files[rel].size == size
        assert files[rel].mtime_ns == 1_700_000_000_000_000_000 + n
    assert files["Die Brücke/Staffel 1/Folge 2.avi"].series_folder == "Die Brücke"
    assert files["Loose.Show.S03E04.mkv"].series_folder == ""
    episode = files["Harbor Lights/Season 02/Episode 03.mp4"].parsed
    assert episode is not None and (episode.series, episode.season, episode.episode) == (
        "Harbor Lights",
        2,
        3,
    )
    anime = files["Kimi no Hana/[Group] Kimi no Hana - 012 [1080p].mkv"].parsed
    assert anime is not None and (anime.season, anime.absolute) == (None, 12)
    assert files["Harbor Lights/Extras/Making of.mkv"].parsed is None  # a video, not an episode


def test_rescan_with_nothing_changed_parses_no_names(
    library: Path, no_parsing: Callable[[], None]
) -> None:
    cache = ScanCache()
    first = scan_library(library, cache)
    no_parsing()
    again = scan_library(library, cache)
    assert (again.parsed, again.cached) == (0, len(LIBRARY))
    assert again.files == first.files


def test_rescan_from_a_saved_cache_parses_no_names(
    library: Path, tmp_path: Path, no_parsing: Callable[[], None]
) -> None:
    cache = ScanCache()
    first = scan_library(library, cache)
    cache.save(tmp_path / "profile" / "scan-cache.json")
    no_parsing()
    loaded = ScanCache.load(tmp_path / "profile" / "scan-cache.json")
    assert len(loaded) == len(LIBRARY)
    again = scan_library(library, loaded)
    assert (again.parsed, again.cached) == (0, len(LIBRARY))
    assert again.files == first.files  # parsed readings, None included, survive the round trip


def test_a_touched_file_is_parsed_again_by_a_full_check(library: Path) -> None:
    cache = ScanCache()
    scan_library(library, cache)
    touched = library / "Harbor Lights/Season 02/Episode 03.mp4"
    os.utime(touched, ns=(1_800_000_000_000_000_000, 1_800_000_000_000_000_000))
    again = scan_library(library, cache, trust_folder_times=False)
    assert (again.parsed, again.cached) == (1, len(LIBRARY) - 1)
    assert _by_path(again.files)["Harbor Lights/Season 02/Episode 03.mp4"].mtime_ns == (
        1_800_000_000_000_000_000
    )


def test_a_file_whose_size_changed_is_parsed_again_by_a_full_check(library: Path) -> None:
    cache = ScanCache()
    scan_library(library, cache)
    path = library / "Loose.Show.S03E04.mkv"
    stat = path.stat()
    path.write_bytes(b"longer than before" * 10)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same time, other size
    again = scan_library(library, cache, trust_folder_times=False)
    assert again.parsed == 1
    assert _by_path(again.files)["Loose.Show.S03E04.mkv"].size == 180


def test_new_and_deleted_files(library: Path) -> None:
    cache = ScanCache()
    scan_library(library, cache)
    (library / "Harbor Lights/Season 01/Harbor.Lights.S01E01.1080p.mkv").unlink()
    _write(library, "Harbor Lights/Season 01/Harbor.Lights.S01E03.mkv")
    again = scan_library(library, cache)
    assert (again.parsed, again.cached) == (1, len(LIBRARY) - 1)
    assert "Harbor Lights/Season 01/Harbor.Lights.S01E01.1080p.mkv" not in cache
    assert "Harbor Lights/Season 01/Harbor.Lights.S01E03.mkv" in cache
    assert len(cache) == len(LIBRARY)


OLD_NS = 1_600_000_000_000_000_000  # a folder time long past


@pytest.fixture
def settled(library: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The library with every folder's time long past, as a library not written to lately is.

    The racy window is closed: the folders' change times are now (``utime`` sets them), and
    the scanner would otherwise not trust them yet. Every change a test makes then moves a
    folder's modification time off ``OLD_NS``, however fast it follows the scan.
    """
    monkeypatch.setattr(scanner, "_RACY_WINDOW_NS", 0)
    _settle(library)
    return library


def _settle(root: Path) -> None:
    for folder, _, _ in os.walk(root):
        os.utime(folder, ns=(OLD_NS, OLD_NS))


@pytest.fixture
def listed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The folders ``os.scandir`` lists from now on, relative to the library ("" for the root)."""
    real = os.scandir
    calls: list[str] = []

    def scandir(path: Any = ".") -> Any:
        if not isinstance(path, int):  # shutil.rmtree lists by file descriptor
            calls.append(os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    return calls


def _relative(root: Path, listed: list[str]) -> list[str]:
    """The listed folders relative to ``root``, sorted ("" for the root itself)."""
    relative = (Path(p).relative_to(root).as_posix() for p in listed)
    return sorted("" if p == "." else p for p in relative)


def test_an_unchanged_tree_lists_no_folder_and_parses_no_name(
    settled: Path, no_parsing: Callable[[], None], listed: list[str]
) -> None:
    cache = ScanCache()
    first = scan_library(settled, cache)
    assert len(listed) == 9  # every folder, hidden ones not entered
    listed.clear()
    no_parsing()
    again = scan_library(settled, cache)
    assert listed == []
    assert (again.parsed, again.cached) == (0, len(LIBRARY))
    assert again.files == first.files


def test_an_unchanged_tree_stats_only_its_folders(
    settled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folders = [p for p in settled.rglob("*") if p.is_dir()]
    not_hidden = [f for f in folders if "." not in {p[0] for p in f.relative_to(settled).parts}]
    cache = ScanCache()
    scan_library(settled, cache)
    real = os.stat
    stats: list[str] = []

    def stat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        stats.append(os.fspath(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    scan_library(settled, cache)
    assert sorted(stats) == sorted(map(os.fspath, [settled, *not_hidden]))


def test_the_fast_path_survives_saving_and_loading(
    settled: Path, tmp_path: Path, no_parsing: Callable[[], None], listed: list[str]
) -> None:
    cache = ScanCache()
    first = scan_library(settled, cache)
    cache.save(tmp_path / "scan-cache.json")
    listed.clear()
    no_parsing()
    again = scan_library(settled, ScanCache.load(tmp_path / "scan-cache.json"))
    assert listed == []
    assert again.files == first.files


def test_a_new_file_in_a_folder_is_found(settled: Path, listed: list[str]) -> None:
    cache = ScanCache()
    scan_library(settled, cache)
    listed.clear()
    _write(settled, "Harbor Lights/Season 02/Episode 04.mp4", 7)
    again = scan_library(settled, cache)
    assert _relative(settled, listed) == ["Harbor Lights/Season 02"]
    assert (again.parsed, again.cached) == (1, len(LIBRARY))
    new = _by_path(again.files)["Harbor Lights/Season 02/Episode 04.mp4"]
    assert new.size == 7 and new.parsed is not None and new.parsed.episode == 4
    assert "Harbor Lights/Season 02/Episode 04.mp4" in cache


def test_a_deleted_file_is_noticed(settled: Path, listed: list[str]) -> None:
    cache = ScanCache()
    scan_library(settled, cache)
    listed.clear()
    (settled / "Kimi no Hana/[Group] Kimi no Hana - 012 [1080p].mkv").unlink()
    again = scan_library(settled, cache)
    assert _relative(settled, listed) == ["Kimi no Hana"]
    assert {f.path for f in again.files} == set(LIBRARY) - {
        "Kimi no Hana/[Group] Kimi no Hana - 012 [1080p].mkv"
    }
    assert again.parsed == 0
    assert "Kimi no Hana/[Group] Kimi no Hana - 012 [1080p].mkv" not in cache


def test_a_renamed_file_is_noticed(settled: Path, listed: list[str]) -> None:
    cache = ScanCache()
    scan_library(settled, cache)
    listed.clear()
    season = settled / "Harbor Lights/Season 01"
    (season / "Harbor.Lights.S01E02.1080p.mkv").rename(season / "Harbor.Lights.S01E09.mkv")
    again = scan_library(settled, cache)
    assert _relative(settled, listed) == ["Harbor Lights/Season 01"]
    files = _by_path(again.files)
    assert "Harbor Lights/Season 01/Harbor.Lights.S01E02.1080p.mkv" not in files
    renamed = files["Harbor Lights/Season 01/Harbor.Lights.S01E09.mkv"]
    assert renamed.parsed is not None and renamed.parsed.episode == 9 and renamed.size == 20
    assert (again.parsed, again.cached) == (1, len(LIBRARY) - 1)


def test_a_new_sub_folder_is_found(settled: Path, listed: list[str]) -> None:
    cache = ScanCache()
    scan_library(settled, cache)
    listed.clear()
    _write(settled, "Harbor Lights/Season 03/Harbor.Lights.S03E01.mkv")
    again = scan_library(settled, cache)
    assert _relative(settled, listed) == ["Harbor Lights", "Harbor Lights/Season 03"]
    new = _by_path(again.files)["Harbor Lights/Season 03/Harbor.Lights.S03E01.mkv"]
    assert new.series_folder == "Harbor Lights"
    assert new.parsed is not None and (new.parsed.season, new.parsed.episode) == (3, 1)
    assert again.parsed == 1


def test_a_new_series_folder_is_found(settled: Path, listed: list[str]) -> None:
    cache = ScanCache()
    scan_library(settled, cache)
    listed.clear()
    _write(settled, "Paper Moon/Season 01/Paper.Moon.S01E01.mkv")
    again = scan_library(settled, cache)
    assert _relative(settled, listed) == ["", "Paper Moon", "Paper Moon/Season 01"]
    assert "Paper Moon/Season 01/Paper.Moon.S01E01.mkv" in _by_path(again.files)


def test_a_removed_sub_folder_is_noticed(settled: Path, listed: list[str]) -> None:
    cache = ScanCache()
    scan_library(settled, cache)
    listed.clear()
    shutil.rmtree(settled / "Harbor Lights" / "Season 01")
    again = scan_library(settled, cache)
    assert _relative(settled, listed) == ["Harbor Lights"]
    assert {f.path for f in again.files} == {
        p for p in LIBRARY if not p.startswith("Harbor Lights/Season 01/")
    }
    assert "Harbor Lights/Season 01/Harbor.Lights.S01E01.1080p.mkv" not in cache
    assert len(cache) == len(LIBRARY) - 2


def test_a_file_rewritten_in_place_keeps_its_cached_size_until_a_full_check(
    settled: Path,
) -> None:
    """The documented price of trusting folder times: the name did not change, so neither
    did the reading, but the size is only seen again when the folder changes or by a full
    check."""
    cache = ScanCache()
    scan_library(settled, cache)
    _write(settled, "Loose.Show.S03E04.mkv", 999)  # same name: the root's time stays
    trusted = scan_library(settled, cache)
    assert _by_path(trusted.files)["Loose.Show.S03E04.mkv"].size == 80
    assert trusted.parsed == 0
    full = scan_library(settled, cache, trust_folder_times=False)
    assert _by_path(full.files)["Loose.Show.S03E04.mkv"].size == 999
    assert full.parsed == 1


def test_a_folder_whose_time_is_set_back_is_listed_again(settled: Path, listed: list[str]) -> None:
    """``rsync -a`` sets a folder's modification time back; its change time still moves."""
    cache = ScanCache()
    scan_library(settled, cache)
    season = settled / "Harbor Lights" / "Season 02"
    before = season.stat().st_ctime_ns
    _write(settled, "Harbor Lights/Season 02/Episode 05.mp4")
    while True:  # a change in the same clock tick as the last one would not move it
        os.utime(season, ns=(OLD_NS, OLD_NS))
        if season.stat().st_ctime_ns != before:
            break
    listed.clear()
    again = scan_library(settled, cache)
    assert _relative(settled, listed) == ["Harbor Lights/Season 02"]
    assert "Harbor Lights/Season 02/Episode 05.mp4" in _by_path(again.files)


def test_a_folder_with_an_unsettled_time_is_listed_by_every_scan(
    settled: Path, listed: list[str]
) -> None:
    """A change in the same clock tick as a scan's listing would not move the folder's time,
    so a folder changed that close to a scan (or dated in the future) is not trusted yet."""
    future = time.time_ns() + 3_600_000_000_000
    os.utime(settled / "Die Brücke", ns=(future, future))
    cache = ScanCache()
    scan_library(settled, cache)
    for _ in range(2):
        listed.clear()
        scan_library(settled, cache)
        assert _relative(settled, listed) == ["Die Brücke"]


def test_a_freshly_written_library_is_listed_again_by_the_next_scan(
    library: Path, listed: list[str]
) -> None:
    cache = ScanCache()
    scan_library(library, cache)  # its folders were written moments ago
    listed.clear()
    scan_library(library, cache)
    assert len(listed) == 9


def test_a_folder_holding_symlinks_is_always_listed(settled: Path, listed: list[str]) -> None:
    (settled / "Kimi no Hana" / "Season 01").symlink_to(settled / "Die Brücke" / "Staffel 1")
    _settle(settled)
    cache = ScanCache()
    plain = scan_library(settled, cache)  # links not followed
    assert {f.path for f in plain.files} == set(LIBRARY)
    listed.clear()
    scan_library(settled, cache)
    assert _relative(settled, listed) == ["Kimi no Hana"]
    # The same cache, now following links: the linked folder is found, then kept up to date.
    listed.clear()
    followed = scan_library(settled, cache, follow_symlinks=True)
    assert "Kimi no Hana/Season 01/Folge 2.avi" in _by_path(followed.files)
    assert _relative(settled, listed) == ["Kimi no Hana", "Kimi no Hana/Season 01"]
    _write(settled, "Die Brücke/Staffel 1/Folge 3.avi")
    again = scan_library(settled, cache, follow_symlinks=True)
    paths = {f.path for f in again.files}
    assert {"Die Brücke/Staffel 1/Folge 3.avi", "Kimi no Hana/Season 01/Folge 3.avi"} <= paths
    # And back: without following, the linked folder drops out again.
    assert {f.path for f in scan_library(settled, cache).files} == set(LIBRARY) | {
        "Die Brücke/Staffel 1/Folge 3.avi"
    }


def test_a_folder_that_could_not_be_read_is_listed_by_the_next_scan(
    settled: Path, monkeypatch: pytest.MonkeyPatch, listed: list[str]
) -> None:
    cache = ScanCache()
    scan_library(settled, cache)
    season = settled / "Harbor Lights" / "Season 01"
    with monkeypatch.context() as patch:
        _scandir_failing(patch, season, OSError(5, "Input/output error"))
        failed = scan_library(settled, cache, trust_folder_times=False)
    assert failed.errors == [
        "The folder Harbor Lights/Season 01 could not be read: Input/output error."
    ]
    assert len(cache) == len(LIBRARY)
    listed.clear()
    again = scan_library(settled, cache)
    assert listed == [os.fspath(season)]
    assert {f.path for f in again.files} == set(LIBRARY) and again.errors == []


def test_a_library_that_comes_back_is_not_read_again(
    settled: Path, tmp_path: Path, no_parsing: Callable[[], None]
) -> None:
    cache = ScanCache()
    scan_library(settled, cache)
    mount = tmp_path / "mount"
    settled.rename(mount)  # unplugged
    assert scan_library(settled, cache).errors == [f"The library folder {settled} does not exist."]
    mount.rename(settled)
    no_parsing()
    again = scan_library(settled, cache)
    assert (again.parsed, again.cached, again.errors) == (0, len(LIBRARY), [])


def test_instances_are_the_objects_their_constructor_makes() -> None:
    columns = (
        ["Show", "Other"], [1, None], [2, None], [3, None], [None, 12], ["fast", "guessit"],
        [None, date(2011, 4, 12)], [None, "12.5"],
    )  # fmt: skip
    built = scanner._instances(ParsedFile, 2, *columns)
    assert built == [ParsedFile(*row) for row in zip(*columns, strict=True)]
    assert hash(built[0]) == hash(ParsedFile("Show", 1, 2, 3, None, "fast"))
    with pytest.raises(TypeError):
        scanner._instances(ParsedFile, 2, *columns[:5])


def test_cache_get_checks_size_and_time(library: Path) -> None:
    cache = ScanCache()
    result = scan_library(library, cache)
    file = result.files[0]
    assert cache.get(file.path, file.size, file.mtime_ns) == file
    assert cache.get(file.path, file.size + 1, file.mtime_ns) is None
    assert cache.get(file.path, file.size, file.mtime_ns + 1) is None
    assert cache.get("nowhere.mkv", 0, 0) is None
    cache.put(ScannedFile("nowhere.mkv", "", 0, 0, None))
    assert cache.get("nowhere.mkv", 0, 0) is not None


def _scandir_failing(monkeypatch: pytest.MonkeyPatch, folder: Path, error: OSError) -> None:
    real = os.scandir

    def scandir(path: Any = ".") -> Iterator[os.DirEntry[str]]:
        if os.fspath(path) == os.fspath(folder):
            raise error
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unreadable_folder_is_reported_and_the_rest_still_scanned(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = ScanCache()
    scan_library(library, cache)
    _scandir_failing(
        monkeypatch, library / "Harbor Lights" / "Season 01", PermissionError(13, "no")
    )
    # A real chmod moves the folder's change time, so it is listed; the stand-in does not.
    result = scan_library(library, cache, trust_folder_times=False)
    assert result.errors == [
        "The folder Harbor Lights/Season 01 could not be read: permission denied."
    ]
    paths = {f.path for f in result.files}
    assert paths == {p for p in LIBRARY if not p.startswith("Harbor Lights/Season 01/")}
    # Unread is not gone: the cache still knows the files it could not see this time.
    assert "Harbor Lights/Season 01/Harbor.Lights.S01E01.1080p.mkv" in cache
    assert len(cache) == len(LIBRARY)


def test_a_folder_that_vanishes_during_the_scan(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _scandir_failing(monkeypatch, library / "Kimi no Hana", FileNotFoundError(2, "gone"))
    result = scan_library(library)
    assert result.errors == ["The folder Kimi no Hana disappeared during the scan."]
    assert result.failed == ["Kimi no Hana/"]  # what the library service must not forget
    assert len(result.files) == len(LIBRARY) - 1


def test_other_folder_errors_are_sentences_too(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _scandir_failing(monkeypatch, library / "Die Brücke", OSError(5, "Input/output error"))
    result = scan_library(library)
    assert result.errors == ["The folder Die Brücke could not be read: Input/output error."]


def test_a_missing_library_is_an_error_not_an_exception_and_keeps_the_cache(
    library: Path, tmp_path: Path
) -> None:
    cache = ScanCache()
    scan_library(library, cache)
    result = scan_library(tmp_path / "unplugged-nas", cache)
    assert result.files == []
    assert result.errors == [f"The library folder {tmp_path / 'unplugged-nas'} does not exist."]
    assert result.failed == [""]
    assert len(cache) == len(LIBRARY)


def test_a_file_deleted_between_listing_and_stat_is_skipped(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = os.scandir
    victim = library / "Loose.Show.S03E04.mkv"

    class Listing:
        def __init__(self, path: Any) -> None:
            self.inner = real(path)

        def __enter__(self) -> Listing:
            return self

        def __exit__(self, *exc: object) -> None:
            self.inner.close()

        def __iter__(self) -> Iterator[os.DirEntry[str]]:
            entries = list(self.inner)
            victim.unlink(missing_ok=True)  # listed, then gone before its stat
            return iter(entries)

    monkeypatch.setattr(os, "scandir", Listing)
    result = scan_library(library)
    assert "Loose.Show.S03E04.mkv" not in {f.path for f in result.files}
    assert result.errors == []


def test_symlinks_are_ignored_by_default(library: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    _write(outside, "Elsewhere.S01E01.mkv")
    (library / "linked-out").symlink_to(outside, target_is_directory=True)
    (library / "linked-file.S01E09.mkv").symlink_to(outside / "Elsewhere.S01E01.mkv")
    (library / "Harbor Lights" / "again").symlink_to(library / "Harbor Lights")
    result = scan_library(library)
    assert sorted(f.path for f in result.files) == sorted(LIBRARY)


def test_followed_symlinks_stay_inside_the_root_and_loops_end(
    library: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    _write(outside, "Elsewhere.S01E01.mkv")
    (library / "linked-out").symlink_to(outside, target_is_directory=True)
    (library / "Outside.S01E09.mkv").symlink_to(outside / "Elsewhere.S01E01.mkv")
    season = library / "Harbor Lights" / "Season 02"
    (season / "loop").symlink_to(library / "Harbor Lights")  # points back up: a loop
    (season / "self").symlink_to(season)
    (library / "Kimi no Hana" / "Season 01").symlink_to(library / "Die Brücke" / "Staffel 1")
    (library / "Inside.S01E10.mkv").symlink_to(library / "Loose.Show.S03E04.mkv")
    (library / "dangling.S01E11.mkv").symlink_to(library / "nothing-here.mkv")

    result = scan_library(library, follow_symlinks=True)

    paths = [f.path for f in result.files]
    assert set(paths) == set(LIBRARY) | {"Kimi no Hana/Season 01/Folge 2.avi", "Inside.S01E10.mkv"}
    assert len(paths) == len(set(paths))
    linked = _by_path(result.files)["Kimi no Hana/Season 01/Folge 2.avi"]
    assert linked.series_folder == "Kimi no Hana" and linked.size == 70


def test_symlinked_folders_are_followed_once(library: Path) -> None:
    target = library / "Die Brücke" / "Staffel 1"
    (library / "Harbor Lights" / "a").symlink_to(target)
    (library / "Harbor Lights" / "b").symlink_to(target)
    result = scan_library(library, follow_symlinks=True)
    via_links = [
        f.path
        for f in result.files
        if f.path.startswith("Harbor Lights/") and f.path.endswith(".avi")
    ]
    assert len(via_links) == 1


def test_corrupt_cache_files_give_an_empty_cache(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    file = tmp_path / "scan-cache.json"
    good = _record()
    unsourced = _record(  # the second file is an episode without a source
        names=["a.mkv", "b.mkv"],
        sizes=[1, 2],
        mtimes=[2, 3],
        series=[None, "Show"],
        seasons=[None, 1],
        episodes=[None, 2],
        ends=[None, None],
        absolutes=[None, None],
        sources=[None, None],
        air_dates=[None, None],
        recaps=[None, None],
    )
    cases: list[bytes] = [
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"[]",
        json.dumps({"format": "something else"}).encode(),
        _payload(["not", "a", "dict"]),
        _payload({"Show/": "not a record"}),
        _payload({"Show/": good[:5]}),  # no readings
        _payload({"Show/": _record(stamp=[1, 2, 3])}),
        _payload({"Show/": _record(stamp=[1, 2, 3, "4"])}),
        _payload({"Show/": _record(stamp="yesterday")}),
        _payload({"Show/": _record(folders=[None])}),
        _payload({"Show/": _record(folders="Season 01")}),
        _payload({"Show/": _record(names=[1])}),
        _payload({"Show/": _record(sizes=["1"])}),  # size is text
        _payload({"Show/": _record(sizes=[1.5])}),
        _payload({"Show/": _record(sizes=[2**70])}),  # more than 64 bits
        _payload({"Show/": _record(sizes=[1, 2])}),  # columns of different lengths
        _payload({"Show/": _record(mtimes=None)}),
        _payload({"Show/": _record(series=[5])}),
        _payload({"Show/": _record(seasons=["1"])}),
        _payload({"Show/": _record(sources=["magic"])}),
        _payload({"Show/": _record(sources=[None])}),  # an episode without a source
        _payload({"Show/": _record(sources=[["fast"]])}),
        _payload({"Show/": unsourced}),
        _payload({"Show/": _record(air_dates=["yesterday"])}),  # not a date
        _payload({"Show/": _record(air_dates=["2011-02-30"])}),  # no such day
        _payload({"Show/": _record(air_dates=[20110412])}),
        _payload({"Show/": _record(recaps=[12.5])}),  # a recap is kept as text
        _payload({"Show/": _record(air_dates=5)}),  # neither a column nor null
    ]
    for data in cases:
        file.write_bytes(data)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="aniworld_desktop.library.scanner"):
            cache = ScanCache.load(file)
        assert len(cache) == 0, data
        assert any("corrupt" in r.getMessage() for r in caplog.records), data


def _record(**changes: object) -> list[object]:
    """One folder of a saved cache: one video, read as episode 2 of season 1."""
    fields: dict[str, object] = {
        "stamp": None, "folders": [], "names": ["a.mkv"], "sizes": [1], "mtimes": [2],
        "series": ["Show"], "seasons": [1], "episodes": [2], "ends": [None],
        "absolutes": [None], "sources": ["fast"], "air_dates": [None], "recaps": [None],
    }  # fmt: skip
    fields |= changes
    return list(fields.values())


def _payload(folders: object, **changes: object) -> bytes:
    payload = {"format": scanner._CACHE_FORMAT, "version": scanner._CACHE_VERSION}
    payload |= {"parser": scanner.PARSER_VERSION, "folders": folders, **changes}
    return json.dumps(payload).encode()


def test_a_cache_from_another_parser_version_is_dropped_quietly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    file = tmp_path / "scan-cache.json"
    file.write_bytes(_payload({"Show/": _record()}, parser=scanner.PARSER_VERSION + 1))
    with caplog.at_level(logging.INFO, logger="aniworld_desktop.library.scanner"):
        assert len(ScanCache.load(file)) == 0
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    file.write_bytes(_payload({"Show/": _record()}))
    loaded = ScanCache.load(file)
    assert len(loaded) == 1 and "Show/a.mkv" in loaded
    assert loaded.get("Show/a.mkv", 1, 2) == ScannedFile(
        "Show/a.mkv", "Show", 1, 2, ParsedFile("Show", 1, 2, None, None, "fast")
    )


def test_a_cache_of_the_first_format_is_dropped_quietly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    file = tmp_path / "scan-cache.json"
    file.write_bytes(_payload({"Show/": [["a.mkv", 1, 2]]}, version=1))  # rows per file
    with caplog.at_level(logging.INFO, logger="aniworld_desktop.library.scanner"):
        assert len(ScanCache.load(file)) == 0
    assert [r.levelno for r in caplog.records] == [logging.INFO]


def test_a_missing_cache_file_is_an_empty_cache_without_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        assert len(ScanCache.load(tmp_path / "nope.json")) == 0
    assert caplog.records == []


def test_an_unreadable_cache_file_is_an_empty_cache(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder.json"
    folder.mkdir()  # reading it fails with IsADirectoryError
    assert len(ScanCache.load(folder)) == 0


def test_save_is_atomic_and_leaves_no_temporary_files(library: Path, tmp_path: Path) -> None:
    cache = ScanCache()
    scan_library(library, cache)
    file = tmp_path / "profile" / "scan-cache.json"
    cache.save(file)
    cache.save(file)  # over an existing one
    assert sorted(p.name for p in file.parent.iterdir()) == ["scan-cache.json"]


def test_a_failed_save_keeps_the_old_file_and_cleans_up(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = ScanCache()
    scan_library(library, cache)
    file = tmp_path / "scan-cache.json"
    cache.save(file)
    before = file.read_bytes()
    cache.put(ScannedFile("New.S01E01.mkv", "", 1, 1, None))

    def fail(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        cache.save(file)
    assert file.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["library", "scan-cache.json"]


def test_names_that_are_not_valid_utf8_survive_the_cache(tmp_path: Path) -> None:
    root = tmp_path / "library"
    name = os.fsdecode(b"Show \xff S01E02.mkv")  # a lone surrogate once decoded
    _write(root, f"Show/{name}")
    cache = ScanCache()
    first = scan_library(root, cache)
    assert [f.path for f in first.files] == [f"Show/{name}"]
    cache.save(tmp_path / "cache.json")
    loaded = ScanCache.load(tmp_path / "cache.json")
    again = scan_library(root, loaded)
    assert (again.parsed, again.cached) == (0, 1)


def test_guessit_readings_survive_the_cache(tmp_path: Path) -> None:
    root = tmp_path / "library"
    _write(root, "Harbor Lights/Harbor Lights - Episode Five.mkv")
    cache = ScanCache()
    first = scan_library(root, cache)
    assert first.files[0].parsed is not None and first.files[0].parsed.source == "guessit"
    cache.save(tmp_path / "cache.json")
    assert scan_library(root, ScanCache.load(tmp_path / "cache.json")).files == first.files


def test_air_dates_and_recaps_survive_the_cache(tmp_path: Path) -> None:
    root = tmp_path / "library"
    _write(root, "Late Night/Late Night - 2011-04-12.mkv")
    _write(root, "Late Night/Late Night - 2011-04-13 - Guest.mkv")
    _write(root, "Kimi no Hana/[Group] Kimi no Hana - 12.5 [1080p].mkv")
    cache = ScanCache()
    first = scan_library(root, cache)
    readings = {f.path: f.parsed for f in first.files}
    dated = readings["Late Night/Late Night - 2011-04-12.mkv"]
    assert dated is not None and dated.air_date == date(2011, 4, 12) and dated.episode is None
    recap = readings["Kimi no Hana/[Group] Kimi no Hana - 12.5 [1080p].mkv"]
    assert recap is not None and recap.recap == "12.5" and recap.absolute is None
    cache.save(tmp_path / "cache.json")
    again = scan_library(root, ScanCache.load(tmp_path / "cache.json"))
    assert again.parsed == 0 and again.files == first.files


def test_a_folder_without_air_dates_or_recaps_saves_null_for_them(tmp_path: Path) -> None:
    root = tmp_path / "library"
    _write(root, "Late Night/Late Night - 2011-04-12.mkv")
    _write(root, "Harbor Lights/Harbor.Lights.S01E01.mkv")
    cache = ScanCache()
    first = scan_library(root, cache)
    cache.save(tmp_path / "cache.json")
    folders = json.loads((tmp_path / "cache.json").read_bytes())["folders"]
    assert folders["Harbor Lights/"][-2:] == [None, None]
    assert folders["Late Night/"][-2:] == [["2011-04-12"], None]
    assert scan_library(root, ScanCache.load(tmp_path / "cache.json")).files == first.files
    file = tmp_path / "cache.json"
    file.write_bytes(_payload({"Show/": _record(air_dates=None, recaps=None)}))
    loaded = ScanCache.load(file)
    assert len(loaded) == 1 and "Show/a.mkv" in loaded


def test_scan_path_of_a_folder_uses_it_as_the_root(library: Path) -> None:
    files = scan_path(library / "Harbor Lights")
    assert [f.path for f in files] == [
        "Extras/Making of.mkv",
        "Season 01/Harbor.Lights.S01E01.1080p.mkv",
        "Season 01/Harbor.Lights.S01E02.1080p.mkv",
        "Season 02/Episode 03.mp4",
        "Specials/Harbor Lights - S00E01.mkv",
    ]
    assert files[0].parsed is None


def test_scan_path_of_a_file_reads_it_with_its_folders(library: Path) -> None:
    (file,) = scan_path(library / "Harbor Lights" / "Season 02" / "Episode 03.mp4")
    assert file.path == "Harbor Lights/Season 02/Episode 03.mp4"
    assert file.series_folder == "Harbor Lights" and file.size == 30
    assert file.parsed is not None
    assert (file.parsed.series, file.parsed.season, file.parsed.episode) == ("Harbor Lights", 2, 3)


def test_scan_path_of_a_file_near_the_top(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "Loose.S01E02.mkv", 5)
    (file,) = scan_path(Path("Loose.S01E02.mkv"))
    assert file.path.endswith("Loose.S01E02.mkv") and file.size == 5


def test_scan_path_of_something_that_is_not_a_video(library: Path) -> None:
    assert scan_path(library / "Harbor Lights" / "tvshow.nfo") == []


def test_the_cache_file_is_the_same_json_as_one_dump_of_it(tmp_path: Path) -> None:
    # Written a folder at a time (so a big one does not hold the interpreter for long), it must
    # stay byte for byte what one json.dumps of the whole wrote, which loading expects.
    root = tmp_path / "library"
    for path in ("A (2020)/Season 01/A - S01E01.mkv", "B/b.S02E03.mkv", "B/notes.mkv", "C/x.txt"):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(b"x")
    cache = ScanCache()
    scan_library(root, cache)
    cache.save(tmp_path / "cache.json")
    data = (tmp_path / "cache.json").read_bytes()
    assert data == json.dumps(json.loads(data), separators=(",", ":")).encode("ascii")
    assert len(ScanCache.load(tmp_path / "cache.json")) == 3
