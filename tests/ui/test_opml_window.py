"""File > Import/Export Subscriptions (OPML) in the real window: the file dialog (opened with
open(), never exec()), the import's progress and its list of refusals, the export's file and
its question before replacing one."""

from __future__ import annotations

import asyncio
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QLineEdit, QMessageBox

from aniworld_desktop.config import ProfilePaths
from tests.ui.conftest import wait_until
from tests.ui.test_links import accept
from tests.ui.test_main_window import make_settings, running_window, visible_child
from tests.unit.library.test_opml import FEED, fixture
from tests.unit.providers.feed_server import FeedServer


async def choose(window: Any, name: str, path: Path) -> None:
    """Type ``path`` into the open file dialog ``name`` and accept it, as a user does."""
    dialog = await visible_child(window, QFileDialog, name)
    dialog.findChild(QLineEdit, "fileNameEdit").setText(str(path))
    dialog.accept()


@pytest.mark.qt_loop
async def test_import_follows_the_feeds_with_progress_and_lists_what_it_refused(
    paths: ProfilePaths, tmp_path: Path
) -> None:
    async with (
        FeedServer() as feeds,
        running_window(paths, make_settings(tmp_path), run_downloads=False) as (services, window),
    ):
        feeds.add("/harbor.xml", FEED.format(title="Harbor Lights").encode())
        feeds.add("/moons.xml", FEED.format(title="Paper Moons").encode())
        feeds.add("/gone.xml", b"", status=404)
        subscriptions = tmp_path / "gpodder.opml"
        subscriptions.write_bytes(fixture("gpodder.opml", feeds.url("")))
        # Each feed waits at a gate, so the progress is seen for sure.
        gate = asyncio.Event()
        add_url = services.library.add_url

        async def gated(url: str, provider: str | None = None) -> Any:
            await gate.wait()
            return await add_url(url, provider)

        services.library.add_url = gated  # type: ignore[method-assign]
        window.commands["import_opml"].trigger()
        await choose(window, "opmlImportDialog", subscriptions)
        expected = "Importing subscriptions 0 of 3: Harbor Lights"
        await wait_until(lambda: window.progress.label.text() == expected)
        assert window.progress.isVisible()
        gate.set()
        error = await visible_child(window, QMessageBox, "errorBox")
        assert error.text().splitlines() == [
            "Following 2 new series. 1 feed could not be followed:",
            "",
            f"Gone Feed: {feeds.url('/gone.xml')} answered HTTP 404.",
        ]
        error.close()
        titles = sorted(s.series.title for s in await services.library.list_series())
        assert titles == ["Harbor Lights", "Paper Moons"]
        await wait_until(lambda: window.library_pane.series_model.rowCount() == 2)

        # A file that is no OPML: its sentence, nothing followed.
        page = tmp_path / "page.opml"
        page.write_text("<html><body>no feeds</body></html>", encoding="utf-8")
        window.commands["import_opml"].trigger()
        await choose(window, "opmlImportDialog", page)
        error = await visible_child(window, QMessageBox, "errorBox")
        assert error.text() == "page.opml is not an OPML file (it is XML, but its root is <html>)."
        error.close()


@pytest.mark.qt_loop
async def test_export_saves_the_feeds_and_asks_before_replacing_a_file(
    paths: ProfilePaths, tmp_path: Path
) -> None:
    async with (
        FeedServer() as feeds,
        running_window(paths, make_settings(tmp_path), run_downloads=False) as (services, window),
    ):
        feeds.add("/harbor.xml", FEED.format(title="Harbor Lights").encode())
        await services.library.add_url(feeds.url("/harbor.xml"))
        await services.library.add_url("http://127.0.0.1:9/media/clip.mp4")  # not a feed
        messages: list[str] = []
        window.statusBar().messageChanged.connect(messages.append)
        target = tmp_path / "out.opml"

        window.commands["export_opml"].trigger()
        await choose(window, "opmlExportDialog", target)
        await wait_until(target.exists)
        outlines = ET.parse(target).getroot().findall("body/outline")
        assert [(o.get("title"), o.get("xmlUrl")) for o in outlines] == [
            ("Harbor Lights", feeds.url("/harbor.xml"))
        ]
        await wait_until(lambda: f"Saved 1 feed to {target}." in messages)

        target.write_text("mine", encoding="utf-8")
        window.commands["export_opml"].trigger()
        await choose(window, "opmlExportDialog", target)
        box = await visible_child(window, QMessageBox, "confirmReplace")
        assert box.text() == "out.opml exists already. Replace it?"
        box.reject()  # Cancel: the file stays as it was
        await wait_until(lambda: not box.isVisible())
        assert target.read_text(encoding="utf-8") == "mine"

        window.commands["export_opml"].trigger()
        await choose(window, "opmlExportDialog", target)
        accept(await visible_child(window, QMessageBox, "confirmReplace"))
        await wait_until(lambda: target.read_bytes().startswith(b"<?xml"))
