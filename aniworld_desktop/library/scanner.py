"""Walk a library folder and read every video's name, remembering what was read between scans.

The walk is one loop over a stack of folders. A :class:`ScanCache` remembers, per folder, its
stamp (``st_mtime_ns``, ``st_ctime_ns``, ``st_dev``, ``st_ino``), its sub-folders and its
videos (name, size, ``st_mtime_ns`` and what the name said).

A rescan stats each folder first. A folder whose stamp is the one remembered has gained, lost
and renamed no entry (POSIX updates a folder's modification time on every create, unlink and
rename inside it; its change time also moves when the modification time is set back, as
``rsync -a`` does), so its videos and sub-folders come from the cache without listing it or
stat'ing its files; its sub-folders are then visited the same way. Only a folder with another
stamp is listed with ``os.scandir`` (whose entries already know whether they are folders, so
only video files cost a ``stat``), and its files are checked against the cache by size and
time: a file whose size or time changed is read again. A rescan of an unchanged library of
100,000 videos in 8,000 folders therefore costs 8,000 ``stat`` calls and parses no name.

The trade-off: a file rewritten in place (same name, so its folder's stamp does not move)
keeps its cached size and time until its folder changes or a full check
(``scan_library(..., trust_folder_times=False)``) stats every file. Its reading cannot be
stale, since the name it was read from did not change.

Folder times are only trusted once they are settled: a folder changed within
:data:`_RACY_WINDOW_NS` of a scan is listed again by the next one, because a change made in the
same clock tick as the scan's listing (FAT keeps times to 2 s, Linux to a timer tick) would
leave its time as it was. A folder holding symbolic links is always listed, since what a link
leads to can change without its folder noticing. Network shares may report a folder's new time
a little late (attribute caching); the next scan after that catches up.

On disk the cache is JSON grouped by folder, each folder's videos in columns, so that loading
it is a few loops in C per column rather than one in Python per file (see :func:`_decode`).

Everything here is synchronous; the library service runs it with ``asyncio.to_thread``.
"""

from __future__ import annotations

import json
import logging
import os
import time
from array import array
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date
from itertools import chain, repeat
from operator import attrgetter, itemgetter
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import Any, TypeVar

from aniworld_desktop.core.gcpause import collector_paused
from aniworld_desktop.core.recognise import (
    PARSER_VERSION,
    VIDEO_EXTENSIONS,
    ParsedFile,
    is_video,
    recognise,
)
from aniworld_desktop.durable import write_atomic

log = logging.getLogger(__name__)

_CACHE_FORMAT = "aniworld-desktop scan cache"
# 2: each folder's stamp and sub-folders, its videos in columns; 3: air dates and recaps too
_CACHE_VERSION = 3
_READING_COLUMNS = 8  # series, season, episode, episode end, absolute, source, air date, recap
# Air dates and recaps are rare: a folder without any saves null instead of a column of nulls.
_SPARSE_COLUMNS = (5 + 6, 5 + 7)
# A folder whose modification or change time is this close to a scan's start (or later) is not
# trusted by the next scan: a change in the same clock tick would not have moved its time.
_RACY_WINDOW_NS = 2_000_000_000

_Row = tuple[str, int, int, ParsedFile | None]
"""One video in a folder: name, size, ``st_mtime_ns``, reading."""
_Stamp = tuple[int, int, int, int]
"""A folder's ``st_mtime_ns``, ``st_ctime_ns``, ``st_dev``, ``st_ino``."""


@dataclass(frozen=True, slots=True)
class ScannedFile:
    """One video file found under the library root.

    Attributes:
        path: Relative to the library root, "/"-separated.
        series_folder: First component of ``path`` ("" for a file directly in the root).
        size: Size in bytes.
        mtime_ns: Modification time in nanoseconds.
        parsed: What the name says, or None for a video the parser could not read (including
            samples and extras).
    """

    path: str
    series_folder: str
    size: int
    mtime_ns: int
    parsed: ParsedFile | None


