"""MediathekView's film list, read as it streams out of the xz decompressor.

The format, as MediathekView's own code writes and reads it (read for this module: the MLib
library's ``DatenFilm.java`` of mediathekview/MLib, which names the fields, their order in the
file and the relative-URL rule; the client's ``FilmListReader.java`` of
mediathekview/MediathekView, which reads them; and mediathekviewweb's
``server/source/entry-source/filmlist/filmlist-parser.ts``, which reads the header and the
relative URLs the same way):

- One JSON object, usually xz-compressed (``Filmliste-akt.xz``, the full list;
  ``Filmliste-diff.xz``, what is new since the last full list).
- Its first key is ``"Filmliste"`` with the list's meta data: ``[local date "dd.MM.yyyy, HH:mm",
  the same in UTC, format version "3", crawler version, list id]``.
- Its second key is ``"Filmliste"`` again, with the field names: ``Sender, Thema, Titel, Datum,
  Zeit, Dauer, Größe [MB], Beschreibung, Url, Website, Url Untertitel, Url RTMP, Url Klein,
  Url RTMP Klein, Url HD, Url RTMP HD, DatumL, Url History, Geo, neu`` (new fields are added at
  the end, so we find each by its name).
- Then one key ``"X"`` per film, repeated hundreds of thousands of times (a JSON object with
  duplicate keys: ``json.load`` would keep only the last), each an array of strings in that order.
- An empty ``Sender`` or ``Thema`` means "the same as the film before".
- ``Url Klein`` and ``Url HD`` are relative to ``Url``: ``"<n>|<suffix>"`` means the first ``n``
  characters of ``Url`` followed by ``suffix`` (MLib's ``getUrlNormalKlein``/``getUrlNormalHd``);
  empty means there is no such quality.
- ``Datum`` (``dd.MM.yyyy``) and ``Zeit`` (``HH:mm:ss``) are German local time; ``DatumL`` is the
  same moment in seconds since the epoch. ``Dauer`` is ``HH:mm:ss``; ``Größe [MB]`` the size of
  the ``Url`` file in MB (approximate, so never used as an expected size). ``Geo`` names the
  countries the film can be watched in (``DE``, ``DE-AT-CH``, ``EU``, ``WELT``, empty: all).

Why ijson: the file is one JSON object whose key ``"X"`` comes hundreds of thousands of times,
so it is read as a stream of (key, value) pairs, duplicate keys and all, and never held whole.
ijson (BSD licence, maintained, wheels with its C parser for the usual platforms) does exactly
that; its C backend builds each film's array of strings in C. Measured on a 100,000-film list:
0.2 CPU-s against 0.6 for splitting the text at the ``,"X":`` boundaries and decoding batches
with the standard library's C decoder (orjson: the same 0.6), and it holds the GIL for
microseconds per film instead of milliseconds per batch, which the window's thread notices.
"""

from __future__ import annotations

import contextlib
import hashlib
import lzma
import os
import queue
import re
import struct
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import BinaryIO, NamedTuple

import ijson

from aniworld_desktop.providers.base import ProviderError

try:  # the C parser that ijson's wheels carry; named here so that bundlers include it
    from ijson.backends import yajl2_c as _events
except ImportError:  # a platform without the wheel: ijson's own Python parser, correct but slower
    from ijson.backends import python as _events

FIELD_NAMES = (
    "Sender", "Thema", "Titel", "Datum", "Zeit", "Dauer", "Größe [MB]", "Beschreibung", "Url",
    "Website", "Url Untertitel", "Url RTMP", "Url Klein", "Url RTMP Klein", "Url HD",
    "Url RTMP HD", "DatumL", "Url History", "Geo", "neu",
)  # fmt: skip
"""The field names of format version 3, in the order MediathekView writes them."""

# The fields we read; "neu" is optional (lists written before it existed lack it).
_NEEDED = (
    "Sender", "Thema", "Titel", "Datum", "Zeit", "Dauer", "Größe [MB]", "Beschreibung", "Url",
    "Website", "Url Untertitel", "Url Klein", "Url HD", "DatumL", "Geo",
)  # fmt: skip

