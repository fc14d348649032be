"""The download queue's items by id, with a running count per state (``DownloadService``'s)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from aniworld_desktop.core.queue import QueueItem
from aniworld_desktop.core.status import DownloadStatus

__all__ = ["ItemIndex"]


class ItemIndex(dict[int, QueueItem]):
    """The queue by id, with a running count per state: the status bar asks for the counts
    after every change, and walking 100,000 rows each time stalls the window."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: Counter[DownloadStatus] = Counter()

    def __setitem__(self, item_id: int, item: QueueItem) -> None:
        old = self.get(item_id)
        if old is not None:
            self.counts[old.status] -= 1
        self.counts[item.status] += 1
        super().__setitem__(item_id, item)

    def load(self, items: Sequence[QueueItem]) -> None:
        """Add many at once (start-up): one C-level update instead of 100k Python calls."""
        dict.update(self, ((item.id, item) for item in items))
        self.counts = Counter(item.status for item in self.values())

    def __delitem__(self, item_id: int) -> None:
        self.counts[self[item_id].status] -= 1
        super().__delitem__(item_id)

    def pop(self, item_id: int, default: QueueItem | None = None) -> QueueItem | None:  # type: ignore[override]
        item = super().pop(item_id, None)
        if item is None:
            return default
        self.counts[item.status] -= 1
        return item
