"""Writing files so that a crash or a reader never sees half of one.

Every file we put in the library or the profile (NFO files, images, the scan cache, settings) is
written to a hidden temporary file in the same folder, flushed to disk, renamed over the target,
and the folder itself is synced, so the rename survives a power loss.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path


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
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        if keep_mode:
            with contextlib.suppress(OSError):
                os.chmod(temp, stat.S_IMODE(path.stat().st_mode))
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    fsync_folder(path.parent)


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