XZ_MAGIC = b"\xfd7zXZ\x00"
_HTTP = re.compile(r"(?i)https?://[^/\s?#]")
# What may not follow "https://" in a usable link (as in _HTTP; "" for nothing): the usual
# spelling is tested by slicing, at a third of the cost of a regular expression per film.
_NOT_HOST = frozenset(("", "/", "?", "#", *(chr(c) for c in range(0x3001) if chr(c).isspace())))
_KEY = struct.Struct(">q")  # a film's id from its hash's 8 bytes, as int.from_bytes(signed)
# Read at a time: a batch of ~130 films. The C JSON decoder keeps the GIL for a whole batch, so
# a batch is kept under a millisecond of decoding: the window's thread waits no longer for it.
_BYTES_CHUNK = 64 * 1024
_QUEUED_CHUNKS = 8  # pieces decompressed ahead of the parser at most (8 MiB)
# The decompressing thread's pieces: this much of the file in, at most _PIECE out per call.
_RAW_PIECE = 64 * 1024
_PIECE = 1 << 20
# A compressed file from this size on is decompressed on a thread of its own (the full list:
# 50-60 MB); a smaller one (a diff list: about 1 MB, 0.1 CPU-s) in the reading thread, without a
# thread's start and a wake-up for each piece.
_THREAD_FROM = 8 << 20
_BATCH = 512  # films stored at a time
# A broadcast moment (seconds since the epoch) must be below this: the index orders films by
# ``(aired << 24) | id`` in SQLite's 63 bits (about the year 19,000). A larger ``DatumL`` is not
# seconds (milliseconds, say) and one beyond 2**63 cannot be stored at all: such a film takes
# its moment from ``Datum`` and ``Zeit``. A size of ten digits or more (a petabyte) counts as none.
_LATEST = 1 << 39


class FilmListError(ProviderError):
    """A film list that cannot be used; the message says what is wrong with it."""


class EmptyFilmListError(FilmListError):
    """A film list with a header and no films (a diff list when nothing is new)."""


class Film(NamedTuple):
    """One film of the list, in the order the index stores its columns.

    Attributes:
        key: MediathekView's identity of the entry (lower-cased channel and topic, then the
            URL; MLib's ``DatenFilm.getIndex``) hashed to a signed 64-bit number.
        channel: The broadcaster (``ZDF``, ``ARD``...), never empty.
        topic: The programme (``Terra X``), never empty.
        title: The film's title as the list gives it.
        description: Plain text, may be empty.
        day: Broadcast day (German time) as the list gives it, ``dd.MM.yyyy``, or empty.
        aired: Broadcast moment in seconds since the epoch, 0 when unknown.
        duration: Length as the list gives it, ``HH:mm:ss``, or empty.
        size_mb: Approximate size of ``url`` in MB, 0 when unknown.
        url: The standard-quality file, http or https.
        small: The small quality as the list gives it (``"<n>|<suffix>"``), or empty.
        hd: The HD quality as the list gives it, or empty.
        subtitle_url: Subtitles (TTML or WebVTT), or empty.
        website: The film's page at the broadcaster, or empty.
        geo: Where it can be watched (``DE-AT-CH``), empty for everywhere.
        new: 1 when the list marks it as new, else 0 (an int, not a bool: sqlite3 binds a bool
            only after failing to adapt it, a microsecond a film, 0.7 s of a full list).
    """

    key: int
    channel: str
    topic: str
    title: str
    description: str
    day: str
    aired: int
    duration: str
    size_mb: int
    url: str
    small: str
    hd: str
    subtitle_url: str
    website: str
    geo: str
    new: int

    @property
    def air_date(self) -> date | None:
        """The broadcast day (German time), when known."""
        day = self.day
        if len(day) == 10 and day[2] == "." and day[5] == ".":
            with contextlib.suppress(ValueError):
                return date(int(day[6:10]), int(day[3:5]), int(day[0:2]))
        if self.aired:
            return datetime.fromtimestamp(self.aired, GERMAN_TIME).date()
        return None

    @property
    def seconds(self) -> int:
        """The length in seconds, 0 when unknown."""
        return _seconds(self.duration)

    @property
    def url_small(self) -> str:
        """The small quality's URL, or empty."""
        return resolve_relative(self.url, self.small)

    @property
    def url_hd(self) -> str:
        """The HD quality's URL, or empty."""
        return resolve_relative(self.url, self.hd)


