"""A followed programme of the public broadcasters in the window: its settings page, the
quality of one series, and the episodes the broadcaster shows only in some countries."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QComboBox, QInputDialog

from aniworld_desktop.config import ProfilePaths, load_settings
from aniworld_desktop.core.models import SeriesRecord
from aniworld_desktop.providers.mediathek.episodes import Quality
from aniworld_desktop.providers.mediathek.provider import MediathekProvider
from aniworld_desktop.services import Services
from aniworld_desktop.ui.episode_model import Column
from aniworld_desktop.ui.main_window import MainWindow
from aniworld_desktop.ui.roles import DISPLAY_ROLE, TOOLTIP_ROLE
from aniworld_desktop.ui.settings_dialog import SettingsDialog
from tests.fault_server import FaultServer
from tests.mediathek_lists import ListEntry, film_list_bytes
from tests.ui.conftest import wait_until
from tests.ui.test_main_window import running_window, visible_child
from tests.ui.test_mediathek_search import settings_for

PROGRAMME = "mediathek:?channel=ZDF&topic=Der%20Bergdoktor"


def films(server: FaultServer) -> list[ListEntry]:
    """Two episodes in three qualities each; the second shown only in Germany, Austria and
    Switzerland."""

    def film(title: str, name: str, **fields: object) -> ListEntry:
        values: dict[str, object] = {
            "channel": "ZDF",
            "topic": "Der Bergdoktor",
            "title": title,
            "url": server.url(f"{name}.mp4"),
            "hd": server.url(f"{name}_hd.mp4"),
            "small": server.url(f"{name}_small.mp4"),
            "aired": 1_763_900_000,
        }
        values.update(fields)
        return ListEntry(**values)  # type: ignore[arg-type]

    return [
        film("Heimkehr (S01/E01)", "bd1"),
        film("Der Sturm (S01/E02)", "bd2", aired=1_764_000_000, geo="DE-AT-CH"),
    ]


@pytest.fixture
async def served(tmp_path: Path):
    async with FaultServer(tmp_path / "srv") as server:
        server.add_file("Filmliste-akt.xz", film_list_bytes(films(server)))
        yield server


async def follow(services: Services, window: MainWindow) -> SeriesRecord:
    """Follow the programme and choose it in the series list."""
    result = await services.library.add_url(PROGRAMME)
    await wait_until(lambda: window.library_pane.series_model.rowCount() == 1, seconds=15)
    window.library_pane.series_view.selectRow(0)
    return result.series


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = 15.0) -> None:
    """Ask ``check`` (a look at the database) on the running loop until it holds."""
    async with asyncio.timeout(seconds):
        while not await check():  # noqa: ASYNC110
            await asyncio.sleep(0.02)


async def episode_urls(services: Services, series_id: int) -> list[str]:
    series = await services.library.find_series(str(series_id))
    states = await services.library.episode_states(series)
    return [s.episode.url for s in sorted(states, key=lambda s: s.episode.number)]


async def queued_file(services: Services, series_id: int, number: int) -> str:
    """Queue episode ``number`` and say which file its download would fetch."""
    series = await services.library.find_series(str(series_id))
    states = await services.library.episode_states(series)
    (episode,) = [s.episode for s in states if s.episode.number == number]
    added = await services.library.queue_episodes([episode.id])
    (item,) = added.added
    request = await services.library.download_request(item, Path("unused.mp4"))
    return request.url.rsplit("/", 1)[1]


@pytest.mark.qt_loop
async def test_a_geo_restricted_episode_is_marked_in_the_episode_list(
    paths: ProfilePaths, tmp_path: Path, served: FaultServer
) -> None:
    async with running_window(paths, settings_for(tmp_path, served), run_downloads=False) as (
        services,
        window,
    ):
        await follow(services, window)
        model = window.library_pane.episode_model
        await wait_until(lambda: model.rowCount(model.index(0, 0)) == 2, seconds=15)
        season = model.index(0, 0)
        everywhere = model.index(0, Column.TITLE, season)
        limited = model.index(1, Column.TITLE, season)
        assert everywhere.data(DISPLAY_ROLE) == "Heimkehr"
        assert limited.data(DISPLAY_ROLE) == "Der Sturm (only in DE/AT/CH)"
        tooltip = model.index(1, Column.EPISODE, season).data(TOOLTIP_ROLE)
        assert tooltip.startswith("Only available in DE/AT/CH:")
        assert "DE/AT/CH" not in (everywhere.data(TOOLTIP_ROLE) or "")


@pytest.mark.qt_loop
async def test_the_quality_of_one_series_is_stored_and_used_by_its_downloads(
    paths: ProfilePaths, tmp_path: Path, served: FaultServer
) -> None:
    async with running_window(paths, settings_for(tmp_path, served), run_downloads=False) as (
        services,
        window,
    ):
        series = await follow(services, window)
        assert (await episode_urls(services, series.id))[0].endswith("?quality=hd")

        quality = window.commands["series_quality"]
        window.library_pane.series_view.clearSelection()
        await wait_until(lambda: not quality.isEnabled())  # nothing chosen: nothing to set
        window.library_pane.series_view.selectRow(0)
        await wait_until(quality.isEnabled)
        quality.trigger()
        dialog = await visible_child(window, QInputDialog, "seriesQualityDialog")
        # The series names no quality yet; the first choice names the settings' default.
        assert dialog.textValue() == "As in the settings (HD)"
        assert dialog.comboBoxItems() == ["As in the settings (HD)", "HD", "SD", "small"]
        dialog.setTextValue("SD")
        dialog.accept()

        async def stored() -> SeriesRecord:
            return await services.library.find_series(str(series.id))

        async def source_is(url: str) -> bool:
            return (await stored()).source_url == url

        await eventually(lambda: source_is(PROGRAMME + "&quality=sd"))
        await wait_until(lambda: "SD" in window.statusBar().currentMessage(), seconds=15)
        urls = await episode_urls(services, series.id)
        assert urls[0].endswith("?quality=sd")
        assert urls[1].endswith("?quality=sd&geo=DE-AT-CH")
        # Queued from now on, an episode downloads the SD file of the film list.
        assert await queued_file(services, series.id, 1) == "bd1.mp4"

        # Back to the settings' default (HD): the stored reference names no quality again.
        window.library_pane.series_view.selectRow(0)
        window.commands["series_quality"].trigger()
        dialog = await visible_child(window, QInputDialog, "seriesQualityDialog")
        assert dialog.textValue() == "SD"
        dialog.setTextValue("As in the settings (HD)")
        dialog.accept()
        await eventually(lambda: source_is(PROGRAMME))
        assert await queued_file(services, series.id, 2) == "bd2_hd.mp4"


@pytest.mark.qt_loop
async def test_the_settings_page_applies_the_default_quality_without_a_restart(
    paths: ProfilePaths, tmp_path: Path, served: FaultServer
) -> None:
    async with running_window(paths, settings_for(tmp_path, served), run_downloads=False) as (
        services,
        window,
    ):
        series = await follow(services, window)
        provider = services.registry.get("mediathek")
        assert isinstance(provider, MediathekProvider)
        assert provider.options.quality is Quality.HD

        window.commands["settings"].trigger()
        dialog = await visible_child(window, SettingsDialog)
        dialog.show_page("mediathek_quality")
        quality = dialog.findChild(QComboBox, "mediathek_quality")
        assert quality.isVisible() and quality.currentText() == "HD"
        quality.setCurrentIndex(quality.findData("small"))
        dialog.ok_button.click()

        # Applied at once: the provider follows it, and the series is read again with it.
        await wait_until(lambda: provider.options.quality is Quality.SMALL)
        assert load_settings(paths).mediathek_quality == "small"

        async def read_again() -> bool:
            return (await episode_urls(services, series.id))[0].endswith("?quality=small")

        await eventually(read_again)
        assert await queued_file(services, series.id, 1) == "bd1_small.mp4"

        # The dialog opened next shows what was saved.
        window.commands["settings"].trigger()
        again = await visible_child(window, SettingsDialog)
        again.show_page("mediathek_quality")
        assert again.findChild(QComboBox, "mediathek_quality").currentText() == "small"
        again.reject()


@pytest.mark.qt_loop
async def test_quality_without_a_series_of_the_film_list_says_so(
    paths: ProfilePaths, tmp_path: Path, served: FaultServer
) -> None:
    from PySide6.QtWidgets import QMessageBox

    async with running_window(paths, settings_for(tmp_path, served), run_downloads=False) as (
        _services,
        window,
    ):
        # Nothing chosen: the action is off, and the command, if reached anyway, says why.
        await wait_until(lambda: not window.commands["series_quality"].isEnabled())
        window.series_commands.choose_quality_interactively()
        box = await visible_child(window, QMessageBox, "errorBox")
        assert "Only series of the public broadcasters' film list have a quality" in box.text()
        assert not [w for w in window.findChildren(QInputDialog) if w.isVisible()]
        box.close()
