"""The ids a drag from our own views carries, written and read by one pair of functions."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QMimeData

from aniworld_desktop.ui.id_mime import (
    EPISODE_IDS_MIME,
    QUEUE_IDS_MIME,
    SERIES_IDS_MIME,
    ids_from_mime,
    ids_mime,
)


def test_each_kind_reads_back_what_was_written_and_only_its_own() -> None:
    for kind in (EPISODE_IDS_MIME, QUEUE_IDS_MIME, SERIES_IDS_MIME):
        mime = ids_mime(kind, [3, 1, 2])
        assert mime.formats() == [kind]
        assert ids_from_mime(mime, kind) == [3, 1, 2]
        others = {EPISODE_IDS_MIME, QUEUE_IDS_MIME, SERIES_IDS_MIME} - {kind}
        assert all(ids_from_mime(mime, other) == [] for other in others)


def test_garbage_reads_as_no_ids() -> None:
    mime = QMimeData()
    for payload in (b"\xff\xfe", b"{", b'{"ids": [1]}', b'[1, "2", true, 3.0, 4]'):
        mime.setData(SERIES_IDS_MIME, QByteArray(payload))
        expected = [1, 4] if payload.startswith(b"[") else []
        assert ids_from_mime(mime, SERIES_IDS_MIME) == expected
