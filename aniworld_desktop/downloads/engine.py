"""Resumable, verified HTTP downloads of one file into the library.

A download writes to ``<destination>.part``, resumes it with a Range request, checks the
length, and only then moves it into place, so the library never holds a truncated video.

A crash (SIGKILL, a power cut of the process) loses what the process had read from the network
but not yet written: the resume fetches that again. It stays within one read (``read_size``):
bytes go to the file as they are read, a writer thread's backlog is capped at half a read, and
whenever a download waits for anything but the network (the disk, the speed limit) it stops
reading, so they wait in the kernel's socket buffer, not in ours (aiohttp would otherwise keep
up to two reads buffered). ``tests/reliability/test_crash_soak.py`` measures it.

A part file is only continued while it is the start of the same file: the server's validators
(a strong ``ETag``, else ``Last-Modified``) and size when the part began come with the request,
are sent as ``If-Range``, and are compared with the answer; a file that changed on the server
(a 200, or a 206 of another version or size) is fetched again from its start, and the log says
so. Without validators a part is continued only when the size and ``Content-Range`` agree.

A transfer that crawls (less than ``min_speed`` bytes a second over ``min_speed_time`` seconds
of waiting for the network) is given up as transient, like a stall, so it cannot hold its slot
for ever.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import logging
import os
import re
import shutil
import threading
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import aiohttp
import yarl

from aniworld_desktop.downloads.disk import DiskWriter, Writeback
from aniworld_desktop.downloads.errors import (
    DiskFullError,
    DownloadError,
    LibraryWriteError,
    PermanentDownloadError,
    TransientDownloadError,
)
from aniworld_desktop.downloads.throttle import SpeedLimiter
from aniworld_desktop.durable import fsync_folder
from aniworld_desktop.net.errors import TRUST_ERRORS, explain, sentence, why
from aniworld_desktop.net.retry import parse_retry_after
from aniworld_desktop.net.session import (
    NO_TRUSTED_HOSTS,
    OwnedSession,
    TrustedHosts,
    client_session,
)
from aniworld_desktop.net.system_ca import tls_context

__all__ = [
    "DownloadEngine",
    "DownloadRequest",
    "DownloadResult",
    "NewPartCallback",
    "ProgressCallback",
    "Validators",
]

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int | None], None]
"""Called with (bytes_done, bytes_total or None)."""

_PART_SUFFIX = ".part"
_MAX_REDIRECTS = 10
# Enough of the body's start to recognise an HTML page, small enough to hold back briefly.
_SNIFF_BYTES = 512
_HTML_STARTS = (b"<!doctype html", b"<html")
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_COMPRESSIONS = frozenset({"gzip", "x-gzip", "deflate", "br", "zstd", "compress", "x-compress"})
_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d+)\s*-\s*(\d+)\s*/\s*(\d+|\*)\s*$", re.IGNORECASE)
_UNSATISFIED_RANGE = re.compile(r"^\s*bytes\s+\*\s*/\s*(\d+)\s*$", re.IGNORECASE)
_STATUS_WORDS = {
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    408: "Request Timeout",
    410: "Gone",
    429: "Too Many Requests",
}


@dataclass(frozen=True, slots=True)
class Validators:
    """What the server said about one version of a file (RFC 9110 validators, and its size).

    Attributes:
        etag: A strong ``ETag`` (a weak one cannot vouch for bytes, so it is not kept).
        last_modified: ``Last-Modified`` as the server wrote it.
        size: The whole file's size in bytes, when the server said.
    """

    etag: str | None = None
    last_modified: str | None = None
    size: int | None = None

    def if_range(self) -> str | None:
        """The ``If-Range`` value: the ETag, else the date; None when there is neither."""
        return self.etag or self.last_modified

    def differences(self, other: Validators) -> list[str]:
        """What differs between the version a part began with (self) and ``other``.

        A validator the first answer carried and a later one lacks counts as changed: a
        server that stopped sending it can no longer say the bytes are the same.
        """
        changed = []
        if self.etag is not None and other.etag != self.etag:
            changed.append(f"ETag {self.etag} is now {other.etag or 'missing'}")
        elif (
            self.etag is None
            and self.last_modified is not None
            and other.last_modified != self.last_modified
        ):
            changed.append(
                f"last modified {self.last_modified}, now {other.last_modified or 'unknown'}"
            )
        if self.size is not None and other.size is not None and other.size != self.size:
            changed.append(f"{self.size} bytes are now {other.size}")
        return changed


NewPartCallback = Callable[[Validators], Awaitable[None]]
"""Awaited before the first byte of a new part file is written, with what the server said
about the file, so the caller can store it with the part before the part exists."""


@dataclass(frozen=True, slots=True)
class DownloadRequest:
    """What to fetch and where to put it.

    Attributes:
        url: An http or https address.
        destination: Final path inside the library; missing parent folders are created.
        headers: Extra request headers (cookies, referer); Range and Accept-Encoding are ours.
        expected_size: Size in bytes the source announced, checked against the server's
            answer when a part begins; once a part began against validators, those decide.
        validators: What the server said when the existing part file began; None when not
            known (the part is then continued only when sizes and Content-Range agree).
        discard_part: A part file found at the destination is not this request's (another
            queue entry left it): start over instead of continuing it.
    """

    url: str
    destination: Path
    headers: Mapping[str, str] = field(default_factory=dict)
    expected_size: int | None = None
    validators: Validators | None = None
    discard_part: bool = False


@dataclass(frozen=True, slots=True)
class DownloadResult:
    """A finished download.

    Attributes:
        path: Where the file now is (the request's destination).
        size: Its size in bytes.
        resumed_from: Bytes reused from an earlier ``.part`` file; 0 for a fresh download.
    """

    path: Path
    size: int
    resumed_from: int


@dataclass(frozen=True, slots=True)
class _ContentRange:
    start: int
    end: int
    total: int | None


@dataclass(frozen=True, slots=True)
class _Outcome:
    done: int  # bytes in the part file now
    start: int  # bytes of it that were reused rather than received
    complete: bool  # False: the server sent one piece of the file and there is more to ask for
    synced: bool  # the bytes were fsynced already
    validators: Validators | None = None  # the part's, as they stand after this answer


class _RestartFromZero(Exception):
    """The part file cannot be continued: the server sent another part or another version.

    ``str()`` is the reason, for the log; empty for a Range answered from the wrong place.
    """


class _StallWatchdog:
    """Cancels the running task once it has waited ``timeout`` seconds for data, or once the
    data crawls: fewer than ``min_speed`` bytes a second over ``min_speed_time`` seconds spent
    waiting for the network (time spent on the disk or the speed limit does not count).

    aiohttp's ``sock_read`` timeout re-arms a timer on every socket read; on qasync's loop every
    timer is a Qt timer, a cost paid thousands of times per GiB. This one wakes once per period.
    The copying loop keeps ``waiting_since``, ``waited`` and ``received`` up to date.
    """

    __slots__ = (
        "_handle",
        "_loop",
        "_mark_received",
        "_mark_waited",
        "_min_speed",
        "_min_speed_time",
        "_task",
        "_timeout",
        "fired",
        "received",
        "waited",
        "waiting_since",
    )

    # Timers may fire a little early (Qt rounds to milliseconds); that much idle counts as all.
    _SLACK = 0.005

    def __init__(self, timeout: float, min_speed: int = 0, min_speed_time: float = 0.0) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = asyncio.current_task()
        self._timeout = timeout if timeout > 0 else float("inf")
        self._min_speed = min_speed if min_speed_time > 0 else 0
        self._min_speed_time = min_speed_time
        self.fired: str | None = None  # "stall" or "slow" once it cancelled the task
        # When the task started waiting for the network; None while it works on what it got.
        self.waiting_since: float | None = self._loop.time()
        self.waited = 0.0  # seconds spent waiting for the network, finished waits only
        self.received = 0  # body bytes taken off the network
        self._mark_waited = 0.0
        self._mark_received = 0
        self._handle: asyncio.TimerHandle | None = None
        self._schedule(self._loop.time())

    def body_started(self) -> None:
        """Start the speed window at the body: waiting for the headers is the stall's affair."""
        self.waiting_since = None
        self.waited = self._mark_waited = 0.0
        self.received = self._mark_received = 0

    def _schedule(self, now: float) -> None:
        since = self.waiting_since
        due = (since if since is not None else now) + self._timeout
        if self._min_speed:
            waited = self.waited + (now - since if since is not None else 0.0)
            # Waiting time grows at most as fast as the clock: the window cannot close sooner.
            due = min(
                due, now + max(self._SLACK, self._min_speed_time - (waited - self._mark_waited))
            )
        if due != float("inf"):
            self._handle = self._loop.call_at(due, self._check)

    def _check(self) -> None:
        self._handle = None
        now = self._loop.time()
        since = self.waiting_since
        if since is not None and now - since >= self._timeout - self._SLACK:
            self._fire("stall")
            return
        if self._min_speed:
            waited = self.waited + (now - since if since is not None else 0.0)
            window = waited - self._mark_waited
            if window >= self._min_speed_time - self._SLACK:
                if self.received - self._mark_received < self._min_speed * window:
                    self._fire("slow")
                    return
                self._mark_waited, self._mark_received = waited, self.received
        self._schedule(now)

    def _fire(self, why: str) -> None:
        self.fired = why
        if self._task is not None:
            self._task.cancel()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None


class DownloadEngine(OwnedSession):
    """Downloads single files over HTTP, resuming, verifying and throttling them.

    Use it as ``async with DownloadEngine() as engine`` to let it own a session, or pass a
    session it will use but never close.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession | None = None,
        *,
        read_size: int = 1 << 20,
        stall_timeout: float = 30.0,
        min_speed: int = 0,
        min_speed_time: float = 60.0,
        connect_timeout: float = 30.0,
        min_free_disk: int = 0,
        limiter: SpeedLimiter | None = None,
        progress_interval: float = 0.25,
        write_in_thread: bool = False,
        trusted: TrustedHosts = NO_TRUSTED_HOSTS,
    ) -> None:
        """Configure the engine.

        Args:
            session: A session to borrow; without one the engine makes its own.
            read_size: Largest read from the network, in bytes.
            stall_timeout: Seconds without any data before a download counts as stalled.
            min_speed: Bytes per second below which a transfer counts as crawling and is
                given up (transient, like a stall); 0 turns the rule off.
            min_speed_time: Seconds of waiting for the network over which ``min_speed`` is
                measured.
            connect_timeout: Seconds allowed to open a connection.
            min_free_disk: Bytes that must stay free on the library's disk.
            limiter: Shared speed limit; None means unlimited.
            progress_interval: Least seconds between two progress reports.
            write_in_thread: Write through the process's one writer thread, which also
                writes back early (``downloads/disk.py``), so a slow disk or network share
                never blocks the event loop (and with it the window) and disk writes overlap
                network reads. At most half a read waits for the writer. Without it the loop
                writes, and starts writeback without ever waiting for it.
            trusted: Servers of the user's own whose self-signed certificate they trust (for
                the engine's own sessions; a borrowed session brings its own).
        """
        if read_size <= 0:
            raise ValueError("read_size must be positive")
        super().__init__(session)
        self._read_size = read_size
        self.stall_timeout = stall_timeout
        self.min_speed = min_speed
        self.min_speed_time = min_speed_time
        self.connect_timeout = connect_timeout
        self.min_free_disk = min_free_disk
        self.limiter = limiter
        self.progress_interval = progress_interval
        self.write_in_thread = write_in_thread
        self._trusted = trusted

    @staticmethod
    def part_path(destination: Path) -> Path:
        """Return where the unfinished download of ``destination`` lives."""
        return destination.with_name(destination.name + _PART_SUFFIX)

    async def download(
        self,
        request: DownloadRequest,
        on_progress: ProgressCallback | None = None,
        on_new_part: NewPartCallback | None = None,
    ) -> DownloadResult:
        """Download ``request.url`` to ``request.destination``, resuming a ``.part`` file.

        Args:
            request: What to fetch and where to put it.
            on_progress: Told about progress at most every ``progress_interval`` seconds and
                once at the end.
            on_new_part: Awaited with the server's validators before a part file begins (or
                begins again), so they can be stored with it.

        Returns:
            The finished file.

        Raises:
            TransientDownloadError: Worth retrying; the ``.part`` file is kept for resuming.
            PermanentDownloadError: Retrying will not help (includes the disk errors below).
            DiskFullError: No room left on the library's disk.
            LibraryWriteError: The library folder cannot be written to.
        """
        _require_http(request.url)
        if self.session is not None:
            return await self._download(self.session, request, on_progress, on_new_part)
        async with self._new_session() as session:  # outside ``async with``: one per download
            return await self._download(session, request, on_progress, on_new_part)

    def _new_session(self) -> aiohttp.ClientSession:
        return client_session(
            self._trusted,
            # The download queue decides how many transfers run; the pool must not cap it.
            connector=aiohttp.TCPConnector(limit=0, ssl=tls_context()),  # system CA store
            # Media must be byte exact, and a Range into a compressed stream means nothing.
            auto_decompress=False,
            read_bufsize=self._read_size,
            headers={"Accept-Encoding": "identity"},
        )

    async def _download(
        self,
        session: aiohttp.ClientSession,
        request: DownloadRequest,
        on_progress: ProgressCallback | None,
        on_new_part: NewPartCallback | None,
    ) -> DownloadResult:
        destination = request.destination
        part = self.part_path(destination)
        validators = request.validators
        known_size = validators.size if validators is not None else request.expected_size
        # The library may be on a network share, where even mkdir and stat can hang a while.
        offset = await asyncio.to_thread(_prepare_part, part, known_size, request.discard_part)
        if request.discard_part and offset < 0:
            log.info(
                "%s: an unfinished file of an earlier download was left there; "
                "it is not this download's, so it starts from the beginning",
                destination.name,
            )
        offset = max(offset, 0)
        # The source's announced size is checked against the answer that begins a part; once
        # a part began against the server's validators, those tell whether the file changed.
        expected = request.expected_size if validators is None else None
        resumed_from: int | None = None
        restarted = False
        while True:
            try:
                outcome = await self._fetch(
                    session, request, part, offset, validators, expected, on_progress, on_new_part
                )
            except _RestartFromZero as restart:
                if restarted:
                    raise TransientDownloadError(
                        "The server keeps sending the wrong part of the file; "
                        "the download will start again from the beginning."
                    ) from None
                restarted = True
                if str(restart):
                    log.warning("%s: %s", destination.name, restart)
                offset = 0
                validators = expected = None
                # Gone before anything new arrives: its bytes are of another version.
                await asyncio.to_thread(_remove, part)
                continue
            done = outcome.done
            validators = outcome.validators
            expected = None
            if resumed_from is None:
                resumed_from = outcome.start
            if outcome.complete:
                break
            if done <= offset:
                raise TransientDownloadError(
                    "The server stopped sending data before the end of the file."
                )
            # The server sends the file in pieces; ask for the next one right away.
            offset = done
        # A rename on a network share can be slow; keep it off the event loop.
        await asyncio.to_thread(_finalize, part, destination, not outcome.synced)
        if on_progress is not None:
            on_progress(done, done)
        return DownloadResult(path=destination, size=done, resumed_from=resumed_from)

    async def _fetch(
        self,
        session: aiohttp.ClientSession,
        request: DownloadRequest,
        part: Path,
        offset: int,
        validators: Validators | None,
        expected: int | None,
        on_progress: ProgressCallback | None,
        on_new_part: NewPartCallback | None,
    ) -> _Outcome:
        """Run one HTTP request and store what it brings."""
        headers = {
            name: value
            for name, value in request.headers.items()
            if name.lower() not in ("range", "accept-encoding", "if-range")
        }
        headers["Accept-Encoding"] = "identity"
        if offset:
            headers["Range"] = f"bytes={offset}-"
            # A server that honours it sends the whole new file when the file changed.
            condition = validators.if_range() if validators is not None else None
            if condition is not None:
                headers["If-Range"] = condition
        # Stalls are caught by our own watchdog, which is far cheaper than sock_read.
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=self.connect_timeout)
        host = yarl.URL(request.url).host or request.url
        stall_timeout = self.stall_timeout
        min_speed = self.min_speed if self.min_speed_time > 0 else 0
        watchdog = (
            _StallWatchdog(stall_timeout, min_speed, self.min_speed_time)
            if stall_timeout > 0 or min_speed > 0
            else None
        )
        try:
            async with session.get(
                request.url,
                headers=headers,
                timeout=timeout,
                auto_decompress=False,
                read_bufsize=max(self._read_size, 1 << 16),
                max_redirects=_MAX_REDIRECTS,
            ) as response:
                if watchdog is not None:
                    watchdog.body_started()
                return await self._receive(
                    response,
                    request,
                    part,
                    offset,
                    validators,
                    expected,
                    on_progress,
                    on_new_part,
                    watchdog,
                )
        except asyncio.CancelledError:
            task = asyncio.current_task()
            # uncancel() == 0: the watchdog's was the only cancel; anyone else's must win.
            if (
                watchdog is not None
                and watchdog.fired is not None
                and task is not None
                and task.uncancel() == 0
            ):
                if watchdog.fired == "slow":
                    raise TransientDownloadError(
                        _slow_message(host, min_speed, self.min_speed_time)
                    ) from None
                raise TransientDownloadError(_stall_message(host, stall_timeout)) from None
            raise
        except (DownloadError, _RestartFromZero):
            raise
        except aiohttp.ConnectionTimeoutError as exc:
            raise TransientDownloadError(
                f"Could not connect to {host} within {self.connect_timeout:g} seconds."
            ) from exc
        except TimeoutError as exc:
            raise TransientDownloadError(
                f"The connection to {host} timed out; the next try continues where it stopped."
            ) from exc
        except aiohttp.TooManyRedirects as exc:
            raise PermanentDownloadError(
                f"The link sent us through more than {_MAX_REDIRECTS} redirects without "
                "reaching the video."
            ) from exc
        except (aiohttp.InvalidURL, aiohttp.NonHttpUrlClientError) as exc:
            raise PermanentDownloadError(
                explain("The server sent us to an address we cannot download from", exc)
            ) from exc
        except TRUST_ERRORS as exc:
            raise PermanentDownloadError(sentence(exc)) from exc
        except aiohttp.ClientPayloadError as exc:
            raise TransientDownloadError(
                f"The connection to {host} broke off in the middle of the video; "
                "the next try continues where it stopped."
            ) from exc
        except aiohttp.ClientConnectorError as exc:
            raise TransientDownloadError(explain(f"Could not connect to {host}", exc)) from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise TransientDownloadError(
                f"The connection to {host} failed ({why(exc)}); "
                "the next try continues where it stopped."
            ) from exc
        finally:
            if watchdog is not None:
                watchdog.close()

    async def _receive(
        self,
        response: aiohttp.ClientResponse,
        request: DownloadRequest,
        part: Path,
        offset: int,
        validators: Validators | None,
        expected: int | None,
        on_progress: ProgressCallback | None,
        on_new_part: NewPartCallback | None,
        watchdog: _StallWatchdog | None,
    ) -> _Outcome:
        status = response.status
        if status == 416:
            return _unsatisfiable(response, request, part, offset, validators)
        if status >= 300 or status < 200:
            raise _status_error(response)
        announced_end: int | None = None
        if status == 206:
            content_range = _parse_content_range(response.headers.get("Content-Range"))
            if content_range is None or content_range.start != offset:
                raise _RestartFromZero("")
            start = offset
            total = content_range.total
            announced_end = content_range.end + 1
        elif status == 200:
            start = 0
            total = response.content_length
        else:
            raise PermanentDownloadError(
                f"The server answered HTTP {status} {response.reason or ''}".rstrip()
                + " instead of sending the video."
            )
        _reject_web_page(response)
        _reject_compression(response)
        length = response.content_length
        if total is None and length is not None:
            total = start + length
        answer = _validators_of(response, total)
        name = request.destination.name
        if start and validators is not None:
            changed = validators.differences(answer)
            if changed:
                # A server that ignores If-Range (or has no validators) sent the rest of
                # another version: continuing would splice two files into one.
                raise _RestartFromZero(_changed_message(changed))
        elif offset:
            changed = validators.differences(answer) if validators is not None else []
            if changed:
                log.warning("%s: %s", name, _changed_message(changed))
            else:
                log.info(
                    "%s: the server sent the whole file instead of the rest; "
                    "starting again from the beginning",
                    name,
                )
        if expected is not None:
            if total is not None and total != expected:
                raise PermanentDownloadError(
                    f"The server offers a file of {total} bytes, but {expected} bytes were "
                    "expected; it is not the right video."
                )
            total = expected
        # Synchronous on purpose: statvfs is quick, and any await here would let data that
        # already arrived be dropped by aiohttp should the connection fail in the meantime.
        self._check_free_space(part.parent, None if total is None else total - start)
        if not start and on_new_part is not None:
            # What the part is built from is stored before its first byte, so a part on disk
            # always has its validators beside it, whenever the process dies. Nothing is read
            # meanwhile: what a crash can lose stays within one read.
            with _reading_paused(response):
                await on_new_part(answer)
        kept = answer if not start else validators
        # Only the last piece of a file sent in pieces needs the (whole-file) fsync.
        piece = announced_end is not None and total is not None and announced_end < total
        done = await self._copy_body(
            response, part, start, total, on_progress, watchdog, durable=not piece
        )
        if total is not None and done < total:
            if piece and done == announced_end:
                return _Outcome(done, start, complete=False, synced=False, validators=kept)
            raise TransientDownloadError(
                f"The server sent only {done} of {total} bytes; "
                "the next try continues where it stopped."
            )
        return _Outcome(done, start, complete=True, synced=True, validators=kept)

    async def _copy_body(
        self,
        response: aiohttp.ClientResponse,
        part: Path,
        start: int,
        total: int | None,
        on_progress: ProgressCallback | None,
        watchdog: _StallWatchdog | None,
        *,
        durable: bool,
    ) -> int:
        """Write the body to ``part`` from ``start``; return the part's size afterwards."""
        folder = part.parent
        read = response.content.read
        read_size = self._read_size
        limiter = self.limiter
        loop = asyncio.get_running_loop()
        interval = self.progress_interval
        clock = loop.time
        last_report = clock()
        sink: _Sink | None = None
        # A fresh body is held back until we have seen enough of it to rule out a web page,
        # so an error page never truncates or creates a part file.
        head: bytes | None = b"" if start == 0 else None
        done = start
        limit = total if total is not None else -1
        try:
            while True:
                # The loop runs once per read, tens of thousands of times per GiB: each step
                # here is paid that often (measured in per-thread CPU).
                if watchdog is not None:
                    since = watchdog.waiting_since = clock()
                    chunk = await read(read_size)
                    now = clock()
                    watchdog.waiting_since = None
                    watchdog.waited += now - since
                    watchdog.received += len(chunk)
                else:
                    chunk = await read(read_size)
                    now = -1.0
                if head is not None:
                    if chunk:
                        head += chunk
                        if len(head) < _SNIFF_BYTES:
                            continue
                    _reject_html_bytes(head)
                    chunk, head = head, None
                    if not chunk:
                        break
                elif not chunk:
                    break
                size = len(chunk)
                if limit >= 0 and done + size > limit:
                    if sink is not None:
                        await sink.abandon()
                        sink = None
                    _remove(part)
                    raise PermanentDownloadError(
                        f"The server sent more than the announced {limit} bytes; "
                        "the file is not what was expected."
                    )
                if sink is None:
                    sink = _open_sink(part, start, folder, self.write_in_thread, read_size)
                full = sink.put(chunk)
                done += size
                # Waiting for anything but the network, we stop reading from it: aiohttp would
                # fill its buffer meanwhile (up to twice the read size), and what the process
                # holds unwritten is what a crash costs. The kernel's buffer holds it instead.
                if full:
                    with _reading_paused(response):
                        await sink.room()
                if limiter is not None:
                    if limiter.bytes_per_second:
                        with _reading_paused(response):
                            await limiter.consume(size)
                    else:
                        await limiter.consume(size)  # returns at once; no pause to pay for
                if on_progress is not None:
                    if now < 0:
                        now = clock()
                    if now - last_report >= interval:
                        last_report = now
                        on_progress(done, total)
            if watchdog is not None:
                # Everything has arrived; a long fsync below is not a stall.
                watchdog.close()
            if sink is None:
                # An empty body still has to leave an (empty) file behind.
                sink = _open_sink(part, start, folder, self.write_in_thread, read_size)
            # Once finishing, the sink closes the file itself, even if we get cancelled.
            finishing, sink = sink, None
            await finishing.finish(sync=durable)
        finally:
            if sink is not None:
                await sink.abandon()
        return done

    def _check_free_space(self, folder: Path, remaining: int | None) -> None:
        needed = max(0, remaining or 0) + self.min_free_disk
        if needed <= 0:
            return
        try:
            free = shutil.disk_usage(folder).free
        except OSError:
            # We cannot tell; a real shortage still shows up as ENOSPC while writing.
            return
        if free < needed:
            raise DiskFullError(
                f"The disk is full: {folder} has {_human(free)} free, but this download "
                f"needs {_human(max(0, remaining or 0))} and {_human(self.min_free_disk)} "
                "must stay free."
            )


