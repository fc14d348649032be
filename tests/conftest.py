"""Shared fixtures, and the hook that runs Qt tests on qasync's event loop.

Async tests marked ``qt_loop`` run on a ``qasync.QEventLoop`` over the one QApplication, so
signals, timers and coroutines interleave as they do in the window; every other async test runs
on a plain stdlib loop.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Windows started by any test (and their child processes) speak English on a German machine too;
# tests/ui/test_translation.py switches to German where it means to.
os.environ.setdefault("ANIWORLD_DESKTOP_LANG", "en")

# Watches every test for the sentinel secrets in logs, the window, files and output.
pytest_plugins = ["tests.secrets_guard", "pytester"]


def _qt_loop_factory() -> asyncio.AbstractEventLoop:
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    return qasync.QEventLoop(app)


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, Callable[[], asyncio.AbstractEventLoop]]:
    if item.get_closest_marker("qt_loop") is not None:
        return {"qasync": _qt_loop_factory}
    return {"asyncio": asyncio.new_event_loop}


_QT_FIXTURES = frozenset({"qapp", "qtbot"})


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """After a test that used Qt, collect its cycles here, on the GUI thread.

    A closed qasync loop leaves cycles holding Qt timers, and a widget test's objects may sit
    in cycles too (a slot that holds its widget); left to the automatic collector they may be
    destroyed by whichever thread allocates next (aiosqlite's, a download thread's), which Qt
    forbids: a later test then crashed the worker inside pytest-qt's event processing (twice,
    at the end of the long, allocating `test_migration_kill`). (The app itself collects on the
    GUI thread: ui/collector.py.)
    """
    fixtures = getattr(item, "fixturenames", ())
    if item.get_closest_marker("qt_loop") is not None or _QT_FIXTURES.intersection(fixtures):
        import gc

        gc.collect()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """A report's captured output as text that any process can send.

    ``make test`` runs the suite in pytest-xdist's worker processes, which send each report to
    the controller as UTF-8; a lone surrogate in captured output (the hostile-name tests log
    names decoded from bytes) cannot be encoded, and the worker died of it. Such characters
    are written as escapes (``\\udcff``); every other report is left as it is.
    """
    report.sections = [(title, _sendable(text)) for title, text in report.sections]
    if isinstance(report.longrepr, str):
        report.longrepr = _sendable(report.longrepr)


def _sendable(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def _no_proxy_from_the_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every session honours HTTP(S)_PROXY; a developer's proxy must not see our loopback
    servers (nor break the tests). A test that wants a proxy sets one."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    """An empty profile folder (database, settings, logs, and a library below it)."""
    path = tmp_path / "profile"
    path.mkdir()
    return path


@pytest.fixture
def paths(profile: Path) -> Any:
    from aniworld_desktop.config import ProfilePaths

    return ProfilePaths.for_profile(profile)


@pytest.fixture
async def database(paths: Any) -> AsyncIterator[Any]:
    """A migrated SQLite database in the test's profile."""
    from aniworld_desktop.storage.database import open_database

    engine = await open_database(paths.database)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def peer_dir() -> Path:
    """The peers' test data (Sonarr's parser cases, real feeds): ``$ANIWORLD_PEER_DIR`` when
    set, else ``shared/peer`` beside the repository, as CI checks it out (``tests/peer_data``).

    Missing data fails the test that needs it, saying where it looked: a skip would let a
    measure CI must show pass unseen.
    """
    from tests.peer_data import find_peer_dir, missing_message

    folder = find_peer_dir()
    if folder is None:
        pytest.fail(missing_message(), pytrace=False)
    return folder
