"""Walk a library folder and read every video's name, remembering what was read between scans.

The walk is one loop over a stack of folders with ``os.scandir`` (whose entries already know
whether they are folders, so only video files cost a ``stat``). A :class:`ScanCache` maps each
file's relative path, size and modification time to what its name said, so a rescan of an
unchanged library stats every file but parses no name.

Everything here is synchronous; the library service runs it with ``asyncio.to_thread``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import Any

from aniworld_desktop.core.gcpause import collector_paused
from aniworld_desktop.library.filenames import (
    PARSER_VERSION,
    VIDEO_EXTENSIONS,
    ParsedFile,
    is_video,
    parse_file_name,
)

log = logging.getLogger(__name__)

_CACHE_FORMAT = "aniworld-desktop scan cache"
_CACHE_VERSION = 1
_SOURCES = {"fast": "fast", "guessit": "guessit"}  # one shared string per source, not 100k
_OPTIONAL_INT = frozenset({int, type(None)})


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


class ScanCache:
    """(path, size, mtime_ns) -> ParsedFile | None, so a rescan with nothing changed parses no names.

    One cache belongs to one library root: paths are relative to it. A scan replaces the
    entries with the files it found, so files that are gone drop out.
    """

    def __init__(self) -> None:
        self._files: dict[str, ScannedFile] = {}

    def __len__(self) -> int:
        return len(self._files)

    def __contains__(self, path: object) -> bool:
        return path in self._files

    def get(self, path: str, size: int, mtime_ns: int) -> ScannedFile | None:
        """The cached file when its size and time still match (its ``parsed`` may be None)."""
        cached = self._files.get(path)
        if cached is None or cached.size != size or cached.mtime_ns != mtime_ns:
            return None
        return cached

    def put(self, file: ScannedFile) -> None:
        """Remember ``file`` (replacing what was cached for its path)."""
        self._files[file.path] = file

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
                cache._files = _decode(data)
        except _StaleCache as exc:
            log.info("Scan cache %s is from %s; reading every name again.", file, exc)
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("Scan cache %s is corrupt (%s); reading every name again.", file, exc)
        return cache

    def save(self, file: Path) -> None:
        """Write the cache atomically (a temporary file, then ``os.replace``)."""
        folders: dict[str, list[list[Any]]] = {}
        for f in self._files.values():
            slash = f.path.rfind("/") + 1
            rows = folders.get(f.path[:slash])
            if rows is None:
                rows = folders[f.path[:slash]] = []
            p = f.parsed
            if p is None:
                rows.append([f.path[slash:], f.size, f.mtime_ns])
            else:
                rows.append(
                    [f.path[slash:], f.size, f.mtime_ns, p.series, p.season, p.episode,
                     p.episode_end, p.absolute, p.source]
                )  # fmt: skip
        payload = {
            "format": _CACHE_FORMAT,
            "version": _CACHE_VERSION,
            "parser": PARSER_VERSION,
            "folders": folders,
        }
        # ensure_ascii keeps names with undecodable bytes (lone surrogates) round-tripping.
        data = json.dumps(payload, separators=(",", ":")).encode("ascii")
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, file)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


class _StaleCache(Exception):
    """The cache file was written by another format or parser version."""


def _decode(data: bytes) -> dict[str, ScannedFile]:
    """``{"folders": {"Series/Season 01/": [row, ...]}}`` where a row is ``[name, size,
    mtime_ns]`` (a name the parser could not read) or ``[..., series, season, episode,
    episode_end, absolute, source]``; a row of any other shape makes the whole file corrupt."""
    payload = json.loads(data)
    if not isinstance(payload, dict) or payload.get("format") != _CACHE_FORMAT:
        raise ValueError("not a scan cache")
    version, parser = payload.get("version"), payload.get("parser")
    if version != _CACHE_VERSION or parser != PARSER_VERSION:
        raise _StaleCache(f"cache format {version}, parser {parser}")
    files: dict[str, ScannedFile] = {}
    sources = _SOURCES
    number = _OPTIONAL_INT
    folders = payload.get("folders")
    if type(folders) is not dict:
        raise TypeError("no folders")
    for folder, rows in folders.items():
        if type(folder) is not str or type(rows) is not list:
            raise TypeError("a folder entry is malformed")
        slash = folder.find("/")
        series_folder = folder[:slash] if slash >= 0 else ""
        for row in rows:
            parsed = None
            if len(row) == 3:
                name, size, mtime_ns = row
            else:
                name, size, mtime_ns, series, season, episode, end, absolute, source = row
                if (
                    type(series) is not str
                    or type(season) not in number
                    or type(episode) not in number
                    or type(end) not in number
                    or type(absolute) not in number
                ):
                    raise TypeError(f"the reading of {folder}{name} is malformed")
                parsed = ParsedFile(series, season, episode, end, absolute, sources[source])
            if type(name) is not str or type(size) is not int or type(mtime_ns) is not int:
                raise TypeError(f"a file in {folder!r} is malformed")
            path = folder + name
            files[path] = ScannedFile(path, series_folder, size, mtime_ns, parsed)
    return files


@dataclass
class ScanResult:
    """What one scan found.

    Attributes:
        files: Video files only, sorted by path.
        parsed: Names parsed this time.
        cached: Names taken from the cache.
        errors: Folders that could not be read (permission, vanished), as sentences.
    """

    files: list[ScannedFile] = field(default_factory=list)
    parsed: int = 0
    cached: int = 0
    errors: list[str] = field(default_factory=list)


def scan_library(
    root: Path, cache: ScanCache | None = None, *, follow_symlinks: bool = False
) -> ScanResult:
    """Find every video under ``root`` and read its name (from ``cache`` when unchanged).

    Hidden files and folders (a leading "."), ``.part`` downloads and non-video files are
    skipped. Symbolic links are ignored unless ``follow_symlinks`` is set, and even then only
    links that stay inside ``root`` are followed, never one to a folder above the link, and each
    linked folder once. A folder that cannot be read becomes a sentence in ``errors``; the rest
    is still scanned. When ``cache`` is given it is updated: new readings are added, and files
    that are gone are dropped (except under folders that could not be read this time).
    """
    walk = _Walk(os.fspath(root), cache._files if cache is not None else {}, follow_symlinks)
    with collector_paused():  # 100k new objects and no cycles: collections would find nothing
        walk.run()
        files = list(walk.found.values())
        files.sort(key=attrgetter("path"))
    if cache is not None:
        kept = walk.found
        for prefix in walk.failed:  # unread this time is not gone: keep what was known there
            for path, known in cache._files.items():
                if path.startswith(prefix) and path not in kept:
                    kept[path] = known
        cache._files = kept
    return ScanResult(files, walk.parsed, len(files) - walk.parsed, walk.errors)


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
    series_folder = parts[0] if len(parts) > 1 else ""
    return [
        ScannedFile(
            relative, series_folder, stat.st_size, stat.st_mtime_ns, parse_file_name(relative)
        )
    ]


class _Walk:
    """The state of one scan: a stack of folders, the files found, and what failed."""

    def __init__(self, root: str, known: dict[str, ScannedFile], follow_symlinks: bool) -> None:
        self.root = root
        self.known = known
        self.follow_symlinks = follow_symlinks
        self.real_root = os.path.realpath(root) if follow_symlinks else ""
        self.linked: set[tuple[int, int]] = set()
        self.found: dict[str, ScannedFile] = {}
        self.failed: list[str] = []  # relative folders ("a/b/", "" for the root) not read
        self.errors: list[str] = []
        self.parsed = 0
        # (absolute folder, its relative path with a trailing "/", first component under root)
        self.stack: list[tuple[str, str, str]] = [(root, "", "")]

    def run(self) -> None:
        while self.stack:
            folder, rel, series_folder = self.stack.pop()
            try:
                self.scan_folder(folder, rel, series_folder)
            except OSError as exc:
                self.failed.append(rel)
                self.errors.append(_unreadable(self.root, rel, exc))

    def scan_folder(self, folder: str, rel: str, series_folder: str) -> None:
        """List one folder: push its sub-folders, record its videos (the hot loop of a scan)."""
        stack = self.stack
        known_get = self.known.get
        found = self.found
        videos = VIDEO_EXTENSIONS
        with os.scandir(folder) as entries:
            for entry in entries:
                name = entry.name
                if name[0] == ".":
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, rel + name + "/", series_folder or name))
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
                    path = rel + name
                    size, mtime_ns = stat.st_size, stat.st_mtime_ns
                    file = known_get(path)
                    # Inlined rather than calling add(): this runs once per video.
                    if file is None or file.size != size or file.mtime_ns != mtime_ns:
                        file = self.parse(path, series_folder, size, mtime_ns)
                    found[path] = file
                elif self.follow_symlinks and entry.is_symlink():
                    self.follow(entry, folder, rel, series_folder)

    def parse(self, path: str, series_folder: str, size: int, mtime_ns: int) -> ScannedFile:
        """A file the cache does not know (or that changed): read its name."""
        self.parsed += 1
        return ScannedFile(path, series_folder, size, mtime_ns, parse_file_name(path))

    def add(self, path: str, series_folder: str, size: int, mtime_ns: int) -> None:
        known = self.known.get(path)
        if known is None or known.size != size or known.mtime_ns != mtime_ns:
            known = self.parse(path, series_folder, size, mtime_ns)
        self.found[path] = known

    def follow(self, entry: os.DirEntry[str], folder: str, rel: str, series_folder: str) -> None:
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
                self.stack.append((entry.path, rel + name + "/", series_folder or name))
        elif S_ISREG(stat.st_mode) and is_video(name):
            self.add(rel + name, series_folder, stat.st_size, stat.st_mtime_ns)


def _unreadable(root: str, rel: str, exc: OSError) -> str:
    where = f"The library folder {root}" if not rel else f"The folder {rel.rstrip('/')}"
    if isinstance(exc, FileNotFoundError):
        # The root was never seen to exist (an unmounted share?); a sub-folder was listed first.
        return f"{where} does not exist." if not rel else f"{where} disappeared during the scan."
    if isinstance(exc, PermissionError):
        return f"{where} could not be read: permission denied."
    return f"{where} could not be read: {exc.strerror or exc}."
