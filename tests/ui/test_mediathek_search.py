"""The film list search of the window: results as you type, a programme's films, Follow, then
the usual series, episodes and queue."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from aniworld_desktop.config import ProfilePaths, Settings
from aniworld_desktop.providers.mediathek.provider import MediathekOptions, MediathekProvider
from aniworld_desktop.ui.mediathek_search import MediathekSearchDialog
from tests.fault_server import FaultServer
from tests.mediathek_lists import ListEntry, film_list_bytes
from tests.ui.conftest import wait_until
from tests.ui.test_main_window import running_window, visible_child


def films(server: FaultServer) -> list[ListEntry]:
    def film(topic: str, title: str, name: str, **fields: object) -> ListEntry:
        values: dict[str, object] = {
            "channel": "ZDF",
            "topic": topic,
            "title": title,
            "url": server.url(f"{name}.mp4"),
            "aired": 1_763_900_000,
        }
        values.update(fields)
        return ListEntry(**values)  # type: ignore[arg-type]

    return [
        film("Der Bergdoktor", "Heimkehr (S01/E01)", "bd1"),
        film("Der Bergdoktor", "Der Sturm (S01/E02)", "bd2", aired=1_764_000_000, geo="DE-AT-CH"),
        film("Der Bergdoktor", "Lawine (S01/E03)", "bd3", channel="3Sat"),
        film("Bergwelten", "Die Zugspitze", "bw1", channel="ARD"),
        film("Terra X", "Folge 1: Die Alpen", "tx1"),
    ]


@pytest.fixture
async def served(tmp_path: Path):
    async with FaultServer(tmp_path / "srv") as server:
        server.add_file("Filmliste-akt.xz", film_list_bytes(films(server)))
        yield server


def settings_for(tmp_path: Path, server: FaultServer) -> Settings:
    return Settings(
        library_dir=tmp_path / "library",
        min_free_disk=0,
        mediathek_full_list_url=server.url("Filmliste-akt.xz"),
        mediathek_diff_list_url=server.url("Filmliste-diff.xz"),
    )


@pytest.mark.qt_loop
async def test_results_as_you_type_and_follow_a_programme(
    paths: ProfilePaths, tmp_path: Path, served: FaultServer
) -> None:
    async with running_window(paths, settings_for(tmp_path, served), run_downloads=False) as (
        services,
        window,
    ):
        window.commands["search_mediathek"].trigger()
        dialog = await visible_child(window, MediathekSearchDialog)
        # The first time the film list is fetched, then its channels are offered.
        await wait_until(lambda: dialog.channel_box.count() == 4, seconds=30)
        assert "5 films in the film list" in dialog.status.text()

        for typed in ("b", "be", "ber", "berg"):  # as a person types: one search, not four
            dialog.search_edit.setText(typed)
        await wait_until(lambda: dialog.programmes.topLevelItemCount() == 3)
        assert dialog.searches == 1
        found = {
            (dialog.programmes.topLevelItem(n).text(0), dialog.programmes.topLevelItem(n).text(1))
            for n in range(3)
        }
        assert found == {
            ("Der Bergdoktor", "ZDF"),
            ("Der Bergdoktor", "3Sat"),
            ("Bergwelten", "ARD"),
        }

        # One channel only.
        dialog.channel_box.setCurrentIndex(dialog.channel_box.findData("ZDF"))
        await wait_until(lambda: dialog.programmes.topLevelItemCount() == 1)
        assert dialog.searches == 2
        assert not dialog.follow_button.isEnabled()

        # A programme's newest films, the geo-restricted one marked.
        dialog.programmes.setCurrentItem(dialog.programmes.topLevelItem(0))
        await wait_until(lambda: dialog.films.topLevelItemCount() == 2)
        rows = [
            (dialog.films.topLevelItem(n).text(0), dialog.films.topLevelItem(n).text(3))
            for n in range(2)
        ]
        assert rows == [
            ("Der Sturm (S01/E02)", "only DE-AT-CH"),
            ("Heimkehr (S01/E01)", "everywhere"),
        ]

        dialog.quality_box.setCurrentIndex(dialog.quality_box.findData("sd"))
        assert dialog.url() == "mediathek:?channel=ZDF&topic=Der%20Bergdoktor&quality=sd"
        assert dialog.follow_button.isEnabled()
        dialog.follow_button.click()

        # The usual flow: the series with its episodes in the library.
        await wait_until(lambda: window.library_pane.series_model.rowCount() == 1, seconds=15)
        (summary,) = await services.library.list_series()
        series = summary.series
        assert series.title == "Der Bergdoktor"
        assert summary.counts.episodes == 2  # S01E01 and S01E02 of ZDF
        assert series.source_url == "mediathek:?channel=ZDF&topic=Der%20Bergdoktor&quality=sd"
        window.library_pane.series_view.selectRow(0)
        await wait_until(lambda: window.commands["download_missing"].isEnabled())


@pytest.mark.qt_loop
async def test_a_film_list_that_cannot_be_had_is_a_sentence(tmp_path: Path, qtbot) -> None:
    provider = MediathekProvider(tmp_path / "data")
    async with FaultServer(tmp_path / "srv") as server, aiohttp.ClientSession() as session:
        provider.options = MediathekOptions(
            full_list_url=server.url("missing.xz"), diff_list_url=server.url("missing-diff.xz")
        )
        dialog = MediathekSearchDialog(provider, session, debounce_ms=10)
        qtbot.addWidget(dialog)  # never shown: closing the only window would quit the loop
        await wait_until(lambda: "404" in dialog.status.text(), seconds=15)
        dialog.search_edit.setText("berg")
        dialog.search_now()
        assert dialog.searches == 0  # nothing to search in
        assert dialog.url() == ""
        dialog.reject()
    await provider.aclose()
