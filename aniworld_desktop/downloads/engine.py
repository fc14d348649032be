"""Resumable, verified HTTP downloads of one file into the library.

A download writes to ``<destination>.part``, resumes it with a Range request, checks the
length, and only then moves it into place, so the library never holds a truncated video.

A crash (SIGKILL, a power cut of the process) loses what the process had read from the network
but not yet written: the resume fetches that again. It stays within one read (``read_size``):
bytes go to the file as they are read, a writer thread's backlog is capped at half a read, and
whenever a download waits for anything but the network (the disk, the speed limit) it stops
reading, so they wait in the kernel's socket buffer, not in ours (aiohttp would otherwise keep
up to two reads buffered). ``tests/reliability/test_crash_soak.py`` measures it.

A read is 4 MiB, and the connection takes up to a quarter of it off the socket at once
(asyncio's own pieces are 256 KiB): every piece costs a trip through aiohttp's parser, the
copying loop and the writer thread's queue, and four times fewer of them halved the user CPU
per GiB (issue 17). The quarter keeps a crash's loss within one read: half a read waiting for
the writer, one piece past that mark before the loop stops reading, one piece in aiohttp.

A part file is only continued while it is the start of the same file: the server's validators
(a strong ``ETag``, else ``Last-Modified``) and size when the part began come with the request,
are sent as ``If-Range``, and are compared with the answer; a file that changed on the server
(a 200, or a 206 of another version or size) is fetched again from its start, and the log says
so. Without validators a part is continued only when the size and ``Content-Range`` agree.

A transfer that crawls (less than ``min_speed`` bytes a second over ``min_speed_time`` seconds
of waiting for the network) is given up as transient, like a stall, so it cannot hold its slot
for ever.

The engine runs the requests and the copying loop; its parts live beside it: what an answer
says (validators, ``Content-Range``, status codes as sentences) in ``downloads/answer.py``, the
part file (sinks, the writer thread's backlog, fsync and rename) in ``downloads/part.py``, and
the watchdog that gives up on a stalled or crawling transfer in ``downloads/watchdog.py``, and
when and in what pieces the connection is read in ``downloads/connection.py``. Once the head of
a plain-HTTP body of known length has been checked, the rest is spliced from the socket into
the part file without passing through Python (``downloads/splice.py``; Linux): per GiB about
half the CPU time (issue 17). Its pieces are at most a pipe (1 MiB), written at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import aiohttp
import yarl

from aniworld_desktop.downloads.answer import (
    MAX_REDIRECTS,
    SNIFF_BYTES,
    UNSATISFIED_RANGE,
    RestartFromZero,
    Validators,
    changed_message,
    parse_content_range,
    reject_compression,
    reject_html_bytes,
    reject_web_page,
    require_http,
    slow_message,
    stall_message,
    status_error,
    validators_of,
)
from aniworld_desktop.downloads.connection import reading_paused, receive_in_pieces
from aniworld_desktop.downloads.errors import (
    DownloadError,
    PermanentDownloadError,
    TransientDownloadError,
)
from aniworld_desktop.downloads.part import (
    PART_SUFFIX,
    Sink,
    check_free_space,
    finalize,
    open_sink,
    prepare_part,
    remove_file,
)
from aniworld_desktop.downloads.splice import PIPE_SIZE, SpliceBody, splice_body
from aniworld_desktop.downloads.throttle import SpeedLimiter
from aniworld_desktop.downloads.watchdog import StallWatchdog
from aniworld_desktop.net.errors import TRUST_ERRORS, explain, sentence, why
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

READ_SIZE = 4 << 20
"""Bytes of one read from the network by default (see the module: what a crash may lose)."""
# The smallest read under a speed limit: below it the loop's own cost per read would show.
_LIMITED_READ = 16 << 10

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
class _Outcome:
    done: int  # bytes in the part file now
    start: int  # bytes of it that were reused rather than received
    complete: bool  # False: the server sent one piece of the file and there is more to ask for
    synced: bool  # the bytes were fsynced already
    validators: Validators | None = None  # the part's, as they stand after this answer


class DownloadEngine(OwnedSession):
    """Downloads single files over HTTP, resuming, verifying and throttling them.

    Use it as ``async with DownloadEngine() as engine`` to let it own a session, or pass a
    session it will use but never close.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession | None = None,
        *,
        read_size: int = READ_SIZE,
        stall_timeout: float = 30.0,
        min_speed: int = 0,
        min_speed_time: float = 60.0,
        connect_timeout: float = 30.0,
        min_free_disk: int = 0,
        limiter: SpeedLimiter | None = None,
        progress_interval: float = 0.25,
        write_in_thread: bool = False,
        trusted: TrustedHosts = NO_TRUSTED_HOSTS,
        splice: bool = True,
    ) -> None:
        """Configure the engine.

        Args:
            session: A session to borrow; without one the engine makes its own.
            read_size: Largest read from the network, in bytes; also what a crash may cost
                (see the module); the socket is read in pieces of a quarter of it.
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
            splice: Move plain-HTTP bodies of known length from the socket into the file
                with ``splice(2)`` where the system can (``downloads/splice.py``).
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
        self.splice = splice

    @staticmethod
    def part_path(destination: Path) -> Path:
        """Return where the unfinished download of ``destination`` lives."""
        return destination.with_name(destination.name + PART_SUFFIX)

    def set_speed_limit(self, bytes_per_second: int) -> None:
        """Limit every download, running ones included, to ``bytes_per_second`` together (0:
        no limit). Call it on the engine's loop; running downloads take it at their next piece.
        """
        if self.limiter is None:
            self.limiter = SpeedLimiter(bytes_per_second)  # for the downloads started from now
        else:
            self.limiter.bytes_per_second = bytes_per_second

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
        require_http(request.url)
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
        offset = await asyncio.to_thread(prepare_part, part, known_size, request.discard_part)
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
            except RestartFromZero as restart:
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
                await asyncio.to_thread(remove_file, part)
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
        await asyncio.to_thread(finalize, part, destination, not outcome.synced)
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
            StallWatchdog(stall_timeout, min_speed, self.min_speed_time)
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
                max_redirects=MAX_REDIRECTS,
            ) as response:
                receive_in_pieces(response, self._read_size // 4)
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
                        slow_message(host, min_speed, self.min_speed_time)
                    ) from None
                raise TransientDownloadError(stall_message(host, stall_timeout)) from None
            raise
        except (DownloadError, RestartFromZero):
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
                f"The link sent us through more than {MAX_REDIRECTS} redirects without "
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
        watchdog: StallWatchdog | None,
    ) -> _Outcome:
        status = response.status
        if status == 416:
            return _unsatisfiable(response, request, part, offset, validators)
        if status >= 300 or status < 200:
            raise status_error(response)
        announced_end: int | None = None
        if status == 206:
            content_range = parse_content_range(response.headers.get("Content-Range"))
            if content_range is None or content_range.start != offset:
                raise RestartFromZero("")
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
        reject_web_page(response)
        reject_compression(response)
        length = response.content_length
        if total is None and length is not None:
            total = start + length
        answer = validators_of(response, total)
        name = request.destination.name
        if start and validators is not None:
            changed = validators.differences(answer)
            if changed:
                # A server that ignores If-Range (or has no validators) sent the rest of
                # another version: continuing would splice two files into one.
                raise RestartFromZero(changed_message(changed))
        elif offset:
            changed = validators.differences(answer) if validators is not None else []
            if changed:
                log.warning("%s: %s", name, changed_message(changed))
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
        check_free_space(part.parent, None if total is None else total - start, self.min_free_disk)
        if not start and on_new_part is not None:
            # What the part is built from is stored before its first byte, so a part on disk
            # always has its validators beside it, whenever the process dies. Nothing is read
            # meanwhile: what a crash can lose stays within one read.
            with reading_paused(response):
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
        watchdog: StallWatchdog | None,
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
        sink: Sink | None = None
        # A fresh body is held back until we have seen enough of it to rule out a web page,
        # so an error page never truncates or creates a part file.
        head: bytes | None = b"" if start == 0 else None
        done = start
        limit = total if total is not None else -1
        # Once the head is checked, a plain-HTTP body of known length is spliced from the
        # socket into the file (downloads/splice.py); ``spliced`` is then its source.
        spliced: SpliceBody | None = None
        may_splice = self.splice
        splicing = False
        pause = reading_paused
        try:
            while True:
                # The loop runs once per piece, a thousand times per GiB or more: each step
                # here is paid that often (measured in per-thread CPU).
                ask = read_size
                if limiter is not None and limiter.bytes_per_second:
                    # Under a speed limit, at most a quarter second's worth at a time, so the
                    # progress stays smooth (a 1 MiB piece at 100 KiB/s would be 10 s).
                    ask = min(read_size, max(_LIMITED_READ, limiter.bytes_per_second // 4))
                chunk = b""
                if sink is not None and may_splice:
                    # The head is checked and the file open: the rest may bypass aiohttp.
                    may_splice = False
                    taken = splice_body(response, done - start)
                    if taken is not None:
                        spliced, chunk = taken  # first what aiohttp had already received
                        pause = _not_reading  # nothing reads the socket while we wait
                if spliced is not None:
                    assert sink is not None
                    if chunk:
                        size = len(chunk)
                        now = -1.0
                        if limit >= 0 and done + size > limit:
                            await sink.abandon()
                            sink = None
                            remove_file(part)
                            _too_long(limit)
                        full = sink.put(chunk)
                    else:
                        if not splicing:
                            splicing = True
                            await sink.start_splicing()  # after what went through put()
                        ask = min(ask, PIPE_SIZE)  # the sink empties the pipe each time
                        if watchdog is not None:
                            since = watchdog.waiting_since = clock()
                            size = await spliced.receive(ask)
                            now = clock()
                            watchdog.waiting_since = None
                            watchdog.waited += now - since
                            watchdog.received += size
                        else:
                            size = await spliced.receive(ask)
                            now = -1.0
                        if not size:
                            break
                        if limit >= 0 and done + size > limit:
                            await sink.abandon()
                            sink = None
                            remove_file(part)
                            _too_long(limit)
                        full = sink.put_spliced(spliced.pipe_read, size)
                    done += size
                else:
                    if watchdog is not None:
                        since = watchdog.waiting_since = clock()
                        chunk = await read(ask)
                        now = clock()
                        watchdog.waiting_since = None
                        watchdog.waited += now - since
                        watchdog.received += len(chunk)
                    else:
                        chunk = await read(ask)
                        now = -1.0
                    if head is not None:
                        if chunk:
                            head += chunk
                            if len(head) < SNIFF_BYTES:
                                continue
                        reject_html_bytes(head)
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
                        remove_file(part)
                        _too_long(limit)
                    if sink is None:
                        sink = open_sink(part, start, folder, self.write_in_thread, read_size)
                    full = sink.put(chunk)
                    done += size
                # Waiting for anything but the network, we stop reading from it: aiohttp would
                # fill its buffer meanwhile (up to twice the read size), and what the process
                # holds unwritten is what a crash costs. The kernel's buffer holds it instead.
                if full:
                    with pause(response):
                        await sink.room()
                if limiter is not None:
                    if limiter.bytes_per_second:
                        with pause(response):
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
                sink = open_sink(part, start, folder, self.write_in_thread, read_size)
            # Once finishing, the sink closes the file itself, even if we get cancelled.
            finishing, sink = sink, None
            await finishing.finish(sync=durable)
        finally:
            try:
                if sink is not None:
                    await sink.abandon()
            finally:
                if spliced is not None:
                    spliced.close()  # only now: the writer is done with the pipe
        return done


def _too_long(limit: int) -> NoReturn:
    raise PermanentDownloadError(
        f"The server sent more than the announced {limit} bytes; the file is not what was expected."
    )


@contextlib.contextmanager
def _not_reading(response: aiohttp.ClientResponse) -> Iterator[None]:
    yield


def _unsatisfiable(
    response: aiohttp.ClientResponse,
    request: DownloadRequest,
    part: Path,
    offset: int,
    validators: Validators | None,
) -> _Outcome:
    match = UNSATISFIED_RANGE.match(response.headers.get("Content-Range", ""))
    total = int(match.group(1)) if match else None
    if total is None:
        total = validators.size if validators is not None else request.expected_size
    if offset > 0 and total == offset:
        if validators is not None:
            answer = validators_of(response, total)
            # A 416 need not carry validators; those it carries must be the part's.
            seen = Validators(
                answer.etag or validators.etag,
                answer.last_modified or validators.last_modified,
                total,
            )
            changed = validators.differences(seen)
            if changed:
                raise RestartFromZero(changed_message(changed))
        # We already hold every byte, though maybe not durably: an earlier run was cut off.
        return _Outcome(offset, offset, complete=True, synced=False, validators=validators)
    remove_file(part)
    raise TransientDownloadError(
        "The server could not continue the partial download; "
        "the next try starts again from the beginning."
    )