@dataclass(slots=True)
class _Folder:
    """What a scan saw in one folder, its videos in columns (cheap to load, cheap to save).

    Attributes:
        stamp: The folder's stamp when it was listed, or None when the next scan must list it
            again (its time was not settled, it holds symbolic links, or it was never listed).
        folders: Its sub-folders' names (not hidden, not links), sorted.
        names: Its videos' names (not hidden; reached through a link only when links were
            followed), sorted; ``sizes``, ``mtimes`` and ``readings`` run alongside.
        sizes: Their sizes in bytes.
        mtimes: Their ``st_mtime_ns``.
        readings: What each name says (None: not an episode).
    """

    stamp: _Stamp | None
    folders: list[str]
    names: list[str]
    sizes: list[int]
    mtimes: list[int]
    readings: list[ParsedFile | None]

    @classmethod
    def of(cls, stamp: _Stamp | None, folders: list[str], rows: list[_Row]) -> _Folder:
        """A folder from its sub-folders and its videos as rows (both sorted here)."""
        folders.sort()
        if not rows:
            return cls(stamp, folders, [], [], [], [])
        rows.sort(key=itemgetter(0))
        names, sizes, mtimes, readings = map(list, zip(*rows, strict=True))
        return cls(stamp, folders, names, sizes, mtimes, readings)

    def rows(self) -> dict[str, _Row]:
        """Its videos by name."""
        rows = zip(self.names, self.sizes, self.mtimes, self.readings, strict=True)
        return dict(zip(self.names, rows, strict=True))


class ScanCache:
    """What the last scan saw, folder by folder, so a rescan lists and parses only what changed.

    One cache belongs to one library root: paths are relative to it. A scan replaces the
    entries with what it found, so files and folders that are gone drop out.
    """

    def __init__(self) -> None:
        # "" for the root, else "Series/Season 01/": relative, "/"-separated, trailing "/".
        self._folders: dict[str, _Folder] = {}

    def __len__(self) -> int:
        """How many video files the cache knows."""
        return sum(len(folder.names) for folder in self._folders.values())

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and self._row(path) is not None

    def _row(self, path: str) -> _Row | None:
        slash = path.rfind("/") + 1
        folder = self._folders.get(path[:slash])
        if folder is None:
            return None
        return folder.rows().get(path[slash:])

    def get(self, path: str, size: int, mtime_ns: int) -> ScannedFile | None:
        """The cached file when its size and time still match (its ``parsed`` may be None)."""
        row = self._row(path)
        if row is None or row[1] != size or row[2] != mtime_ns:
            return None
        return ScannedFile(path, _series_folder(path), size, mtime_ns, row[3])

    def put(self, file: ScannedFile) -> None:
        """Remember ``file`` (replacing what was cached for its path).

        Its folder is listed by the next scan, which keeps the reading if the file is there.
        """
        slash = file.path.rfind("/") + 1
        rel, name = file.path[:slash], file.path[slash:]
        folder = self._folders.get(rel)
        rows = folder.rows() if folder is not None else {}
        rows[name] = (name, file.size, file.mtime_ns, file.parsed)
        subs = folder.folders if folder is not None else []
        self._folders[rel] = _Folder.of(None, subs, list(rows.values()))

    @classmethod
    def load(cls, file: Path) -> ScanCache:
        """Read a cache saved by :meth:`save`; a missing, stale or corrupt file gives an empty one."""
        cache = cls()
        try:
            data = file.read_bytes()
        except FileNotFoundError:
            return cache
        except OSError as exc:
            log.warning("Could not read the scan cache %s (%s); scanning without it.", file, exc)
            return cache
        try:
            with collector_paused():
                cache._folders = _decode(data)
        except _StaleCache as exc:
            log.info("Scan cache %s is from %s; reading every name again.", file, exc)
        # RecursionError: JSON nested deeper than the decoder goes (a damaged or hostile file).
        except (ValueError, TypeError, KeyError, OverflowError, RecursionError) as exc:
            log.warning("Scan cache %s is corrupt (%s); reading every name again.", file, exc)
        return cache

    def save(self, file: Path) -> None:
        """Write the cache atomically (a temporary file, fsync, then ``os.replace``)."""
        folders: dict[str, list[Any]] = {}
        for rel, folder in self._folders.items():
            stamp = list(folder.stamp) if folder.stamp is not None else None
            record: list[Any] = [stamp, folder.folders, folder.names, folder.sizes, folder.mtimes]
            # The readings in eight columns of their own; a file that is not an episode has null
            # in each. Columns, not a list per file, keep the load to a few loops in C.
            record.extend(map(list, zip(*map(_reading_row, folder.readings), strict=True)))
            if len(record) == 5:  # no files: zip made no columns
                record.extend([] for _ in range(_READING_COLUMNS))
            for index in _SPARSE_COLUMNS:  # null for a column of nothing but nulls
                if not any(record[index]):
                    record[index] = None
            folders[rel] = record
        head = {"format": _CACHE_FORMAT, "version": _CACHE_VERSION, "parser": PARSER_VERSION}
        # The same JSON as one json.dumps of it all, but a folder at a time: one call over
        # 100,000 files is a C loop that held the interpreter (and the window's event loop,
        # which saves run beside) for 300 ms; between two folders the loop gets its turn.
        # ensure_ascii keeps names with undecodable bytes (lone surrogates) round-tripping.
        dumps = json.JSONEncoder(separators=(",", ":")).encode
        body = ",".join(f"{dumps(rel)}:{dumps(record)}" for rel, record in folders.items())
        data = f'{dumps(head)[:-1]},"folders":{{{body}}}}}'.encode("ascii")
        file.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(file, data)


