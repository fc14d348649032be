"""What a server's answer to a download request says, in our words.

The pieces :class:`~aniworld_desktop.downloads.engine.DownloadEngine` reads an answer with:
the validators a part file is continued against (a strong ``ETag``, else ``Last-Modified``, and
the size), ``Content-Range``, the status codes as :class:`DownloadError` sentences, and the
answers that are no video at all (a web page, a compressed body). Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import aiohttp
import yarl

from aniworld_desktop.downloads.errors import (
    DownloadError,
    PermanentDownloadError,
    TransientDownloadError,
)
from aniworld_desktop.net.retry import parse_retry_after

__all__ = [
    "ContentRange",
    "RestartFromZero",
    "Validators",
    "changed_message",
    "human_size",
    "parse_content_range",
    "reject_compression",
    "reject_html_bytes",
    "reject_web_page",
    "require_http",
    "slow_message",
    "stall_message",
    "status_error",
    "validators_of",
]

MAX_REDIRECTS = 10
# Enough of the body's start to recognise an HTML page, small enough to hold back briefly.
SNIFF_BYTES = 512
_HTML_STARTS = (b"<!doctype html", b"<html")
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_COMPRESSIONS = frozenset({"gzip", "x-gzip", "deflate", "br", "zstd", "compress", "x-compress"})
_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d+)\s*-\s*(\d+)\s*/\s*(\d+|\*)\s*$", re.IGNORECASE)
UNSATISFIED_RANGE = re.compile(r"^\s*bytes\s+\*\s*/\s*(\d+)\s*$", re.IGNORECASE)
_STATUS_WORDS = {
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    408: "Request Timeout",
    410: "Gone",
    429: "Too Many Requests",
}


@dataclass(frozen=True, slots=True)
class Validators:
    """What the server said about one version of a file (RFC 9110 validators, and its size).

    Attributes:
        etag: A strong ``ETag`` (a weak one cannot vouch for bytes, so it is not kept).
        last_modified: ``Last-Modified`` as the server wrote it.
        size: The whole file's size in bytes, when the server said.
    """

    etag: str | None = None
    last_modified: str | None = None
    size: int | None = None

    def if_range(self) -> str | None:
        """The ``If-Range`` value: the ETag, else the date; None when there is neither."""
        return self.etag or self.last_modified

    def differences(self, other: Validators) -> list[str]:
        """What differs between the version a part began with (self) and ``other``.

        A validator the first answer carried and a later one lacks counts as changed: a
        server that stopped sending it can no longer say the bytes are the same.
        """
        changed = []
        if self.etag is not None and other.etag != self.etag:
            changed.append(f"ETag {self.etag} is now {other.etag or 'missing'}")
        elif (
            self.etag is None
            and self.last_modified is not None
            and other.last_modified != self.last_modified
        ):
            changed.append(
                f"last modified {self.last_modified}, now {other.last_modified or 'unknown'}"
            )
        if self.size is not None and other.size is not None and other.size != self.size:
            changed.append(f"{self.size} bytes are now {other.size}")
        return changed


@dataclass(frozen=True, slots=True)
class ContentRange:
    start: int
    end: int
    total: int | None


class RestartFromZero(Exception):
    """The part file cannot be continued: the server sent another part or another version.

    ``str()`` is the reason, for the log; empty for a Range answered from the wrong place.
    """


def validators_of(response: aiohttp.ClientResponse, size: int | None) -> Validators:
    """The answer's strong ETag and Last-Modified, with the whole file's size."""
    etag = response.headers.get("ETag", "").strip()
    # A weak ETag (W/"...") says "equivalent", not "the same bytes": useless for a Range.
    strong = etag if etag.startswith('"') and etag.endswith('"') and len(etag) >= 2 else None
    modified = response.headers.get("Last-Modified", "").strip() or None
    return Validators(strong, modified, size)


def changed_message(changed: list[str]) -> str:
    return (
        f"the file changed on the server since the download began ({'; '.join(changed)}); "
        "starting again from the beginning"
    )


def slow_message(host: str, min_speed: int, seconds: float) -> str:
    return (
        f"{host} sent less than {human_size(min_speed)} a second for {seconds:g} seconds; "
        "the download is too slow and will be retried."
    )


def stall_message(host: str, seconds: float) -> str:
    return (
        f"No data arrived from {host} for {seconds:g} seconds; "
        "the download stalled and will be retried."
    )


def status_error(response: aiohttp.ClientResponse) -> DownloadError:
    status = response.status
    host = response.url.host or str(response.url)
    label = f"HTTP {status} {response.reason or _STATUS_WORDS.get(status, '')}".rstrip()
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    wait = f" It asked us to wait {retry_after:g} seconds." if retry_after is not None else ""
    if status == 429:
        return TransientDownloadError(
            f"{host} says we are asking too often ({label}).{wait}", retry_after=retry_after
        )
    if status == 408 or status >= 500:
        return TransientDownloadError(
            f"{host} had a problem ({label}); it may work again later.{wait}",
            retry_after=retry_after,
        )
    if status == 404:
        return PermanentDownloadError(
            f"The video is not on {host} ({label}); the link may be outdated."
        )
    if status == 410:
        return PermanentDownloadError(f"The video was removed from {host} ({label}).")
    if status in (401, 403):
        return PermanentDownloadError(
            f"{host} refused access to the video ({label}); the link may have expired."
        )
    if 300 <= status < 400:
        return PermanentDownloadError(
            f"{host} answered with a redirect that leads nowhere ({label})."
        )
    return PermanentDownloadError(f"{host} rejected the download ({label}).")


def parse_content_range(value: str | None) -> ContentRange | None:
    if value is None:
        return None
    match = _CONTENT_RANGE.match(value)
    if match is None:
        return None
    start, end = int(match.group(1)), int(match.group(2))
    total = None if match.group(3) == "*" else int(match.group(3))
    if end < start or (total is not None and end >= total):
        return None
    return ContentRange(start, end, total)


def reject_web_page(response: aiohttp.ClientResponse) -> None:
    if response.content_type.lower() in _HTML_TYPES:
        raise _web_page_error()


def reject_html_bytes(head: bytes) -> None:
    if head.lstrip()[:16].lower().startswith(_HTML_STARTS):
        raise _web_page_error()


def _web_page_error() -> PermanentDownloadError:
    return PermanentDownloadError(
        "The server sent a web page instead of the video; the link probably points to a "
        "player page or an error page, not to the file."
    )


def reject_compression(response: aiohttp.ClientResponse) -> None:
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    if encoding in _COMPRESSIONS:
        raise PermanentDownloadError(
            f"The server compressed the video ({encoding}) although we asked for it as is; "
            "the file would be unusable."
        )


def require_http(url: str) -> None:
    try:
        parsed = yarl.URL(url)
    except (TypeError, ValueError) as exc:
        raise PermanentDownloadError(f"{url!r} is not a valid web address.") from exc
    if parsed.scheme.lower() not in ("http", "https"):
        shown = parsed.scheme or "none"
        raise PermanentDownloadError(
            f"Only http and https links can be downloaded; this one uses {shown!r}: {url}"
        )
    if not parsed.host:
        raise PermanentDownloadError(f"{url!r} has no server name in it.")


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    value = size / 1024
    for unit in ("KiB", "MiB", "GiB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"
