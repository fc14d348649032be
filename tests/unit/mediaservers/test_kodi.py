"""KodiClient against a fake Kodi on 127.0.0.1: JSON-RPC over HTTP with basic authentication."""

from __future__ import annotations

import base64
import logging

import pytest

from aniworld_desktop.mediaservers import (
    KodiClient,
    MediaServerAuthError,
    MediaServerBadReply,
    MediaServerError,
    MediaServerUnavailable,
)
from tests.unit.mediaservers.fake_servers import (
    KODI_PASSWORD,
    KODI_USER,
    FakeServers,
    refused_url,
)


def assert_no_password(caplog: pytest.LogCaptureFixture, *texts: object) -> None:
    for record in caplog.records:
        assert KODI_PASSWORD not in record.getMessage()
        assert KODI_PASSWORD not in str(record.args)
    for text in texts:
        assert KODI_PASSWORD not in str(text)


async def test_refresh_posts_video_library_scan(
    server: FakeServers, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with KodiClient(server.url, KODI_USER, KODI_PASSWORD) as kodi:
        message = await kodi.refresh()

    assert message == f"Kodi at {server.url} is scanning its video library."
    [request] = server.requests
    assert (request.method, request.path) == ("POST", "/jsonrpc")
    assert request.headers["Content-Type"] == "application/json"
    credentials = base64.b64encode(f"{KODI_USER}:{KODI_PASSWORD}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {credentials}"
    assert request.json() == {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "VideoLibrary.Scan",
        "params": {"showdialogs": False},
    }
    assert_no_password(caplog, repr(kodi), vars(kodi))


async def test_ping(server: FakeServers) -> None:
    async with KodiClient(server.url + "/jsonrpc", KODI_USER, KODI_PASSWORD) as kodi:
        message = await kodi.test_connection()
    assert (
        message
        == f"Kodi at {server.url}/jsonrpc answered the ping with pong; the connection works."
    )
    [request] = server.requests
    assert request.path == "/jsonrpc"  # a URL that already names the endpoint is kept
    assert request.json()["method"] == "JSONRPC.Ping"
    assert "params" not in request.json()


async def test_without_authentication_no_header_is_sent(server: FakeServers) -> None:
    server.kodi_user = ""
    async with KodiClient(server.url) as kodi:
        await kodi.refresh()
    assert "Authorization" not in server.requests[0].headers


@pytest.mark.parametrize("call", ["refresh", "test_connection"])
async def test_a_wrong_password_is_a_clear_error_without_the_password(
    server: FakeServers, caplog: pytest.LogCaptureFixture, call: str
) -> None:
    caplog.set_level(logging.DEBUG)
    server.kodi_password = "the-real-one"
    async with KodiClient(server.url, KODI_USER, KODI_PASSWORD) as kodi:
        with pytest.raises(MediaServerAuthError) as info:
            await getattr(kodi, call)()
    assert str(info.value) == (
        f"Kodi at {server.url} refused the user name or password (HTTP 401): check them in the "
        "settings."
    )
    assert_no_password(caplog, info.value, repr(info.value))


async def test_missing_credentials_say_where_to_find_them(server: FakeServers) -> None:
    async with KodiClient(server.url) as kodi:
        with pytest.raises(MediaServerAuthError) as info:
            await kodi.test_connection()
    assert "asks for a user name and password (HTTP 401)" in str(info.value)
    assert "Settings > Services > Control" in str(info.value)


async def test_a_json_rpc_error_is_a_sentence(server: FakeServers) -> None:
    del server.kodi_replies["VideoLibrary.Scan"]
    async with KodiClient(server.url, KODI_USER, KODI_PASSWORD) as kodi:
        with pytest.raises(MediaServerError) as info:
            await kodi.refresh()
    assert str(info.value) == (
        f"Kodi at {server.url} refused VideoLibrary.Scan: Method not found (JSON-RPC error -32601)."
    )


async def test_an_answer_other_than_ok_or_pong(server: FakeServers) -> None:
    server.kodi_replies["JSONRPC.Ping"] = "kodi_scan.json"  # "OK" to a ping
    async with KodiClient(server.url, KODI_USER, KODI_PASSWORD) as kodi:
        with pytest.raises(
            MediaServerBadReply, match="answered the ping with 'OK' instead of pong"
        ):
            await kodi.test_connection()


async def test_a_web_page_is_not_json(server: FakeServers) -> None:
    server.pages["/jsonrpc"] = ("text/html", b"<html>Kodi web interface</html>")
    async with KodiClient(server.url, KODI_USER, KODI_PASSWORD) as kodi:
        with pytest.raises(MediaServerBadReply) as info:
            await kodi.refresh()
    assert str(info.value) == (
        f"Kodi at {server.url} answered VideoLibrary.Scan with something that is not JSON: is "
        "this the address of a Kodi server?"
    )


async def test_connection_refused() -> None:
    url = refused_url()
    async with KodiClient(url, KODI_USER, KODI_PASSWORD) as kodi:
        with pytest.raises(MediaServerUnavailable, match="refused the connection"):
            await kodi.refresh()


async def test_no_answer_within_the_timeout(server: FakeServers) -> None:
    server.hang = True
    async with KodiClient(server.url, KODI_USER, KODI_PASSWORD, timeout=0.2) as kodi:
        with pytest.raises(MediaServerUnavailable) as info:
            await kodi.test_connection()
    assert str(info.value) == f"Kodi at {server.url} did not answer within 0.2 seconds."