class _Sink:
    """Writes a download's bytes to its part file, on the loop's thread.

    With ``start`` given it also writes back early (see ``downloads/disk.py``), without ever
    waiting for the disk: the loop's thread must not block.
    """

    def __init__(self, file: BinaryIO, folder: Path, start: int | None = None) -> None:
        self._file = file
        self._folder = folder
        self._early = Writeback(file.fileno(), start, wait=False) if start is not None else None

    def put(self, data: bytes) -> bool:
        """Write ``data`` (or queue it); True when the caller should wait for :meth:`room`."""
        try:
            self._file.write(data)
            if self._early is not None:
                self._early.wrote(len(data))
        except OSError as exc:
            raise _write_error(exc, self._folder) from exc
        return False

    async def room(self) -> None:
        """Return once the sink takes more bytes."""

    async def finish(self, *, sync: bool) -> None:
        """Flush and close the file; with ``sync``, make its bytes durable first."""
        try:
            # fsync of a large file can take seconds; the loop (maybe the UI's) must not wait.
            await asyncio.to_thread(_flush_and_close, self._file, sync)
        except OSError as exc:
            raise _write_error(exc, self._folder) from exc

    async def abandon(self) -> None:
        """Close after a failure, keeping whatever reached the file."""
        with contextlib.suppress(OSError):
            self._file.close()


