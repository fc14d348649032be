"""Artwork downloads: posters, fanart, logos, season posters and episode thumbnails.

An image is only ever moved into the library whole and verified. The body is read into memory
under a size cap (artwork is a few hundred KiB; the cap bounds the worst case), its first bytes
must be a JPEG, PNG, WebP or GIF signature whatever the Content-Type says, and only then is it
written to a temporary file beside the target, fsynced and renamed over it. Jellyfin ignores a
zero-byte image and shows a half one, so neither may ever be visible under the final name; a
refused or failed download leaves nothing behind.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import yarl

from aniworld_desktop.durable import write_atomic
from aniworld_desktop.metadata.errors import ImageError
from aniworld_desktop.net.errors import explain
from aniworld_desktop.net.session import (
    NO_TRUSTED_HOSTS,
    OwnedSession,
    TrustedHosts,
    client_session,
    read_capped,
)

__all__ = ["DEFAULT_MAX_BYTES", "ImageDownloader", "image_type"]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
"""The largest image accepted by default: far above any TMDB original, far below a video."""

# Longest signature we check (WebP: "RIFF", 4 size bytes, "WEBP").
_SNIFF_BYTES = 12


def image_type(data: bytes) -> str | None:
    """Name the image format ``data`` starts with: "jpeg", "png", "webp", "gif", or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    return None


class ImageDownloader(OwnedSession):
    """Fetches images over HTTP(S) into the library, whole and verified or not at all.

    Use it as ``async with ImageDownloader() as images`` to let it own a session, or pass a
    session it will use but never close (``NFOService`` shares one with its ``TMDBClient``).

    Attributes:
        max_bytes: The largest image accepted, in bytes.
        timeout: Seconds one whole download may take.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession | None = None,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        timeout: float = 30.0,
        trusted: TrustedHosts = NO_TRUSTED_HOSTS,
    ) -> None:
        """Configure the downloader.

        Args:
            session: A session to borrow; without one the downloader makes its own.
            max_bytes: The largest image accepted, in bytes.
            timeout: Seconds one whole download may take, connecting included.
            trusted: Self-signed hosts the user trusts, for a session of its own (a borrowed
                session brings its own).
        """
        if max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        super().__init__(session)
        self.max_bytes = max_bytes
        self.timeout = timeout
        self._trusted = trusted

    def _new_session(self) -> aiohttp.ClientSession:
        return client_session(self._trusted)

    async def download(self, url: str, destination: Path, *, overwrite: bool = False) -> bool:
        """Fetch the image at ``url`` into ``destination``.

        Args:
            url: An http or https address.
            destination: Where the image goes; missing parent folders are created.
            overwrite: Replace a non-empty file already there (an empty one is always replaced).

        Returns:
            True when the image was written, False when a non-empty file was already there.

        Raises:
            ImageError: The address is not http(s), the server failed or answered an error
                status, the body is too large, or it is not a JPEG, PNG, WebP or GIF image.
                Nothing is written then.
        """
        shown = _require_http(url)
        if not overwrite and await asyncio.to_thread(_has_content, destination):
            return False
        if self.session is not None:
            data = await self._fetch(self.session, url, shown)
        else:  # outside ``async with``: a session for this image only
            async with self._new_session() as session:
                data = await self._fetch(session, url, shown)
        try:
            # A network share can be slow to write to; keep the event loop free meanwhile.
            await asyncio.to_thread(_write_atomic, destination, data)
        except OSError as exc:
            raise ImageError(
                f"The image {destination.name} could not be saved in {destination.parent}: "
                f"{exc.strerror or exc}."
            ) from exc
        return True

    async def _fetch(self, session: aiohttp.ClientSession, url: str, shown: str) -> bytes:
        try:
            async with session.get(
                url, timeout=aiohttp.ClientTimeout(total=self.timeout)
            ) as response:
                if not 200 <= response.status < 300:
                    reason = f" {response.reason}" if response.reason else ""
                    raise ImageError(
                        f"The image at {shown} could not be downloaded: the server answered "
                        f"{response.status}{reason}."
                    )
                data = await read_capped(
                    response, self.max_bytes, lambda: ImageError(self._too_large(shown))
                )
        except ImageError:
            raise
        # aiohttp's exception texts carry the whole URL, query and all: never chained, never shown.
        except TimeoutError:
            raise ImageError(
                f"The image at {shown} did not arrive within {self.timeout:g} seconds."
            ) from None
        except (aiohttp.ClientError, OSError) as exc:
            raise ImageError(
                explain(f"The image at {shown} could not be downloaded", exc)
            ) from None
        kind = image_type(bytes(data[:_SNIFF_BYTES]))
        if kind is None:
            raise ImageError(f"The file at {shown} is not an image ({_describe(data)}).")
        return data

    def _too_large(self, shown: str) -> str:
        return f"The image at {shown} is larger than the {self.max_bytes:,} bytes allowed."


def _require_http(url: str) -> str:
    """Check the address and return it as shown in messages: without query or fragment."""
    try:
        parsed = yarl.URL(url)
    except (TypeError, ValueError) as exc:
        raise ImageError(f"{url!r} is not a valid web address.") from exc
    if parsed.scheme.lower() not in ("http", "https") or not parsed.host:
        raise ImageError(f"Images are only fetched over http or https, not from {url!r}.")
    # A query may carry a signature or a key; it has no place in a message a user may share.
    return str(parsed.with_query(None).with_fragment(None))


def _describe(data: bytes | bytearray) -> str:
    if not data:
        return "the reply was empty"
    start = bytes(data[:64]).lstrip().lower()
    if start.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return "it is a web page"
    if start.startswith((b"<?xml", b"<")):
        return "it is an XML or HTML document"
    return "its first bytes match no JPEG, PNG, WebP or GIF signature"


def _has_content(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)