@dataclass(frozen=True, slots=True)
class FilmListHeader:
    """The meta data at the start of a film list.

    Attributes:
        created: When the list was made (UTC), when the header says.
        version: The format version (``"3"``).
        list_id: The list's id (a hash), may be empty.
        columns: The field names the list declares.
    """

    created: datetime | None
    version: str
    list_id: str
    columns: tuple[str, ...]


@dataclass(slots=True)
class ReadCounts:
    """What reading a list found.

    Attributes:
        films: Films read and kept.
        skipped: Films left out, by reason (``"not an http link"``...).
        dropped: Links dropped from kept films (a broken HD link), by reason.
    """

    films: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)

    def summary(self) -> str:
        """``"12 films; 1 skipped (1 not an http link)"``, for the log."""
        text = f"{self.films} films"
        if self.skipped:
            reasons = ", ".join(f"{n} {why}" for why, n in self.skipped.most_common())
            text += f"; {sum(self.skipped.values())} skipped ({reasons})"
        if self.dropped:
            reasons = ", ".join(f"{n} {why}" for why, n in self.dropped.most_common())
            text += f"; links dropped: {reasons}"
        return text


def resolve_relative(url: str, relative: str) -> str:
    """A quality's URL from the list's ``"<n>|<suffix>"`` form (a full URL passes as it is)."""
    if not relative:
        return ""
    count, bar, suffix = relative.partition("|")
    if bar and count.isdigit():
        return url[: int(count)] + suffix
    return relative


def film_key(channel: str, topic: str, url: str) -> int:
    """MediathekView's identity of an entry (MLib ``DatenFilm.getIndex``) as a signed 64-bit id."""
    digest = hashlib.blake2b(f"{channel}{topic}".lower().encode() + url.encode(), digest_size=8)
    return int(_KEY.unpack(digest.digest())[0])