class _ThreadSink(_Sink):
    """Hands chunks to the process's one writer thread, so a slow disk never blocks the loop.

    See ``downloads/disk.py``: the writer writes, pushes the bytes to the disk early, and the
    final fsync finds little left to do. A chunk costs one queue put and no event-loop
    wake-up, which matters on qasync, where each wake-up is a Qt event. Once more than
    ``high_water`` bytes wait for the disk, the caller waits for :meth:`room` (half of that).
    The backlog is kept small, half a read: bytes queued here are bytes a crash loses, and the
    resume fetches them again.
    """

    def __init__(self, file: BinaryIO, folder: Path, high_water: int, start: int) -> None:
        super().__init__(file, folder)  # no early writeback of its own: the writer's
        self._loop = asyncio.get_running_loop()
        self._writer = DiskWriter.shared()
        self._writeback = Writeback(file.fileno(), start)
        self._high_water = high_water
        self._lock = threading.Lock()
        # Guarded by _lock: bytes queued and not yet written, and who waits for room.
        self._queued = 0
        self._room: asyncio.Future[None] | None = None
        self._error: OSError | None = None
        self._flushed: asyncio.Future[None] = self._loop.create_future()
        self._closed = False

    def put(self, data: bytes) -> bool:
        self._raise_error()
        with self._lock:
            self._queued += len(data)
            full = self._queued > self._high_water
        self._writer.submit(functools.partial(self._write_now, data))
        return full

    async def room(self) -> None:
        with self._lock:
            if self._queued <= self._high_water // 2:
                return
            room = self._room = self._loop.create_future()
        await room
        self._raise_error()

    async def finish(self, *, sync: bool) -> None:
        self._writer.submit(functools.partial(self._flush_now, close=not sync))
        try:
            await _shielded(self._flushed)
        except asyncio.CancelledError:
            with contextlib.suppress(OSError):  # flushed: the writer is done with it
                self._file.close()
            raise
        self._raise_error()
        if sync:
            # On a thread of its own: the shared writer goes on with the other downloads.
            # Early writeback left at most two steps for this fsync to wait for.
            await super().finish(sync=True)

    async def abandon(self) -> None:
        # Queued chunks are still written: they are good bytes, and a resume starts after them.
        # Waiting lets a retry see the part's final size; if we are cancelled once more while
        # waiting, the writer still gets to the close on its own.
        self._writer.submit(functools.partial(self._flush_now, close=True))
        await _shielded(self._flushed)

    def _raise_error(self) -> None:
        if self._error is not None:
            raise _write_error(self._error, self._folder) from self._error

    def _write_now(self, data: bytes) -> None:  # on the writer thread
        if self._error is None and not self._closed:
            try:
                self._file.write(data)
                self._writeback.wrote(len(data))
            except OSError as exc:
                self._error = exc
        with self._lock:
            self._queued -= len(data)
            room = self._room
            if room is not None and self._queued <= self._high_water // 2:
                self._room = None
            else:
                room = None
        if room is not None:
            with contextlib.suppress(RuntimeError):  # the loop may be closed by now
                self._loop.call_soon_threadsafe(_resolve, room)

    def _flush_now(self, *, close: bool) -> None:  # on the writer thread
        try:
            if self._error is None and not self._closed:
                self._file.flush()
        except OSError as exc:
            self._error = exc
        finally:
            if close or self._error is not None:
                self._closed = True
                with contextlib.suppress(OSError):
                    self._file.close()
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(_resolve, self._flushed)


