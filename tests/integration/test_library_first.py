"""Library first, headless and end to end: a real library folder, a fake TMDB on 127.0.0.1, the
real command line in a subprocess.

Two series folders, one TMDB knows (3 of its 6 episodes on disk) and one it does not:
``import --apply`` follows both, the known one lists exactly its 3 missing episodes, the other
says it is not matched; ``remove`` unfollows it and keeps every file; a feed followed with
"new episodes only" has none of its back catalogue downloaded by ``run-once``, and the episode
published after it is.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from aniworld_desktop.json_output import JSON_SCHEMA
from tests.fake_tmdb import FakeShow, FakeTMDB
from tests.fault_server import FaultServer
from tests.integration.cli import cli_json as cli_json_text
from tests.integration.test_run_once import run_cli
from tests.sentinels import TMDB_V4_TOKEN


def tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` with a digest of its bytes: renamed, deleted or changed shows."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def feed(base: str, items: list[tuple[int, datetime]]) -> bytes:
    entries = "".join(
        f"""<item><title>Episode {n}</title><guid>night-{n}</guid>
        <pubDate>{format_datetime(when)}</pubDate>
        <itunes:season>1</itunes:season><itunes:episode>{n}</itunes:episode>
        <enclosure url="{base}/media/night-{n}.mp4" length="30000" type="video/mp4"/></item>"""
        for n, when in items
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
<title>Night Shift</title><description>Stories after dark.</description>{entries}
</channel></rss>""".encode()


# Where each command's --json output keeps its data (the document's other key is its schema).
KEYS = {"import": "proposals", "episodes": "episodes", "list": "series"}


async def cli_json(profile: Path, *args: str, **env: str) -> Any:
    code, out, err = await run_cli(profile, *args, "--json", **env)
    assert code == 0, err
    assert "Traceback" not in err
    document = json.loads(out)
    assert document["schema"] == JSON_SCHEMA, document
    if args[0] == "import" and "--apply" in args:
        return document["imported"]
    return document[KEYS[args[0]]] if args[0] in KEYS else document


async def test_a_library_is_imported_matched_completed_and_managed(profile, tmp_path):
    library = tmp_path / "media"
    known = library / "Harbor Lights (2024)" / "Season 01"
    known.mkdir(parents=True)
    for n in (1, 3, 5):
        (known / f"Harbor Lights - S01E{n:02d}.mkv").write_bytes(f"episode {n}".encode())
    (known / "Harbor Lights - S01E01.srt").write_text("subtitles")
    unknown = library / "Quiet Valley" / "Season 1"
    unknown.mkdir(parents=True)
    (unknown / "Quiet.Valley.S01E01.mkv").write_bytes(b"a home video")
    shows = {"Harbor Lights": FakeShow(4242, 2024, seasons={0: 1, 1: 6})}
    async with FakeTMDB(shows) as tmdb, FaultServer(tmp_path / "srv") as server:
        env = {
            "ANIWORLD_LIBRARY_DIR": str(library),
            "ANIWORLD_TMDB_TOKEN": TMDB_V4_TOKEN,
            "ANIWORLD_TMDB_API_URL": tmdb.api_url,
        }
        before = tree(library)

        proposals = await cli_json(profile, "import", **env)
        assert [
            (p["folder"], p["title"], p["video_files"], p["tmdb_id"], p["match_state"])
            for p in proposals
        ] == [
            ("Harbor Lights (2024)", "Harbor Lights", 3, 4242, "matched"),
            ("Quiet Valley", "Quiet Valley", 1, None, "unmatched"),
        ]
        assert proposals[0]["confidence"] == 1.0
        assert proposals[0]["match"]["poster_url"].endswith("/w185/poster.jpg")
        assert proposals[1]["note"] == "TMDB knows no series 'Quiet Valley'."
        code, out, _ = await run_cli(profile, "list", "--json", **env)
        assert cli_json_text(out, "series") == []  # proposing follows nothing

        imported = await cli_json(profile, "import", "--apply", **env)
        assert [(i["folder"], i["match_state"]) for i in imported] == [
            ("Harbor Lights (2024)", "matched"),
            ("Quiet Valley", "unmatched"),
        ]
        assert tree(library) == before  # nothing renamed, moved, deleted or written

        episodes = await cli_json(profile, "episodes", "Harbor Lights", **env)
        states = {(e["season"], e["episode"]): e["state"] for e in episodes}
        assert states == {
            (1, 1): "on disk", (1, 2): "missing", (1, 3): "on disk", (1, 4): "missing",
            (1, 5): "on disk", (1, 6): "missing",
            (0, 1): "not monitored",  # TMDB's special: catalogue, never "missing" by itself
        }  # fmt: skip
        assert {e["title"] for e in episodes if e["season"] == 1} >= {"Harbor Lights 1x02"}
        assert not any(e["downloadable"] for e in episodes)  # no source: shown, never queued

        listed = {s["folder"]: s for s in await cli_json(profile, "list", **env)}
        harbor, quiet = listed["Harbor Lights (2024)"], listed["Quiet Valley"]
        assert (harbor["tmdb_id"], harbor["match_state"], harbor["monitor"]) == (
            4242,
            "matched",
            "all",
        )
        assert (harbor["missing"], harbor["no_source"], harbor["on_disk"]) == (3, 3, 3)
        assert harbor["provider"] is None and harbor["source_url"] is None
        assert (quiet["match_state"], quiet["match_note"]) == (
            "unmatched",
            "TMDB knows no series 'Quiet Valley'.",
        )

        code, out, err = await run_cli(profile, "remove", "Quiet Valley", **env)
        assert code == 0, err
        assert "Quiet Valley is no longer followed; its files in" in out and "kept" in out
        assert tree(library) == before
        listed = await cli_json(profile, "list", **env)
        assert [s["folder"] for s in listed] == ["Harbor Lights (2024)"]

        # A feed followed today: its three episodes are its back catalogue.
        long_ago = datetime(2025, 3, 1, 8, tzinfo=UTC)
        items = [(n, long_ago + timedelta(days=7 * n)) for n in (1, 2, 3)]
        for n in (1, 2, 3, 4):
            server.add_payload(f"night-{n}.mp4", 30_000, seed=n)
        server.add_file("night.xml", feed(server.base_url, items))
        added = await cli_json(profile, "add", server.url("night.xml"), **env)
        assert added["monitor"] == "new"

        code, out, err = await run_cli(profile, "run-once", **env)
        assert code == 0, err
        assert not any(server.requests_for(f"night-{n}.mp4") for n in (1, 2, 3))
        listed = await cli_json(profile, "list", **env)
        assert "Quiet Valley" not in {s["folder"] for s in listed}  # removed stays removed

        # The feed publishes one more episode: that one is wanted.
        yesterday = datetime.now(UTC) - timedelta(days=1)
        server.add_file("night.xml", feed(server.base_url, [*items, (4, yesterday)]))
        code, out, err = await run_cli(profile, "run-once", **env)
        assert code == 0, err
        assert len(server.requests_for("night-4.mp4")) == 1
        assert not any(server.requests_for(f"night-{n}.mp4") for n in (1, 2, 3))
        night = next(
            s for s in await cli_json(profile, "list", **env) if s["title"] == "Night Shift"
        )
        assert (night["on_disk"], night["missing"]) == (1, 0)
        # Every file of the library from before is still there, unchanged (metadata added
        # NFO files and pictures beside them, which is its job).
        now = tree(library)
        assert {k: now[k] for k in before} == before
