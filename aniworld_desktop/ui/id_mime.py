"""The ids a drag from the window's own views carries: a JSON list of ints under a MIME type.

Episodes from the episode tree, rows within the queue, series from the series table: each view
writes its ids with :func:`ids_mime`, and the queue reads them back with :func:`ids_from_mime`.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QByteArray, QMimeData

__all__ = [
    "EPISODE_IDS_MIME",
    "QUEUE_IDS_MIME",
    "SERIES_IDS_MIME",
    "ids_from_mime",
    "ids_mime",
]

EPISODE_IDS_MIME = "application/x-aniworld-episode-ids"
QUEUE_IDS_MIME = "application/x-aniworld-queue-ids"
SERIES_IDS_MIME = "application/x-aniworld-series-ids"


def ids_mime(kind: str, ids: list[int]) -> QMimeData:
    """MIME data carrying ids of ``kind`` (one of the ``*_IDS_MIME`` types)."""
    mime = QMimeData()
    mime.setData(kind, QByteArray(json.dumps(ids).encode("utf-8")))
    return mime


def ids_from_mime(mime: QMimeData, kind: str) -> list[int]:
    """The ids of ``kind`` that ``mime`` carries, or an empty list if none (or garbage)."""
    if not mime.hasFormat(kind):
        return []
    try:
        ids = json.loads(bytes(mime.data(kind).data()).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return []
    if not isinstance(ids, list):
        return []
    return [i for i in ids if isinstance(i, int) and not isinstance(i, bool)]
