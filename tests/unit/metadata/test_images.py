"""ImageDownloader against a real HTTP server on 127.0.0.1: whole, verified images or nothing."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from aniworld_desktop.metadata.errors import ImageError
from aniworld_desktop.metadata.images import ImageDownloader, image_type
from tests.fault_server import FaultServer, make_payload

KIB = 1024
# Bigger than one read, so the body arrives in several chunks.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + make_payload(200 * KIB, seed=1) + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + make_payload(150 * KIB, seed=2)
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + make_payload(1 * KIB, seed=3)
GIF = b"GIF89a" + make_payload(1 * KIB, seed=4)


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[FaultServer]:
    async with FaultServer(tmp_path / "served") as running:
        running.add_file("poster.jpg", JPEG)
        running.add_file("logo.png", PNG)
        running.add_file("fanart.webp", WEBP)
        running.add_file("anim.gif", GIF)
        yield running


@pytest.fixture
def library(tmp_path: Path) -> Path:
    path = tmp_path / "library" / "Series"
    path.mkdir(parents=True)
    return path


@pytest.fixture
async def images() -> AsyncIterator[ImageDownloader]:
    async with ImageDownloader(timeout=10) as downloader:
        yield downloader


def entries(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (JPEG, "jpeg"),
        (PNG, "png"),
        (WEBP, "webp"),
        (GIF, "gif"),
        (b"GIF87a...", "gif"),
        (b"<!DOCTYPE html><html></html>", None),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", None),
        (b"\xff\xd8", None),
        (b"", None),
    ],
)
def test_image_type(data: bytes, kind: str | None) -> None:
    assert image_type(data) == kind


@pytest.mark.parametrize(
    ("name", "data", "target"),
    [
        ("poster.jpg", JPEG, "poster.jpg"),
        ("logo.png", PNG, "logo.png"),
        ("fanart.webp", WEBP, "fanart.jpg"),
        ("anim.gif", GIF, "season01-poster.jpg"),
    ],
)
async def test_images_arrive_byte_exact(
    server: FaultServer,
    images: ImageDownloader,
    library: Path,
    name: str,
    data: bytes,
    target: str,
) -> None:
    destination = library / target
    assert await images.download(server.url(name), destination) is True
    assert destination.read_bytes() == data
    assert entries(library) == [target]


async def test_chunked_image_arrives_byte_exact(
    server: FaultServer, images: ImageDownloader, library: Path
) -> None:
    destination = library / "poster.jpg"
    assert await images.download(server.url("poster.jpg", fault="chunked"), destination)
    assert destination.read_bytes() == JPEG


async def test_missing_folders_are_created(
    server: FaultServer, images: ImageDownloader, library: Path
) -> None:
    destination = library / "Season 01" / "S01E01-thumb.jpg"
    assert await images.download(server.url("poster.jpg"), destination) is True
    assert destination.read_bytes() == JPEG


@pytest.mark.parametrize("ctype", ["image/jpeg", "image/png", "text/html"])
async def test_a_web_page_is_refused_whatever_its_content_type(
    server: FaultServer, images: ImageDownloader, library: Path, ctype: str
) -> None:
    destination = library / "poster.jpg"
    with pytest.raises(ImageError, match=r"not an image.*web page"):
        await images.download(server.url("poster.jpg", fault="html", ctype=ctype), destination)
    assert entries(library) == []


async def test_text_is_refused(server: FaultServer, images: ImageDownloader, library: Path) -> None:
    server.add_file("note.jpg", b"Access denied, sorry.\n")
    with pytest.raises(ImageError, match="not an image"):
        await images.download(server.url("note.jpg"), library / "poster.jpg")
    assert entries(library) == []


async def test_an_empty_body_is_refused(
    server: FaultServer, images: ImageDownloader, library: Path
) -> None:
    server.add_file("empty.jpg", b"")
    with pytest.raises(ImageError, match="empty"):
        await images.download(server.url("empty.jpg"), library / "poster.jpg")
    assert entries(library) == []


@pytest.mark.parametrize("fault", [None, "chunked"], ids=["content-length", "chunked"])
async def test_an_oversized_image_is_refused(
    server: FaultServer, library: Path, fault: str | None
) -> None:
    url = server.url("poster.jpg", fault=fault) if fault else server.url("poster.jpg")
    async with ImageDownloader(max_bytes=100 * KIB) as images:
        with pytest.raises(ImageError, match="larger than the 102,400 bytes allowed"):
            await images.download(url, library / "poster.jpg")
    assert entries(library) == []


async def test_an_image_exactly_at_the_cap_is_accepted(server: FaultServer, library: Path) -> None:
    async with ImageDownloader(max_bytes=len(PNG)) as images:
        assert await images.download(server.url("logo.png"), library / "logo.png")
    assert (library / "logo.png").read_bytes() == PNG


async def test_not_found_is_an_error_with_the_status(
    server: FaultServer, images: ImageDownloader, library: Path
) -> None:
    with pytest.raises(ImageError, match=r"answered 404 Not Found\.$"):
        await images.download(server.url("nowhere.jpg"), library / "poster.jpg")
    assert entries(library) == []


async def test_a_server_error_is_an_error_with_the_status(
    server: FaultServer, images: ImageDownloader, library: Path
) -> None:
    with pytest.raises(ImageError, match="answered 503"):
        await images.download(
            server.url("poster.jpg", fault="status", code=503), library / "poster.jpg"
        )
    assert entries(library) == []


async def test_a_truncated_body_leaves_nothing(
    server: FaultServer, images: ImageDownloader, library: Path
) -> None:
    with pytest.raises(ImageError, match="broke off"):
        await images.download(
            server.url("poster.jpg", fault="short", after=50 * KIB), library / "poster.jpg"
        )
    assert entries(library) == []


async def test_a_stalled_server_times_out_and_leaves_nothing(
    server: FaultServer, library: Path
) -> None:
    async with ImageDownloader(timeout=0.2) as images:
        with pytest.raises(ImageError, match=r"did not arrive within 0\.2 seconds"):
            await images.download(
                server.url("poster.jpg", fault="stall", after=10 * KIB), library / "poster.jpg"
            )
    assert entries(library) == []


async def test_an_existing_image_is_skipped(
    server: FaultServer, images: ImageDownloader, library: Path
) -> None:
    destination = library / "poster.jpg"
    destination.write_bytes(b"the user's own poster")
    assert await images.download(server.url("poster.jpg"), destination) is False
    assert destination.read_bytes() == b"the user's own poster"
    assert server.requests_for("poster.jpg") == []


async def test_overwrite_replaces_an_existing_image(
    server: FaultServer, images: ImageDownloader, library: Path
) -> None:
    destination = library / "poster.jpg"
    destination.write_bytes(b"old")
    assert await images.download(server.url("poster.jpg"), destination, overwrite=True) is True
    assert destination.read_bytes() == JPEG
    assert entries(library) == ["poster.jpg"]


async def test_an_empty_existing_file_is_replaced(
    server: FaultServer, images: ImageDownloader, library: Path
) -> None:
    destination = library / "poster.jpg"
    destination.write_bytes(b"")
    assert await images.download(server.url("poster.jpg"), destination) is True
    assert destination.read_bytes() == JPEG


async def test_a_refused_overwrite_keeps_the_old_image(
    server: FaultServer, images: ImageDownloader, library: Path
) -> None:
    destination = library / "poster.jpg"
    destination.write_bytes(b"old")
    with pytest.raises(ImageError):
        await images.download(server.url("poster.jpg", fault="html"), destination, overwrite=True)
    assert destination.read_bytes() == b"old"
    assert entries(library) == ["poster.jpg"]


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://127.0.0.1/poster.jpg", "javascript:alert(1)", "poster"]
)
async def test_only_http_and_https_are_fetched(
    images: ImageDownloader, library: Path, url: str
) -> None:
    with pytest.raises(ImageError, match="only fetched over http or https"):
        await images.download(url, library / "poster.jpg")
    assert entries(library) == []


async def test_the_query_never_appears_in_a_message(
    server: FaultServer, images: ImageDownloader, library: Path
) -> None:
    url = server.url("nowhere.jpg") + "?signature=s3cr3t"
    with pytest.raises(ImageError) as caught:
        await images.download(url, library / "poster.jpg")
    assert "s3cr3t" not in str(caught.value)


async def test_a_failed_write_leaves_no_temporary_file(
    server: FaultServer, images: ImageDownloader, library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    # The module calls os.replace once, for the rename into place.
    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(ImageError, match="could not be saved"):
        await images.download(server.url("poster.jpg"), library / "poster.jpg")
    assert entries(library) == []


async def test_no_temporary_file_is_left_after_many_downloads(
    server: FaultServer, images: ImageDownloader, library: Path
) -> None:
    for index in range(5):
        await images.download(server.url("poster.jpg"), library / f"e{index}-thumb.jpg")
        with pytest.raises(ImageError):
            await images.download(server.url("x", fault="html"), library / f"x{index}.jpg")
    assert entries(library) == [f"e{index}-thumb.jpg" for index in range(5)]


# --- sessions ---------------------------------------------------------------------------------


async def test_an_injected_session_is_used_and_not_closed(
    server: FaultServer, library: Path
) -> None:
    async with aiohttp.ClientSession() as session:
        async with ImageDownloader(session) as images:
            assert images.session is session
            assert await images.download(server.url("poster.jpg"), library / "poster.jpg")
        assert not session.closed
        assert images.session is session
        # Still usable by its owner after the downloader is done with it.
        async with session.get(server.url("logo.png")) as response:
            assert await response.read() == PNG


async def test_the_own_session_is_closed_after_an_exception_inside(
    server: FaultServer, library: Path
) -> None:
    with pytest.raises(ImageError):
        async with ImageDownloader() as images:
            session = images.session
            assert session is not None
            await images.download(server.url("nowhere.jpg"), library / "poster.jpg")
    assert session is not None and session.closed
    assert images.session is None


async def test_the_own_session_is_closed_after_any_exception(library: Path) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        async with ImageDownloader() as images:
            session = images.session
            raise RuntimeError("boom")
    assert session is not None and session.closed


async def test_without_async_with_a_session_lives_for_one_download(
    server: FaultServer, library: Path
) -> None:
    images = ImageDownloader()
    assert await images.download(server.url("poster.jpg"), library / "poster.jpg")
    assert images.session is None
    assert (library / "poster.jpg").read_bytes() == JPEG


def test_a_cap_must_be_positive() -> None:
    with pytest.raises(ValueError):
        ImageDownloader(max_bytes=0)
