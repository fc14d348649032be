"""One profile, one owner: an exclusive lock held by the window and by every writing command.

Two processes writing one profile (the window and an hourly cron ``run-once``, or two
overlapping ``run-once``) fetched every episode twice and failed rows whose files were
complete. So whoever writes holds this lock for as long as its services are open; a second
writer is refused with a sentence that names the holder, and a reader (``list``,
``queue --json``) needs no lock because it never writes.

The lock is the operating system's lock on ``profile.lock`` in the profile's data folder:
``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows. The system lets go of it when the
process ends, however it ends (SIGKILL, a crash), so a dead holder never stands in the way and
nothing guesses whether a recorded pid still lives. The file's first line says who holds it
(pid, command, since when, host), written after the lock is taken.

Not the ``filelock`` library: its POSIX lock opens the file with ``O_TRUNC`` on every attempt,
so a refused second process would wipe the holder's name it is about to show.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from aniworld_desktop.core.errors import AniworldError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from aniworld_desktop.config import ProfilePaths

log = logging.getLogger(__name__)

LOCK_FILE_NAME = "profile.lock"
# Windows refuses reads of locked bytes, so the lock sits on one byte far past the holder's
# line (locking beyond the end of a file is allowed there) and the line stays readable.
_WINDOWS_LOCK_OFFSET = 1 << 30
_MAX_HOLDER_LINE = 4096
# How long a writer retries before it is refused: longer than a reader's look at the lock.
ACQUIRE_GRACE = 1.0


@dataclass(frozen=True, slots=True)
class LockHolder:
    """Who holds a profile, as its lock file says.

    Attributes:
        pid: The holder's process id.
        command: ``window`` or the sub-command (``run-once``, ``add``...).
        since: When it took the lock (local time).
        host: The machine it runs on (a profile on a network share may be shared).
    """

    pid: int
    command: str
    since: datetime | None
    host: str

    def describe(self) -> str:
        """``run-once (pid 4242, since 2026-11-27 14:02:05)``, with the host when not this one."""
        what = "the window" if self.command == "window" else f"'{self.command}'"
        parts = [f"pid {self.pid}"]
        if self.host and self.host != socket.gethostname():
            parts.append(f"on {self.host}")
        if self.since is not None:
            parts.append(f"since {self.since:%Y-%m-%d %H:%M:%S}")
        return f"{what} ({', '.join(parts)})"

    def to_line(self) -> str:
        since = self.since.isoformat(timespec="seconds") if self.since else None
        payload = {"pid": self.pid, "command": self.command, "since": since, "host": self.host}
        return json.dumps(payload, ensure_ascii=False) + "\n"

    @classmethod
    def from_line(cls, line: str) -> LockHolder | None:
        """The holder a lock file's first line names; None when it names none (yet)."""
        try:
            data = json.loads(line)
            since = data.get("since")
            return cls(
                pid=int(data["pid"]),
                command=str(data.get("command") or "?"),
                since=datetime.fromisoformat(since) if since else None,
                host=str(data.get("host") or ""),
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            return None


class ProfileLockedError(AniworldError):
    """Another process holds the profile; this one did nothing.

    Attributes:
        holder: Who holds it, when its lock file says so.
        folder: The profile's data folder.
    """

    def __init__(self, folder: Path, holder: LockHolder | None) -> None:
        who = holder.describe() if holder is not None else "another process"
        super().__init__(
            f"Another run holds this profile ({folder}): {who}. Nothing was done. Try again "
            "when it has finished, or use another --profile."
        )
        self.folder = folder
        self.holder = holder


class ProfileLock:
    """The lock of one profile, taken by :meth:`acquire` and given back by :meth:`release`.

    Not shared between threads; one object per owner. A second object on the same file, even
    in the same process, is refused like another process would be.

    Attributes:
        path: The lock file.
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_FILE_NAME
        self._fd: int | None = None

    @classmethod
    def of(cls, paths: ProfilePaths) -> ProfileLock:
        return cls(paths.data_dir)

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    def try_acquire(self, command: str) -> bool:
        """Take the lock if nobody holds it, and write who we are; never waits.

        Returns:
            True when taken (or already held by this object), False when another holds it.

        Raises:
            OSError: The lock file cannot be created or opened (no permission, no folder).
        """
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # No O_TRUNC: the holder's line must survive our attempt.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if not _lock(fd):
                os.close(fd)
                return False
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        me = LockHolder(os.getpid(), command, datetime.now().replace(microsecond=0), _host())
        line = me.to_line().encode("utf-8")
        try:
            # Written first and cut after: a reader sees a whole first line at every moment.
            _write_at_start(fd, line)
            os.ftruncate(fd, len(line))
        except OSError as exc:  # a full disk: the lock still holds, only the name is missing
            log.warning("could not write who holds %s: %s", self.path, exc)
        log.debug("profile lock %s taken by %s", self.path, me.describe())
        return True

    def acquire(self, command: str, *, grace: float = ACQUIRE_GRACE) -> None:
        """Take the lock or say who holds it.

        Tries again for ``grace`` seconds: a reader's look (:meth:`held_elsewhere`) holds the
        file for an instant, and must not make a cron job fail.

        Raises:
            ProfileLockedError: Another process (or another lock object) holds it.
            OSError: The lock file cannot be created or opened.
        """
        deadline = time.monotonic() + grace
        while not self.try_acquire(command):
            if time.monotonic() >= deadline:
                raise ProfileLockedError(self.path.parent, self.holder())
            time.sleep(0.05)

    def held_elsewhere(self) -> bool:
        """Whether another process (or lock object) holds the profile now; takes nothing.

        For readers: a ``downloading`` row of a profile nobody holds was left by a crash.
        """
        if self._fd is not None:
            return False
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return False
        try:
            if not _lock(fd, shared=True):
                return True
            _unlock(fd)
            return False
        finally:
            os.close(fd)

    async def wait_acquire(self, command: str, *, poll: float = 1.0) -> None:
        """Take the lock as soon as its holder lets go (checked every ``poll`` seconds).

        Polled: the holder is another process, whose end no event of ours can announce. Each
        try runs on the loop (it never waits), so cancelling this can never leave a lock taken
        by a worker thread after the caller gave up.
        """
        while True:
            if self.try_acquire(command):
                return
            await asyncio.sleep(poll)

    def release(self) -> None:
        """Give the lock back (a no-op when not held)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)  # nobody holds it now; a stale name would mislead
        try:
            _unlock(fd)
        finally:
            os.close(fd)

    def holder(self) -> LockHolder | None:
        """Who the lock file names: the holder while it is held (None if it cannot be read)."""
        try:
            with self.path.open("r", encoding="utf-8", errors="replace") as file:
                line = file.readline(_MAX_HOLDER_LINE)
        except OSError:
            return None
        return LockHolder.from_line(line) if line.strip() else None

    def __enter__(self) -> ProfileLock:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