class _Source:
    """The bytes of a film list file, decompressed on a thread of their own when it is a large xz.

    The xz decompressor releases the GIL, so on a second core it runs beside the parsing
    instead of before it: a list is read in the time its parsing takes, not in the sum of both.
    Errors of the decompressing thread come out of :meth:`read`. A small xz file (``_THREAD_FROM``)
    is decompressed as it is read.
    """

    def __init__(self, path: Path) -> None:
        self._stop = threading.Event()
        self._chunks: queue.Queue[bytes | BaseException] = queue.Queue(maxsize=_QUEUED_CHUNKS)
        self._done = False
        self._piece = b""  # the decompressing thread's last piece, and how far it was read
        self._offset = 0
        self._file: BinaryIO | lzma.LZMAFile | None = None
        self._thread: threading.Thread | None = None
        with path.open("rb") as file:
            compressed = file.read(len(XZ_MAGIC)) == XZ_MAGIC
            size = os.fstat(file.fileno()).st_size
        if compressed and size < _THREAD_FROM:
            self._file = lzma.open(path, "rb")  # noqa: SIM115 - closed in close()
        elif compressed:
            self._thread = threading.Thread(
                target=self._decompress, args=(path,), name="film list xz", daemon=True
            )
            self._thread.start()
        else:
            self._file = path.open("rb")

    def _decompress(self, path: Path) -> None:
        """Decompress in pieces of ``_PIECE`` bytes, each in one call that releases the GIL.

        ``lzma.open(...).read(n)`` decompresses 8 KiB of the file at a time, in a Python loop
        that takes the interpreter's lock back after each: on every return this thread waited
        for the parsing thread to let go of it (up to a switch interval), so the two mostly
        took turns (measured: reading the 700,000-film list alone 9.5 s wall for 9.4 CPU-s).
        """
        try:
            with path.open("rb") as file:
                decompressor = lzma.LZMADecompressor()
                pending = b""  # compressed bytes not given to the decompressor yet
                while not self._stop.is_set():
                    first = False
                    if decompressor.eof:  # another xz stream may follow, as lzma reads them
                        pending = decompressor.unused_data or file.read(_RAW_PIECE)
                        if not pending:
                            break
                        decompressor = lzma.LZMADecompressor()
                        first = True
                    if decompressor.needs_input and not pending:
                        pending = file.read(_RAW_PIECE)
                        if not pending:
                            raise EOFError("the file ended before the end of the xz stream")
                    try:
                        piece = decompressor.decompress(pending, _PIECE)
                    except lzma.LZMAError:
                        if first:
                            break  # bytes after the last stream that are none: ignored, as lzma does
                        raise
                    pending = b""
                    if piece:
                        self._put(piece)
            self._put(b"")
        except BaseException as exc:  # handed to the reading thread, which raises it
            self._put(exc)

    def _put(self, item: bytes | BaseException) -> None:
        while not self._stop.is_set():
            try:
                self._chunks.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def read(self) -> bytes:
        """The next piece of the file; b"" at its end."""
        if self._file is not None:
            return self._file.read(_BYTES_CHUNK)
        if self._offset < len(self._piece):  # the parser gets _BYTES_CHUNK at a time
            self._offset += _BYTES_CHUNK
            return self._piece[self._offset - _BYTES_CHUNK : self._offset]
        if self._done:
            return b""
        item = self._chunks.get()
        if isinstance(item, BaseException):
            self._done = True
            raise item
        if not item:
            self._done = True
        self._piece = item
        self._offset = _BYTES_CHUNK
        return item[:_BYTES_CHUNK]

    def close(self) -> None:
        self._stop.set()
        if self._file is not None:
            self._file.close()
        if self._thread is not None:
            with contextlib.suppress(queue.Empty):
                while True:  # let a producer blocked on a full queue see the stop
                    self._chunks.get_nowait()
            self._thread.join()


class _Stream:
    """The file-like object ijson reads: the source's pieces, without a byte-order mark."""

    def __init__(self, source: _Source) -> None:
        self._source = source
        self._first = True

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson asks for nothing first, to see whether it gets bytes or text
            return b""
        data = self._source.read()
        if self._first and data:
            self._first = False
            data = data.removeprefix(b"\xef\xbb\xbf")  # written by some tools; not JSON
        return data


