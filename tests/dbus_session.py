"""A private D-Bus session bus for a test, with a fake notification server on it if wanted.

The bus is a ``dbus-daemon`` of its own, from a minimal configuration (no service activation,
so nothing of the machine's can start on it), listening on a socket in a fresh temporary
folder; it never touches the user's session bus. ``make test`` installs dbus-daemon when it is
missing; without it the tests that need it are skipped with the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parents[1]
CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={folder}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


@dataclass
class NotificationServer:
    """The fake server's record of ``Notify`` calls."""

    record: Path

    def calls(self) -> list[dict[str, Any]]:
        if not self.record.exists():
            return []
        lines = self.record.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line]


@contextmanager
def session_bus() -> Iterator[str]:
    """A private session bus for the block: its address (``unix:path=...``)."""
    if shutil.which("dbus-daemon") is None:
        pytest.skip("dbus-daemon is not installed (make test installs it)")
    folder = Path(tempfile.mkdtemp(prefix="dbus-"))  # short: a socket path has 108 bytes
    config = folder / "bus.conf"
    config.write_text(CONFIG.format(folder=folder), encoding="utf-8")
    daemon = subprocess.Popen(
        ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # "Failed to set fd limit": as any user's bus says
        text=True,
    )
    try:
        assert daemon.stdout is not None
        address = daemon.stdout.readline().strip()
        if not address:
            pytest.fail(f"dbus-daemon did not start (exit code {daemon.poll()})")
        yield address
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)
        if daemon.stdout is not None:
            daemon.stdout.close()
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def notification_server(
    address: str, record: Path, *, click: bool = False
) -> Iterator[NotificationServer]:
    """The fake notification server on the bus at ``address``, recording into ``record``."""
    env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": address}
    command = [sys.executable, "-m", "tests.fake_notification_daemon", str(record)]
    server = subprocess.Popen(
        [*command, *(["--click"] if click else [])],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        deadline = time.monotonic() + 30
        line = server.stdout.readline().strip()
        if line != "ready" or time.monotonic() > deadline:
            pytest.fail(f"the fake notification server did not start: {line!r}")
        yield NotificationServer(record)
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stdout is not None:
            server.stdout.close()
