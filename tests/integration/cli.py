"""Run the real command line in a subprocess, as a user or a cron job would."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from aniworld_desktop.json_output import JSON_SCHEMA


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANIWORLD_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.update(extra)
    return env


def cli(
    profile: Path, *args: str, timeout: float = 60, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aniworld_desktop", "--profile", str(profile), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=cli_env(**env),
        check=False,
    )


def cli_json(out: str, key: str) -> Any:
    """The data under ``key`` of a ``--json`` output, once its schema version is checked."""
    document = json.loads(out)
    assert document["schema"] == JSON_SCHEMA, document
    return document[key]


def queue_json(profile: Path) -> list[dict[str, Any]]:
    proc = cli(profile, "queue", "--json")
    assert proc.returncode == 0, proc.stderr
    result: list[dict[str, Any]] = cli_json(proc.stdout, "queue")
    return result


async def kill_run_once_mid_download(profile: Path, part: Path, at_least: int = 200_000) -> int:
    """Start ``run-once`` on ``profile``, SIGKILL it once ``part`` holds ``at_least`` bytes, and
    return its exit status (``-SIGKILL``)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "aniworld_desktop",
        "--profile",
        str(profile),
        "run-once",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        env=cli_env(),
    )
    try:
        async with asyncio.timeout(30):
            # Polling a file the other process writes: there is no event to wait on.
            while not (part.exists() and part.stat().st_size >= at_least):  # noqa: ASYNC110, ASYNC240
                await asyncio.sleep(0.02)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        await proc.wait()
    assert proc.returncode is not None
    return proc.returncode
