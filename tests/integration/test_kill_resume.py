"""SIGKILL in the middle of a download, then a restart: the queue survives, the file resumes."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from tests.fault_server import FaultServer
from tests.integration.cli import cli_env, cli_json
from tests.integration.test_run_once import run_cli

SIZE = 1_500_000
RATE = 500_000  # bytes per second: slow enough to kill mid-way, fast enough for a short test


async def test_sigkill_mid_download_then_resume_with_range(profile, tmp_path):
    destination = profile / "library/Harbor Lights/Season 01/Harbor Lights - S01E01.mkv"
    part = destination.with_name(destination.name + ".part")
    async with FaultServer(tmp_path / "srv") as server:
        data = server.add_payload("Harbor.Lights.S01E01.mkv", SIZE, seed=7)
        url = server.url("Harbor.Lights.S01E01.mkv", rate=RATE)
        code, _, err = await run_cli(profile, "add", url)
        assert code == 0, err

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
                while not (part.exists() and part.stat().st_size >= 200_000):  # noqa: ASYNC110
                    await asyncio.sleep(0.02)
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            await proc.wait()
        assert proc.returncode == -signal.SIGKILL
        assert not destination.exists()  # a killed download never lands in the library
        kept = part.stat().st_size
        assert 0 < kept < SIZE

        code, out, err = await run_cli(profile, "queue", "--json")
        (item,) = cli_json(out, "queue")
        assert item["status"] == "pending"  # "downloading" at the kill, put back at start

        code, out, err = await run_cli(profile, "run-once", "--json")
        assert code == 0, err
        (item,) = cli_json(out, "queue")
        assert item["status"] == "completed"
        assert destination.read_bytes() == data
        assert not part.exists()
        ranges = server.ranges_for("Harbor.Lights.S01E01.mkv")
        assert ranges[0] is None
        assert ranges[-1] == f"bytes={kept}-"
        resumed = server.requests_for("Harbor.Lights.S01E01.mkv")[-1]
        assert resumed.status == 206
