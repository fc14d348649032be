"""A fake Jellyfin and Kodi on 127.0.0.1 for every test that asks for ``server``."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.unit.mediaservers.fake_servers import FakeServers


@pytest.fixture
async def server() -> AsyncIterator[FakeServers]:
    async with FakeServers() as running:
        yield running
