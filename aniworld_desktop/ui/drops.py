"""What a drop onto the queue means, read from its MIME data alone.

Drop handlers only read the data and schedule the work (as Picard's item views do): reading a
dropped text file or asking a server what a URL is happens later, in a task, never in the event
handler.

Accepted:
- episodes dragged from the episode list (``application/x-aniworld-episode-ids``): queue them;
- queue rows dragged within the queue (``application/x-aniworld-queue-ids``): reorder;
- series dragged from the series table (``application/x-aniworld-series-ids``): queue what is
  missing in them;
- links from outside (``text/uri-list`` or plain text, one per line): a feed is followed after a
  confirmation, a media link is queued; a dropped ``.txt`` file is read for links. ``feed:``,
  ``podcast:``, ``itpc:`` and ``pcast:`` links count as the http(s) links they stand for.

What is pasted on the queue (:func:`read_pasted`) is read like dropped links.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QMimeData

from aniworld_desktop.core.links import FEED_SCHEMES, FETCHED_SCHEMES, normalise_link
from aniworld_desktop.ui.episode_model import EPISODE_IDS_MIME, episode_ids_from_mime

QUEUE_IDS_MIME = "application/x-aniworld-queue-ids"
SERIES_IDS_MIME = "application/x-aniworld-series-ids"
MAX_TEXT_FILE = 1 << 20  # a list of links, not a novel
_URL = re.compile(r"(?:https?://|(?:feed|podcast|itpc|pcast):)\S+", re.IGNORECASE)


class DropKind(StrEnum):
    """What was dropped on the queue, and so what it asks for."""

    EPISODES = "episodes"  # queue them
    QUEUE = "queue"  # queue rows: reorder them
    SERIES = "series"  # queue what is missing in them
    LINKS = "links"  # follow the feeds (after a confirmation), queue the media links


@dataclass(frozen=True, slots=True)
class Drop:
    """A drop, understood.

    Attributes:
        kind: What was dropped.
        ids: Episode, queue item or series ids.
        urls: http(s) links.
        files: Local text files to read links from.
    """

    kind: DropKind
    ids: list[int] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def ids_mime(kind: str, ids: list[int]) -> QMimeData:
    """MIME data carrying ids of ``kind`` (one of the ``*_IDS_MIME`` types)."""
    mime = QMimeData()
    mime.setData(kind, QByteArray(json.dumps(ids).encode("utf-8")))
    return mime


def _ids(mime: QMimeData, kind: str) -> list[int]:
    try:
        ids = json.loads(bytes(mime.data(kind).data()).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return []
    if not isinstance(ids, list):
        return []
    return [i for i in ids if isinstance(i, int) and not isinstance(i, bool)]


def read_drop(mime: QMimeData) -> Drop | str:
    """The drop's meaning, or a sentence saying why it is refused (for the status bar)."""
    if mime.hasFormat(QUEUE_IDS_MIME):
        ids = _ids(mime, QUEUE_IDS_MIME)
        return (
            Drop(DropKind.QUEUE, ids)
            if ids
            else QCoreApplication.translate("QueueView", "Those rows cannot be moved.")
        )
    if mime.hasFormat(EPISODE_IDS_MIME):
        ids = episode_ids_from_mime(mime)
        return (
            Drop(DropKind.EPISODES, ids)
            if ids
            else QCoreApplication.translate("QueueView", "Nothing to queue in that drop.")
        )
    if mime.hasFormat(SERIES_IDS_MIME):
        ids = _ids(mime, SERIES_IDS_MIME)
        return (
            Drop(DropKind.SERIES, ids)
            if ids
            else QCoreApplication.translate("QueueView", "Nothing to queue in that drop.")
        )
    return _links_drop(mime)


def _links_drop(mime: QMimeData) -> Drop | str:
    """Links and ``.txt`` files from outside, or why they are refused."""
    urls: list[str] = []
    files: list[Path] = []
    if mime.hasUrls():
        for url in mime.urls():
            scheme = url.scheme().lower()
            if url.isLocalFile():
                path = Path(url.toLocalFile())
                if path.suffix.lower() == ".txt":
                    files.append(path)
                else:
                    return QCoreApplication.translate(
                        "QueueView", "{name} is not a list of links (.txt)."
                    ).format(name=path.name)
            elif scheme in FETCHED_SCHEMES or scheme in FEED_SCHEMES:
                urls.append(normalise_link(url.toString()))
            elif scheme:
                return QCoreApplication.translate(
                    "QueueView", "Only http and https links can be added ({scheme} scheme)."
                ).format(scheme=url.scheme())
            else:
                return QCoreApplication.translate(
                    "QueueView", "Only http and https links can be added (no scheme)."
                )
    elif mime.hasText():
        urls = links_in(mime.text())
        if not urls:
            return QCoreApplication.translate(
                "QueueView", "The dropped text holds no http or https link."
            )
    if not urls and not files:
        return QCoreApplication.translate("QueueView", "That cannot be dropped on the queue.")
    return Drop(DropKind.LINKS, urls=urls, files=files)


def read_pasted(mime: QMimeData) -> Drop | str:
    """What the clipboard's links mean on the queue, or why they are refused (for the status bar).

    Read like links dropped from outside: links in a text or a list of URLs, ``.txt`` files.
    """
    if not mime.hasUrls() and not (mime.hasText() and mime.text().strip()):
        return QCoreApplication.translate("QueueView", "The clipboard holds no links.")
    if not mime.hasUrls() and not links_in(mime.text()):
        return QCoreApplication.translate(
            "QueueView", "The clipboard's text holds no http or https link."
        )
    return _links_drop(mime)


def links_in(text: str) -> list[str]:
    """The http(s) links in a text, in order, each once (``feed:`` and the like made http(s))."""
    found = (normalise_link(m.group(0).rstrip(".,;)>\"'")) for m in _URL.finditer(text))
    return list(
        dict.fromkeys(url for url in found if url.split(":", 1)[0].lower() in FETCHED_SCHEMES)
    )


def read_link_file(path: Path) -> list[str]:
    """The links in a dropped text file (blocking: run it in a thread)."""
    with path.open("rb") as file:
        data = file.read(MAX_TEXT_FILE + 1)
    if len(data) > MAX_TEXT_FILE:
        raise ValueError(
            QCoreApplication.translate(
                "QueueView", "{name} is larger than 1 MiB; it is not a list of links."
            ).format(name=path.name)
        )
    return links_in(data.decode("utf-8", errors="replace"))
