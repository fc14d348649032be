"""Storage faults (issue 7): a read-only library folder, and a library on a share that goes away.

The faults are real where the machine allows it. As root (which ignores chmod) a read-only bind
mount gives the real ``EROFS``, and the share is a bind mount of a "server" folder onto the
library folder: unplugging it (``umount -l``) leaves the empty mount point that a real
unmounted share leaves, and plugging it again brings the files back. Without root, ``chmod``
makes folders read-only for real, and unplugging swaps the library folder for an empty one,
which is what the mount point looks like afterwards. Root without the right to mount skips.

The bad failure these guard against: a library that is not there looks like a library whose
every file was deleted, so a scan would mark every episode missing and auto-download would
queue the whole library again (onto the local disk under the mount point).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

import aniworld_desktop.library.scanner as scanner_module
from aniworld_desktop.config import ProfilePaths, Settings
from aniworld_desktop.core.status import DownloadStatus
from aniworld_desktop.library.service import LibraryUnavailableError
from aniworld_desktop.services import Services, open_services
from aniworld_desktop.storage.catalog import CatalogRepository
from aniworld_desktop.storage.repositories import SqlQueueRepository
from tests.fakes import EVERYTHING
from tests.fault_server import FaultServer
from tests.integration.cli import cli_json
from tests.integration.test_auto_download import serve_series
from tests.integration.test_run_once import run_cli

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _run(*args: str | Path) -> None:
    subprocess.run([str(a) for a in args], check=True, capture_output=True, timeout=30)


def _can_mount(scratch: Path) -> bool:
    folder = scratch / "mount-probe"
    folder.mkdir()
    try:
        _run("mount", "--bind", folder, folder)
    except (OSError, subprocess.SubprocessError):
        return False
    _run("umount", folder)
    return True


@pytest.fixture
def mounts(tmp_path: Path) -> bool:
    """True when faults are made with mounts (root), False with chmod and renames."""
    if not ROOT:
        return False
    if not _can_mount(tmp_path):
        pytest.skip("root ignores chmod, and mounting is not permitted here")
    return True


def _unmount(folder: Path) -> None:
    try:
        _run("umount", folder)
    except subprocess.CalledProcessError:
        _run("umount", "-l", folder)  # still busy (a file open in it): detach it anyway


@contextlib.contextmanager
def read_only(folder: Path, mounts: bool) -> Iterator[None]:
    """``folder`` and everything in it cannot be written while inside."""
    if mounts:
        _run("mount", "--bind", folder, folder)
        try:
            _run("mount", "-o", "remount,bind,ro", folder)
            yield
        finally:
            _unmount(folder)
        return
    folders = [folder, *(p for p in folder.rglob("*") if p.is_dir())]
    for path in folders:
        path.chmod(0o555)
    try:
        yield
    finally:
        for path in folders:
            path.chmod(0o755)


class Share:
    """A library folder on a share that can be unplugged and plugged in again.

    Attributes:
        server: Where the files really are (the NAS).
        mount_point: Where the share appears on this machine.
    """

    def __init__(self, root: Path, mounts: bool) -> None:
        self.server = root / "nas"
        self.mount_point = root / "mnt-nas"
        self.mounts = mounts
        self.server.mkdir()
        self.mount_point.mkdir()
        self._away = root / "mnt-nas-unplugged"
        self.plugged = False
        self.plug()

    def plug(self) -> None:
        if self.mounts:
            _run("mount", "--bind", self.server, self.mount_point)
        else:
            self.mount_point.rmdir()
            self.server.rename(self.mount_point)
        self.plugged = True

    def unplug(self) -> None:
        """The share goes away; its mount point stays, empty, as a real one does."""
        if self.mounts:
            _run("umount", "-l", self.mount_point)
        else:
            self.mount_point.rename(self.server)
            self.mount_point.mkdir()
        self.plugged = False

    def close(self) -> None:
        if self.plugged and self.mounts:
            _unmount(self.mount_point)


@pytest.fixture
def share(tmp_path: Path, mounts: bool) -> Iterator[Share]:
    share = Share(tmp_path, mounts)
    try:
        yield share
    finally:
        share.close()


def _settings(library: Path) -> Settings:
    return Settings().updated({"library_dir": str(library), "max_retries": 0})


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@contextlib.asynccontextmanager
async def _services(paths: ProfilePaths, library: Path) -> AsyncIterator[Services]:
    async with open_services(paths, _settings(library), run_downloads=False) as services:
        yield services


def _episode_file(library: Path, series: str, number: int, data: bytes = b"video") -> str:
    relative = f"{series}/Season 01/{series} - S01E{number:02d}.mp4"
    path = library / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return relative


async def _files_on_disk(services: Services) -> dict[int, str | None]:
    catalog = CatalogRepository(services.database)
    return {e.id: e.file_path for e in await catalog.all_episodes()}


async def _follow(services: Services, server: FaultServer, *titles: str) -> None:
    for title in titles:
        await services.library.add_url(serve_series(server, title), monitoring=EVERYTHING)


# --------------------------------------------------------------------- a share that goes away


@pytest.mark.parametrize("where", ["mount point", "below it"])
async def test_an_unplugged_share_is_reported_and_nothing_is_queued_again(
    profile: Path, tmp_path: Path, share: Share, where: str
) -> None:
    """The whole loop through the command line: download, unplug, run again, plug back."""
    library = share.mount_point if where == "mount point" else share.mount_point / "Series"
    library.mkdir(exist_ok=True)
    env = {"ANIWORLD_LIBRARY_DIR": str(library)}
    async with FaultServer(tmp_path / "srv") as server:
        code, _, err = await run_cli(
            profile, "add", "--monitor", "all", serve_series(server, "Harbor Lights"), **env
        )
        assert code == 0, err
        code, out, err = await run_cli(profile, "run-once", **env)
        assert code == 0, err
        downloaded = _tree(share.mount_point)
        assert len([name for name in downloaded if name.endswith(".mp4")]) == 2

        share.unplug()
        requests = len(server.requests)
        code, out, err = await run_cli(profile, "run-once", **env)
        assert code == 2, (out, err)
        assert "Traceback" not in err
        assert "share" in err and "nothing" in err.lower()
        # Nothing was downloaded again, nothing queued, the catalogue still knows the files.
        assert [r.name for r in server.requests[requests:]] == ["harbor-lights.xml"]
        code, out, err = await run_cli(profile, "list", "--json", **env)
        (series,) = cli_json(out, "series")
        assert (series["on_disk"], series["missing"], series["queued"]) == (2, 0, 0)
        code, out, _ = await run_cli(profile, "queue", "--json", **env)
        assert [item["status"] for item in cli_json(out, "queue")] == ["completed", "completed"]
        assert list(share.mount_point.rglob("*")) == []  # nothing written onto the local disk

        share.plug()
        code, out, err = await run_cli(profile, "run-once", **env)
        assert code == 0, err
        assert _tree(share.mount_point) == downloaded
        code, out, _ = await run_cli(profile, "list", "--json", **env)
        (series,) = cli_json(out, "series")
        assert (series["on_disk"], series["missing"], series["queued"]) == (2, 0, 0)


async def test_a_share_unplugged_before_the_scan_changes_nothing(
    paths: ProfilePaths, tmp_path: Path, share: Share
) -> None:
    """The window's Rescan (LibraryService.scan) on the empty mount point of a lost share."""
    library = share.mount_point
    async with FaultServer(tmp_path / "srv") as server, _services(paths, library) as services:
        await _follow(services, server, "Harbor Lights")
        for number in (1, 2):
            _episode_file(library, "Harbor Lights", number)
        summary = await services.library.scan()
        assert summary.matched == 2
        before = await _files_on_disk(services)
        assert all(before.values())

        share.unplug()
        with pytest.raises(LibraryUnavailableError) as caught:
            await services.library.scan()
        assert str(library) in str(caught.value) and "share" in str(caught.value)
        assert "2 episode(s)" in str(caught.value)
        assert await _files_on_disk(services) == before
        assert (await services.library.queue_missing()).added == []
        assert services.downloads.items() == []

        share.plug()
        assert (await services.library.scan()).matched == 2
        assert await _files_on_disk(services) == before


