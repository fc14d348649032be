"""The library's commands one by one (monitor, set-source, remove --delete-files, a bad mode),
and the composition root's library switch, over a real profile."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from aniworld_desktop.config import Settings
from aniworld_desktop.core.events import LibraryFolderChanged
from aniworld_desktop.services import open_services
from tests.fault_server import FaultServer
from tests.integration.cli import cli, cli_json
from tests.integration.test_run_once import run_cli

FEED = b"""<?xml version="1.0"?><rss version="2.0"
xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>Moon Garden</title>
<item><title>One</title><guid>mg-1</guid><pubDate>Mon, 06 Jan 2025 08:00:00 GMT</pubDate>
<itunes:season>1</itunes:season><itunes:episode>1</itunes:episode>
<enclosure url="http://127.0.0.1:9/mg-1.mp4" length="10" type="video/mp4"/></item>
<item><title>Two</title><guid>mg-2</guid><pubDate>Mon, 13 Jan 2025 08:00:00 GMT</pubDate>
<itunes:season>2</itunes:season><itunes:episode>1</itunes:episode>
<enclosure url="http://127.0.0.1:9/mg-2.mp4" length="10" type="video/mp4"/></item>
</channel></rss>"""


def listing(profile: Path, **env: str) -> dict[str, dict]:
    proc = cli(profile, "list", "--json", **env)
    assert proc.returncode == 0, proc.stderr
    return {s["folder"]: s for s in cli_json(proc.stdout, "series")}


async def test_attach_a_feed_change_the_mode_and_remove_with_the_files(profile, tmp_path):
    library = tmp_path / "media"
    (library / "Moon Garden" / "Season 01").mkdir(parents=True)
    (library / "Moon Garden" / "Season 01" / "Moon Garden - S01E01.mkv").write_bytes(b"one")
    env = {"ANIWORLD_LIBRARY_DIR": str(library)}
    async with FaultServer(tmp_path / "srv") as server:
        server.add_file("moon.xml", FEED)
        code, out, err = await run_cli(profile, "import", "--apply", **env)
        assert code == 0, err
        assert "Moon Garden: followed, unmatched: No TMDB token is set" in out
        assert "Nothing was renamed." in out
        moon = listing(profile, **env)["Moon Garden"]
        assert (moon["provider"], moon["on_disk"], moon["missing"]) == (None, 1, 0)

        code, out, err = await run_cli(
            profile, "set-source", "Moon Garden", server.url("moon.xml"), **env
        )
        assert code == 0, err
        assert f"Moon Garden follows {server.url('moon.xml')} now" in out
        moon = listing(profile, **env)["Moon Garden"]
        # Attached to the folder's series: its file stays on disk, episode 2x01 is wanted (the
        # series' mode, everything, stays).
        assert (moon["provider"], moon["monitor"], moon["on_disk"], moon["missing"]) == (
            "feed", "all", 1, 1,
        )  # fmt: skip

        code, out, err = await run_cli(profile, "monitor", "Moon", "--mode", "season:2", **env)
        assert code == 0, err
        assert "Moon Garden: monitor season 2 on" in out and "1 missing now" in out
        code, out, err = await run_cli(profile, "monitor", "Moon", "--mode", "none", **env)
        assert listing(profile, **env)["Moon Garden"]["missing"] == 0
        code, out, err = await run_cli(profile, "monitor", "Moon", "--mode", "sometimes", **env)
        assert code == 2
        assert "'sometimes' is not a monitor mode: use new, all, none or season:N" in err

        # The desktop's trash, kept in tmp_path: a home there (the library on its device).
        home, data = tmp_path / "home", tmp_path / "data"
        home.mkdir()
        trash_env = {"HOME": str(home), "XDG_DATA_HOME": str(data)}
        code, out, err = await run_cli(
            profile, "remove", "Moon Garden", "--delete-files", **env, **trash_env
        )
        assert code == 0, err
        assert "Moon Garden is no longer followed; its folder" in out
        assert not (library / "Moon Garden").exists()
        assert (data / "Trash" / "files" / "Moon Garden").is_dir()
        assert (data / "Trash" / "info" / "Moon Garden.trashinfo").is_file()
        assert listing(profile, **env) == {}


async def test_a_new_library_folder_applies_without_a_restart(paths, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    (second / "Paper Moons").mkdir(parents=True)
    (second / "Paper Moons" / "Paper.Moons.S01E01.mkv").write_bytes(b"x")
    first.mkdir()
    async with open_services(
        paths, Settings(library_dir=first), run_downloads=False, download_thread=False
    ) as services:
        changed: list[LibraryFolderChanged] = []
        services.bus.subscribe(LibraryFolderChanged, changed.append)
        await services.switch_library(dataclasses.replace(services.settings, library_dir=second))
        assert services.library_dir == second
        assert services.library.library_dir == services.downloads.library_dir == second
        assert services.metadata.library_dir == second
        assert [e.folder for e in changed] == [str(second)]
        summary = await services.library.scan()
        assert summary.followed == ["Paper Moons"]


async def test_the_quality_of_a_public_broadcasters_series(profile, tmp_path):
    from tests.mediathek_lists import ListEntry, film_list_bytes

    programme = "mediathek:?channel=ZDF&topic=Der%20Bergdoktor"
    async with FaultServer(tmp_path / "srv") as server:
        server.add_file(
            "Filmliste-akt.xz",
            film_list_bytes(
                [
                    ListEntry("ZDF", "Der Bergdoktor", f"Folge (S01/E0{n})", server.url(f"{n}.mp4"))
                    for n in (1, 2)
                ]
            ),
        )
        env = {
            "ANIWORLD_LIBRARY_DIR": str(tmp_path / "media"),
            "ANIWORLD_MEDIATHEK_FULL_LIST_URL": server.url("Filmliste-akt.xz"),
            "ANIWORLD_MEDIATHEK_DIFF_LIST_URL": server.url("Filmliste-diff.xz"),
            "ANIWORLD_MEDIATHEK_QUALITY": "small",
        }
        code, out, err = await run_cli(profile, "add", programme, **env)
        assert code == 0, err

        code, out, err = await run_cli(profile, "quality", "Der Bergdoktor", "sd", **env)
        assert code == 0, err
        assert "Der Bergdoktor downloads in sd from now on (2 episode(s) read again" in out
        (series,) = listing(profile, **env).values()
        assert series["source_url"] == programme + "&quality=sd"
        code, out, err = await run_cli(profile, "quality", "Der Bergdoktor", "sd", **env)
        assert "Der Bergdoktor downloads in sd already." in out

        code, out, err = await run_cli(profile, "quality", "Der Bergdoktor", "default", **env)
        assert code == 0, err
        assert "downloads in the default quality (small) from now on" in out
        (series,) = listing(profile, **env).values()
        assert series["source_url"] == programme

        code, out, err = await run_cli(profile, "quality", "Der Bergdoktor", "4k", **env)
        assert code == 2 and "invalid choice: '4k'" in err
