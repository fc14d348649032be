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

import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMimeData

from aniworld_desktop.core.links import FEED_SCHEMES, FETCHED_SCHEMES, normalise_link
from aniworld_desktop.ui.id_mime import (
    EPISODE_IDS_MIME,
    QUEUE_IDS_MIME,
    SERIES_IDS_MIME,
    ids_from_mime,
    ids_mime,
)
from aniworld_desktop.ui.translation import QT_TRANSLATE_NOOP

# The id MIME types and ids_mime() are named here too: the queue's callers know them from here.
__all__ = [
    "EPISODE_IDS_MIME",
    "MAX_TEXT_FILE",
    "QUEUE_IDS_MIME",
    "SERIES_IDS_MIME",
    "Drop",
    "DropKind",
    "ids_mime",
    "links_in",
    "read_drop",
    "read_link_file",
    "read_pasted",
]

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


# A drag from one of our own views: its MIME type, what it asks for, the refusal when it holds no id.
_ID_DROPS: tuple[tuple[str, DropKind, str], ...] = (
    (QUEUE_IDS_MIME, DropKind.QUEUE, QT_TRANSLATE_NOOP("QueueView", "Those rows cannot be moved.")),
    (
        EPISODE_IDS_MIME,
        DropKind.EPISODES,
        QT_TRANSLATE_NOOP("QueueView", "Nothing to queue in that drop."),
    ),
    (
        SERIES_IDS_MIME,
        DropKind.SERIES,
        QT_TRANSLATE_NOOP("QueueView", "Nothing to queue in that drop."),
    ),
)


def read_drop(mime: QMimeData) -> Drop | str:
    """The drop's meaning, or a sentence saying why it is refused (for the status bar)."""
    for kind, meaning, refusal in _ID_DROPS:
        if mime.hasFormat(kind):
            ids = ids_from_mime(mime, kind)
            return Drop(meaning, ids) if ids else QCoreApplication.translate("QueueView", refusal)
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
