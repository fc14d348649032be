"""What a server's answer says (downloads/answer.py): validators, Content-Range, statuses."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
import yarl
from multidict import CIMultiDict

from aniworld_desktop.downloads.answer import (
    ContentRange,
    Validators,
    human_size,
    parse_content_range,
    reject_compression,
    reject_html_bytes,
    reject_web_page,
    require_http,
    status_error,
    validators_of,
)
from aniworld_desktop.downloads.errors import PermanentDownloadError, TransientDownloadError


def answer(status: int = 200, content_type: str = "video/mp4", **headers: str) -> Any:
    """Just what the answer's readers look at of an aiohttp response."""
    return SimpleNamespace(
        status=status,
        reason=None,
        url=yarl.URL("http://media.example/e1.mp4"),
        content_type=content_type,
        headers=CIMultiDict({name.replace("_", "-"): value for name, value in headers.items()}),
    )


def test_if_range_prefers_the_etag_to_the_date() -> None:
    assert Validators('"v1"', "Mon, 01 Jan 2024 00:00:00 GMT").if_range() == '"v1"'
    assert Validators(None, "Mon, 01 Jan 2024 00:00:00 GMT").if_range() == (
        "Mon, 01 Jan 2024 00:00:00 GMT"
    )
    assert Validators().if_range() is None


def test_differences_name_what_changed() -> None:
    began = Validators('"v1"', "yesterday", 100)
    assert began.differences(Validators('"v1"', "today", 100)) == []  # the ETag decides
    assert began.differences(Validators('"v2"', "yesterday", 100)) == ['ETag "v1" is now "v2"']
    assert began.differences(Validators(None, None, 100)) == ['ETag "v1" is now missing']
    assert began.differences(Validators('"v1"', None, 120)) == ["100 bytes are now 120"]
    by_date = Validators(None, "yesterday")
    assert by_date.differences(Validators(None, "today")) == ["last modified yesterday, now today"]
    assert Validators(size=100).differences(Validators(size=None)) == []  # size unknown


def test_only_a_strong_etag_is_kept() -> None:
    seen = validators_of(answer(ETag='W/"weak"', Last_Modified="today"), 10)
    assert seen == Validators(None, "today", 10)
    assert validators_of(answer(ETag='"strong"'), None) == Validators('"strong"', None, None)


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("bytes 100-199/200", ContentRange(100, 199, 200)),
        ("BYTES 0 - 9 / *", ContentRange(0, 9, None)),
        ("bytes 10-5/200", None),  # ends before it starts
        ("bytes 0-200/200", None),  # past the file's end
        ("items 0-9/10", None),
        (None, None),
    ],
)
def test_content_range(value: str | None, parsed: ContentRange | None) -> None:
    assert parse_content_range(value) == parsed


@pytest.mark.parametrize(
    ("status", "kind", "words"),
    [
        (404, PermanentDownloadError, "not on media.example"),
        (410, PermanentDownloadError, "removed"),
        (403, PermanentDownloadError, "refused access"),
        (302, PermanentDownloadError, "redirect"),
        (418, PermanentDownloadError, "rejected"),
        (500, TransientDownloadError, "had a problem"),
        (408, TransientDownloadError, "had a problem"),
    ],
)
def test_status_errors_say_whether_to_retry(status: int, kind: type, words: str) -> None:
    error = status_error(answer(status))
    assert type(error) is kind
    assert words in error.message
    assert f"HTTP {status}" in error.message


def test_too_many_requests_carries_retry_after() -> None:
    error = status_error(answer(429, Retry_After="12"))
    assert isinstance(error, TransientDownloadError)
    assert error.retry_after == 12
    assert "wait 12 seconds" in error.message


def test_web_pages_and_compressed_bodies_are_refused() -> None:
    with pytest.raises(PermanentDownloadError, match="web page"):
        reject_web_page(answer(content_type="text/html"))
    reject_web_page(answer())
    with pytest.raises(PermanentDownloadError, match="web page"):
        reject_html_bytes(b"  \n<!DOCTYPE html><html>")
    reject_html_bytes(b"\x00\x00\x00\x18ftypmp42")
    with pytest.raises(PermanentDownloadError, match="compressed the video \\(gzip\\)"):
        reject_compression(answer(Content_Encoding="GZIP"))
    reject_compression(answer(Content_Encoding="identity"))


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://host/file", "uses 'ftp'"),
        ("file:///etc/passwd", "uses 'file'"),
        ("http:///nohost", "no server name"),
    ],
)
def test_only_http_urls_with_a_host(url: str, words: str) -> None:
    with pytest.raises(PermanentDownloadError, match=words):
        require_http(url)


def test_http_and_https_pass() -> None:
    require_http("http://host/file")
    require_http("HTTPS://host/file")


def test_human_size() -> None:
    assert human_size(512) == "512 bytes"
    assert human_size(1536) == "1.5 KiB"
    assert human_size(3 << 30) == "3.0 GiB"
    assert human_size(2 << 40) == "2.0 TiB"
