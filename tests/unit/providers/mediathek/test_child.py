"""Indexing in a child process: results, refusals, a child that dies, a cancelled refresh."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
from dataclasses import replace
from pathlib import Path

import pytest

from aniworld_desktop.providers.base import ProviderError
from aniworld_desktop.providers.mediathek.child import ChildUsage, index_in_child
from aniworld_desktop.providers.mediathek.filmlist import FilmListError
from aniworld_desktop.providers.mediathek.store import FilmIndex
from tests.mediathek_lists import generated_entries, write_film_list
from tests.unit.providers.mediathek.test_store import all_rows, search_index_is_consistent

ARGS = {"url": "https://liste.example.test/akt", "etag": None, "last_modified": None, "now": None}


async def test_a_list_indexed_in_a_child_is_there_for_this_process(tmp_path: Path):
    source = write_film_list(tmp_path / "akt.xz", generated_entries(300, seed=1))
    used: list[ChildUsage] = []
    applied = await index_in_child(
        "replace", tmp_path / "mediathek.sqlite", source, report=used.append, **ARGS
    )
    assert applied.films == 300
    assert used and used[0].peak_rss > 0
    index = FilmIndex(tmp_path / "mediathek.sqlite")
    state = index.state()
    assert state is not None and state.films == 300
    index.close()


async def test_a_refusal_in_the_child_is_raised_here_with_its_sentence(tmp_path: Path):
    source = write_film_list(tmp_path / "akt.xz", generated_entries(300, seed=1))
    source.write_bytes(source.read_bytes()[:-200])
    with pytest.raises(FilmListError, match="is incomplete"):
        await index_in_child("replace", tmp_path / "mediathek.sqlite", source, **ARGS)
    assert FilmIndex(tmp_path / "mediathek.sqlite").state() is None


def _fifo(tmp_path: Path) -> Path:
    fifo = tmp_path / "list.fifo"
    os.mkfifo(fifo)  # opening it for reading waits for a writer: the child hangs there
    return fifo


async def _child_started() -> multiprocessing.process.BaseProcess:
    for _ in range(400):
        children = [c for c in multiprocessing.active_children() if c.name == "film list indexing"]
        if children:
            return children[0]
        await asyncio.sleep(0.05)
    raise AssertionError("no indexing process was started")


async def test_a_child_that_dies_is_a_sentence(tmp_path: Path):
    task = asyncio.ensure_future(
        index_in_child("replace", tmp_path / "mediathek.sqlite", _fifo(tmp_path), **ARGS)
    )
    child = await _child_started()
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)
    with pytest.raises(ProviderError, match="ended without an answer"):
        await task


async def test_a_cancelled_refresh_ends_its_child(tmp_path: Path):
    task = asyncio.ensure_future(
        index_in_child("replace", tmp_path / "mediathek.sqlite", _fifo(tmp_path), **ARGS)
    )
    child = await _child_started()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not child.is_alive()
    assert FilmIndex(tmp_path / "mediathek.sqlite").state() is None


# -- the reading process (reading.py): the list read beside the indexing, where there is fork --

needs_fork = pytest.mark.skipif(
    not hasattr(os, "fork") or not Path("/proc/self/stat").exists(),
    reason="the reading process is forked (POSIX); its tests find it in /proc (Linux)",
)


def _parent_and_state(pid: int) -> tuple[int, str] | None:
    """(parent id, state letter) of a process, or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), fields[0]


def _children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            info = _parent_and_state(int(entry.name))
            if info is not None and info[0] == pid and info[1] != "Z":
                found.append(int(entry.name))
    return found


async def _reader_started(child: multiprocessing.process.BaseProcess) -> int:
    assert child.pid is not None
    for _ in range(400):
        readers = _children_of(child.pid)
        if readers:
            return readers[0]
        await asyncio.sleep(0.05)
    raise AssertionError("the indexing process started no reading process")


