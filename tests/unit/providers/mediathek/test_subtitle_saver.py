"""SubtitleSaver: a finished film's subtitles beside its episode; anything else left alone."""

from __future__ import annotations

import logging
from pathlib import Path

import aiohttp

from aniworld_desktop.core.episode import EpisodeKey
from aniworld_desktop.core.events import DownloadFinished, EventBus
from aniworld_desktop.core.queue import QueueItem
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.providers.mediathek.provider import MediathekDownload
from aniworld_desktop.providers.mediathek.subtitles import SubtitleSaver
from tests.fault_server import FaultServer

TTML = b'<tt xmlns="http://www.w3.org/ns/ttml"><body><p begin="1s" end="2s">Hallo</p></body></tt>'
FILM = "mediathek:film/00000000000000a1.mp4?quality=hd"


class Films:
    """The provider's resolve, with the subtitle URL each film has."""

    name = "mediathek"

    def __init__(self, subtitles: dict[str, str]) -> None:
        self.subtitles = subtitles

    async def resolve(self, url: str, session: aiohttp.ClientSession) -> MediathekDownload:
        return MediathekDownload(url="http://127.0.0.1:9/v.mp4", subtitle_url=self.subtitles[url])


class Registry:
    def __init__(self, provider: Films) -> None:
        self.provider = provider

    def get(self, name: str) -> Films:
        assert name == "mediathek"
        return self.provider


def finished(url: str, destination: str) -> DownloadFinished:
    item = QueueItem(
        id=1,
        episode_id=1,
        key=EpisodeKey(1, 1, 1),
        series_title="Die Berghütte",
        title="Der Neue",
        url=url,
        destination=destination,
        status=DownloadStatus.COMPLETED,
        position=0,
    )
    return DownloadFinished(item)


async def test_subtitles_beside_the_episode_and_nothing_for_other_downloads(tmp_path: Path, caplog):
    library = tmp_path / "library"
    season = library / "Die Berghütte" / "Season 01"
    season.mkdir(parents=True)
    async with FaultServer(tmp_path / "srv") as server, aiohttp.ClientSession() as session:
        server.add_file("a1.xml", TTML)
        films = Films(
            {
                FILM: server.url("a1.xml"),
                "mediathek:film/00000000000000a2.mp4": server.url("gone.xml"),
                "mediathek:film/00000000000000a3.mp4": "",
            }
        )
        bus = EventBus()
        async with SubtitleSaver(bus, Registry(films), session, lambda: library) as saver:  # type: ignore[arg-type]
            bus.publish(finished(FILM, "Die Berghütte/Season 01/Die Berghütte - S01E01.mp4"))
            # A feed's episode: not the film list's, never asked about.
            bus.publish(finished("https://feed.example.test/e2.mp4", "Other/e2.mp4"))
            with caplog.at_level(logging.WARNING):
                bus.publish(finished("mediathek:film/00000000000000a2.mp4", "B/S01E02.mp4"))
                bus.publish(finished("mediathek:film/00000000000000a3.mp4", "B/S01E03.mp4"))
                await saver.wait_settled()
        srt = season / "Die Berghütte - S01E01.srt"
        assert srt.read_text(encoding="utf-8") == "1\n00:00:01,000 --> 00:00:02,000\nHallo\n"
        assert saver.saved == [srt]
        assert "no subtitles for S01E02.mp4: The server answered 404" in caplog.text
        assert not (library / "B").exists()  # nothing written for a failure or no subtitles
        # Closed: a download finishing now is not followed any more.
        bus.publish(finished(FILM, "Die Berghütte/Season 01/again.mp4"))
        await saver.wait_settled()
        assert saver.saved == [srt]
        assert not (season / "again.srt").exists()
