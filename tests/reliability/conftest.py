"""Fixtures the reliability tests share."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.reliability.hostile import self_signed_server_context
from tests.reliability.hostile_server import HostileServer


@pytest.fixture
async def tls_server(tmp_path: Path) -> AsyncIterator[HostileServer]:
    """HTTPS on 127.0.0.1 with a fresh self-signed certificate: a feed, a video, a poster."""
    context = self_signed_server_context(tmp_path)
    async with HostileServer(ssl=context) as running:
        running.add("/feed.xml", b"<rss version='2.0'><channel><title>T</title></channel></rss>",
                    content_type="application/rss+xml")  # fmt: skip
        running.add("/ep.mkv", b"\x1a\x45\xdf\xa3" + bytes(1024), content_type="video/x-matroska")
        running.add("/poster.jpg", b"\xff\xd8\xff\xe0" + bytes(4092), content_type="image/jpeg")
        running.add("/api/configuration", b"{}", content_type="application/json")
        yield running
