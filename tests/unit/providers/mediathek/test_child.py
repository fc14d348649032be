"""Indexing in a child process: results, refusals, a child that dies, a cancelled refresh."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import sys
from pathlib import Path

import pytest

from aniworld_desktop.providers.base import ProviderError
from aniworld_desktop.providers.mediathek.child import ChildUsage, index_in_child
from aniworld_desktop.providers.mediathek.filmlist import FilmListError
from aniworld_desktop.providers.mediathek.store import FilmIndex
from tests.mediathek_lists import generated_entries, write_film_list

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


# -- what a refresh that is cancelled or whose child is killed leaves: the old index, nothing else


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


async def _building_started(path: Path) -> Path:
    """The half-built file, once the child has made it (it then waits on the FIFO)."""
    building = path.with_name(path.name + ".new")
    for _ in range(400):
        if building.exists():
            return building
        await asyncio.sleep(0.05)
    raise AssertionError("the child made no new index file")


async def test_a_killed_child_leaves_the_old_index_and_no_half_built_file(tmp_path: Path):
    path = _old_index(tmp_path)
    task = asyncio.ensure_future(index_in_child("replace", path, _fifo(tmp_path), **ARGS))
    child = await _child_started()
    building = await _building_started(path)
    assert child.pid is not None
    os.kill(child.pid, signal.SIGKILL)
    with pytest.raises(ProviderError, match="ended without an answer"):
        await task
    assert not building.exists()
    assert _films_of(path) == 50


async def test_a_cancelled_refresh_leaves_the_old_index_and_no_half_built_file(tmp_path: Path):
    path = _old_index(tmp_path)
    task = asyncio.ensure_future(index_in_child("replace", path, _fifo(tmp_path), **ARGS))
    child = await _child_started()
    building = await _building_started(path)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not child.is_alive()
    assert child.exitcode == 0  # it unwound (SIGTERM raised in it), it was not killed
    assert not building.exists()
    assert _films_of(path) == 50


def test_the_console_script_is_not_imported_again_in_the_indexing_child(tmp_path: Path):
    # The app's console script is a file run as ``__main__``, which multiprocessing imports again
    # in each child (as ``__mp_main__``): a quarter second of imports per film list refresh.
    # app.main() lets it count as ``aniworld_desktop.__main__``, which is never imported again
    # (by a fork server's child, and by a spawned one where there is no fork server).
    import subprocess
    import sys
    import textwrap

    repo = Path(__file__).resolve().parents[4]
    marker = tmp_path / "imported"
    script = tmp_path / "program.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import asyncio, os, sys
            sys.path.insert(0, {str(repo)!r})
            with open({str(marker)!r}, "a") as marker:
                marker.write(f"{{__name__}} {{os.getpid()}}\\n")
            from aniworld_desktop.app import main  # what pip's console script imports
            from aniworld_desktop import app
            from aniworld_desktop.providers.mediathek.child import index_in_child
            from tests.mediathek_lists import generated_entries, write_film_list

            async def refresh(folder):
                full = write_film_list(folder / "akt.xz", generated_entries(50, seed=1))
                diff = write_film_list(folder / "diff.xz", generated_entries(5, seed=2))
                args = dict(url="https://l.example.test/", etag=None, last_modified=None, now=None)
                await index_in_child("replace", folder / "m.sqlite", full, **args)
                await index_in_child("apply_diff", folder / "m.sqlite", diff, **args)
                await index_in_child("apply_diff", folder / "m.sqlite", diff, **args)

            if __name__ == "__main__":
                from pathlib import Path
                app._run_as_package_main()  # main()'s first step
                asyncio.run(refresh(Path(sys.argv[1])))
            """
        )
    )
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert marker.read_text().split()[::2] == ["__main__"]  # never as __mp_main__ in a child


@pytest.mark.parametrize(
    "failure", [EOFError("unexpected EOF"), OSError(11, "Resource temporarily unavailable")]
)
async def test_an_indexing_process_that_cannot_start_is_a_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
):
    """A fork server that dies as it starts (a bundle that cannot run multiprocessing's helpers
    raised EOFError from ``start``) or no process to be had: a sentence, not a traceback."""
    source = write_film_list(tmp_path / "akt.xz", generated_entries(50, seed=1))

    def refuse(self: multiprocessing.process.BaseProcess) -> None:
        raise failure

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", refuse)
    with pytest.raises(ProviderError, match="indexing process did not start") as caught:
        await index_in_child("replace", tmp_path / "mediathek.sqlite", source, **ARGS)
    assert caught.value.__cause__ is failure
    assert FilmIndex(tmp_path / "mediathek.sqlite").state() is None


def test_a_bundle_started_as_a_multiprocessing_helper_runs_the_helper(
    monkeypatch: pytest.MonkeyPatch,
):
    """A bundle has no ``python``: multiprocessing starts the bundle's executable for its fork
    server (``-c 'from multiprocessing.forkserver import main; ...'``), and app.main must hand
    that to ``freeze_support`` (PyInstaller's runs the helper and exits) instead of reading it
    as a command line (``make dist``'s smoke test follows a programme through it for real)."""
    from aniworld_desktop import app

    ran: list[list[str]] = []

    def freeze_support() -> None:
        ran.append(list(sys.argv))
        raise SystemExit(0)  # as PyInstaller's does once the helper has run

    helper = ["-B", "-s", "-c", "from multiprocessing.forkserver import main; main(7, 8)"]
    monkeypatch.setattr(multiprocessing, "freeze_support", freeze_support)
    monkeypatch.setattr(sys, "argv", ["/opt/aniworld-desktop/aniworld-desktop", *helper])
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    with pytest.raises(SystemExit) as ended:
        app.main()
    assert ended.value.code == 0 and ran == [sys.argv]

    # Outside a bundle those words are no helper of ours: argparse refuses them (exit 2).
    monkeypatch.delattr(sys, "frozen")
    with pytest.raises(SystemExit) as refused:
        app.main()
    assert refused.value.code == 2 and len(ran) == 1
