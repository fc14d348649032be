"""Writing files so that a crash or a reader never sees half of one.

Every file we put in the library or the profile (NFO files, images, the scan cache, settings) is
written to a hidden temporary file in the same folder, flushed to disk, renamed over the target,
and the folder itself is synced, so the rename survives a power loss.

A file that cannot be written raises :class:`UnwritableError`, an ``OSError`` whose text is a
sentence naming the folder and the reason (a read-only drive, a full disk, a missing share),
and a file we cannot use (a corrupt database or settings file) is renamed aside by
:func:`set_aside`, never deleted.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from datetime import datetime
from pathlib import Path

from aniworld_desktop.core.errors import AniworldError

_REASONS = {
    errno.EROFS: "the drive is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOSPC: "the disk is full",
    errno.ENOENT: "the folder does not exist (is the drive or network share connected?)",
    errno.ENOTDIR: "part of its path is not a folder",
    errno.EIO: "the drive reported an input/output error",
}
if hasattr(errno, "EDQUOT"):
    _REASONS[errno.EDQUOT] = "the disk quota is used up"


def write_failure_reason(exc: OSError) -> str:
    """Why a write failed, in a few plain words ("the drive is read-only")."""
    reason = _REASONS.get(exc.errno if exc.errno is not None else -1)
    return reason or (exc.strerror or str(exc) or type(exc).__name__).lower()


class UnwritableError(AniworldError, OSError):
    """A file could not be written; ``str()`` is a sentence naming the folder and the reason.

    Still an ``OSError`` (with the original ``errno``), so callers that handle those keep
    working; the ones that show errors to a person get a sentence instead of ``[Errno 30]``.

    Attributes:
        folder: The folder the file was to be written in.
    """

    def __init__(self, path: Path, exc: OSError) -> None:
        OSError.__init__(self, exc.errno, exc.strerror, str(path))
        self.folder = path.parent
        self.sentence = f"Cannot write {path.name} in {path.parent}: {write_failure_reason(exc)}."

    def __str__(self) -> str:
        return self.sentence


def write_atomic(path: Path, data: bytes, *, keep_mode: bool = False, mode: int = 0o666) -> None:
    """Replace ``path`` with ``data``: readers see the old content or the new, never a part.

    Args:
        path: The file to write; its folder must exist.
        data: The new content.
        keep_mode: Give the new file the permissions of the one it replaces (as an editor
            saving it would).
        mode: Permissions of a new file, minus the umask (0o666: a media server running as
            another user must read it; 0o600 for a file holding a secret).
    """
    # Hidden and ending in ".tmp", so a media server scanning meanwhile ignores it.
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
    except OSError as exc:
        raise UnwritableError(path, exc) from exc
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        if keep_mode:
            with contextlib.suppress(OSError):
                os.chmod(temp, stat.S_IMODE(path.stat().st_mode))
        os.replace(temp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(exc, OSError) and not isinstance(exc, UnwritableError):
            raise UnwritableError(path, exc) from exc
        raise
    fsync_folder(path.parent)


def set_aside(path: Path, label: str = "corrupt", *, companions: tuple[str, ...] = ()) -> Path:
    """Rename ``path`` to ``<name>.<label>-<local time>`` in its folder; returns the new path.

    Used for a file we cannot use and must not lose (a corrupt database or settings file): it
    keeps its bytes and its permissions, and a name that says what happened and when. A second
    one in the same second gets ``-2``, ``-3``... Nothing is ever overwritten.

    Args:
        path: The file to move aside.
        label: The word after the file's name.
        companions: Suffixes of files that belong to it (``-wal``, ``-shm`` of a database),
            moved along under the same new name when they exist.

    Raises:
        OSError: The file could not be renamed (its folder is read-only, say).
    """
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = f"{path.name}.{label}-{stamp}"
    number = 1
    while True:
        name = base if number == 1 else f"{base}-{number}"
        target = path.with_name(name)
        if not any(path.with_name(name + s).exists() for s in ("", *companions)):
            break
        number += 1
    # os.link fails rather than replace a file that appeared meanwhile; then drop the old name.
    try:
        os.link(path, target)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EMLINK):
            raise
        os.rename(path, target)  # no hard links here (FAT, some shares): the plain rename
    else:
        path.unlink()
    for suffix in companions:
        with contextlib.suppress(FileNotFoundError):
            os.rename(path.with_name(path.name + suffix), target.with_name(name + suffix))
    fsync_folder(path.parent)
    return target


def fsync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable; some file systems (SMB, Windows) cannot, which is fine."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