class FilmListReader:
    """Reads one film list file, film by film, in batches; CPU-bound, so run it in a thread.

    Usage::

        reader = FilmListReader(path, what="the full film list")
        header = reader.header()
        for films in reader.batches():
            ...
        reader.counts  # what was kept and skipped

    Every problem is a :class:`FilmListError` whose sentence starts with ``what``.

    Attributes:
        counts: What the batches so far held.
    """

    def __init__(self, path: Path, *, what: str = "The film list") -> None:
        self._path = path
        self._what = what[:1].upper() + what[1:]
        self._source: _Source | None = None
        self._items: Iterator[tuple[str, object]] | None = None
        self._header: FilmListHeader | None = None
        self._first_row: object = None
        self._positions: tuple[int, ...] = ()
        self._new_at: int | None = None
        self._width = 0
        self._channel = ""
        self._topic = ""
        self._prefix = ""
        self.counts = ReadCounts()

    def close(self) -> None:
        self._items = None
        if self._source is not None:
            self._source.close()
            self._source = None

    def __enter__(self) -> FilmListReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- reading the JSON events -----------------------------------------------------------

    def _events(self) -> Iterator[tuple[str, object]]:
        """The top-level keys and their values, opening the file on the first call."""
        if self._items is None:
            self._source = _Source(self._path)
            self._items = _events.kvitems(_Stream(self._source), "")
        return self._items

    def _next(self) -> tuple[str, object] | None:
        """The next top-level key and its value; None at the end of the object."""
        try:
            return next(self._events(), None)
        except (EOFError, lzma.LZMAError, ijson.JSONError, OSError) as exc:
            raise self._problem(exc) from None

    def _problem(self, exc: BaseException) -> FilmListError:
        """What went wrong in reading, as a sentence."""
        if isinstance(exc, EOFError):
            return FilmListError(
                f"{self._what} is incomplete: the download ended before the end of the "
                "compressed file."
            )
        if isinstance(exc, lzma.LZMAError):
            return FilmListError(f"{self._what} is not a readable xz file ({exc}).")
        if isinstance(exc, ijson.JSONError):
            return FilmListError(self._json_problem(exc))
        assert isinstance(exc, OSError)
        return FilmListError(f"{self._what} cannot be read: {exc.strerror or exc}.")

    def _json_problem(self, exc: ijson.JSONError) -> str:
        """A sentence for the parser's error (its own text quotes the file: not for a person)."""
        text = str(exc)
        seen = self.counts.films + sum(self.counts.skipped.values())
        if "UTF8" in text:
            return f"{self._what} is not UTF-8 text."
        if "premature EOF" in text:
            if self._header is None:
                return f"{self._what} ends in its header."
            return f"{self._what} is incomplete: it ends in the middle of a film."
        if self._header is None:
            return f"{self._what} is not a MediathekView film list (not the JSON it should be)."
        return f"{self._what} is damaged after its first {seen} films (it is not valid JSON)."

    # -- the header ------------------------------------------------------------------------

    def header(self) -> FilmListHeader:
        """The list's meta data; reads the start of the file on the first call."""
        if self._header is not None:
            return self._header
        values: list[object] = []
        first = True
        while True:
            try:
                item = self._next()
            except FilmListError:
                if first and self._empty_file():
                    raise FilmListError(f"{self._what} is empty.") from None
                raise
            first = False
            if item is None:
                if values:
                    raise EmptyFilmListError(f"{self._what} has a header but no films.")
                raise FilmListError(f"{self._what} is not a MediathekView film list.")
            key, value = item
            if key == "X":
                self._header = self._header_from(values)
                self._first_row = value
                return self._header
            if key == "Filmliste":
                values.append(value)
            elif not values:
                raise FilmListError(f"{self._what} has no MediathekView header.")

    def _empty_file(self) -> bool:
        try:
            return self._path.stat().st_size == 0
        except OSError:
            return False

    def _header_from(self, values: list[object]) -> FilmListHeader:
        if not values or not _strings(values[0]):
            raise FilmListError(f"{self._what} has no MediathekView header.")
        meta = list(values[0])  # type: ignore[call-overload]
        meta += [""] * (5 - len(meta))
        columns: tuple[str, ...] = FIELD_NAMES
        if len(values) > 1:
            if not _strings(values[1]):
                raise FilmListError(f"{self._what} has a damaged list of field names.")
            columns = tuple(values[1])  # type: ignore[arg-type]
        missing = [name for name in _NEEDED if name not in columns]
        if missing:
            raise FilmListError(
                f"{self._what} lacks the fields {', '.join(missing)}; "
                "it is not in MediathekView's format."
            )
        self._positions = tuple(columns.index(name) for name in _NEEDED)
        self._new_at = columns.index("neu") if "neu" in columns else None
        self._width = 1 + max(self._positions + ((self._new_at,) if self._new_at else ()))
        return FilmListHeader(_utc(meta[1]), meta[2], meta[4], columns)

    # -- the films -------------------------------------------------------------------------

    def batches(self) -> Iterator[list[Film]]:
        """The films, a few hundred at a time, in the list's order.

        Raises:
            FilmListError: The file is not a complete, well-formed film list, or none of its
                films can be used.
        """
        return self._batches(plain=False)  # type: ignore[return-value]

    def rows(self) -> Iterator[list[tuple[object, ...]]]:
        """As :meth:`batches`, each film a plain tuple of :class:`Film`'s fields.

        For a bulk insert: sqlite3 binds a plain tuple's items directly, and a film made as a
        named tuple, then copied into a plain one, took 2.3 us against 1.2 (measured: 0.8 s of
        a 700,000-film list).
        """
        return self._batches(plain=True)

    def _batches(self, *, plain: bool) -> Iterator[list[tuple[object, ...]]]:
        self.header()
        rows: list[object] = [self._first_row]
        self._first_row = None
        append = rows.append
        try:
            for key, value in self._events():
                if key != "X":
                    continue  # a key a later format may add: not a film
                append(value)
                if len(rows) >= _BATCH:
                    films = self._films(rows, plain)
                    rows.clear()
                    if films:
                        yield films
        except (EOFError, lzma.LZMAError, ijson.JSONError, OSError) as exc:
            raise self._problem(exc) from None
        films = self._films(rows, plain)
        if films:
            yield films
        if not self.counts.films:
            if not self.counts.skipped:
                raise EmptyFilmListError(f"{self._what} has a header but no films.")
            reasons = ", ".join(f"{n} {why}" for why, n in self.counts.skipped.most_common())
            raise FilmListError(f"{self._what} has no usable film: all were skipped ({reasons}).")

    def _films(self, rows: list[object], plain: bool) -> list[tuple[object, ...]]:
        out: list[tuple[object, ...]] = []
        append = out.append
        skipped = self.counts.skipped
        dropped = self.counts.dropped
        (
            i_channel, i_topic, i_title, i_date, i_time, i_duration, i_size, i_description,
            i_url, i_website, i_subtitle, i_small, i_hd, i_epoch, i_geo,
        ) = self._positions  # fmt: skip
        i_new = self._new_at
        width = self._width
        channel, topic, prefix = self._channel, self._topic, self._prefix
        any_case = _HTTP.match
        not_host = _NOT_HOST
        blake2b = hashlib.blake2b
        unpack = _KEY.unpack
        new_film = tuple.__new__  # Film(...) would run a Python-level __new__ per film
        for row in rows:
            if type(row) is not list or len(row) < width:
                skipped["that are not a list of fields"] += 1
                continue
            try:
                value = row[i_channel]
                if value:
                    channel = value.strip()
                    prefix = f"{channel}{topic}".lower()
                value = row[i_topic]
                if value:
                    topic = value.strip()
                    prefix = f"{channel}{topic}".lower()
                url = row[i_url]
                if not ((url[:8] == "https://" and url[8:9] not in not_host) or any_case(url)):
                    skipped["with a link that is not http" if url else "without a link"] += 1
                    continue
                if not channel or not topic:
                    skipped["without a channel or topic"] += 1
                    continue
                day = row[i_date]
                epoch = row[i_epoch]
                aired = int(epoch) if epoch.isdigit() else 0
                if not 0 < aired < _LATEST:  # none, or in milliseconds, or nonsense
                    aired = _epoch(day, row[i_time])
                size = row[i_size]
                small = row[i_small]
                if small:
                    count, bar, _ = small.partition("|")
                    # The usual form first: a prefix that keeps the scheme and host of ``url``.
                    # (The same test as for ``hd`` below, written out twice: through one shared
                    # function this loop took 8-12 % longer, measured at 100,000 films.)
                    usual = bar and count.isdigit() and 10 <= int(count) <= len(url)
                    if not usual and not _relative_ok(url, small):
                        dropped["small-quality links not usable"] += 1
                        small = ""
                hd = row[i_hd]
                if hd:
                    count, bar, _ = hd.partition("|")
                    usual = bar and count.isdigit() and 10 <= int(count) <= len(url)
                    if not usual and not _relative_ok(url, hd):
                        dropped["HD links not usable"] += 1
                        hd = ""
                subtitle = row[i_subtitle]
                if subtitle and not (
                    (subtitle[:8] == "https://" and subtitle[8:9] not in not_host)
                    or any_case(subtitle)
                ):
                    dropped["subtitle links not http"] += 1
                    subtitle = ""
                website = row[i_website]
                if website and not (
                    (website[:8] == "https://" and website[8:9] not in not_host)
                    or any_case(website)
                ):
                    website = ""
                values = (
                    unpack(blake2b((prefix + url).encode(), digest_size=8).digest())[0],
                    channel,
                    topic,
                    row[i_title].strip(),
                    row[i_description].strip(),
                    day.strip(),
                    aired,
                    row[i_duration].strip(),
                    int(size) if size.isdigit() and len(size) < 10 else 0,
                    url,
                    small,
                    hd,
                    subtitle,
                    website,
                    row[i_geo].strip(),
                    1 if i_new is not None and row[i_new] == "true" else 0,
                )
                append(values if plain else new_film(Film, values))
            # Every field is a string in a good list; str methods on anything else raise these
            # (cheaper than checking the type of each field of each film).
            except (AttributeError, TypeError):
                skipped["with fields that are not text"] += 1
            except ValueError:  # a digit int() does not take ("²"), say
                skipped["with numbers that are not numbers"] += 1
        self._channel, self._topic, self._prefix = channel, topic, prefix
        self.counts.films += len(out)
        return out