@pytest.mark.parametrize("where", ["mount point", "below it"])
@pytest.mark.parametrize("scanned", [True, False], ids=["scanned this session", "after a restart"])
async def test_a_download_queued_by_hand_while_the_share_is_unplugged_writes_nothing(
    paths: ProfilePaths, tmp_path: Path, share: Share, scanned: bool, where: str
) -> None:
    """The scan and auto-download refuse; a download queued by hand must refuse too, instead
    of creating its series folders on the empty mount point (the local disk)."""
    library = share.mount_point if where == "mount point" else share.mount_point / "Series"
    library.mkdir(exist_ok=True)
    async with FaultServer(tmp_path / "srv") as server:
        async with _services(paths, library) as services:
            await _follow(services, server, "Harbor Lights")
            _episode_file(library, "Harbor Lights", 1)
            assert (await services.library.scan()).matched == 1
        share.unplug()
        async with _services(paths, library) as services:
            if scanned:
                # The window's Rescan said the share is gone; the user queues anyway.
                with pytest.raises(LibraryUnavailableError):
                    await services.library.scan()
            (series,) = await services.library.list_series()
            queued = await services.library.queue_missing(series.series.id, monitored_only=False)
            assert [r.key.episode for r in queued.added] == [2]
            services.downloads.start_workers()
            await services.downloads.wait_idle()
            (item,) = services.downloads.items()
            assert item.status is DownloadStatus.FAILED
            assert "share" in item.error and str(library) in item.error
            assert list(share.mount_point.rglob("*")) == []  # nothing on the local disk
            assert not any(r.name.endswith("-2.mp4") for r in server.requests)

            share.plug()
            await services.downloads.retry([item.id])
            await services.downloads.wait_idle()
            assert services.downloads.get(item.id).status is DownloadStatus.COMPLETED
            assert (library / item.destination).is_file()