@contextlib.contextmanager
def hold_profile(paths: ProfilePaths, command: str) -> Iterator[ProfileLock]:
    """Hold ``paths``' lock for the ``with`` block.

    Raises:
        ProfileLockedError: Another process holds it.
    """
    lock = ProfileLock.of(paths)
    lock.acquire(command)
    try:
        yield lock
    finally:
        lock.release()


async def open_profile_database(
    paths: ProfilePaths, *, read_only: bool, notices: list[str] | None = None
) -> AsyncEngine:
    """The profile's database engine, for its owner or for a reader.

    The owner (who holds the lock) migrates and repairs as :func:`open_database` does. A
    reader gets an engine that cannot write (``PRAGMA query_only``); only when the database
    is not ready for this version (new, older schema, damaged) does it take the lock for as
    long as that start-up work lasts, and when someone else holds it, it says so.

    Raises:
        ProfileLockedError: A reader found the database needing work while another process
            holds the profile (typically while that process upgrades it).
    """
    from aniworld_desktop.storage.database import is_current, open_database

    path = paths.database
    if not read_only or await asyncio.to_thread(is_current, path):
        return await open_database(path, notices=notices, read_only=read_only)
    with hold_profile(paths, "upgrade"):
        return await open_database(path, notices=notices, read_only=True)


def held_elsewhere(paths: ProfilePaths) -> bool:
    """Whether another process holds ``paths``' profile now (see :meth:`ProfileLock.held_elsewhere`)."""
    return ProfileLock.of(paths).held_elsewhere()


def _host() -> str:
    try:
        return socket.gethostname()
    except OSError:
        return ""


def _write_at_start(fd: int, data: bytes) -> None:
    os.lseek(fd, 0, os.SEEK_SET)
    while data:
        data = data[os.write(fd, data) :]


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(fd: int, *, shared: bool = False) -> bool:
        # No shared locks here: a look takes the one byte for an instant, as a writer would.
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int, *, shared: bool = False) -> bool:
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
