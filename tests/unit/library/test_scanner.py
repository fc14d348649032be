"""The library walker and its cache, on real (empty) files in a temporary folder."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from aniworld_desktop.library import scanner
from aniworld_desktop.library.filenames import ParsedFile
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

        monkeypatch.setattr(scanner, "parse_file_name", parse)

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


def test_a_touched_file_is_parsed_again(library: Path) -> None:
    cache = ScanCache()
    scan_library(library, cache)
    touched = library / "Harbor Lights/Season 02/Episode 03.mp4"
    os.utime(touched, ns=(1_800_000_000_000_000_000, 1_800_000_000_000_000_000))
    again = scan_library(library, cache)
    assert (again.parsed, again.cached) == (1, len(LIBRARY) - 1)
    assert _by_path(again.files)["Harbor Lights/Season 02/Episode 03.mp4"].mtime_ns == (
        1_800_000_000_000_000_000
    )


def test_a_file_whose_size_changed_is_parsed_again(library: Path) -> None:
    cache = ScanCache()
    scan_library(library, cache)
    path = library / "Loose.Show.S03E04.mkv"
    stat = path.stat()
    path.write_bytes(b"longer than before" * 10)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same time, other size
    again = scan_library(library, cache)
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


def test_cache_get_checks_size_and_time(library: Path) -> None:
    cache = ScanCache()
    result = scan_library(library, cache)
    file = result.files[0]
    assert cache.get(file.path, file.size, file.mtime_ns) is file
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
    result = scan_library(library, cache)
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
    cases: list[bytes] = [
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"[]",
        json.dumps({"format": "something else"}).encode(),
        _payload({"Show/": [["a.mkv", 1]]}),  # a row too short
        _payload({"Show/": [["a.mkv", "1", 2]]}),  # size is text
        _payload({"Show/": [["a.mkv", 1, 2, "Show", "1", 2, None, None, "fast"]]}),
        _payload({"Show/": [["a.mkv", 1, 2, "Show", 1, 2, None, None, "magic"]]}),
        _payload({"Show/": "not rows"}),
        _payload({"Show/": [None]}),
        _payload(["not", "a", "dict"]),
    ]
    for data in cases:
        file.write_bytes(data)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="aniworld_desktop.library.scanner"):
            cache = ScanCache.load(file)
        assert len(cache) == 0, data
        assert any("corrupt" in r.getMessage() for r in caplog.records), data


def _payload(folders: object, **changes: object) -> bytes:
    payload = {"format": scanner._CACHE_FORMAT, "version": scanner._CACHE_VERSION}
    payload |= {"parser": scanner.PARSER_VERSION, "folders": folders, **changes}
    return json.dumps(payload).encode()


def test_a_cache_from_another_parser_version_is_dropped_quietly(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    file = tmp_path / "scan-cache.json"
    file.write_bytes(_payload({"Show/": [["a.mkv", 1, 2]]}, parser=scanner.PARSER_VERSION + 1))
    with caplog.at_level(logging.INFO, logger="aniworld_desktop.library.scanner"):
        assert len(ScanCache.load(file)) == 0
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    file.write_bytes(_payload({"Show/": [["a.mkv", 1, 2]]}))
    assert len(ScanCache.load(file)) == 1


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
