"""Fixtures of the download tests: a real aiohttp file server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fault_server import FaultServer


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[FaultServer]:
    """``tests/fault_server.py`` serving ``tmp_path/served``, stopped after the test."""
    async with FaultServer(tmp_path / "served") as running:
        yield running
