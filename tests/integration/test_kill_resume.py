"""SIGKILL in the middle of a download, then a restart: the queue survives, the file resumes."""

from __future__ import annotations

import signal

from tests.fault_server import FaultServer
from tests.integration.cli import cli_json, kill_run_once_mid_download
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

        returncode = await kill_run_once_mid_download(profile, part)
        assert returncode == -signal.SIGKILL
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
