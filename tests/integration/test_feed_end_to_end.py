"""Feed -> add -> run-once -> files in the library named by the template; then nothing to fetch."""

from __future__ import annotations

from aniworld_desktop.metadata.nfo import read_episode, read_tvshow
from tests.fault_server import FaultServer
from tests.integration.cli import cli_json
from tests.integration.test_run_once import run_cli

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
<channel>
  <title>Harbor Lights</title>
  <description>A lighthouse keeper and her town.</description>
  <item>
    <title>Fog</title><guid>hl-1</guid><pubDate>Mon, 06 Jan 2025 08:00:00 GMT</pubDate>
    <itunes:season>1</itunes:season><itunes:episode>1</itunes:episode>
    <enclosure url="{base}/media/hl-101.mp4" length="40000" type="video/mp4"/>
  </item>
  <item>
    <title>Tide</title><guid>hl-2</guid><pubDate>Mon, 13 Jan 2025 08:00:00 GMT</pubDate>
    <itunes:season>1</itunes:season><itunes:episode>2</itunes:episode>
    <enclosure url="{base}/media/hl-102.mp4" length="50000" type="video/mp4"/>
  </item>
  <item>
    <title>Coming up next season</title><guid>hl-t</guid>
    <pubDate>Mon, 20 Jan 2025 08:00:00 GMT</pubDate>
    <itunes:episodeType>trailer</itunes:episodeType>
    <enclosure url="{base}/media/hl-trailer.mp4" length="10000" type="video/mp4"/>
  </item>
</channel>
</rss>
"""


async def test_feed_to_library_and_a_second_run_fetches_nothing(profile, tmp_path):
    library = profile / "library"
    async with FaultServer(tmp_path / "srv") as server:
        first = server.add_payload("hl-101.mp4", 40_000, seed=1)
        second = server.add_payload("hl-102.mp4", 50_000, seed=2)
        server.add_payload("hl-trailer.mp4", 10_000, seed=3)
        server.add_file("harbor.xml", FEED.format(base=server.base_url).encode())

        code, out, err = await run_cli(profile, "add", "--monitor", "all", server.url("harbor.xml"))
        assert code == 0, err
        assert "Following Harbor Lights (3 episodes; monitor: everything)." in out

        code, out, err = await run_cli(profile, "list", "--json")
        (series,) = cli_json(out, "series")
        assert (series["title"], series["provider"], series["episodes"], series["missing"]) == (
            "Harbor Lights",
            "feed",
            2,
            2,
        )

        code, out, err = await run_cli(profile, "run-once", "--json")
        assert code == 0, err
        assert {i["status"] for i in cli_json(out, "queue")} == {"completed"}
        season = library / "Harbor Lights (2025)" / "Season 01"
        assert (season / "Harbor Lights - S01E01 - Fog.mp4").read_bytes() == first
        assert (season / "Harbor Lights - S01E02 - Tide.mp4").read_bytes() == second
        assert sorted(p.name for p in season.iterdir()) == [
            "Harbor Lights - S01E01 - Fog.mp4",
            "Harbor Lights - S01E01 - Fog.nfo",
            "Harbor Lights - S01E02 - Tide.mp4",
            "Harbor Lights - S01E02 - Tide.nfo",
        ]
        # Without a TMDB token the NFO files say what the feed said.
        show = read_tvshow((season.parent / "tvshow.nfo").read_bytes())
        assert (show.title, show.plot, show.year) == (
            "Harbor Lights",
            "A lighthouse keeper and her town.",
            2025,
        )
        episode = read_episode((season / "Harbor Lights - S01E02 - Tide.nfo").read_bytes())
        assert (episode.title, episode.season, episode.episode) == ("Tide", 1, 2)
        assert not server.requests_for("hl-trailer.mp4")  # a trailer is never missing

        before = len(server.requests)
        code, out, err = await run_cli(profile, "run-once")
        assert code == 0, err
        later = server.requests[before:]
        assert [r.name for r in later] == ["harbor.xml"]  # only the conditional feed check
        assert later[0].status == 304

        code, out, err = await run_cli(profile, "list", "--json")
        (series,) = cli_json(out, "series")
        assert (series["on_disk"], series["missing"], series["queued"]) == (2, 0, 0)


async def test_a_feed_of_10000_items_adds_and_lists(profile, tmp_path):
    from tests.unit.providers.test_feed import generated_feed

    async with FaultServer(tmp_path / "srv") as server:
        body = generated_feed(10_000)
        server.add_file("big.xml", body if isinstance(body, bytes) else body.encode())
        code, out, err = await run_cli(profile, "add", server.url("big.xml"))
        assert code == 0, err
        code, out, err = await run_cli(profile, "list", "--json")
        (series,) = cli_json(out, "series")
        assert series["episodes"] == 10_000
        code, out, err = await run_cli(profile, "episodes", str(series["id"]), "--json")
        episodes = cli_json(out, "episodes")
        assert len(episodes) == 10_000
        assert len({(e["season"], e["episode"]) for e in episodes}) == 10_000
