"""The messages between the window and its download process (``downloads/process.py``).

Each message is a tuple, pickled, behind its length (4 bytes, big-endian), on a socket pair
only the two processes hold. Errors travel as their kind and fields, not pickled, so each side
rebuilds the same :mod:`~aniworld_desktop.downloads.errors` type whatever its constructor takes.
"""

from __future__ import annotations

import asyncio
import pickle
import struct
from pathlib import Path
from typing import Any

from aniworld_desktop.downloads.errors import (
    DiskFullError,
    DownloadError,
    LibraryWriteError,
    PermanentDownloadError,
    TransientDownloadError,
)

__all__ = ["decode_error", "encode_error", "frame", "read_message"]

_LENGTH = struct.Struct(">I")
MAX_MESSAGE = 64 << 20  # far above any real message: a longer one means the stream is broken


def frame(message: tuple[Any, ...]) -> bytes:
    """``message`` ready to write."""
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(body)) + body


async def read_message(reader: asyncio.StreamReader) -> tuple[Any, ...] | None:
    """The next message, or None once the other side has closed its end."""
    try:
        head = await reader.readexactly(_LENGTH.size)
        (length,) = _LENGTH.unpack(head)
        if length > MAX_MESSAGE:
            raise ConnectionError(f"a message of {length} bytes: the stream is broken")
        message = pickle.loads(await reader.readexactly(length))
    except asyncio.IncompleteReadError:
        return None
    if not isinstance(message, tuple) or not message:
        raise ConnectionError("a message that is not one")
    return message


_KINDS: dict[str, type[DownloadError]] = {
    "transient": TransientDownloadError,
    "permanent": PermanentDownloadError,
    "disk-full": DiskFullError,
    "library-write": LibraryWriteError,
}


def encode_error(error: BaseException) -> tuple[Any, ...]:
    """``error`` as fields: (kind, message, retryable, retry_after, folder)."""
    if isinstance(error, DownloadError):
        # The most specific kind it is (the subclasses come after their bases in _KINDS).
        kind = next(
            (name for name, cls in reversed(_KINDS.items()) if isinstance(error, cls)), "download"
        )
        folder = getattr(error, "folder", None)
        return (kind, error.message, error.retryable, error.retry_after, folder)
    return ("other", f"{type(error).__name__}: {error}", False, None, None)


def decode_error(fields: tuple[Any, ...]) -> BaseException:
    """The error :func:`encode_error` described."""
    kind, message, retryable, retry_after, folder = fields
    if kind == "transient":
        return TransientDownloadError(message, retry_after=retry_after)
    if kind == "library-write":
        return LibraryWriteError(message, folder=Path(folder) if folder is not None else None)
    if kind == "disk-full":
        return DiskFullError(message)
    if kind == "permanent":
        return PermanentDownloadError(message)
    if kind == "download":
        return DownloadError(message, retryable=retryable, retry_after=retry_after)
    return RuntimeError(f"the download process failed: {message}")
