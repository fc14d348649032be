"""Organizer: import proposals, and renames to the naming convention shown before they are done."""

from __future__ import annotations

from pathlib import Path

import pytest

import aniworld_desktop.library.organize as organize_module
from aniworld_desktop.core.errors import UsageError
from aniworld_desktop.core.models import SeriesRecord
from aniworld_desktop.core.naming import NamingTemplate
from aniworld_desktop.library.errors import LibraryUnavailableError
from aniworld_desktop.library.organize import FileMove, Organizer
from aniworld_desktop.storage.catalog import NewEpisode
from tests.unit.library.conftest import World

FOG = "Harbor Lights (2024)/Season 01/Harbor Lights - S01E01 - Fog"
TIDE = "Harbor Lights (2024)/Season 01/Harbor Lights - S01E02 - Tide"


@pytest.fixture
def organizer(world: World) -> Organizer:
    return Organizer(
        world.catalog, world.downloads, library_dir=world.library_dir, naming=NamingTemplate()
    )


async def harbor(world: World, files: dict[tuple[int, int], str]) -> SeriesRecord:
    """Harbor Lights, episodes 1 to 3 of season 1, with these files (made, and recorded)."""
    series = await world.catalog.ensure_series(
        "Harbor Lights", "fake", "fake:harbor", "harbor.lights", year=2024
    )
    stored = await world.catalog.upsert_episodes(
        series.id,
        [
            NewEpisode(1, n, title, f"fake:harbor/{n}")
            for n, title in ((1, "Fog"), (2, "Tide"), (3, "Storm"))
        ],
    )
    by_number = {(e.season, e.number): e.id for e in stored}
    for path in files.values():
        (world.library_dir / path).parent.mkdir(parents=True, exist_ok=True)
        (world.library_dir / path).write_bytes(path.encode())
    await world.catalog.set_files([(by_number[k], path, len(path)) for k, path in files.items()])
    return series


async def test_a_plan_moves_episodes_with_their_side_files_and_changes_nothing(
    world: World, organizer
) -> None:
    series = await harbor(
        world,
        {
            (1, 1): "harbor.lights/S1/hl.s01e01.mkv",
            (1, 2): "harbor.lights/S1/hl.s01e02e03.mkv",
            (1, 3): "harbor.lights/S1/hl.s01e02e03.mkv",
        },
    )
    side = world.library_dir / "harbor.lights/S1"
    (side / "hl.s01e01.en.srt").write_bytes(b"subs")
    (side / "hl.s01e01-thumb.jpg").write_bytes(b"thumb")
    (side / "hl.s01e01x.txt").write_bytes(b"not a side file: the name goes on")
    plan = await organizer.plan_organize(series)
    assert plan.folder == "Harbor Lights (2024)"
    assert sorted(plan.moves, key=lambda m: m.source) == [
        FileMove("harbor.lights/S1/hl.s01e01-thumb.jpg", f"{FOG}-thumb.jpg"),
        FileMove("harbor.lights/S1/hl.s01e01.en.srt", f"{FOG}.en.srt"),
        FileMove("harbor.lights/S1/hl.s01e01.mkv", f"{FOG}.mkv"),
    ]
    assert plan.skipped == ["harbor.lights/S1/hl.s01e02e03.mkv: holds 2 episodes; left as it is"]
    assert sorted(p.name for p in side.iterdir()) == [
        "hl.s01e01-thumb.jpg", "hl.s01e01.en.srt", "hl.s01e01.mkv", "hl.s01e01x.txt",
        "hl.s01e02e03.mkv",
    ]  # fmt: skip


async def test_a_plan_never_targets_an_existing_file(world: World, organizer) -> None:
    series = await harbor(world, {(1, 1): "harbor.lights/a.s01e01.mkv"})
    (world.library_dir / f"{FOG}.mkv").parent.mkdir(parents=True)
    (world.library_dir / f"{FOG}.mkv").write_bytes(b"already there")
    plan = await organizer.plan_organize(series)
    assert plan.moves == []
    assert plan.skipped == [f"harbor.lights/a.s01e01.mkv: {FOG}.mkv already exists"]
    assert await organizer.organize(plan) == 0
    assert (world.library_dir / f"{FOG}.mkv").read_bytes() == b"already there"


async def test_organizing_renames_records_and_tidies_up(world: World, organizer) -> None:
    series = await harbor(
        world, {(1, 1): "harbor.lights/S1/hl.s01e01.mkv", (1, 2): "harbor.lights/S1/hl.s01e02.mkv"}
    )
    plan = await organizer.plan_organize(series)
    assert await organizer.organize(plan) == 2
    files = {e.number: e.file_path for e in await world.catalog.episodes(series.id)}
    assert files == {1: f"{FOG}.mkv", 2: f"{TIDE}.mkv", 3: None}
    assert (world.library_dir / f"{FOG}.mkv").read_bytes() == b"harbor.lights/S1/hl.s01e01.mkv"
    assert not (world.library_dir / "harbor.lights").exists()  # left empty, so removed
    assert world.library_dir.is_dir()  # never the library itself
    stored = await world.catalog.get_series(series.id)
    assert stored is not None and stored.folder == "Harbor Lights (2024)"


async def test_nothing_is_renamed_while_the_series_downloads(world: World, organizer) -> None:
    series = await harbor(world, {(1, 1): "harbor.lights/hl.s01e01.mkv"})
    plan = await organizer.plan_organize(series)
    await world.library.queue_missing(series.id)
    with pytest.raises(UsageError, match="has downloads in the queue"):
        await organizer.organize(plan)
    assert (world.library_dir / "harbor.lights/hl.s01e01.mkv").exists()


async def test_a_refused_rename_stops_the_rest_and_keeps_what_was_done(
    world: World, organizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    series = await harbor(
        world, {(1, 1): "harbor.lights/hl.s01e01.mkv", (1, 2): "harbor.lights/hl.s01e02.mkv"}
    )
    plan = await organizer.plan_organize(series)
    real_rename = organize_module._rename
    renamed: list[Path] = []

    def rename_once(source: Path, target: Path) -> None:
        if renamed:
            raise PermissionError(13, "Permission denied", str(source))
        renamed.append(source)
        real_rename(source, target)

    monkeypatch.setattr(organize_module, "_rename", rename_once)
    with pytest.raises(LibraryUnavailableError) as caught:
        await organizer.organize(plan)
    assert "1 of 2 file(s) were renamed before that" in str(caught.value)
    assert "Errno" not in str(caught.value)
    files = {e.number: e.file_path for e in await world.catalog.episodes(series.id)}
    assert files == {1: f"{FOG}.mkv", 2: "harbor.lights/hl.s01e02.mkv", 3: None}
    stored = await world.catalog.get_series(series.id)
    assert stored is not None and stored.folder == "harbor.lights"  # not all of it moved
