"""The composition root: what opening the services does in which order (no window)."""

from __future__ import annotations

import ast
import asyncio
import json
import subprocess
import sys
import threading
from typing import Any

from aniworld_desktop.config import ProfilePaths, Settings
from aniworld_desktop.providers.registry import ProviderContext, ProviderRegistry
from aniworld_desktop.services import open_services
from aniworld_desktop.storage.repositories import SqlQueueRepository


async def test_the_queue_loads_while_the_providers_are_still_being_discovered(
    paths: ProfilePaths, monkeypatch: Any
) -> None:
    """The queue's read needs neither the providers nor the library: it runs while their
    discovery (plug-in imports, in a thread) ends, and the services open once both have."""
    settings = Settings(library_dir=paths.data_dir / "library", min_free_disk=0)
    gate = threading.Event()  # holds the discovery until the test opens it
    real_discover = ProviderRegistry.discover

    def held_discovery(context: ProviderContext | None = None) -> ProviderRegistry:
        if not gate.wait(10):
            raise TimeoutError("the test never opened the gate")
        return real_discover(context)

    loaded = asyncio.Event()
    real_load = SqlQueueRepository.load

    async def noted_load(self: SqlQueueRepository) -> Any:
        items = await real_load(self)
        loaded.set()
        return items

    monkeypatch.setattr(ProviderRegistry, "discover", held_discovery)
    monkeypatch.setattr(SqlQueueRepository, "load", noted_load)
    opened = asyncio.Event()
    release = asyncio.Event()

    async def run() -> list[str]:
        async with open_services(paths, settings, run_downloads=True) as services:
            opened.set()
            await release.wait()
            return services.registry.names()

    running = asyncio.ensure_future(run())
    try:
        await asyncio.wait_for(loaded.wait(), 10)  # the queue is read, discovery still held
        assert not opened.is_set()
    finally:
        gate.set()
    await asyncio.wait_for(opened.wait(), 10)
    release.set()
    assert "direct" in await asyncio.wait_for(running, 10)


def printed_by(script: str) -> list[str]:
    """The lines ``script`` prints, run in a fresh interpreter (so that what this process
    imported does not count)."""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    return done.stdout.splitlines()


def test_discovering_the_providers_leaves_their_heavy_imports_for_their_first_use() -> None:
    """Discovery is on the way to the window's first list (services.open_services waits for
    it): what only a feed read, the demo's server or a film list refresh needs is imported
    then, not with the provider. A fresh interpreter, so what this process imported does not
    count."""
    script = (
        "import sys\n"
        "from aniworld_desktop.services import load_service_modules\n"
        "from aniworld_desktop.providers.registry import ProviderRegistry\n"
        "load_service_modules()\n"
        "registry = ProviderRegistry.discover()\n"
        "print(sorted(registry.names()))\n"
        "print(sorted(m for m in ('feedparser', 'aiohttp.web', 'multiprocessing')"
        " if m in sys.modules))\n"
    )
    names, heavy = printed_by(script)[-2:]
    assert {"demo", "direct", "feed"} <= set(ast.literal_eval(names))
    assert heavy == "[]"


def _modules_new_with(names: tuple[str, ...]) -> set[str]:
    """What importing ``names`` adds to ``sys.modules`` in a fresh interpreter that has loaded
    the window's frame and :data:`services.SHARED_MODULES` first, as a start does."""
    script = (
        "import importlib, json, sys\n"
        "import aniworld_desktop.ui.qtapp\n"
        "from aniworld_desktop.services import SHARED_MODULES\n"
        "for name in SHARED_MODULES:\n"
        "    importlib.import_module(name)\n"
        "before = set(sys.modules)\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))\n"
    )
    return set(json.loads(printed_by(script)[-1]))


def test_the_two_import_threads_share_no_module_they_could_wait_on_each_other_for() -> None:
    """load_service_modules imports aiohttp in a thread beside SQLAlchemy's imports. Two threads
    importing the same cycle of modules stop with a deadlock error, so what both need is loaded
    before they start; a new release of either that needs more in common fails here first."""
    from aniworld_desktop.services import SQLALCHEMY_MODULES

    aiohttp_side = _modules_new_with(("aiohttp",))
    sqlalchemy_side = _modules_new_with(SQLALCHEMY_MODULES)
    assert "aiohttp.connector" in aiohttp_side and "sqlalchemy.orm" in sqlalchemy_side
    # Cython's extension modules each make this one themselves, outside the import system.
    assert aiohttp_side & sqlalchemy_side <= {"cython_runtime"}


def test_service_modules_load_with_aiohttp_in_a_thread_of_its_own() -> None:
    script = (
        "import sys, threading\n"
        "import importlib\n"
        "seen = {}\n"
        "real = importlib.import_module\n"
        "def noted(name, *args):\n"
        "    seen.setdefault(name, threading.current_thread().name)\n"
        "    return real(name, *args)\n"
        "importlib.import_module = noted\n"
        "from aniworld_desktop.services import SERVICE_MODULES, load_service_modules\n"
        "load_service_modules()\n"
        "print(seen['aiohttp'], seen['sqlalchemy.orm'])\n"
        "print(all(name in sys.modules for name in SERVICE_MODULES))\n"
    )
    threads, loaded = printed_by(script)[-2:]
    assert threads == "import aiohttp MainThread" and loaded == "True"
