"""JellyfinClient against a fake Jellyfin on 127.0.0.1: what it sends, and each failure's sentence."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from aniworld_desktop.mediaservers import (
    JellyfinClient,
    MediaServerAuthError,
    MediaServerBadReply,
    MediaServerError,
    MediaServerUnavailable,
)
from tests.unit.mediaservers.fake_servers import API_KEY, FakeServers, refused_url


def assert_no_key(caplog: pytest.LogCaptureFixture, *texts: object) -> None:
    for record in caplog.records:
        assert API_KEY not in record.getMessage()
        assert API_KEY not in str(record.args)
        assert API_KEY not in (record.exc_text or "")
    for text in texts:
        assert API_KEY not in str(text)


async def test_refresh_posts_library_refresh_with_the_key_in_headers(
    server: FakeServers, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with JellyfinClient(server.url + "/", API_KEY) as jellyfin:
        message = await jellyfin.refresh()

    assert message == f"Jellyfin at {server.url} is scanning its libraries."
    [request] = server.requests
    assert (request.method, request.path, request.query) == ("POST", "/Library/Refresh", "")
    assert request.headers["Authorization"] == f'MediaBrowser Token="{API_KEY}"'
    assert request.headers["X-Emby-Token"] == API_KEY
    assert request.body == b""
    assert_no_key(caplog, repr(jellyfin), vars(jellyfin))


async def test_jellyfin_12_without_legacy_authorization_still_accepts_the_key(
    server: FakeServers,
) -> None:
    server.legacy_auth = False  # X-Emby-Token alone is ignored, as on Jellyfin 12
    async with JellyfinClient(server.url, API_KEY) as jellyfin:
        assert "is scanning" in await jellyfin.refresh()


async def test_a_base_path_is_kept(server: FakeServers) -> None:
    async with JellyfinClient(server.url + "/jellyfin", API_KEY) as jellyfin:
        await jellyfin.refresh()
        assert "Living Room NAS" in await jellyfin.test_connection()
    assert [r.path for r in server.requests] == [
        "/jellyfin/Library/Refresh",
        "/jellyfin/System/Info",
    ]


async def test_test_connection_names_the_server_and_its_version(server: FakeServers) -> None:
    async with JellyfinClient(server.url, API_KEY) as jellyfin:
        message = await jellyfin.test_connection()
    assert message == (
        f"Connected to Jellyfin “Living Room NAS” 10.10.7 at {server.url}; the API key works."
    )
    [request] = server.requests
    assert (request.method, request.path) == ("GET", "/System/Info")
    assert request.headers["Authorization"] == f'MediaBrowser Token="{API_KEY}"'


@pytest.mark.parametrize("call", ["refresh", "test_connection"])
async def test_a_wrong_key_is_a_clear_error_without_the_key(
    server: FakeServers, caplog: pytest.LogCaptureFixture, call: str
) -> None:
    caplog.set_level(logging.DEBUG)
    server.api_key = "another-key-entirely"
    async with JellyfinClient(server.url, API_KEY) as jellyfin:
        with pytest.raises(MediaServerAuthError) as info:
            await getattr(jellyfin, call)()
    assert str(info.value) == (
        f"Jellyfin at {server.url} refused the API key (HTTP 401): check the Jellyfin API key "
        "in the settings."
    )
    assert info.value.__cause__ is None and info.value.__context__ is None
    assert_no_key(caplog, info.value, repr(info.value))


async def test_forbidden_says_the_key_may_not(server: FakeServers) -> None:
    server.status["/Library/Refresh"] = 403
    async with JellyfinClient(server.url, API_KEY) as jellyfin:
        with pytest.raises(
            MediaServerAuthError, match=r"does not let this API key do that \(HTTP 403\)"
        ):
            await jellyfin.refresh()


async def test_no_key_is_refused_before_asking(server: FakeServers) -> None:
    async with JellyfinClient(server.url, "  ") as jellyfin:
        with pytest.raises(MediaServerAuthError, match="No Jellyfin API key is set"):
            await jellyfin.refresh()
    assert server.requests == []


async def test_a_key_that_cannot_be_a_header_is_refused_without_quoting_it(
    server: FakeServers,
) -> None:
    bad = API_KEY[:10] + "\n" + API_KEY[10:]
    async with JellyfinClient(server.url, bad) as jellyfin:
        with pytest.raises(MediaServerAuthError) as info:
            await jellyfin.refresh()
    assert "unusual characters" in str(info.value)
    assert API_KEY[:10] not in str(info.value)
    assert server.requests == []


async def test_a_web_page_instead_of_json_is_a_clear_error(server: FakeServers) -> None:
    server.pages["/System/Info"] = ("text/html", b"<html><body>Router login</body></html>")
    async with JellyfinClient(server.url, API_KEY) as jellyfin:
        with pytest.raises(MediaServerBadReply) as info:
            await jellyfin.test_connection()
    assert str(info.value) == (
        f"Jellyfin at {server.url} answered the server information with something that is not "
        "JSON: is this the address of a Jellyfin server?"
    )


async def test_json_without_a_version_is_not_jellyfin(server: FakeServers) -> None:
    server.pages["/System/Info"] = ("application/json", b'{"hello": "world"}')
    async with JellyfinClient(server.url, API_KEY) as jellyfin:
        with pytest.raises(MediaServerBadReply, match="without a version"):
            await jellyfin.test_connection()


@pytest.mark.parametrize(
    ("status", "kind", "text"),
    [
        (404, MediaServerBadReply, "does not know the library refresh (HTTP 404): is this the address of a Jellyfin server?"),
        (500, MediaServerUnavailable, "is having trouble (HTTP 500) with the library refresh."),
        (400, MediaServerError, "refused the library refresh (HTTP 400)."),
    ],
)  # fmt: skip
async def test_other_statuses(
    server: FakeServers, status: int, kind: type[MediaServerError], text: str
) -> None:
    server.status["/Library/Refresh"] = status
    async with JellyfinClient(server.url, API_KEY) as jellyfin:
        with pytest.raises(kind) as info:
            await jellyfin.refresh()
    assert str(info.value) == f"Jellyfin at {server.url} {text}"


async def test_a_redirect_is_not_followed_and_is_named(server: FakeServers) -> None:
    server.status["/Library/Refresh"] = 302
    server.headers["/Library/Refresh"] = {
        "Location": "https://user:pw@jellyfin.example/Library/Refresh?x=1"
    }
    async with JellyfinClient(server.url, API_KEY) as jellyfin:
        with pytest.raises(MediaServerError) as info:
            await jellyfin.refresh()
    assert str(info.value) == (
        f"Jellyfin at {server.url} redirects the library refresh to "
        "https://jellyfin.example/Library/Refresh (HTTP 302): enter the address it redirects to "
        "in the settings."
    )
    assert len(server.requests) == 1


async def test_connection_refused(caplog: pytest.LogCaptureFixture) -> None:
    url = refused_url()
    async with JellyfinClient(url, API_KEY) as jellyfin:
        with pytest.raises(MediaServerUnavailable) as info:
            await jellyfin.refresh()
    assert str(info.value) == (
        f"Jellyfin at {url} refused the connection: is it running, and is the port right?"
    )
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__


async def test_no_answer_within_the_timeout(server: FakeServers) -> None:
    server.hang = True
    async with JellyfinClient(server.url, API_KEY, timeout=0.2) as jellyfin:
        with pytest.raises(MediaServerUnavailable) as info:
            await jellyfin.test_connection()
    assert str(info.value) == f"Jellyfin at {server.url} did not answer within 0.2 seconds."


@pytest.mark.parametrize(
    "url",
    ["", "ftp://nas:21", "file:///etc/passwd", "http://admin:secret@nas:8096", "nas:8096", "http://nas:8096/?api_key=1"],
)  # fmt: skip
def test_only_http_urls_without_credentials(url: str) -> None:
    with pytest.raises(MediaServerError) as info:
        JellyfinClient(url, API_KEY)
    assert "secret" not in str(info.value)


async def test_a_borrowed_session_stays_open_and_its_own_is_closed(server: FakeServers) -> None:
    async with aiohttp.ClientSession() as session:
        async with JellyfinClient(server.url, API_KEY, session=session) as jellyfin:
            await jellyfin.refresh()
        assert not session.closed
        # The key never went into the shared session's headers.
        assert "X-Emby-Token" not in session.headers
        assert "Authorization" not in session.headers
    own = JellyfinClient(server.url, API_KEY)
    async with own:
        owned = own._session
        assert owned is not None
    assert owned.closed
