"""The composition root: what opening the services does in which order (no window)."""

from __future__ import annotations

import asyncio
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
