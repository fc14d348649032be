"""The window on its own: started minimized with a monitored feed series, it downloads the
missing episodes by itself on its timer, and the cooldown keeps it from asking again and again."""

from __future__ import annotations

import asyncio
import signal
import sys
import time

from aniworld_desktop.config import ProfilePaths
from tests.fault_server import FaultServer
from tests.integration.cli import cli_env
from tests.integration.test_auto_download import serve_series
from tests.integration.test_run_once import run_cli

INTERVAL_S = 3
COOLDOWN_S = 60
WATCH_S = 20


async def test_minimized_window_downloads_by_itself_and_respects_the_cooldown(profile, tmp_path):
    library = tmp_path / "library"
    library.mkdir()
    (profile / "settings.json").write_text(
        f'{{"library_dir": "{library}", "min_free_disk": 0}}', encoding="utf-8"
    )
    async with FaultServer(tmp_path / "srv") as server:
        feed_url = serve_series(server, "Harbor Lights")
        code, _, err = await run_cli(
            profile, "add", "--monitor", "all", feed_url
        )  # all of it wanted
        assert code == 0, err
        feed_name = feed_url.rsplit("/", 1)[1]
        before = len(server.requests_for(feed_name))

        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "aniworld_desktop",
            "--profile",
            str(profile),
            "--minimized",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=cli_env(
                ANIWORLD_AUTO_DOWNLOAD="on",
                ANIWORLD_AUTO_DOWNLOAD_INTERVAL=str(INTERVAL_S),
                ANIWORLD_AUTO_DOWNLOAD_COOLDOWN=str(COOLDOWN_S),
                PYTHONUNBUFFERED="1",
            ),
        )
        started = time.monotonic()
        try:
            wanted = [
                library / "Harbor Lights" / "Season 01" / f"Harbor Lights - S01E0{n} - {t}.mp4"
                for n, t in ((1, "One"), (2, "Two"))
            ]
            while not all(path.exists() for path in wanted):
                assert process.returncode is None, await process.communicate()
                assert time.monotonic() - started < WATCH_S, sorted(library.rglob("*"))
                await asyncio.sleep(0.1)
            downloaded_after = time.monotonic() - started
            # Keep watching for the rest of the window: the 3 s timer keeps firing, and every
            # run inside the 60 s cooldown must be skipped without reading the feed.
            await asyncio.sleep(max(0.0, WATCH_S - downloaded_after))
            fetches = len(server.requests_for(feed_name)) - before
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            async with asyncio.timeout(15):
                _out, err_bytes = await process.communicate()
    assert process.returncode == 0, err_bytes.decode()
    assert 1 <= fetches <= 2, fetches
    assert downloaded_after < WATCH_S
    paths = ProfilePaths.for_profile(profile)
    log = (paths.log_dir / "aniworld.log").read_text(encoding="utf-8")
    assert "auto-download" in log.lower()
