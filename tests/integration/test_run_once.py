"""``run-once`` end to end: a real subprocess, a real SQLite profile, a real server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import sys

from tests.fault_server import FaultServer
from tests.integration.cli import cli_env, cli_json


async def run_cli(profile, *args, **env):
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "aniworld_desktop",
        "--profile",
        str(profile),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=cli_env(**{"ANIWORLD_RETRY_BASE_DELAY": "0.05", **env}),
    )
    async with asyncio.timeout(60):
        out, err = await proc.communicate()
    return proc.returncode, out.decode(), err.decode()


async def test_run_once_downloads_byte_exact_and_reports_failures(profile, tmp_path):
    library = profile / "library"
    async with FaultServer(tmp_path / "srv") as server:
        good = server.add_payload("Harbor.Lights.S01E01.mkv", 300_000, seed=1)
        flaky = server.add_payload("Harbor.Lights.S01E02.mkv", 200_000, seed=2)
        urls = [
            server.url("Harbor.Lights.S01E01.mkv"),
            server.url("Harbor.Lights.S01E02.mkv", fault="status", code=500, times=2),
            server.url("Harbor.Lights.S01E03.mkv", fault="status", code=404),
        ]
        for url in urls:
            code, _, err = await run_cli(profile, "add", url)
            assert code == 0, err

        code, out, err = await run_cli(profile, "run-once", "--json")
        assert code == 1, err  # one item failed
        assert "Traceback" not in err
        items = {i["episode"]: i for i in cli_json(out, "queue")}
        assert items[1]["status"] == items[2]["status"] == "completed"
        assert items[3]["status"] == "failed"
        assert "404" in items[3]["error"]
        season = library / "Harbor Lights" / "Season 01"
        assert (season / "Harbor Lights - S01E01.mkv").read_bytes() == good
        assert (season / "Harbor Lights - S01E02.mkv").read_bytes() == flaky
        # The 404 left nothing: no video, no part file (NFO files describe the two that came).
        assert sorted(p.name for p in season.iterdir() if p.suffix != ".nfo") == [
            "Harbor Lights - S01E01.mkv",
            "Harbor Lights - S01E02.mkv",
        ]
        assert len(server.requests_for("Harbor.Lights.S01E02.mkv")) == 3  # 500, 500, 200

        # Nothing left to do: a second run succeeds at once and downloads nothing.
        before = len(server.requests)
        code, out, _ = await run_cli(profile, "run-once")
        assert code == 0  # nothing failed in this run
        assert len(server.requests) == before


async def test_run_once_exit_zero_when_all_succeed(profile, tmp_path):
    async with FaultServer(tmp_path / "srv") as server:
        data = server.add_payload("clip.mp4", 50_000)
        code, _, err = await run_cli(profile, "add", server.url("clip.mp4"))
        assert code == 0, err
        code, out, err = await run_cli(profile, "run-once")
        assert code == 0, err
        assert "1 completed, 0 failed." in out
        assert (
            profile / "library/Direct downloads/Season 01/Direct downloads - S01E01 - clip.mp4"
        ).read_bytes() == data
