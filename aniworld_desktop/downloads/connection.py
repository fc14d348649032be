"""A download's connection: when the engine stops taking bytes off it, and in what pieces.

Both serve the crash bound of ``downloads/engine.py``: what the process has read but not yet
written is what a crash loses, so the engine stops reading while it waits for anything but the
network, and sizes the socket's pieces to a quarter of a read.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import aiohttp

__all__ = ["reading_paused", "receive_in_pieces"]

# asyncio's socket transport receives at most this much per system call.
_TRANSPORT_PIECE = 256 << 10


@contextlib.contextmanager
def reading_paused(response: aiohttp.ClientResponse) -> Iterator[None]:
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


def receive_in_pieces(response: aiohttp.ClientResponse, piece: int) -> None:
    """Let ``response``'s connection take up to ``piece`` bytes off the socket per system call.

    Only ever more than asyncio's own 256 KiB, and only on a plain socket transport (a TLS
    connection reads through its own buffer). The connection may go back to the pool with it:
    a larger receive costs no one anything.
    """
    connection = response.connection
    transport = connection.transport if connection is not None else None
    if piece > _TRANSPORT_PIECE and isinstance(getattr(transport, "max_size", None), int):
        # asyncio's _SelectorSocketTransport reads self.max_size bytes a call (CPython 3.11-3.13).
        setattr(transport, "max_size", piece)  # noqa: B010 - not in the Transport type
