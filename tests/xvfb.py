"""A private X server (Xvfb) for the tests where the platform matters.

Offscreen, Qt has one key scheme and no system tray; under a real X server (the ``xcb``
platform) the platform theme decides the key scheme (``QT_QPA_PLATFORMTHEME=gnome``, ``kde``)
and whether a tray exists, as on a user's desktop. ``make test`` installs Xvfb and Qt's xcb
libraries when they are missing; without them these tests are skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

XCB_LIBRARIES = (
    "libxcb-cursor.so.0",
    "libxcb-icccm.so.4",
    "libxcb-keysyms.so.1",
    "libxkbcommon-x11.so.0",
)


def missing() -> str:
    """Why no X server can be started here ("" when one can)."""
    if shutil.which("Xvfb") is None:
        return "Xvfb is not installed (make test installs it)"
    for folder in (
        "/usr/lib/x86_64-linux-gnu",
        "/usr/lib/aarch64-linux-gnu",
        "/usr/lib64",
        "/usr/lib",
    ):
        if os.path.isdir(folder):
            lacking = [
                lib for lib in XCB_LIBRARIES if not os.path.exists(os.path.join(folder, lib))
            ]
            if not lacking:
                return ""
    return "Qt's xcb libraries are not installed (make test installs them)"


@contextmanager
def xvfb_display() -> Iterator[str]:
    """A fresh Xvfb for the block: its ``DISPLAY`` value (":N"), chosen by the server."""
    reason = missing()
    if reason:
        pytest.skip(reason)
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read, "rb") as pipe:
            number = pipe.readline().strip().decode()
        if not number:
            pytest.fail(f"Xvfb did not start (exit code {server.poll()})")
        yield f":{number}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
