"""An episode whose file is gone at the source (404) is not queued again by every run.

It stays failed, said so by ``episodes`` and ``list``, until the user retries it or the feed
gives the episode another URL. A failure the next run may get past (the server overloaded
until the retries ran out) is queued again as before.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from aniworld_desktop.config import ProfilePaths, load_settings
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.storage.catalog import CatalogRepository
from aniworld_desktop.storage.database import open_database
from tests.fault_server import FaultServer
from tests.integration.cli import cli_json
from tests.integration.test_run_once import run_cli

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel>
  <title>Harbor Lights</title>
  <item>
    <title>Fog</title><guid>hl-1</guid><pubDate>Mon, 06 Jan 2025 08:00:00 GMT</pubDate>
    <itunes:season>1</itunes:season><itunes:episode>1</itunes:episode>
    <enclosure url="{first}" length="40000" type="video/mp4"/>
  </item>
  <item>
    <title>Tide</title><guid>hl-2</guid><pubDate>Mon, 13 Jan 2025 08:00:00 GMT</pubDate>
    <itunes:season>1</itunes:season><itunes:episode>2</itunes:episode>
    <enclosure url="{second}" length="50000" type="video/mp4"/>
  </item>
</channel>
</rss>
"""


def _queue(profile: Path) -> list[tuple[str, str, int]]:
    connection = sqlite3.connect(ProfilePaths.for_profile(profile).database)
    try:
        return list(
            connection.execute("SELECT url, status, permanent FROM download_queue ORDER BY id")
        )
    finally:
        connection.close()


async def test_a_404_episode_stays_failed_until_its_url_changes(profile: Path, tmp_path: Path):
    async with FaultServer(tmp_path / "srv") as server:
        server.add_payload("hl-101.mp4", 40_000, seed=1)
        second = server.add_payload("hl-102.mp4", 50_000, seed=2)
        gone = server.url("hl-gone.mp4")  # nothing there: 404, every time
        feed = FEED.format(first=server.url("hl-101.mp4"), second=gone)
        server.add_file("harbor.xml", feed.encode())
        code, _, err = await run_cli(profile, "add", "--monitor", "all", server.url("harbor.xml"))
        assert code == 0, err

        code, out, err = await run_cli(profile, "run-once")
        assert code == 1, err  # the 404 failed this run
        assert "1 completed, 1 failed" in out
        asked = len(server.requests_for("hl-gone.mp4"))
        assert asked == 1  # a 404 is not retried

        for _ in range(2):  # every later run leaves it alone, and succeeds
            code, out, err = await run_cli(profile, "run-once")
            assert code == 0, err
            assert "queued 0 missing episode(s)" in out
        assert len(server.requests_for("hl-gone.mp4")) == asked
        assert [(status, permanent) for _, status, permanent in _queue(profile)] == [
            ("completed", 0),
            ("failed", 1),
        ]
        code, out, _ = await run_cli(profile, "episodes", "Harbor", "--json")
        states = {e["episode"]: e["state"] for e in cli_json(out, "episodes")}
        assert states == {1: "on disk", 2: "failed"}
        code, out, _ = await run_cli(profile, "list", "--json")
        (series,) = cli_json(out, "series")
        assert (series["missing"], series["failed"]) == (0, 1)
        code, out, _ = await run_cli(profile, "list")
        assert "0 missing, 0 queued, 1 failed" in out

        # The feed now names another file for the episode: the next run fetches it.
        fixed = FEED.format(first=server.url("hl-101.mp4"), second=server.url("hl-102.mp4"))
        server.add_file("harbor.xml", fixed.encode())
        code, out, err = await run_cli(profile, "run-once")
        assert code == 0, err
        assert "queued 1 missing episode(s)" in out and "1 completed, 0 failed" in out
        season = profile / "library" / "Harbor Lights (2025)" / "Season 01"
        assert (season / "Harbor Lights - S01E02 - Tide.mp4").read_bytes() == second


async def test_retrying_forgets_that_it_failed_for_good(profile: Path, tmp_path: Path):
    from aniworld_desktop.services import open_services

    async with FaultServer(tmp_path / "srv") as server:
        server.add_payload("hl-101.mp4", 40_000, seed=1)
        feed = FEED.format(first=server.url("hl-101.mp4"), second=server.url("hl-gone.mp4"))
        server.add_file("harbor.xml", feed.encode())
        assert (await run_cli(profile, "add", "--monitor", "all", server.url("harbor.xml")))[0] == 0
        assert (await run_cli(profile, "run-once"))[0] == 1
        paths = ProfilePaths.for_profile(profile)
        async with open_services(
            paths, load_settings(paths, environ={}), run_downloads=False
        ) as services:
            (failed,) = [i for i in services.downloads.items() if i.status is DownloadStatus.FAILED]
            assert failed.permanent
            (retried,) = await services.downloads.retry([failed.id])
            assert retried.status is DownloadStatus.PENDING and not retried.permanent
    assert [(status, permanent) for _, status, permanent in _queue(profile)][1] == ("pending", 0)


async def test_a_failure_the_next_run_may_get_past_is_queued_again(paths: ProfilePaths):
    """Retries run out on a 503, a disk was full: not "for good", so still missing."""
    engine = await open_database(paths.database)
    try:
        async with engine.begin() as conn:
            await conn.exec_driver_sql(
                "INSERT INTO series (id, title, provider, source_url, folder, monitored)"
                " VALUES (1, 'S', 'feed', 'http://127.0.0.1:9/f', 'S', 1)"
            )
            for n in (1, 2, 3, 4):
                await conn.exec_driver_sql(
                    "INSERT INTO episode (id, series_id, season, number, title, url)"
                    f" VALUES ({n}, 1, 1, {n}, 'E', 'http://127.0.0.1:9/e{n}')"
                )
            rows = [
                (1, "http://127.0.0.1:9/e1", 0),  # transient, retries ran out
                (2, "http://127.0.0.1:9/e2", 1),  # 404 at the URL it has now
                (3, "http://127.0.0.1:9/old-e3", 1),  # 404, but at a URL it no longer has
                (4, "http://127.0.0.1:9/e4", 1),  # 404, then queued again and cancelled
            ]
            for position, (episode, url, permanent) in enumerate(rows):
                await conn.exec_driver_sql(
                    "INSERT INTO download_queue (episode_id, status, position, url, destination,"
                    " bytes_done, error, attempts, permanent)"
                    f" VALUES ({episode}, 'failed', {position}, '{url}', 'x', 0, 'e', 0,"
                    f" {permanent})"
                )
            await conn.exec_driver_sql(
                "INSERT INTO download_queue (episode_id, status, position, url, destination,"
                " bytes_done, error, attempts) VALUES (4, 'cancelled', 9, 'http://127.0.0.1:9/e4',"
                " 'x', 0, '', 0)"
            )
        catalog = CatalogRepository(engine)
        missing = await catalog.missing_episodes(date.today())
        assert [e.id for e in missing] == [1, 3, 4]  # the last row of 4 is not the failure
        counts = (await catalog.counts(date.today()))[1]
        assert (counts.missing, counts.failed) == (3, 1)
    finally:
        await engine.dispose()