def read_all(path: Path, *, what: str = "The film list") -> tuple[FilmListHeader, list[Film]]:
    """The whole list in memory: for tests and small lists only."""
    with FilmListReader(path, what=what) as reader:
        header = reader.header()
        films = [film for batch in reader.batches() for film in batch]
    return header, films


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _utc(text: str) -> datetime | None:
    try:
        return datetime.strptime(text.strip(), "%d.%m.%Y, %H:%M").replace(tzinfo=UTC)
    except ValueError:
        return None


def _relative_ok(url: str, relative: str) -> bool:
    """``"<n>|<suffix>"`` with ``n`` within ``url``, or a full http(s) URL."""
    count, bar, _suffix = relative.partition("|")
    if not bar:
        return _HTTP.match(relative) is not None
    if not count.isdigit() or int(count) > len(url):
        return False
    # A short prefix does not keep the scheme and host of ``url``: check what it makes.
    return int(count) >= 10 or _HTTP.match(resolve_relative(url, relative)) is not None


_LONGEST_S = 100 * 3600
"""Beyond ``99:59:59``, the list's own format, a length is nonsense: unknown."""


def _seconds(text: str) -> int:
    """``HH:mm:ss`` (or ``mm:ss``) as seconds; 0 for anything else, or for 100 hours or more."""
    if len(text) == 8 and text[2] == ":" and text[5] == ":":
        try:
            return int(text[0:2]) * 3600 + int(text[3:5]) * 60 + int(text[6:8])
        except ValueError:
            return 0
    total = 0
    for part in text.split(":"):
        # ASCII only: isdigit() also takes "²", which int() refuses.
        if not (part.isascii() and part.isdigit()) or len(part) > 9:
            return 0
        total = total * 60 + int(part)
    return total if total < _LONGEST_S else 0


def _german_time() -> tzinfo:
    """Europe/Berlin when the time-zone database is there; else Central European (standard) Time."""
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Europe/Berlin")
    except Exception:  # no tz database (Windows without tzdata): one hour off in summer at most
        return timezone(timedelta(hours=1))


GERMAN_TIME = _german_time()


def _epoch(day: str, time: str) -> int:
    """Seconds since the epoch from ``dd.MM.yyyy`` and ``HH:mm:ss`` in German time; 0 if unknown."""
    try:
        moment = datetime.strptime(f"{day} {time or '00:00:00'}", "%d.%m.%Y %H:%M:%S")
    except ValueError:
        return 0
    return int(moment.replace(tzinfo=GERMAN_TIME).timestamp())
