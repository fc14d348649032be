"""durable.py: atomic writes that fail with a sentence, and files set aside instead of deleted."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

import aniworld_desktop.durable as durable
from aniworld_desktop.core.errors import AniworldError
from aniworld_desktop.durable import UnwritableError, set_aside, write_atomic


def test_a_refused_write_is_an_os_error_with_a_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> int:
        raise OSError(errno.EROFS, "Read-only file system", str(tmp_path / ".x.tmp"))

    monkeypatch.setattr(durable.os, "open", refuse)
    with pytest.raises(UnwritableError) as caught:
        write_atomic(tmp_path / "tvshow.nfo", b"<tvshow/>")
    error = caught.value
    assert isinstance(error, OSError) and isinstance(error, AniworldError)
    assert error.errno == errno.EROFS and error.strerror == "Read-only file system"
    assert str(error) == f"Cannot write tvshow.nfo in {tmp_path}: the drive is read-only."
    assert error.folder == tmp_path


def test_a_full_disk_while_writing_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "poster.jpg"
    target.write_bytes(b"old")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(durable.os, "fsync", full)
    with pytest.raises(UnwritableError, match="the disk is full"):
        write_atomic(target, b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["poster.jpg"]
    assert target.read_bytes() == b"old"


def test_set_aside_keeps_bytes_mode_and_companions(tmp_path: Path) -> None:
    file = tmp_path / "aniworld.sqlite3"
    file.write_bytes(b"damaged")
    file.chmod(0o600)
    (tmp_path / "aniworld.sqlite3-wal").write_bytes(b"log")
    kept = set_aside(file, companions=("-wal", "-shm"))
    assert not file.exists() and not (tmp_path / "aniworld.sqlite3-wal").exists()
    assert kept.name.startswith("aniworld.sqlite3.corrupt-")
    assert kept.read_bytes() == b"damaged" and kept.stat().st_mode & 0o777 == 0o600
    assert kept.with_name(kept.name + "-wal").read_bytes() == b"log"


def test_set_aside_never_overwrites(tmp_path: Path) -> None:
    file = tmp_path / "settings.json"
    kept = []
    for content in (b"one", b"two", b"three"):
        file.write_bytes(content)
        kept.append(set_aside(file))
    assert [p.read_bytes() for p in kept] == [b"one", b"two", b"three"]
    assert len({p.name for p in kept}) == 3


def test_set_aside_without_hard_links_renames(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*args: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(durable.os, "link", no_links)
    file = tmp_path / "settings.json"
    file.write_bytes(b"{")
    kept = set_aside(file)
    assert kept.read_bytes() == b"{" and not file.exists()
    assert os.listdir(tmp_path) == [kept.name]
