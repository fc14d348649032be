"""One window per profile: a second launch hands its arguments to the first and exits.

The first instance listens on a QLocalServer named after the profile; a later launch connects,
sends one JSON line (``{"args": [...], "cwd": "..."}``), waits for ``ok`` and exits. Two profiles
(or two users) get different names, so they run side by side.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import time
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

from aniworld_desktop.config import ProfilePaths

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 64 * 1024
"""Longest accepted line, newline included; a command line never comes near it."""

REPLY_OK = b"ok\n"
_PROBE_MS = 500
# A client that connects and then says nothing must not hold a socket for the whole session.
_IDLE_CLIENT_MS = 5000


def instance_key(paths: ProfilePaths) -> str:
    """The local-socket name for ``paths``: one per profile data folder and user.

    Hashed because the name becomes a socket file in the temp folder (Unix) or a pipe name
    (Windows), where a raw path would be too long or contain forbidden characters.
    """
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers; the uid still separates users
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    identity = f"{paths.data_dir.expanduser().resolve()}\0{user}"
    return "aniworld-desktop-" + hashlib.sha256(identity.encode("utf-8")).hexdigest()[:24]


class SingleInstance(QObject):
    """The first instance's end of the local socket.

    Attributes:
        key: The server name, from :func:`instance_key`.

    Signals:
        messageReceived(dict): A later launch handed over a valid message.
    """

    messageReceived = Signal(dict)

    def __init__(self, key: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self._server: QLocalServer | None = None
        self._buffers: dict[QLocalSocket, bytearray] = {}

    def claim(self) -> bool:
        """Listen on the key; return False when another live instance already does.

        A socket file left by a crashed instance is removed and the name taken over.
        """
        if self._server is not None and self._server.isListening():
            return True
        # Probe first: on Windows a second server may listen on the same pipe name, so only a
        # connection tells whether someone is really there.
        if self._is_alive():
            return False
        server = QLocalServer(self)
        # Only our user may connect: the handed-over arguments can name files and URLs.
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        # With UserAccessOption Qt on Unix binds in a private folder and renames the socket over
        # any old file, so a stale file rarely gets this far; without it listen() would refuse.
        if not server.listen(self.key):
            if server.serverError() != QAbstractSocket.SocketError.AddressInUseError:
                log.warning(
                    "single instance: cannot listen on %s: %s", self.key, server.errorString()
                )
                server.deleteLater()
                return True  # better two windows than none
            if self._is_alive():  # a twin started between our probe and listen
                server.deleteLater()
                return False
            log.info("single instance: removing stale socket %s", self.key)
            QLocalServer.removeServer(self.key)
            if not server.listen(self.key):
                log.warning(
                    "single instance: cannot listen on %s: %s", self.key, server.errorString()
                )
                server.deleteLater()
                return True
        server.newConnection.connect(self._accept)
        self._server = server
        log.debug("single instance: listening on %s", server.fullServerName())
        return True

    def close(self) -> None:
        """Stop listening and drop any half-read connections."""
        for socket in list(self._buffers):
            self._drop(socket)
        if self._server is not None:
            self._server.close()
            self._server.deleteLater()
            self._server = None

    @staticmethod
    def hand_over(key: str, message: dict[str, Any], timeout_ms: int = 2000) -> bool:
        """Send ``message`` to the instance listening on ``key``; True once it replied ``ok``.

        Blocking, for use before any event loop runs (never inside a coroutine).

        Raises:
            ValueError: ``message`` is larger than the first instance accepts.
        """
        line = json.dumps(message, ensure_ascii=False).encode("utf-8") + b"\n"
        if len(line) > MAX_MESSAGE_BYTES:
            raise ValueError(f"message of {len(line)} bytes exceeds {MAX_MESSAGE_BYTES}")
        deadline = time.monotonic() + timeout_ms / 1000

        def remaining_ms() -> int:
            return max(0, int((deadline - time.monotonic()) * 1000))

        socket = QLocalSocket()
        try:
            socket.connectToServer(key)
            if not socket.waitForConnected(remaining_ms()):
                log.debug("single instance: no server on %s: %s", key, socket.errorString())
                return False
            socket.write(line)
            if not socket.waitForBytesWritten(remaining_ms()):
                return False
            reply = bytearray()
            while b"\n" not in reply:
                if socket.bytesAvailable() == 0 and not socket.waitForReadyRead(remaining_ms()):
                    break
                reply += socket.readAll().data()
            return reply.split(b"\n", 1)[0] == REPLY_OK.rstrip()
        finally:
            socket.abort()

    def _is_alive(self) -> bool:
        probe = QLocalSocket()
        probe.connectToServer(self.key)
        alive = probe.waitForConnected(_PROBE_MS)
        probe.abort()
        return alive

    def _accept(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            self._buffers[socket] = bytearray()
            socket.readyRead.connect(partial(self._read, socket))
            socket.disconnected.connect(partial(self._forget, socket))
            idle = QTimer(socket)  # dies with the socket, so it never fires on a deleted one
            idle.setSingleShot(True)
            idle.timeout.connect(partial(self._drop, socket))
            idle.start(_IDLE_CLIENT_MS)

    def _read(self, socket: QLocalSocket) -> None:
        buffer = self._buffers.get(socket)
        if buffer is None:
            return
        buffer += socket.readAll().data()
        while (end := buffer.find(b"\n")) >= 0:
            line = bytes(buffer[:end])
            del buffer[: end + 1]
            if len(line) + 1 > MAX_MESSAGE_BYTES:
                log.warning("single instance: ignored a %d-byte message", len(line))
                self._drop(socket)
                return
            message = self._decode(line)
            if message is None:
                socket.disconnectFromServer()
                return
            socket.write(REPLY_OK)
            socket.flush()
            self.messageReceived.emit(message)
            if socket not in self._buffers:  # a slot closed us
                return
        if len(buffer) >= MAX_MESSAGE_BYTES:
            log.warning("single instance: ignored a message over %d bytes", MAX_MESSAGE_BYTES)
            self._drop(socket)

    @staticmethod
    def _decode(line: bytes) -> dict[str, Any] | None:
        try:
            message = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            log.warning("single instance: ignored a message that is not JSON: %s", exc)
            return None
        if not isinstance(message, dict):
            log.warning("single instance: ignored a message that is not an object")
            return None
        return message

    def _drop(self, socket: QLocalSocket) -> None:
        self._forget(socket)
        socket.abort()

    def _forget(self, socket: QLocalSocket) -> None:
        if self._buffers.pop(socket, None) is not None:
            socket.deleteLater()
