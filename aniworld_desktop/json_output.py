"""The shape of every ``--json`` output of the command line: one object, its schema first."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from aniworld_desktop.core.clock import iso_utc

__all__ = ["JSON_SCHEMA", "print_json"]

JSON_SCHEMA = 2
"""The version of every ``--json`` output's shape; raised whenever a key changes meaning or goes.

1 was the bare lists of earlier versions; 2 is an object with ``schema`` and a named key."""


def _json_value(value: Any) -> Any:
    """What ``json`` cannot write itself: times as ISO 8601, with the offset (stored times are
    UTC), days as ``YYYY-MM-DD``, anything else as its text."""
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def print_json(payload: dict[str, Any]) -> None:
    """One ``--json`` output: the schema version first, then the command's keys."""
    document = {"schema": JSON_SCHEMA, **payload}
    print(json.dumps(document, indent=2, ensure_ascii=False, default=_json_value))