class _StaleCache(Exception):
    """The cache file was written by another format or parser version."""


def _reading_row(p: ParsedFile | None) -> tuple[str | int | None, ...]:
    if p is None:
        return (None,) * _READING_COLUMNS
    when = p.air_date.isoformat() if p.air_date is not None else None
    return (p.series, p.season, p.episode, p.episode_end, p.absolute, p.source, when, p.recap)


def _decode(data: bytes) -> dict[str, _Folder]:
    """``{"folders": {"Series/Season 01/": [stamp, sub-folders, names, sizes, mtimes, series,
    seasons, episodes, episode_ends, absolutes, sources, air_dates, recaps]}}``: the stamp is
    ``[mtime_ns, ctime_ns, dev, ino]`` or null, and the last eleven are columns, one entry per
    video (series null: not an episode; an air date as ``YYYY-MM-DD``; the air dates or recaps
    of a folder that has none may be null as a whole). Anything of another shape makes the
    whole file corrupt.

    The checks and the building run a column at a time in C (``map``, ``set``, ``join``,
    ``array``), over all folders at once where they can: a loop in Python over 100,000 files
    cost more than reading the JSON."""
    payload = json.loads(data)
    if not isinstance(payload, dict) or payload.get("format") != _CACHE_FORMAT:
        raise ValueError("not a scan cache")
    version, parser = payload.get("version"), payload.get("parser")
    if version != _CACHE_VERSION or parser != PARSER_VERSION:
        raise _StaleCache(f"cache format {version}, parser {parser}")
    folders = payload.get("folders")
    if type(folders) is not dict:
        raise TypeError("no folders")
    decoded: dict[str, _Folder] = {}
    # Every folder's readings, one after the other.
    readings: list[list[Any]] = [[] for _ in range(_READING_COLUMNS)]
    for rel, record in folders.items():
        if type(rel) is not str or type(record) is not list or len(record) != 5 + _READING_COLUMNS:
            raise TypeError("a folder entry is malformed")
        stamp, subs, names, sizes, mtimes = record[:5]
        if stamp is not None:
            if type(stamp) is not list or len(stamp) != 4:
                raise TypeError(f"the stamp of {rel!r} is malformed")
            _ints(stamp)
            stamp = tuple(stamp)
        count = len(names) if type(names) is list else -1
        for index in _SPARSE_COLUMNS:
            if record[index] is None and count >= 0:
                record[index] = [None] * count
        if type(subs) is not list or any(
            type(column) is not list or len(column) != count
            for column in (sizes, mtimes, *record[5:])
        ):
            raise TypeError(f"the files of {rel!r} are malformed")
        _names(subs)
        _names(names)
        _ints(sizes)
        _ints(mtimes)
        for column, values in zip(readings, record[5:], strict=True):
            column += values
        decoded[rel] = _Folder(stamp, subs, names, sizes, mtimes, [])
    built = _readings(readings)
    start = 0
    for folder in decoded.values():
        end = start + len(folder.names)
        folder.readings = built[start:end]
        start = end
    return decoded


