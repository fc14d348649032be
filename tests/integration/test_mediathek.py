"""Follow a programme of the film list through the CLI, then run-once downloads its episodes,
its subtitles and writes NFO files Kodi reads."""

from __future__ import annotations

from defusedxml import ElementTree

from aniworld_desktop.metadata.nfo import read_episode
from tests.fault_server import FaultServer
from tests.integration.cli import cli_json
from tests.integration.test_run_once import run_cli
from tests.mediathek_lists import ListEntry, film_list_bytes

TTML = (
    b'<tt xmlns="http://www.w3.org/ns/ttml"><body><div>'
    b'<p begin="10:00:01.000" end="10:00:02.500">Servus.</p></div></body></tt>'
)
VTT = b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nGr\xc3\xbc\xc3\x9f Gott.\n"


def entry(server: FaultServer, title: str, name: str, **fields: object) -> ListEntry:
    values: dict[str, object] = {
        "channel": "ZDF",
        "topic": "Der Bergdoktor",
        "title": title,
        "url": server.url(f"{name}_1800k.mp4"),
        "hd": server.url(f"{name}_3500k.mp4"),
        "small": server.url(f"{name}_480k.mp4"),
        "subtitle": server.url(f"{name}.vtt"),
        "description": f"Was in {title} geschieht.",
        "aired": 1_763_900_000,
    }
    values.update(fields)
    return ListEntry(**values)  # type: ignore[arg-type]


async def test_a_followed_programme_downloads_its_episodes_in_hd(profile, tmp_path):
    library = profile / "library"
    async with FaultServer(tmp_path / "srv") as server:
        first = server.add_payload("bd-1_3500k.mp4", 30_000, seed=1)
        second = server.add_payload("bd-2_3500k.mp4", 40_000, seed=2)
        server.add_payload("bd-2-ad_3500k.mp4", 40_000, seed=3)
        # Subtitles as the broadcasters give them: TTML (converted to .srt), WebVTT (kept).
        server.add_file("bd-1.xml", TTML)
        server.add_file("bd-2.vtt", VTT)
        films = [
            entry(server, "Heimkehr (S01/E01)", "bd-1", subtitle=server.url("bd-1.xml")),
            entry(server, "Der Sturm (S01/E02)", "bd-2", aired=1_764_000_000),
            entry(server, "Der Sturm (S01/E02) (Audiodeskription)", "bd-2-ad"),
            entry(server, "Folge 1: Die Alpen", "tx-1", topic="Terra X"),
        ]
        server.add_file("Filmliste-akt.xz", film_list_bytes(films))
        env = {
            "ANIWORLD_MEDIATHEK_FULL_LIST_URL": server.url("Filmliste-akt.xz"),
            "ANIWORLD_MEDIATHEK_DIFF_LIST_URL": server.url("Filmliste-diff.xz"),
        }

        code, out, err = await run_cli(
            profile, "add", "mediathek:?channel=ZDF&topic=Der Bergdoktor", **env
        )
        assert code == 0, err
        assert "Following Der Bergdoktor (2 episodes; monitor: everything)." in out
        assert (profile / "mediathek.sqlite").is_file()

        code, out, err = await run_cli(profile, "run-once", "--json", **env)
        assert code == 0, err
        assert {i["status"] for i in cli_json(out, "queue")} == {"completed"}
        season = library / "Der Bergdoktor" / "Season 01"
        assert (season / "Der Bergdoktor - S01E01 - Heimkehr.mp4").read_bytes() == first
        assert (season / "Der Bergdoktor - S01E02 - Der Sturm.mp4").read_bytes() == second
        # The audio-described version was never fetched; the list only once (it is fresh).
        assert not server.requests_for("bd-2-ad_3500k.mp4")
        assert len(server.requests_for("Filmliste-akt.xz")) == 1
        # Without TMDB the film's description is the episode's plot; Kodi's episodedetails
        # carry the season, episode and broadcast day too.
        nfo = read_episode((season / "Der Bergdoktor - S01E02 - Der Sturm.nfo").read_bytes())
        assert (nfo.title, nfo.plot) == ("Der Sturm", "Was in Der Sturm (S01/E02) geschieht.")
        root = ElementTree.fromstring(
            (season / "Der Bergdoktor - S01E02 - Der Sturm.nfo").read_bytes()
        )
        assert root.tag == "episodedetails"
        assert [root.findtext(t) for t in ("season", "episode", "aired")] == [
            "1",
            "2",
            "2025-11-24",
        ]
        # The subtitles beside each episode, with its name.
        srt = season / "Der Bergdoktor - S01E01 - Heimkehr.srt"
        assert srt.read_text(encoding="utf-8") == "1\n00:00:01,000 --> 00:00:02,500\nServus.\n"
        assert (season / "Der Bergdoktor - S01E02 - Der Sturm.vtt").read_bytes() == VTT
