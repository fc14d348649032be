"""The broadcasters' subtitles, saved beside a downloaded episode for Kodi and Jellyfin.

The film list gives a subtitle URL for many films: TTML (XML; ARD, ZDF, 3sat; EBU-TT is TTML)
or WebVTT (ARTE, funk). Kodi and Jellyfin read ``<episode stem>.srt`` and ``<episode
stem>.vtt`` beside the video, so WebVTT is kept as it is and TTML is converted to SubRip (no
player of ours reads TTML). What the file is comes from its content, not from its URL's suffix,
which the broadcasters do not keep to.

:class:`SubtitleSaver` follows the bus: when a download of a film of the film list finishes,
it asks the provider for the film's subtitle URL, fetches it and writes the file atomically.
Subtitles are an extra: a failure is a line in the log, never a failed episode.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING
from xml.etree.ElementTree import Element

import aiohttp
from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml import ElementTree as SafeElementTree

from aniworld_desktop.core.errors import UsageError
from aniworld_desktop.core.events import DownloadFinished, EventBus
from aniworld_desktop.durable import write_atomic
from aniworld_desktop.providers.base import ProviderError, check_url

if TYPE_CHECKING:
    from aniworld_desktop.providers.registry import ProviderRegistry

log = logging.getLogger(__name__)

MAX_SUBTITLE_BYTES = 8 << 20
_TIMEOUT = aiohttp.ClientTimeout(total=60, sock_connect=30)
# ARD writes its cues on the broadcast clock, starting at 10:00:00 (MediathekView's own
# converter takes those ten hours off as well).
_CLOCK_OFFSET = 10 * 3600.0
_CLOCK = re.compile(r"^(\d+):(\d{1,2}):(\d{1,2})(?:([.:])(\d+))?$")
_OFFSET = re.compile(r"^(\d+(?:\.\d+)?)(h|m|s|ms|f|t)$")


class SubtitleError(ProviderError):
    """Subtitles that cannot be read or converted; the message says why."""


def subtitle_file(data: bytes) -> tuple[str, bytes]:
    """The suffix and bytes to save for downloaded subtitles: ``.vtt`` kept, TTML as ``.srt``.

    Raises:
        SubtitleError: Neither WebVTT, SubRip nor TTML, or TTML without a cue.
    """
    text = data.decode("utf-8-sig", errors="replace")
    head = text.lstrip()
    if head.startswith("WEBVTT"):
        return ".vtt", data
    if head.startswith("<"):
        return ".srt", ttml_to_srt(data).encode("utf-8")
    if re.match(r"\d+\s*\r?\n\d\d:\d\d:\d\d,\d{3} --> ", head):
        return ".srt", data
    raise SubtitleError("The subtitles are neither WebVTT nor TTML.")


def ttml_to_srt(data: bytes) -> str:
    """TTML (and EBU-TT) cues as SubRip text: one numbered cue per ``<p>``, lines kept.

    Raises:
        SubtitleError: Not XML, not TTML, or no cue with a time.
    """
    try:
        root = SafeElementTree.fromstring(data)
    except DefusedXmlException:
        raise SubtitleError(
            "The TTML subtitles declare XML entities, which are never expanded; they are refused."
        ) from None
    except Exception as exc:  # ParseError and its relatives
        raise SubtitleError(f"The TTML subtitles are not readable XML ({exc}).") from None
    if _local(root.tag) != "tt":
        raise SubtitleError("The subtitles are XML but not TTML.")
    frame_rate = _float_attribute(root, "frameRate", 25.0)
    tick_rate = _float_attribute(root, "tickRate", frame_rate or 1.0)
    cues: list[tuple[float, float, str]] = []
    for paragraph in root.iter():
        if _local(paragraph.tag) != "p":
            continue
        begin = _time(paragraph.get("begin", ""), frame_rate, tick_rate)
        end = _time(paragraph.get("end", ""), frame_rate, tick_rate)
        if begin is None:
            continue
        if end is None:
            duration = _time(paragraph.get("dur", ""), frame_rate, tick_rate)
            end = begin + duration if duration is not None else begin + 2.0
        text = _text(paragraph).strip()
        if text:
            cues.append((begin, end, text))
    if not cues:
        raise SubtitleError("The TTML subtitles have no timed text.")
    offset = _CLOCK_OFFSET if min(c[0] for c in cues) >= _CLOCK_OFFSET else 0.0
    blocks = [
        f"{n}\n{_srt_time(begin - offset)} --> {_srt_time(end - offset)}\n{text}\n"
        for n, (begin, end, text) in enumerate(sorted(cues, key=lambda c: c[0]), start=1)
    ]
    return "\n".join(blocks)


def _local(tag: object) -> str:
    return str(tag).rpartition("}")[2]


def _float_attribute(root: Element, name: str, default: float) -> float:
    for key, value in root.attrib.items():
        if _local(key) == name:
            try:
                return float(value)
            except ValueError:
                return default
    return default


def _time(text: str, frame_rate: float, tick_rate: float) -> float | None:
    """Seconds from a TTML time: ``00:01:02.500``, ``00:01:02:12`` (frames), ``62.5s``, ``10t``."""
    text = text.strip()
    if not text:
        return None
    clock = _CLOCK.match(text)
    if clock is not None:
        hours, minutes, seconds, separator, fraction = clock.groups()
        value = float(int(hours) * 3600 + int(minutes) * 60 + int(seconds))
        if fraction:
            if separator == ".":
                value += float("0." + fraction)
            else:
                value += int(fraction) / (frame_rate or 25.0)
        return value
    offset = _OFFSET.match(text)
    if offset is None:
        return None
    number, unit = float(offset.group(1)), offset.group(2)
    scale = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
    if unit in scale:
        return number * scale[unit]
    if unit == "f":
        return number / (frame_rate or 25.0)
    return number / (tick_rate or 1.0)


def _text(element: Element) -> str:
    """The text of a cue, ``<br/>`` as a line break, spans flattened."""
    parts: list[str] = [element.text or ""]
    for child in element:
        if _local(child.tag) == "br":
            parts.append("\n")
        else:
            parts.append(_text(child))
        parts.append(child.tail or "")
    lines = "".join(parts).split("\n")
    return "\n".join(" ".join(line.split()) for line in lines if line.strip())


def _srt_time(seconds: float) -> str:
    millis = max(0, round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d},{millis:03d}"


async def fetch_subtitles(session: aiohttp.ClientSession, url: str) -> bytes:
    """Download subtitles (http or https only, at most 8 MB).

    Raises:
        SubtitleError: Not http(s), not 200, too large, or the connection failed.
    """
    try:
        url = check_url(url)
    except ProviderError as exc:
        raise SubtitleError(str(exc)) from None
    try:
        async with session.get(url, timeout=_TIMEOUT) as response:
            if response.status != 200:
                raise SubtitleError(f"The server answered {response.status} for the subtitles.")
            data = await response.content.read(MAX_SUBTITLE_BYTES + 1)
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise SubtitleError(
            f"The subtitles could not be downloaded ({type(exc).__name__})."
        ) from None
    if len(data) > MAX_SUBTITLE_BYTES:
        raise SubtitleError("The subtitles are larger than 8 MB; that is no subtitle file.")
    return data


class SubtitleSaver:
    """Saves a film's subtitles beside its episode when its download finishes.

    Attributes:
        saved: The subtitle files written in this run, in order (for the log and the tests).
    """

    def __init__(
        self,
        bus: EventBus,
        registry: ProviderRegistry,
        session: aiohttp.ClientSession,
        library_dir: Callable[[], Path],
    ) -> None:
        self._bus = bus
        self._registry = registry
        self._session = session
        self._library_dir = library_dir
        self._tasks: set[asyncio.Task[None]] = set()
        self.saved: list[Path] = []

    async def __aenter__(self) -> SubtitleSaver:
        self._bus.subscribe(DownloadFinished, self._on_download_finished)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Stop following; let the subtitles being fetched finish (each bounded by a timeout)."""
        self._bus.unsubscribe(DownloadFinished, self._on_download_finished)
        await self.wait_settled()

    async def wait_settled(self) -> None:
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def _on_download_finished(self, event: DownloadFinished) -> None:
        item = event.item
        if not item.url.strip().lower().startswith("mediathek:film/"):
            return
        video = self._library_dir() / item.destination
        task = asyncio.ensure_future(self._save(item.url, video))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _save(self, url: str, video: Path) -> None:
        try:
            provider = self._registry.get("mediathek")
            resolved = await provider.resolve(url, self._session)
            subtitle_url = getattr(resolved, "subtitle_url", "")
            if not subtitle_url:
                return
            data = await fetch_subtitles(self._session, subtitle_url)
            suffix, content = await asyncio.to_thread(subtitle_file, data)
            target = video.with_suffix(suffix)
            await asyncio.to_thread(write_atomic, target, content)
        except (UsageError, OSError) as exc:  # ProviderError is a UsageError
            log.warning("no subtitles for %s: %s", video.name, exc)
            return
        self.saved.append(target)
        log.info("subtitles saved: %s", target)