def _names(values: list[Any]) -> None:
    """Raise TypeError unless every value is a string, and ValueError unless each is a name a
    scan stores: not empty, not hidden (so neither "." nor ".."), no separator, no NUL.

    The walk joins cached sub-folder names to the folder it is in; a cache that said "..",
    "/tmp" or "a/../.." would lead it out of the library. Checked in C (``join``, ``in``,
    ``count``), since this runs over every name of a 100,000-file cache.
    """
    if not values:
        return
    joined = "\0".join(values)  # TypeError unless every value is a string
    if (
        "" in values
        or joined.count("\0") != len(values) - 1  # a NUL inside a name
        or joined.startswith(".")
        or "\0." in joined
        or "/" in joined
        or os.sep in joined
    ):
        raise ValueError("a file or folder name in it is not a plain name")


def _ints(values: list[Any]) -> None:
    """Raise TypeError unless every value is an integer of 64 bits (``array`` checks, in C;
    too big a one raises OverflowError)."""
    array("q", values)


_OPTIONAL_INT = frozenset({int, type(None)})
_OPTIONAL_STR = frozenset({str, type(None)})
_SOURCES: dict[str | None, str | None] = {None: None, "fast": "fast", "guessit": "guessit"}


def _readings(columns: list[list[Any]]) -> list[ParsedFile | None]:
    """Readings from their eight JSON columns (see :func:`_decode`)."""
    series, seasons, episodes, ends, absolutes, sources, air_dates, recaps = columns
    texts, numbers = (series, air_dates, recaps), (seasons, episodes, ends, absolutes)
    if any(not set(map(type, column)) <= _OPTIONAL_STR for column in texts) or any(
        not set(map(type, column)) <= _OPTIONAL_INT for column in numbers
    ):
        raise TypeError("a reading is malformed")
    # One shared string per source, not 100,000; an unknown one raises KeyError.
    shared = map(_SOURCES.__getitem__, sources)
    # Few files are named by a date: each distinct one is read once (ValueError if it is none).
    dates: dict[str | None, date | None] = {
        text: date.fromisoformat(text) for text in set(air_dates) - {None}
    }
    dates[None] = None
    days = map(dates.__getitem__, air_dates)
    readings: list[ParsedFile | None] = list(
        _instances(ParsedFile, len(series), *texts[:1], *numbers, shared, days, recaps)
    )
    if None in series:  # files that are not episodes (extras, samples)
        readings = [None if s is None else r for s, r in zip(series, readings, strict=True)]
        if any(r is not None and r.source is None for r in readings):
            raise TypeError("a reading has no source")
    elif None in sources:
        raise TypeError("a reading has no source")
    return readings


@dataclass
class ScanResult:
    """What one scan found.

    Attributes:
        files: Video files only, sorted by path.
        parsed: Names parsed this time.
        cached: Names taken from the cache.
        errors: Folders that could not be read (permission, vanished), as sentences.
        failed: Those folders, relative to the root with a trailing "/" ("" for the root
            itself): what was known under them is unknown now, not gone.
    """

    files: list[ScannedFile] = field(default_factory=list)
    parsed: int = 0
    cached: int = 0
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def scan_library(
    root: Path,
    cache: ScanCache | None = None,
    *,
    follow_symlinks: bool = False,
    trust_folder_times: bool = True,
) -> ScanResult:
    """Find every video under ``root`` and read its name (from ``cache`` when unchanged).

    Hidden files and folders (a leading "."), ``.part`` downloads and non-video files are
    skipped. Symbolic links are ignored unless ``follow_symlinks`` is set, and even then only
    links that stay inside ``root`` are followed, never one to a folder above the link, and each
    linked folder once. A folder that cannot be read becomes a sentence in ``errors``; the rest
    is still scanned. When ``cache`` is given it is updated: new readings are added, and files
    that are gone are dropped (except under folders that could not be read this time).

    With ``trust_folder_times`` (the default) a folder whose stamp (modification and change
    time, device and inode) is the one in ``cache`` is not listed: its videos and sub-folders
    are taken from the cache, and only its sub-folders are stat'ed in turn. The price: a file
    rewritten in place (same name, so its folder's time did not move) keeps its cached size and
    time until its folder changes or a full check runs; its reading cannot have changed, as its
    name did not. ``trust_folder_times=False`` is that full check: every folder is listed and
    every video stat'ed, and a file whose size or time changed is read again.
    """
    known = cache._folders if cache is not None else {}
    walk = _Walk(os.fspath(root), known, follow_symlinks, trust_folder_times)
    with collector_paused():  # 100k new objects and no cycles: collections would find nothing
        walk.run()
        files = walk.files()
    if cache is not None:
        seen = walk.folders
        for prefix in walk.failed:  # unread this time is not gone: keep what was known there
            for rel, folder in known.items():
                if rel.startswith(prefix) and rel not in seen:
                    seen[rel] = folder
            if prefix in seen:
                seen[prefix].stamp = None  # list it again next time
        cache._folders = seen
    return ScanResult(files, walk.parsed, len(files) - walk.parsed, walk.errors, walk.failed)


