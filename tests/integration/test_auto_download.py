"""The auto-download path end to end: ``run-once`` in a subprocess records its time in the
profile's database, and the services a window would open honour it as a cooldown."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from aniworld_desktop.config import ProfilePaths, load_settings
from aniworld_desktop.core.events import AutoDownloadSkipped
from aniworld_desktop.core.models import SkipReason
from aniworld_desktop.scheduler import SchedulerService
from aniworld_desktop.scheduler.service import LAST_RUN_KEY
from aniworld_desktop.services import open_services
from aniworld_desktop.storage.app_state import AppStateRepository
from tests.fault_server import FaultServer
from tests.integration.cli import cli_json
from tests.integration.test_run_once import run_cli

FEED = """<?xml version="1.0"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
<title>{title}</title><description>{title}.</description>
<item><title>One</title><guid>{slug}-1</guid>
<itunes:season>1</itunes:season><itunes:episode>1</itunes:episode>
<enclosure url="{base}/media/{slug}-1.mp4" length="20000" type="video/mp4"/></item>
<item><title>Two</title><guid>{slug}-2</guid>
<itunes:season>1</itunes:season><itunes:episode>2</itunes:episode>
<enclosure url="{base}/media/{slug}-2.mp4" length="20000" type="video/mp4"/></item>
</channel></rss>"""


def serve_series(server: FaultServer, title: str) -> str:
    slug = title.lower().replace(" ", "-")
    for number in (1, 2):
        server.add_payload(f"{slug}-{number}.mp4", 20_000, seed=number)
    server.add_file(
        f"{slug}.xml", FEED.format(title=title, slug=slug, base=server.base_url).encode()
    )
    return server.url(f"{slug}.xml")


def database_file(profile):
    return ProfilePaths.for_profile(profile).database


def recorded_time(profile) -> datetime:
    with sqlite3.connect(database_file(profile)) as conn:
        (value,) = conn.execute(
            "SELECT value FROM app_state WHERE key = ?", (LAST_RUN_KEY,)
        ).fetchone()
    return datetime.fromisoformat(value)


async def test_run_once_records_its_time_and_a_window_waits_for_the_cooldown(
    profile, paths, tmp_path
):
    async with FaultServer(tmp_path / "srv") as server:
        code, _, err = await run_cli(
            profile, "add", "--monitor", "all", serve_series(server, "Harbor Lights")
        )
        assert code == 0, err
        before = datetime.now(UTC)
        code, out, err = await run_cli(profile, "run-once")
        assert code == 0, err
        assert "Refreshed 1 series (0 failed), queued 2 missing episode(s); 2 completed" in out
        ran_at = recorded_time(profile)
        assert ran_at >= before - timedelta(seconds=1)  # UTC, with its offset

        # The services the window opens, with a scheduler over the same database.
        settings = load_settings(paths, environ={})
        async with open_services(
            paths, settings, run_downloads=False, download_thread=False
        ) as services:
            skipped: list[AutoDownloadSkipped] = []
            services.bus.subscribe(AutoDownloadSkipped, skipped.append)
            scheduler = SchedulerService(
                services.library,
                services.bus,
                AppStateRepository(services.database),
                interval=3600,
                cooldown=600,
                enabled=True,
                clock=lambda: ran_at + timedelta(seconds=30),
            )
            fetched = len(server.requests_for("harbor-lights.xml"))
            outcome = await scheduler.run_now()
            assert outcome.skipped == SkipReason.COOLDOWN
            assert [(s.reason, s.next_allowed) for s in skipped] == [
                (SkipReason.COOLDOWN, ran_at + timedelta(seconds=600))
            ]
            assert len(server.requests_for("harbor-lights.xml")) == fetched
            await scheduler.aclose()

        # run-once is an explicit command: no cooldown for it, and nothing twice.
        code, out, err = await run_cli(profile, "run-once", "--json")
        assert code == 0, err
        assert len(server.requests_for("harbor-lights.xml")) == fetched + 1
        assert recorded_time(profile) > ran_at


async def test_run_once_goes_on_past_a_failing_source(profile, tmp_path):
    async with FaultServer(tmp_path / "srv") as server:
        for title in ("Amber Fields", "Harbor Lights"):
            code, _, err = await run_cli(
                profile, "add", "--monitor", "all", serve_series(server, title)
            )
            assert code == 0, err
        broken = server.url("amber-fields.xml", fault="status", code=500, times=100)
        with sqlite3.connect(database_file(profile)) as conn:
            conn.execute("UPDATE series SET source_url = ? WHERE title = 'Amber Fields'", (broken,))
        server.add_payload("harbor-lights-3.mp4", 20_000, seed=3)
        server.add_file(
            "harbor-lights.xml",
            FEED.format(title="Harbor Lights", slug="harbor-lights", base=server.base_url)
            .replace(
                "</channel>",
                "<item><title>Three</title><guid>harbor-lights-3</guid>"
                "<itunes:season>1</itunes:season><itunes:episode>3</itunes:episode>"
                f'<enclosure url="{server.base_url}/media/harbor-lights-3.mp4" length="20000"'
                ' type="video/mp4"/></item></channel>',
            )
            .encode(),
        )
        code, out, err = await run_cli(profile, "run-once")
        assert code == 1, err  # a source failed
        assert "Could not refresh Amber Fields:" in err and "500" in err
        assert "Traceback" not in err
        assert "Refreshed 2 series (1 failed), queued 5 missing episode(s); 5 completed" in out
        season = profile / "library" / "Harbor Lights" / "Season 01"
        assert [p.name for p in season.glob("*S01E03*.mp4")] != []


async def test_run_once_refuses_a_missing_library_folder(profile, tmp_path):
    async with FaultServer(tmp_path / "srv") as server:
        code, _, err = await run_cli(
            profile, "add", "--monitor", "all", serve_series(server, "Harbor Lights")
        )
        assert code == 0, err
        gone = tmp_path / "unmounted-share"
        code, out, err = await run_cli(profile, "run-once", ANIWORLD_LIBRARY_DIR=str(gone))
        assert code == 2
        assert "cannot be found" in err and "nothing was queued" in err
        assert "Traceback" not in err
        code, out, _ = await run_cli(profile, "queue", "--json")
        assert cli_json(out, "queue") == []
