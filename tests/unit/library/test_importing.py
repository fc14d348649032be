"""Importing a library: proposals with TMDB's matches, then followed, matched and scanned.

A fake TMDB runs on 127.0.0.1 (tests/fake_tmdb.py); the library is a real folder. Bad input
gets a sentence on its row, and the library's files are never renamed, moved or deleted.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from aniworld_desktop.core.events import SeriesChanged
from aniworld_desktop.core.models import EpisodeAvailability, MatchState
from aniworld_desktop.library.tmdb_matching import TMDBMatch
from tests.fake_tmdb import FakeShow, FakeTMDB
from tests.unit.library.conftest import World, make_files, tmdb_source


def tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def by_folder(proposals):
    return {p.folder: p for p in proposals}


async def test_proposals_match_and_the_import_brings_tmdbs_catalogue(
    world: World, tmdb: FakeTMDB
) -> None:
    world.library.use_tmdb(tmdb_source(tmdb.api_url))
    make_files(
        world.library_dir,
        "Harbor Lights (2024)/Season 01/Harbor Lights - S01E01.mkv",
        "Harbor Lights (2024)/Season 01/Harbor Lights - S01E03.mkv",
        "Harbor Lights (2024)/Season 01/Harbor Lights - S01E05.mkv",
        "Harbor Lights (2024)/extras/behind the scenes.mkv",
    )
    before = tree(world.library_dir)
    seen: list = []
    proposals = await world.library.propose_import(on_progress=seen.append)
    (harbor,) = proposals
    assert (harbor.folder, harbor.video_files, harbor.recognised) == ("Harbor Lights (2024)", 4, 3)
    assert (harbor.match.id, harbor.match.name, harbor.match.year) == (4242, "Harbor Lights", 2024)
    assert (harbor.state, harbor.confidence, harbor.series_id) == (MatchState.MATCHED, 1.0, None)
    assert seen[-1].done == seen[-1].total == 1
    assert await world.library.list_series() == []  # proposing stores nothing

    changed: list[SeriesChanged] = []
    world.bus.subscribe(SeriesChanged, changed.append)
    result = await world.library.apply_import(proposals)
    ((series, outcome),) = result.series
    assert outcome.state is MatchState.MATCHED
    stored = await world.catalog.get_series(series.id)
    assert stored is not None
    assert (stored.tmdb_id, stored.provider, stored.title, stored.year) == (
        4242,
        None,
        "Harbor Lights",
        2024,
    )
    assert stored.genres == ("Drama", "Mystery") and stored.status == "Ended"
    assert series.id in {e.series_id for e in changed}
    states = {
        (s.episode.season, s.episode.number): s.state
        for s in await world.library.episode_states(stored)
    }
    missing = [k for k, state in states.items() if state is EpisodeAvailability.MISSING]
    assert missing == [(1, 2), (1, 4), (1, 6)]
    assert states[(0, 1)] is EpisodeAvailability.UNMONITORED  # TMDB's special
    (summary,) = await world.library.list_series()
    assert (summary.counts.on_disk, summary.counts.missing, summary.counts.no_source) == (3, 3, 3)
    assert await world.library.missing(series.id) == []  # no source: nothing to queue
    assert tree(world.library_dir) == before

    # Matched and followed: nothing left to propose.
    assert await world.library.propose_import() == []


async def test_a_folder_tmdb_does_not_know_is_followed_and_says_so(
    world: World, tmdb: FakeTMDB
) -> None:
    world.library.use_tmdb(tmdb_source(tmdb.api_url))
    make_files(
        world.library_dir, "Quiet Valley/Quiet.Valley.S01E01.mkv", "Quiet Valley/x.S01E02.mkv"
    )
    before = tree(world.library_dir)
    (proposal,) = await world.library.propose_import()
    assert (proposal.state, proposal.match) == (MatchState.UNMATCHED, None)
    assert proposal.note == "TMDB knows no series 'Quiet Valley'."
    result = await world.library.apply_import([proposal])
    ((series, outcome),) = result.series
    (summary,) = await world.library.list_series()
    assert summary.series.match_note == "TMDB knows no series 'Quiet Valley'."
    # Its catalogue is what is on disk, until TMDB says more.
    assert (summary.counts.episodes, summary.counts.on_disk) == (2, 2)
    assert tree(world.library_dir) == before
    # Still unmatched, so still proposed (with its note), now as the series it is.
    (again,) = await world.library.propose_import()
    assert (again.series_id, again.note) == (series.id, proposal.note)


async def test_two_folders_claiming_one_tmdb_id_both_wait_for_review(
    world: World, tmdb: FakeTMDB
) -> None:
    world.library.use_tmdb(tmdb_source(tmdb.api_url))
    make_files(
        world.library_dir,
        "Harbor Lights (2024)/S01E01.mkv",
        "Harbor Lights (2024) copy/S01E02.mkv",
    )
    before = tree(world.library_dir)
    proposals = by_folder(await world.library.propose_import())
    first, second = proposals["Harbor Lights (2024)"], proposals["Harbor Lights (2024) copy"]
    assert first.state is second.state is MatchState.NEEDS_REVIEW
    assert first.match.id == second.match.id == 4242  # kept as the proposal
    assert first.note == (
        "Also claimed by folder 'Harbor Lights (2024) copy' (TMDB series 4242): confirm which "
        "one it is."
    )
    assert "'Harbor Lights (2024)'" in second.note
    result = await world.library.apply_import(list(proposals.values()))
    assert result.count(MatchState.NEEDS_REVIEW) == 2
    for summary in await world.library.list_series():
        series = summary.series
        assert series.match_state is MatchState.NEEDS_REVIEW and series.tmdb_id == 4242
        assert series.confirmed_tmdb_id is None  # a proposal is used for nothing
        assert summary.counts.episodes == 1  # TMDB's catalogue not brought: only the file
    assert tree(world.library_dir) == before

    # The user settles it: the copy is nothing; the other is confirmed.
    copy = next(s.series for s in await world.library.list_series() if "copy" in s.series.folder)
    original = next(s.series for s in await world.library.list_series() if s.series.id != copy.id)
    await world.library.remove(copy)
    outcome = await world.library.confirm_match(original)
    assert outcome.state is MatchState.MANUAL
    (summary,) = await world.library.list_series()
    assert (summary.counts.episodes, summary.counts.on_disk) == (7, 1)  # with the special
    assert tree(world.library_dir) == before


async def test_a_tmdb_outage_mid_import_is_said_on_its_rows_and_retried(
    world: World, tmdb: FakeTMDB
) -> None:
    world.library.use_tmdb(tmdb_source(tmdb.api_url, retries=1))
    world.library.matcher.concurrency = 1  # one after the other: the outage hits the last ones
    make_files(
        world.library_dir,
        "Harbor Lights (2024)/S01E01.mkv",
        "Paper Moons (2019)/Season 1/S01E01.mkv",
        "Quiet Valley/S01E01.mkv",
    )
    before = tree(world.library_dir)
    proposals = await world.library.propose_import(match=False)
    harbor, moons, quiet = proposals
    assert [p.state for p in proposals] == [MatchState.UNMATCHED] * 3
    # Harbor Lights is matched by hand; then TMDB fails: 503 twice (a retry included),
    # then two cut-off connections.
    harbor = harbor.matched_by_hand(TMDBMatch(4242, "Harbor Lights", 2024))
    tmdb.fail_next(2, status=503)
    tmdb.drop_next(2)
    result = await world.library.apply_import([harbor, moons, quiet])
    notes = {series.folder: outcome for series, outcome in result.series}
    failed = notes["Harbor Lights (2024)"]
    assert failed.state is MatchState.UNMATCHED  # its episodes could not be read
    assert failed.note == (
        "TMDB is having trouble (HTTP 503) with series 4242; will retry at the next run."
    )
    stored = {s.series.folder: s.series for s in await world.library.list_series()}
    assert stored["Harbor Lights (2024)"].match_note == failed.note
    assert len(stored) == 3 and tree(world.library_dir) == before

    # Matching the run way: the outage is over, every series gets its match.
    tmdb.fail_next(2)
    tmdb.drop_next(2)
    outcomes = {s.folder: o for s, o in await world.library.match_unmatched()}
    assert outcomes["Harbor Lights (2024)"].note == (
        "TMDB is having trouble (HTTP 503) with search results; will retry at the next run."
    )
    cut = outcomes["Paper Moons (2019)"]
    assert cut.state is MatchState.UNMATCHED
    assert cut.note.startswith("TMDB could not be reached: ")
    assert cut.note.endswith("; will retry at the next run.")
    assert outcomes["Quiet Valley"].note == "TMDB knows no series 'Quiet Valley'."
    # The next run: TMDB answers again.
    await world.library.match_unmatched()
    stored = {s.series.folder: s.series for s in await world.library.list_series()}
    assert stored["Harbor Lights (2024)"].match_state is MatchState.MATCHED
    assert stored["Paper Moons (2019)"].match_state is MatchState.MATCHED
    assert stored["Quiet Valley"].match_note == "TMDB knows no series 'Quiet Valley'."
    assert tree(world.library_dir) == before


async def test_an_nfo_id_is_trusted_and_a_folder_id_is_the_users(
    world: World, tmdb: FakeTMDB
) -> None:
    world.library.use_tmdb(tmdb_source(tmdb.api_url))
    make_files(world.library_dir, "Some Name/S01E01.mkv", "Other {tmdb-77}/S01E01.mkv")
    (world.library_dir / "Some Name" / "tvshow.nfo").write_text(
        '<tvshow><title>x</title><uniqueid type="tmdb" default="true">4242</uniqueid></tvshow>'
    )
    proposals = by_folder(await world.library.propose_import())
    assert (proposals["Some Name"].state, proposals["Some Name"].match.id) == (
        MatchState.FROM_NFO,
        4242,
    )
    assert (proposals["Other {tmdb-77}"].state, proposals["Other {tmdb-77}"].match.name) == (
        MatchState.MANUAL,
        "Paper Moons",
    )
    assert "search/tv" not in tmdb.requests  # no search when an id is known


async def test_without_a_token_proposals_say_how_to_match(world: World) -> None:
    make_files(world.library_dir, "Harbor Lights/S01E01.mkv")
    (proposal,) = await world.library.propose_import()
    assert proposal.note == "No TMDB token is set: add one in Settings to match it."
    result = await world.library.apply_import([proposal])
    assert result.count(MatchState.UNMATCHED) == 1


async def test_a_low_confidence_waits_for_the_user(world: World) -> None:
    shows = {
        "Harbor Lights": FakeShow(1, 1990, seasons={1: 2}),
        "Harbor Lights ": FakeShow(2, 2010, seasons={1: 2}, name="Harbor Lights"),
    }
    async with FakeTMDB(shows) as tmdb:
        world.library.use_tmdb(tmdb_source(tmdb.api_url))
        make_files(world.library_dir, "Harbor Lights/S01E01.mkv")
        (proposal,) = await world.library.propose_import()
        assert proposal.state is MatchState.NEEDS_REVIEW
        assert proposal.confidence is not None and proposal.confidence < 0.85
        assert proposal.note.startswith("TMDB's best guess is 'Harbor Lights' (1990), as likely")
        await world.library.apply_import([proposal])
        (summary,) = await world.library.list_series()
        assert summary.series.confirmed_tmdb_id is None
        assert summary.counts.episodes == 1  # nothing from TMDB until confirmed


async def test_a_skipped_folder_is_left_alone_by_scans(world: World) -> None:
    make_files(world.library_dir, "Harbor Lights/S01E01.mkv", "Downloads/random.S01E01.mkv")
    proposals = by_folder(await world.library.propose_import(match=False))
    result = await world.library.apply_import(
        [proposals["Harbor Lights"]], skip=[proposals["Downloads"]]
    )
    assert result.skipped == ("Downloads",)
    summary = await world.library.scan()
    assert summary.followed == []
    assert [s.series.folder for s in await world.library.list_series()] == ["Harbor Lights"]
    assert await world.library.propose_import(match=False) != []  # Harbor Lights: unmatched
    again = await world.library.propose_import(match=False, include=["Downloads"])
    assert "Downloads" in {p.folder for p in again}