def scan_path(path: Path) -> list[ScannedFile]:
    """What the scanner makes of one file or of every video under one folder (no cache).

    A folder is its own root. A single file is read with its two parent folders, which may
    name the season and the series (``Harbor Lights/Season 1/Episode 02.mkv``); a file that is
    not a video gives an empty list. Folders that cannot be read are logged and skipped.
    """
    path = Path(os.path.abspath(path))
    if path.is_dir():
        result = scan_library(path)
        for error in result.errors:
            log.warning("%s", error)
        return result.files
    if not is_video(path.name):
        return []
    stat = path.stat()
    parts = path.parts[-3:] if len(path.parts) > 3 else path.parts[1:]
    relative = "/".join(parts)
    parsed = recognise(relative)
    return [ScannedFile(relative, _series_folder(relative), stat.st_size, stat.st_mtime_ns, parsed)]


_T = TypeVar("_T")


def _instances(cls: type[_T], count: int, *columns: Iterable[Any]) -> list[_T]:
    """``count`` instances of a frozen, slotted dataclass, field by field from ``columns``.

    The same objects as ``list(map(cls, *columns))``, in half the time: a frozen dataclass's
    ``__init__`` stores each field with ``object.__setattr__``, a call from Python per field,
    which for the 200,000 objects of a rescan was a third of its time. Here each field's slot
    is set from a loop in C. Every field must be given, in order, each column
    holding at least ``count`` values; a class with ``__post_init__`` is built the usual way.
    """
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    if len(columns) != len(names):
        raise TypeError(f"{cls.__name__} has {len(names)} fields, not {len(columns)}")
    if hasattr(cls, "__post_init__"):
        return list(map(cls, *columns))
    objects = list(map(object.__new__, repeat(cls, count)))
    for name, column in zip(names, columns, strict=True):
        deque(map(getattr(cls, name).__set__, objects, column), maxlen=0)
    return objects


def _series_folder(path: str) -> str:
    """The first component of a relative path ("" for a file in the root)."""
    slash = path.find("/")
    return path[:slash] if slash >= 0 else ""