async def _shielded(future: asyncio.Future[None]) -> None:
    """Wait for ``future`` (resolved by the writer thread) even when cancelled meanwhile.

    The part file must be flushed or closed before anyone touches it; the cancellation is
    passed on once it is.
    """
    cancelled = False
    while not future.done():
        try:
            await asyncio.shield(future)
        except asyncio.CancelledError:
            cancelled = True
    if cancelled:
        raise asyncio.CancelledError


@contextlib.contextmanager
def _reading_paused(response: aiohttp.ClientResponse) -> Iterator[None]:
    """Take no bytes off ``response``'s connection inside the block.

    The protocol's own pause (the one aiohttp's flow control uses), so that aiohttp's idea of
    whether it is paused stays true; once its body is complete the connection is gone and
    there is nothing to pause.
    """
    connection = response.connection
    protocol = connection.protocol if connection is not None else None
    paused = protocol is not None and protocol.transport is not None
    if paused:
        assert protocol is not None
        protocol.pause_reading()
    try:
        yield
    finally:
        if paused and protocol is not None and protocol.transport is not None:
            protocol.resume_reading()


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def _open_sink(part: Path, start: int, folder: Path, in_thread: bool, read_size: int) -> _Sink:
    file: BinaryIO
    try:
        if start:
            file = open(part, "r+b")  # noqa: SIM115 - the sink owns and closes it
            try:
                file.truncate(start)
                file.seek(start)
            except BaseException:
                file.close()
                raise
        else:
            file = open(part, "wb")  # noqa: SIM115 - the sink owns and closes it
    except OSError as exc:
        raise _write_error(exc, folder) from exc
    if in_thread:
        return _ThreadSink(file, folder, high_water=read_size // 2, start=start)
    return _Sink(file, folder, start)


def _flush_and_close(file: BinaryIO, sync: bool) -> None:
    try:
        file.flush()
        if sync:
            os.fsync(file.fileno())
    finally:
        file.close()


def _finalize(part: Path, destination: Path, sync_part: bool) -> None:
    folder = destination.parent
    try:
        if sync_part:
            with open(part, "r+b") as file:
                os.fsync(file.fileno())
        os.replace(part, destination)
    except OSError as exc:
        raise _write_error(exc, folder) from exc
    fsync_folder(folder)


def _unsatisfiable(
    response: aiohttp.ClientResponse,
    request: DownloadRequest,
    part: Path,
    offset: int,
    validators: Validators | None,
) -> _Outcome:
    match = _UNSATISFIED_RANGE.match(response.headers.get("Content-Range", ""))
    total = int(match.group(1)) if match else None
    if total is None:
        total = validators.size if validators is not None else request.expected_size
    if offset > 0 and total == offset:
        if validators is not None:
            answer = _validators_of(response, total)
            # A 416 need not carry validators; those it carries must be the part's.
            seen = Validators(
                answer.etag or validators.etag,
                answer.last_modified or validators.last_modified,
                total,
            )
            changed = validators.differences(seen)
            if changed:
                raise _RestartFromZero(_changed_message(changed))
        # We already hold every byte, though maybe not durably: an earlier run was cut off.
        return _Outcome(offset, offset, complete=True, synced=False, validators=validators)
    _remove(part)
    raise TransientDownloadError(
        "The server could not continue the partial download; "
        "the next try starts again from the beginning."
    )


def _validators_of(response: aiohttp.ClientResponse, size: int | None) -> Validators:
    """The answer's strong ETag and Last-Modified, with the whole file's size."""
    etag = response.headers.get("ETag", "").strip()
    # A weak ETag (W/"...") says "equivalent", not "the same bytes": useless for a Range.
    strong = etag if etag.startswith('"') and etag.endswith('"') and len(etag) >= 2 else None
    modified = response.headers.get("Last-Modified", "").strip() or None
    return Validators(strong, modified, size)


def _changed_message(changed: list[str]) -> str:
    return (
        f"the file changed on the server since the download began ({'; '.join(changed)}); "
        "starting again from the beginning"
    )


def _slow_message(host: str, min_speed: int, seconds: float) -> str:
    return (
        f"{host} sent less than {_human(min_speed)} a second for {seconds:g} seconds; "
        "the download is too slow and will be retried."
    )


def _stall_message(host: str, seconds: float) -> str:
    return (
        f"No data arrived from {host} for {seconds:g} seconds; "
        "the download stalled and will be retried."
    )


def _status_error(response: aiohttp.ClientResponse) -> DownloadError:
    status = response.status
    host = response.url.host or str(response.url)
    label = f"HTTP {status} {response.reason or _STATUS_WORDS.get(status, '')}".rstrip()
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    wait = f" It asked us to wait {retry_after:g} seconds." if retry_after is not None else ""
    if status == 429:
        return TransientDownloadError(
            f"{host} says we are asking too often ({label}).{wait}", retry_after=retry_after
        )
    if status == 408 or status >= 500:
        return TransientDownloadError(
            f"{host} had a problem ({label}); it may work again later.{wait}",
            retry_after=retry_after,
        )
    if status == 404:
        return PermanentDownloadError(
            f"The video is not on {host} ({label}); the link may be outdated."
        )
    if status == 410:
        return PermanentDownloadError(f"The video was removed from {host} ({label}).")
    if status in (401, 403):
        return PermanentDownloadError(
            f"{host} refused access to the video ({label}); the link may have expired."
        )
    if 300 <= status < 400:
        return PermanentDownloadError(
            f"{host} answered with a redirect that leads nowhere ({label})."
        )
    return PermanentDownloadError(f"{host} rejected the download ({label}).")


def _parse_content_range(value: str | None) -> _ContentRange | None:
    if value is None:
        return None
    match = _CONTENT_RANGE.match(value)
    if match is None:
        return None
    start, end = int(match.group(1)), int(match.group(2))
    total = None if match.group(3) == "*" else int(match.group(3))
    if end < start or (total is not None and end >= total):
        return None
    return _ContentRange(start, end, total)


def _reject_web_page(response: aiohttp.ClientResponse) -> None:
    if response.content_type.lower() in _HTML_TYPES:
        raise _web_page_error()


def _reject_html_bytes(head: bytes) -> None:
    if head.lstrip()[:16].lower().startswith(_HTML_STARTS):
        raise _web_page_error()


def _web_page_error() -> PermanentDownloadError:
    return PermanentDownloadError(
        "The server sent a web page instead of the video; the link probably points to a "
        "player page or an error page, not to the file."
    )


def _reject_compression(response: aiohttp.ClientResponse) -> None:
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    if encoding in _COMPRESSIONS:
        raise PermanentDownloadError(
            f"The server compressed the video ({encoding}) although we asked for it as is; "
            "the file would be unusable."
        )


def _require_http(url: str) -> None:
    try:
        parsed = yarl.URL(url)
    except (TypeError, ValueError) as exc:
        raise PermanentDownloadError(f"{url!r} is not a valid web address.") from exc
    if parsed.scheme.lower() not in ("http", "https"):
        shown = parsed.scheme or "none"
        raise PermanentDownloadError(
            f"Only http and https links can be downloaded; this one uses {shown!r}: {url}"
        )
    if not parsed.host:
        raise PermanentDownloadError(f"{url!r} has no server name in it.")


def _prepare_part(part: Path, expected_size: int | None, discard: bool = False) -> int:
    """Create the folder and return how many bytes of the part file can be reused.

    With ``discard`` an existing part file is deleted, and -1 says that it was.
    """
    folder = part.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        try:
            size = part.stat().st_size
        except FileNotFoundError:
            return 0
        if discard:
            part.unlink()
            return -1
        if expected_size is not None and size > expected_size:
            # Longer than the whole file: it cannot be the start of it.
            part.unlink()
            return 0
        return size
    except OSError as exc:
        raise _write_error(exc, folder) from exc


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _write_error(exc: OSError, folder: Path) -> DownloadError:
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return DiskFullError(f"The disk is full: no free space left in {folder}.")
    reasons = {
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EROFS: "it is on a read-only file system",
        errno.ENOENT: "it does not exist (is the drive or network share connected?)",
        errno.ENOTDIR: "part of its path is not a folder",
        errno.EIO: "the drive reported an input/output error",
    }
    reason = reasons.get(code if code is not None else -1, exc.strerror or str(exc))
    return LibraryWriteError(
        f"Cannot write to the library folder {folder}: {reason}.", folder=folder
    )


def _human(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    value = size / 1024
    for unit in ("KiB", "MiB", "GiB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"