async def _gone(pid: int) -> bool:
    """The process ended (a zombie nobody reaps counts as ended)."""
    for _ in range(200):
        info = _parent_and_state(pid)
        if info is None or info[1] == "Z":
            return True
        await asyncio.sleep(0.05)
    return False


def _old_index(tmp_path: Path) -> Path:
    path = tmp_path / "mediathek.sqlite"
    index = FilmIndex(path)
    old = write_film_list(tmp_path / "old.xz", generated_entries(50, seed=9))
    index.replace(old, url="https://liste.example.test/old", etag=None, last_modified=None)
    index.close()
    return path


def _films_of(path: Path) -> int | None:
    index = FilmIndex(path)
    state = index.state()
    index.close()
    return None if state is None else state.films


@needs_fork
async def test_a_list_read_apart_gives_the_index_of_one_process(tmp_path: Path):
    entries = list(generated_entries(1500, seed=5))  # three batches, and then some
    entries.insert(700, replace(entries[10], title="the same film again"))
    entries.insert(900, replace(entries[11], url="ftp://files.example.test/x.mp4"))
    source = write_film_list(tmp_path / "akt.xz", entries)
    apart = await index_in_child("replace", tmp_path / "apart.sqlite", source, **ARGS)
    alone = FilmIndex(tmp_path / "alone.sqlite")
    applied = alone.replace(source, url=ARGS["url"], etag=None, last_modified=None)

    assert apart.films == applied.films == 1500
    assert apart.counts == applied.counts and sum(apart.counts.skipped.values()) == 1
    in_child = FilmIndex(tmp_path / "apart.sqlite")
    assert all_rows(in_child) == all_rows(alone)
    assert in_child.search("terra", limit=5000) == alone.search("terra", limit=5000)
    search_index_is_consistent(in_child)
    in_child.close()
    alone.close()


@needs_fork
async def test_a_refusal_read_apart_is_its_sentence_and_keeps_the_old_index(tmp_path: Path):
    path = _old_index(tmp_path)
    entries = [replace(e, url="ftp://files.example.test/x.mp4") for e in generated_entries(9)]
    with pytest.raises(FilmListError, match="no usable film"):
        await index_in_child("replace", path, write_film_list(tmp_path / "ftp.xz", entries), **ARGS)
    assert _films_of(path) == 50
    assert not path.with_name(path.name + ".new").exists()


@needs_fork
async def test_a_reading_process_that_dies_is_a_sentence_and_the_old_index_stays(tmp_path: Path):
    path = _old_index(tmp_path)
    task = asyncio.ensure_future(index_in_child("replace", path, _fifo(tmp_path), **ARGS))
    reader = await _reader_started(await _child_started())
    os.kill(reader, signal.SIGKILL)
    with pytest.raises(FilmListError, match="the process reading it ended without an answer"):
        await task
    assert _films_of(path) == 50
    assert not path.with_name(path.name + ".new").exists()


@needs_fork
async def test_a_killed_indexing_process_leaves_no_reader_and_no_half_built_file(tmp_path: Path):
    path = _old_index(tmp_path)
    task = asyncio.ensure_future(index_in_child("replace", path, _fifo(tmp_path), **ARGS))
    child = await _child_started()
    reader = await _reader_started(child)
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)
    with pytest.raises(ProviderError, match="ended without an answer"):
        await task
    assert await _gone(reader)  # it waited on the list: its watch ended it
    assert _films_of(path) == 50
    assert not path.with_name(path.name + ".new").exists()


@needs_fork
async def test_a_cancelled_refresh_ends_the_reader_too_and_removes_the_half_built_file(
    tmp_path: Path,
):
    path = _old_index(tmp_path)
    task = asyncio.ensure_future(index_in_child("replace", path, _fifo(tmp_path), **ARGS))
    child = await _child_started()
    reader = await _reader_started(child)
    assert path.with_name(path.name + ".new").exists()  # the new file is being built
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not child.is_alive()
    assert await _gone(reader)
    assert _films_of(path) == 50
    assert not path.with_name(path.name + ".new").exists()