def _when_visiting(monkeypatch: pytest.MonkeyPatch, folder: Path, then: Any) -> list[str]:
    """Call ``then()`` when the scanner's walk first reaches ``folder``.

    The walk stats every folder it visits, listed or taken from its cache, so the hook is on
    ``os.stat``; the fault itself (an unmount, a rename) is real.
    """
    real = os.stat
    target = os.fspath(folder)
    visited: list[str] = []

    def stat(path: Any, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(path, int) and os.fspath(path) == target:
            visited.append(target)
            if len(visited) == 1:
                then()
        return real(path, *args, **kwargs)

    monkeypatch.setattr(scanner_module.os, "stat", stat)
    return visited


async def test_a_share_unplugged_during_the_scan_changes_nothing(
    paths: ProfilePaths, tmp_path: Path, share: Share, monkeypatch: pytest.MonkeyPatch
) -> None:
    library = share.mount_point
    async with FaultServer(tmp_path / "srv") as server, _services(paths, library) as services:
        await _follow(services, server, "Amber Fields", "Harbor Lights")
        files = {}
        for series in ("Amber Fields", "Harbor Lights"):
            for number in (1, 2):
                files[series, number] = _episode_file(library, series, number)
        episodes = await CatalogRepository(services.database).all_episodes()
        titles = {s.series.id: s.series.title for s in await services.library.list_series()}
        # Recorded as a finished scan would have (no scan cache yet: the next one lists all).
        await CatalogRepository(services.database).set_files(
            [(e.id, files[titles[e.series_id], e.number], 5) for e in episodes]
        )
        before = await _files_on_disk(services)

        # The walk visits Harbor Lights first (a stack), then the share goes, then Amber Fields.
        visited = _when_visiting(monkeypatch, library / "Harbor Lights" / "Season 01", share.unplug)
        with pytest.raises(LibraryUnavailableError, match="changed while it was scanned"):
            await services.library.scan()
        assert visited
        assert not share.plugged
        assert await _files_on_disk(services) == before
        assert (await services.library.queue_missing()).added == []
        monkeypatch.undo()

        share.plug()
        summary = await services.library.scan()
        assert (summary.matched, summary.errors) == (4, [])
        assert await _files_on_disk(services) == before


async def test_a_series_folder_vanishing_mid_scan_keeps_its_episodes_until_the_next_scan(
    paths: ProfilePaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder listed by its parent but gone when visited is unknown, not empty."""
    library = tmp_path / "library"
    library.mkdir()
    async with FaultServer(tmp_path / "srv") as server, _services(paths, library) as services:
        await _follow(services, server, "Amber Fields", "Harbor Lights")
        for series in ("Amber Fields", "Harbor Lights"):
            for number in (1, 2):
                _episode_file(library, series, number)
        away = tmp_path / "amber-away"

        def vanish() -> None:
            (library / "Amber Fields").rename(away)

        _when_visiting(monkeypatch, library / "Harbor Lights" / "Season 01", vanish)
        summary = await services.library.scan()
        monkeypatch.undo()
        assert summary.matched == 2
        assert len(summary.errors) == 1 and "Amber Fields" in summary.errors[0]
        states = {s.series.title: s.counts for s in await services.library.list_series()}
        # Amber Fields was never seen this time: its episodes stay as they were (not on disk
        # yet, so missing); Harbor Lights' files are recorded.
        assert states["Harbor Lights"].on_disk == 2

        # Now with Amber Fields recorded, the same vanishing must not forget its files.
        away.rename(library / "Amber Fields")
        assert (await services.library.scan()).matched == 4
        before = await _files_on_disk(services)
        _when_visiting(monkeypatch, library / "Harbor Lights" / "Season 01", vanish)
        summary = await services.library.scan()
        monkeypatch.undo()
        assert len(summary.errors) == 1 and "Amber Fields" in summary.errors[0]
        assert await _files_on_disk(services) == before
        assert (await services.library.queue_missing()).added == []

        # The next scan sees the folder gone for good: now its episodes are missing.
        assert (await services.library.scan()).errors == []
        states = {s.series.title: s.counts for s in await services.library.list_series()}
        assert (states["Amber Fields"].on_disk, states["Harbor Lights"].on_disk) == (0, 2)


# --------------------------------------------------------------------- a read-only library


async def test_read_only_library_downloads_fail_clearly_and_the_queue_is_intact(
    paths: ProfilePaths, tmp_path: Path, mounts: bool
) -> None:
    library = tmp_path / "library"
    library.mkdir()
    async with FaultServer(tmp_path / "srv") as server:
        server.add_payload("Harbor.Lights.S01E05.mkv", 50_000)
        server.add_payload("Harbor.Lights.S01E06.mkv", 50_000)
        async with _services(paths, library) as services:
            await services.library.add_url(server.url("Harbor.Lights.S01E05.mkv"))
            await services.library.add_url(server.url("Harbor.Lights.S01E06.mkv"))
            queued = services.downloads.items()
            assert [i.status for i in queued] == [DownloadStatus.PENDING] * 2
            with read_only(library, mounts):
                services.downloads.start_workers()
                await services.downloads.wait_idle()
                items = services.downloads.items()
                assert [i.id for i in items] == [i.id for i in queued]
                for item in items:
                    assert item.status is DownloadStatus.FAILED
                    assert "Cannot write to the library folder" in item.error
                    assert ("read-only" if mounts else "permission denied") in item.error
                    assert "Errno" not in item.error
            stored = await SqlQueueRepository(services.database).load()
            assert [(i.id, i.status, i.error) for i in stored] == [
                (i.id, i.status, i.error) for i in items
            ]
    assert _tree(library) == {}  # nothing half-written, no .part files


async def test_read_only_library_scans_imports_and_refuses_writes_with_a_sentence(
    paths: ProfilePaths, tmp_path: Path, mounts: bool
) -> None:
    library = tmp_path / "library"
    library.mkdir()
    async with FaultServer(tmp_path / "srv") as server, _services(paths, library) as services:
        await _follow(services, server, "Harbor Lights")
        # An imported library: files named its own way, and a folder nobody follows yet.
        season = library / "Harbor Lights" / "Season 01"
        season.mkdir(parents=True)
        (season / "harbor.lights.s01e01.mp4").write_bytes(b"one")
        (season / "harbor.lights.s01e01.srt").write_bytes(b"subtitles")
        (library / "Old Show" / "Season 1").mkdir(parents=True)
        (library / "Old Show" / "Season 1" / "Old.Show.S01E01.mkv").write_bytes(b"old")
        before = _tree(library)
        (series,) = [s.series for s in await services.library.list_series()]
        with read_only(library, mounts):
            summary = await services.library.scan()  # reading works as always
            # The folder nobody followed is followed now (a record in the database, nothing
            # written in the library), its file its first episode.
            assert (summary.matched, summary.errors, summary.followed) == (2, [], ["Old Show"])
            proposals = await services.library.propose_import()  # still to be matched
            assert [p.title for p in proposals] == ["Old Show"]
            files = await _files_on_disk(services)
            word = "read-only" if mounts else "permission denied"

            with pytest.raises(LibraryUnavailableError, match="read-only") as caught:
                await services.library.queue_missing()
            assert "nothing was queued" in str(caught.value)
            assert services.downloads.items() == []

            plan = await services.library.plan_organize(series)
            assert plan.moves
            with pytest.raises(LibraryUnavailableError) as caught:
                await services.library.organize(plan)
            message = str(caught.value)
            assert word in message and str(library) in message and "0 of 2" in message
            assert "Errno" not in message
            assert await _files_on_disk(services) == files

            outcome = (await services.metadata.describe([series.id]))[series.id]
            assert isinstance(outcome, str)
            assert "Cannot write tvshow.nfo" in outcome and word in outcome
            assert "Errno" not in outcome
            (after,) = [
                s.series for s in await services.library.list_series() if s.series.id == series.id
            ]
            assert after.metadata_state == "failed" and after.metadata_error == outcome
        assert _tree(library) == before
        # Writable again: the same work goes through.
        assert await services.library.organize(plan) == 2
        assert (await services.metadata.describe([series.id]))[series.id] != outcome


async def test_read_only_library_on_the_command_line(
    profile: Path, tmp_path: Path, mounts: bool
) -> None:
    library = tmp_path / "library"
    library.mkdir()
    env = {"ANIWORLD_LIBRARY_DIR": str(library)}
    word = "read-only" if mounts else "permission denied"
    async with FaultServer(tmp_path / "srv") as server:
        code, _, err = await run_cli(
            profile, "add", "--monitor", "all", serve_series(server, "Harbor Lights"), **env
        )
        assert code == 0, err
        _episode_file(library, "Harbor Lights", 1)
        (library / "Harbor Lights" / "Season 01" / "Harbor Lights - S01E01.mp4").rename(
            library / "Harbor Lights" / "Season 01" / "harbor.lights.s01e01.mp4"
        )
        with read_only(library, mounts):
            code, out, err = await run_cli(profile, "run-once", **env)
            assert code == 2 and "Traceback" not in err
            assert "is read-only, so nothing was queued" in err
            code, out, err = await run_cli(profile, "organize", "Harbor Lights", "--apply", **env)
            assert code == 2 and "Traceback" not in err
            assert "Cannot rename" in err and word in err
            code, out, err = await run_cli(profile, "metadata", **env)
            assert code == 1 and "Traceback" not in err
            assert "Metadata for Harbor Lights failed: Cannot write tvshow.nfo" in err
            code, out, err = await run_cli(profile, "list", "--json", **env)
            (series,) = cli_json(out, "series")
            assert (series["on_disk"], series["queued"]) == (1, 0)
