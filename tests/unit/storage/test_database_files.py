"""database.py: which files are ours, and a damaged one that cannot be moved aside."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

import aniworld_desktop.storage.database as database
from aniworld_desktop.core.errors import AniworldError
from aniworld_desktop.storage.database import HEAD_REVISION, alembic_config, known_revisions


def test_known_revisions_are_alembics() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert known_revisions() == {r.revision for r in script.walk_revisions()}
    assert HEAD_REVISION in known_revisions()


def test_a_damaged_file_that_cannot_be_moved_aside_is_left_and_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "aniworld.sqlite3"
    garbage = os.urandom(10_000)
    path.write_bytes(garbage)

    def refuse(*args: object, **kwargs: object) -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(database, "set_aside", refuse)
    with pytest.raises(AniworldError) as caught:
        database.migrate_file(path)
    message = str(caught.value)
    assert "it is not a database file" in message and "could not be moved aside" in message
    assert "Permission denied" in message
    assert path.read_bytes() == garbage
