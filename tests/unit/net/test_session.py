"""net.session: OwnedSession uses a borrowed session as it is and closes only its own;
read_capped reads a reply whole, never past its limit."""

from __future__ import annotations

import aiohttp
import pytest

from aniworld_desktop.net.session import OwnedSession, client_session, read_capped
from tests.unit.providers.feed_server import FeedServer


class Client(OwnedSession):
    """A client that counts the sessions it makes."""

    def __init__(self, session: aiohttp.ClientSession | None = None) -> None:
        super().__init__(session)
        self.made: list[aiohttp.ClientSession] = []

    def _new_session(self) -> aiohttp.ClientSession:
        session = client_session(headers={"User-Agent": "test"})
        self.made.append(session)
        return session


async def test_a_borrowed_session_is_used_and_left_open() -> None:
    async with client_session() as borrowed:
        client = Client(borrowed)
        assert not client.owns_session
        async with client as entered:
            assert entered is client and client.session is borrowed
        await client.close()
        assert client.session is borrowed and not borrowed.closed
        assert client.made == []


async def test_its_own_session_is_made_on_entering_and_closed_on_leaving() -> None:
    client = Client()
    assert client.owns_session and client.session is None
    async with client:
        (own,) = client.made
        assert client.session is own and not own.closed
    assert own.closed and client.session is None
    async with client:  # entered again: a new session of its own
        assert len(client.made) == 2 and client.session is client.made[1]
    assert client.made[1].closed


async def test_its_own_session_is_closed_when_the_block_raises() -> None:
    client = Client()
    with pytest.raises(RuntimeError, match="boom"):
        async with client:
            raise RuntimeError("boom")
    assert client.made[0].closed and client.session is None


async def test_close_is_safe_twice_and_before_entering() -> None:
    client = Client()
    await client.close()
    async with client:
        pass
    await client.close()
    assert [s.closed for s in client.made] == [True]


async def test_the_default_session_comes_from_the_factory() -> None:
    async with OwnedSession() as client:
        assert isinstance(client.session, aiohttp.ClientSession)
        session = client.session
    assert session.closed


class TooLarge(Exception):
    pass


async def test_a_reply_is_read_whole_but_never_past_its_limit() -> None:
    body = bytes(range(256)) * 400  # 100 KiB, more than one read
    async with FeedServer() as server, client_session() as session:
        server.add("/announced", body, content_type="application/octet-stream")
        server.add("/chunked", body, content_type="application/octet-stream", chunked=True)
        for path in ("/announced", "/chunked"):
            async with session.get(server.url(path)) as response:
                assert await read_capped(response, len(body), TooLarge) == body
            async with session.get(server.url(path)) as response:
                with pytest.raises(TooLarge):
                    await read_capped(response, len(body) - 1, TooLarge)