class _Walk:
    """The state of one scan: a stack of folders, what was seen in them, and what failed."""

    def __init__(
        self, root: str, known: dict[str, _Folder], follow_symlinks: bool, trust: bool
    ) -> None:
        self.root = root
        self.known = known
        self.follow_symlinks = follow_symlinks
        self.trust = trust
        self.settled_before = time.time_ns() - _RACY_WINDOW_NS
        self.real_root = os.path.realpath(root) if follow_symlinks else ""
        self.linked: set[tuple[int, int]] = set()
        self.folders: dict[str, _Folder] = {}  # relative folder -> what is in it now
        self.failed: list[str] = []  # relative folders ("a/b/", "" for the root) not read
        self.errors: list[str] = []
        self.parsed = 0
        # (absolute folder, its relative path with a trailing "/")
        self.stack: list[tuple[str, str]] = [(root, "")]

    def run(self) -> None:
        """Visit every folder: from the cache when its stamp is the one remembered (the hot loop
        of a rescan), else listed."""
        stack = self.stack
        known_get = self.known.get
        seen = self.folders
        trust = self.trust
        join = os.path.join
        while stack:
            folder, rel = stack.pop()
            try:
                stat = os.stat(folder)
                stamp = (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_dev, stat.st_ino)
                known = known_get(rel)
                if known is None or not trust or known.stamp != stamp:
                    settled = max(stamp[0], stamp[1]) < self.settled_before
                    known = self.list_folder(folder, rel, known, stamp if settled else None)
            except OSError as exc:
                self.failed.append(rel)
                self.errors.append(_unreadable(self.root, rel, exc))
                continue
            seen[rel] = known
            for name in known.folders:
                stack.append((join(folder, name), f"{rel}{name}/"))

    def list_folder(
        self, folder: str, rel: str, known: _Folder | None, stamp: _Stamp | None
    ) -> _Folder:
        """List one folder: its sub-folders and its videos, read again where they changed (the
        hot loop of a first scan or a full check)."""
        before = known.rows() if known is not None else {}
        before_get = before.get
        folders: list[str] = []
        files: list[_Row] = []
        videos = VIDEO_EXTENSIONS
        with os.scandir(folder) as entries:
            for entry in entries:
                name = entry.name
                if name[0] == ".":
                    continue
                if entry.is_dir(follow_symlinks=False):
                    folders.append(name)
                    continue
                dot = name.rfind(".")
                # The suffix test also skips every ".part" download in progress.
                if (
                    dot > 0
                    and name[dot:].lower() in videos
                    and entry.is_file(follow_symlinks=False)
                ):
                    try:
                        stat = entry.stat(follow_symlinks=False)
                    except FileNotFoundError:
                        continue  # deleted between listing and stat
                    size, mtime = stat.st_size, stat.st_mtime_ns
                    row = before_get(name)
                    # Inlined rather than calling check(): this runs once per video.
                    if row is None or row[1] != size or row[2] != mtime:
                        row = self.parse(rel, name, size, mtime)
                    files.append(row)
                elif entry.is_symlink():
                    stamp = None  # where a link leads can change without this folder changing
                    if self.follow_symlinks:
                        self.follow(entry, folder, rel, before, files)
        return _Folder.of(stamp, folders, files)

    def check(self, before: dict[str, _Row], rel: str, name: str, size: int, mtime: int) -> _Row:
        """The cached row of a file when its size and time match, else its name read again."""
        row = before.get(name)
        if row is None or row[1] != size or row[2] != mtime:
            row = self.parse(rel, name, size, mtime)
        return row

    def parse(self, rel: str, name: str, size: int, mtime: int) -> _Row:
        """A file the cache does not know (or that changed): read its name."""
        self.parsed += 1
        return (name, size, mtime, recognise(rel + name))

    def follow(
        self,
        entry: os.DirEntry[str],
        folder: str,
        rel: str,
        before: dict[str, _Row],
        files: list[_Row],
    ) -> None:
        """A symbolic link: follow it when it stays inside the root and makes no loop."""
        target = os.path.realpath(entry.path)
        real_root = self.real_root
        if target != real_root and not target.startswith(real_root.rstrip(os.sep) + os.sep):
            log.debug("Not following %s: it leads out of the library", entry.path)
            return
        try:
            stat = os.stat(target)
        except OSError:
            return  # a dangling link
        name = entry.name
        if S_ISDIR(stat.st_mode):
            here = os.path.realpath(folder)
            if here == target or here.startswith(target.rstrip(os.sep) + os.sep):
                log.debug("Not following %s: it leads back up into itself", entry.path)
                return
            key = (stat.st_dev, stat.st_ino)
            if key not in self.linked:
                self.linked.add(key)
                self.stack.append((entry.path, f"{rel}{name}/"))
        elif S_ISREG(stat.st_mode) and is_video(name):
            files.append(self.check(before, rel, name, stat.st_size, stat.st_mtime_ns))

    def files(self) -> list[ScannedFile]:
        """Every video seen, as :class:`ScannedFile`, sorted by path."""
        # Folders in order and files sorted in each: nearly sorted already, so the sort is quick.
        folders = sorted(self.folders.items())
        files = _instances(
            ScannedFile,
            sum(len(folder.names) for _, folder in folders),
            chain.from_iterable(map(rel.__add__, folder.names) for rel, folder in folders),
            chain.from_iterable(
                repeat(_series_folder(rel), len(folder.names)) for rel, folder in folders
            ),
            chain.from_iterable(folder.sizes for _, folder in folders),
            chain.from_iterable(folder.mtimes for _, folder in folders),
            chain.from_iterable(folder.readings for _, folder in folders),
        )
        files.sort(key=attrgetter("path"))
        return files


def _unreadable(root: str, rel: str, exc: OSError) -> str:
    where = f"The library folder {root}" if not rel else f"The folder {rel.rstrip('/')}"
    if isinstance(exc, FileNotFoundError):
        # The root was never seen to exist (an unmounted share?); a sub-folder was listed first.
        return f"{where} does not exist." if not rel else f"{where} disappeared during the scan."
    if isinstance(exc, PermissionError):
        return f"{where} could not be read: permission denied."
    return f"{where} could not be read: {exc.strerror or exc}."
