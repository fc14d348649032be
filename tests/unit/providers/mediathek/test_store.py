"""The film index: a full list built aside and swapped in, diffs applied in one transaction, search."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from aniworld_desktop.providers.mediathek.filmlist import FilmListError, film_key
from aniworld_desktop.providers.mediathek.store import FilmIndex, match_query
from tests.mediathek_lists import ListEntry, generated_entries, write_film_list

FULL_URL = "https://liste.example.test/Filmliste-akt.xz"
DIFF_URL = "https://liste.example.test/Filmliste-diff.xz"


def film(topic: str, title: str, n: int, *, channel: str = "ZDF", aired: int = 0) -> ListEntry:
    return ListEntry(
        channel=channel,
        topic=topic,
        title=title,
        url=f"https://media.example.test/{channel}/{n}.mp4",
        aired=aired or 1_760_000_000 + n * 86_400,
        description=f"Description {n}",
        subtitle=f"https://media.example.test/{channel}/{n}.vtt",
    )


BASE_FILMS = [
    film("Terra X", "Folge 1: Die Alpen", 1),
    film("Terra X", "Folge 2: Die Nordsee", 2),
    film("Terra X", "Folge 3: Der Wald", 3),
    film("Terra X", "Folge 1: Die Alpen", 4, channel="3Sat"),
    film("Der Bergdoktor", "Staffel 1, Folge 1: Heimkehr", 5),
    film("Tagesschau", "Tagesschau 20:00 Uhr", 6, channel="ARD"),
]


@pytest.fixture
def index(tmp_path: Path) -> FilmIndex:
    index = FilmIndex(tmp_path / "mediathek.sqlite")
    source = write_film_list(tmp_path / "full.xz", BASE_FILMS)
    index.replace(source, url=FULL_URL, etag='"v1"', last_modified="Tue, 24 Nov 2026 08:30:00 GMT")
    yield index
    index.close()


def titles(films) -> list[str]:
    return [f.title for f in films]


def test_a_full_list_is_indexed_with_where_it_came_from(index: FilmIndex):
    state = index.state()
    assert state is not None
    assert state.films == 6
    assert state.full.url == FULL_URL
    assert state.full.etag == '"v1"'
    assert state.full.last_modified == "Tue, 24 Nov 2026 08:30:00 GMT"
    assert state.full.created is not None and state.full.applied is not None
    assert state.diff.url == ""
    assert state.checked == state.full.applied


def test_the_films_of_a_topic_ignore_case_and_may_be_of_one_channel(index: FilmIndex):
    assert titles(index.films_of("terra x")) == [
        "Folge 1: Die Alpen",
        "Folge 2: Die Nordsee",
        "Folge 3: Der Wald",
        "Folge 1: Die Alpen",
    ]
    assert {f.channel for f in index.films_of("TERRA X", "zdf")} == {"ZDF"}
    assert index.films_of("Terra") == []  # a topic is matched whole
    found = index.films_of("Terra X", "ZDF")[0]
    assert index.film(found.key) == found
    assert index.film(12345) is None
    assert index.channels() == ["3Sat", "ARD", "ZDF"]


def test_search_matches_word_starts_in_topic_and_title_newest_first(index: FilmIndex):
    assert titles(index.search("terr")) == [
        "Folge 1: Die Alpen",  # the 3Sat repeat, newest
        "Folge 3: Der Wald",
        "Folge 2: Die Nordsee",
        "Folge 1: Die Alpen",
    ]
    assert titles(index.search("terra alp")) == ["Folge 1: Die Alpen", "Folge 1: Die Alpen"]
    assert [f.channel for f in index.search("alpen", channel="3sat")] == ["3Sat"]
    assert titles(index.search("nordsée")) == ["Folge 2: Die Nordsee"]  # accents folded
    assert titles(index.search("heimk")) == ["Staffel 1, Folge 1: Heimkehr"]
    assert len(index.search("terra", limit=2)) == 2
    assert index.search("x") == []  # one letter alone finds nothing
    assert index.search("erra") == []  # word starts only


@pytest.mark.parametrize("text", ['"', "AND", "OR NEAR(", "terra*)", "-x", "{topic}: a", "^"])
def test_anything_typed_is_searched_as_words_never_as_query_syntax(index: FilmIndex, text: str):
    index.search(text)  # raises nothing
    index.topics(text)


def test_topics_are_found_with_their_film_counts(index: FilmIndex):
    matches = index.topics("ter")
    assert [(m.channel, m.topic, m.films) for m in matches] == [
        ("ZDF", "Terra X", 3),
        ("3Sat", "Terra X", 1),
    ]
    assert matches[0].latest == 1_760_000_000 + 3 * 86_400
    assert [m.topic for m in index.topics("berg")] == ["Der Bergdoktor"]
    assert [m.channel for m in index.topics("terra", channel="3SAT")] == ["3Sat"]


def test_match_query_quotes_every_word():
    assert match_query('Terra "X" Alp*') == '"terra"* "alp"*'
    assert match_query("a b") == ""
    assert match_query("dr_who s01e02") == '"dr"* "who"* "s01e02"*'


def test_every_word_of_a_query_is_one_word_of_the_search_index():
    """The film search index keeps no positions: a quoted word of two tokens would be an error."""
    import sys

    connection = sqlite3.connect(":memory:")
    connection.execute(
        "CREATE VIRTUAL TABLE s USING fts5 (t, detail=column, "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    letters = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isalnum()]
    failed = []
    for start in range(0, len(letters), 500):  # a query of 500 words at a time, then each
        query = match_query(" ".join(f"xa{c}by" for c in letters[start : start + 500]))
        try:
            connection.execute("SELECT rowid FROM s WHERE s MATCH ?", (query,)).fetchall()
        except sqlite3.OperationalError:
            for c in letters[start : start + 500]:
                try:
                    connection.execute(
                        "SELECT rowid FROM s WHERE s MATCH ?", (match_query(f"xa{c}by"),)
                    )
                except sqlite3.OperationalError:
                    failed.append(f"U+{ord(c):04X}")
    connection.close()
    assert failed == []


def test_a_diff_replaces_films_by_their_id_and_adds_the_new_ones(index: FilmIndex, tmp_path: Path):
    changed = replace(BASE_FILMS[1], title="Folge 2: Die Ostsee")  # same channel, topic, URL
    new = film("Terra X", "Folge 4: Die Wüste", 7, aired=1_770_000_000)
    new_topic = film("Löwenzahn", "Folge 1: Peter", 8, channel="KiKA")
    diff = write_film_list(tmp_path / "diff.xz", [changed, new, new_topic])
    applied = index.apply_diff(diff, url=DIFF_URL, etag='"d1"', last_modified=None)

    assert applied.counts.films == 3 and applied.films == 8
    assert titles(index.films_of("Terra X", "ZDF")) == [
        "Folge 1: Die Alpen",
        "Folge 2: Die Ostsee",
        "Folge 3: Der Wald",
        "Folge 4: Die Wüste",
    ]
    # The search index followed: the old title is gone, the new ones are found, newest first.
    assert index.search("nordsee") == []
    assert titles(index.search("ostsee")) == ["Folge 2: Die Ostsee"]
    assert titles(index.search("terra"))[0] == "Folge 4: Die Wüste"
    # The programmes followed too.
    assert [(m.topic, m.films) for m in index.topics("terra", channel="ZDF")] == [("Terra X", 4)]
    assert [(m.channel, m.topic) for m in index.topics("löwen")] == [("KiKA", "Löwenzahn")]
    state = index.state()
    assert state is not None and state.films == 8
    assert state.diff.url == DIFF_URL and state.diff.etag == '"d1"'
    assert state.full.etag == '"v1"'  # the full list's validators stay


def test_a_film_listed_twice_is_kept_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from aniworld_desktop.providers.mediathek.building import SearchBuild

    start = SearchBuild.__enter__

    def reads_first(self: SearchBuild) -> SearchBuild:
        started = start(self)
        self.wait()  # the search index's thread reads the films before the second is dropped
        return started

    monkeypatch.setattr(SearchBuild, "__enter__", reads_first)
    index = FilmIndex(tmp_path / "mediathek.sqlite")
    twice = [BASE_FILMS[0], replace(BASE_FILMS[0], title="again"), BASE_FILMS[1]]
    applied = index.replace(
        write_film_list(tmp_path / "l.xz", twice), url=FULL_URL, etag=None, last_modified=None
    )
    assert applied.films == 2
    state = index.state()
    assert state is not None and state.films == 2  # the count written down is the table's
    assert titles(index.films_of("Terra X")) == ["Folge 1: Die Alpen", "Folge 2: Die Nordsee"]
    # The search index was read before the second entry was dropped: it is made again in place.
    search_index_is_consistent(index)
    assert titles(index.search("alpen")) == ["Folge 1: Die Alpen"]
    assert titles(index.search("again")) == []
    index.close()


def search_tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """The film search index's own tables, row for row (its settings but the memory it used)."""
    connection = sqlite3.connect(path)
    try:
        return {
            table: connection.execute(f"SELECT * FROM {table} {where} ORDER BY 1, 2").fetchall()
            for table, where in (
                ("film_search_data", ""),
                ("film_search_idx", ""),
                ("film_search_config", "WHERE k != 'hashsize'"),
            )
        }
    finally:
        connection.close()


def test_the_search_index_built_beside_the_indexes_is_the_one_built_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    from aniworld_desktop.providers.mediathek.building import SearchBuild

    source = write_film_list(tmp_path / "l.xz", generated_entries(3000, seed=4))
    beside = FilmIndex(tmp_path / "beside" / "mediathek.sqlite")
    beside.path.parent.mkdir()
    beside.replace(source, url=FULL_URL, etag=None, last_modified=None)
    assert "built in place" not in caplog.text  # the thread's index was copied in

    def fails(self: SearchBuild) -> None:
        self._error = sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(SearchBuild, "_build", fails)
    in_place = FilmIndex(tmp_path / "in_place" / "mediathek.sqlite")
    in_place.path.parent.mkdir()
    in_place.replace(source, url=FULL_URL, etag=None, last_modified=None)
    assert "the film search index is built in place: disk I/O error" in caplog.text

    tables = search_tables(beside.path)
    assert len(tables["film_search_data"]) > 10
    assert tables == search_tables(in_place.path)
    for index in (beside, in_place):
        search_index_is_consistent(index)
        assert sorted(p.name for p in index.path.parent.iterdir()) == ["mediathek.sqlite"]
    assert_same_searches(beside, in_place, ["kommissar", "folge 3", "gro", "nordsee mär"])
    beside.close()
    in_place.close()


def test_without_wal_the_search_index_is_built_in_place_without_a_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    from aniworld_desktop.providers.mediathek import store
    from aniworld_desktop.providers.mediathek.building import SearchBuild

    # A file system where SQLite cannot have WAL answers with the mode the file stays in.
    monkeypatch.setattr(store, "_BESIDE_MODE", "PRAGMA journal_mode = OFF")
    started: list[SearchBuild] = []

    def record(self: SearchBuild) -> None:
        started.append(self)

    monkeypatch.setattr(SearchBuild, "_build", record)
    index = FilmIndex(tmp_path / "mediathek.sqlite")
    applied = index.replace(
        write_film_list(tmp_path / "l.xz", generated_entries(1500, seed=5)),
        url=FULL_URL,
        etag=None,
        last_modified=None,
    )
    assert applied.films == 1500
    assert started == []  # no reader beside a writer without WAL: it would block the writer
    assert "built in place" not in caplog.text  # expected here, so not a warning
    search_index_is_consistent(index)
    assert titles(index.search("kommissar"))
    assert sorted(p.name for p in tmp_path.iterdir() if "sqlite" in p.name) == ["mediathek.sqlite"]
    index.close()


def test_what_a_killed_build_left_is_removed(tmp_path: Path):
    from aniworld_desktop.providers.mediathek.store import remove_unfinished

    live = tmp_path / "mediathek.sqlite"
    left = ["mediathek.sqlite.new", "mediathek.sqlite.new-wal", "mediathek.sqlite.new-search"]
    for name in [live.name, *left]:
        (tmp_path / name).write_bytes(b"x")
    remove_unfinished(live)
    assert [p.name for p in tmp_path.iterdir()] == [live.name]


def test_a_bad_full_list_keeps_the_old_index(index: FilmIndex, tmp_path: Path):
    before = (index.state(), titles(index.search("terra")), index.path.stat().st_ino)
    bad = write_film_list(tmp_path / "bad.xz", generated_entries(3000))
    bad.write_bytes(bad.read_bytes()[:-500])
    with pytest.raises(FilmListError, match="incomplete"):
        index.replace(bad, url=FULL_URL, etag='"v2"', last_modified=None)
    assert (index.state(), titles(index.search("terra")), index.path.stat().st_ino) == before
    assert sorted(p.name for p in tmp_path.iterdir() if "sqlite" in p.name) == ["mediathek.sqlite"]


def test_a_bad_diff_is_rolled_back_whole(index: FilmIndex, tmp_path: Path):
    many = list(generated_entries(4000, seed=9))  # several batches are stored before the end
    bad = write_film_list(tmp_path / "diff.xz", many)
    bad.write_bytes(bad.read_bytes()[:-200])
    with pytest.raises(FilmListError, match="incomplete"):
        index.apply_diff(bad, url=DIFF_URL, etag=None, last_modified=None)
    state = index.state()
    assert state is not None and state.films == 6 and state.diff.url == ""
    assert index.film(film_key(many[0].channel, many[0].topic, many[0].url)) is None
    word = many[0].topic.split()[0]
    assert {m.topic for m in index.topics(word)} <= {"Terra X", "Der Bergdoktor", "Tagesschau"}


def test_a_diff_needs_an_index(tmp_path: Path):
    index = FilmIndex(tmp_path / "mediathek.sqlite")
    diff = write_film_list(tmp_path / "diff.xz", BASE_FILMS[:1])
    with pytest.raises(FilmListError, match="no film index yet"):
        index.apply_diff(diff, url=DIFF_URL, etag=None, last_modified=None)
    assert index.state() is None


def test_a_file_of_another_layout_or_no_database_counts_as_no_index(tmp_path: Path):
    path = tmp_path / "mediathek.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    index = FilmIndex(path)
    assert index.state() is None and index.search("terra") == [] and index.films_of("x") == []
    path.unlink()
    old = sqlite3.connect(path)
    old.executescript("CREATE TABLE meta (name, value); INSERT INTO meta VALUES ('schema', '0');")
    old.close()
    assert index.state() is None
    # The next full list replaces it.
    index.replace(
        write_film_list(tmp_path / "l.xz", BASE_FILMS), url=FULL_URL, etag=None, last_modified=None
    )
    state = index.state()
    assert state is not None and state.films == 6
    index.close()


def test_a_reader_sees_the_new_index_after_a_swap(index: FilmIndex, tmp_path: Path):
    assert titles(index.search("nordsee")) == ["Folge 2: Die Nordsee"]  # the connection is open
    other = [film("Sturm der Liebe", "Folge 4000", 9)]
    index.replace(
        write_film_list(tmp_path / "l2.xz", other), url=FULL_URL, etag='"v2"', last_modified=None
    )
    assert index.search("nordsee") == []
    assert titles(index.search("sturm")) == ["Folge 4000"]
    state = index.state()
    assert state is not None and state.full.etag == '"v2"' and state.films == 1


def test_checking_without_changes_is_remembered(index: FilmIndex):
    from datetime import UTC, datetime

    when = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    index.mark_checked(when)
    state = index.state()
    assert state is not None and state.checked == when


def search_index_is_consistent(index: FilmIndex) -> None:
    """FTS5's own check of the search indexes against their tables (raises when they differ),
    and the diffs' search index holds exactly the diffs' films."""
    connection = sqlite3.connect(index.path)
    try:
        connection.execute(
            "INSERT INTO film_search (film_search, rank) VALUES ('integrity-check', 1)"
        )
        connection.execute(
            "INSERT INTO film_new_search (film_new_search, rank) VALUES ('integrity-check', 1)"
        )
        indexed = "SELECT rowid, topic, title FROM film_new_search ORDER BY rowid"
        stored = "SELECT ord, topic, title FROM film_new ORDER BY ord"
        assert connection.execute(indexed).fetchall() == connection.execute(stored).fetchall()
        connection.execute(
            "INSERT INTO topic_search (topic_search, rank) VALUES ('integrity-check', 1)"
        )
    finally:
        connection.close()


def test_the_search_index_stays_consistent_through_awkward_diffs(index: FilmIndex, tmp_path: Path):
    search_index_is_consistent(index)
    moved = replace(BASE_FILMS[0], aired=1_790_000_000, title="Folge 1: Die Alpen (neu)")
    twice_a = replace(BASE_FILMS[1], title="Zuerst")
    twice_b = replace(BASE_FILMS[1], title="Danach")
    new_twice = film("Neu", "Einmal", 20)
    diff = write_film_list(
        tmp_path / "diff.xz",
        [moved, twice_a, new_twice, twice_b, replace(new_twice, title="Zweimal")],
    )
    applied = index.apply_diff(diff, url=DIFF_URL, etag=None, last_modified=None)
    assert applied.films == 7
    search_index_is_consistent(index)
    assert titles(index.search("terra"))[0] == "Folge 1: Die Alpen (neu)"  # moved to its new time
    assert titles(index.search("zuerst")) == [] and titles(index.search("danach")) == ["Danach"]
    assert titles(index.search("einmal")) == [] and titles(index.search("zweimal")) == ["Zweimal"]
    assert [(m.topic, m.films) for m in index.topics("neu")] == [("Neu", 1)]
    # The same diff again changes nothing.
    again = index.apply_diff(diff, url=DIFF_URL, etag=None, last_modified=None)
    assert again.films == 7
    search_index_is_consistent(index)
    assert [(m.topic, m.films) for m in index.topics("neu")] == [("Neu", 1)]


def test_films_come_back_as_they_were_read(index: FilmIndex, tmp_path: Path):
    from aniworld_desktop.providers.mediathek.filmlist import read_all

    _, read = read_all(tmp_path / "full.xz")
    stored = {f.key: f for f in index.films_of("Terra X")}
    assert len(stored) == 4
    for original in read:
        if original.key in stored:
            assert stored[original.key] == original
            assert type(stored[original.key].new) is int


def test_a_diff_writes_each_film_as_it_comes_last(index: FilmIndex, tmp_path: Path):
    from aniworld_desktop.providers.mediathek.filmlist import read_all

    # The same id (channel and topic count without case): spelled anew, so every column is
    # written; only a new title and description; moved in time and back in one diff.
    respelled = replace(BASE_FILMS[1], channel="zdf", topic="TERRA X", title="Neu geschrieben")
    edited = replace(BASE_FILMS[2], title="Nur der Titel", description="Neu beschrieben")
    away = replace(BASE_FILMS[4], aired=1_790_000_000, title="Verschoben")
    back = replace(BASE_FILMS[4], title="Zurück")
    diff = write_film_list(tmp_path / "diff.xz", [respelled, edited, away, back])
    applied = index.apply_diff(diff, url=DIFF_URL, etag=None, last_modified=None)
    assert applied.films == 6
    search_index_is_consistent(index)
    _, read = read_all(diff)
    for written in (read[0], read[1], read[3]):
        assert index.film(written.key) == written
    assert index.film(read[0].key).channel == "zdf"  # type: ignore[union-attr]
    assert titles(index.search("verschoben")) == [] and titles(index.search("zurück")) == ["Zurück"]
    assert titles(index.search("titel")) == ["Nur der Titel"]
    assert sorted(m.films for m in index.topics("terra")) == [1, 3]


FILM_COLUMNS = (
    "key, channel, topic, title, description, day, aired, duration, size_mb, url, small, hd, "
    "subtitle_url, website, geo, new"
)


def all_rows(index: FilmIndex) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Every film (by key) and every programme of the index, as stored: the full list's films
    that no diff replaced, and the diffs' films."""
    connection = sqlite3.connect(index.path)
    try:
        films = connection.execute(
            f"SELECT {FILM_COLUMNS} FROM film WHERE key NOT IN (SELECT key FROM film_new) "
            f"UNION ALL SELECT {FILM_COLUMNS} FROM film_new ORDER BY key"
        ).fetchall()
        topics = connection.execute(
            "SELECT channel, topic, films, latest FROM topic ORDER BY topic, channel"
        ).fetchall()
    finally:
        connection.close()
    return films, topics


def rebuilt_from(tmp_path: Path, merged: dict[int, ListEntry]) -> FilmIndex:
    """The index a full list of ``merged`` builds: what a diffed index must equal."""
    rebuilt = FilmIndex(tmp_path / "rebuilt.sqlite")
    rebuilt.replace(
        write_film_list(tmp_path / "merged.xz", list(merged.values())),
        url=FULL_URL,
        etag=None,
        last_modified=None,
    )
    return rebuilt


def assert_same_searches(patched: FilmIndex, rebuilt: FilmIndex, texts: list[str]) -> None:
    """Both find the same films newest first (films of one moment in either order), and the
    same programmes."""
    for text in texts:
        found, expected = patched.search(text, limit=5000), rebuilt.search(text, limit=5000)
        assert found, text
        assert [f.aired for f in found] == [f.aired for f in expected], text
        assert sorted(found) == sorted(expected), text
        assert patched.topics(text) == rebuilt.topics(text), text


def test_a_diff_gives_the_index_a_full_list_of_the_merged_films_would(tmp_path: Path):
    full = list(generated_entries(1500, seed=3))  # three batches
    retitled = [replace(e, title=f"{e.title} (neu)") for e in full[::40]]
    later = [replace(e, aired=e.aired + 400 * 86_400, title="Wiederholung") for e in full[7::150]]
    added = [
        replace(e, url=e.url.replace("https://", "https://new."))
        for e in generated_entries(600, seed=4, start=1_800_000_000)
    ]
    diff = [*retitled, *later, *added]
    merged = {film_key(e.channel, e.topic, e.url): e for e in full}
    for entry in diff:  # a film of the diff replaces the one with its id, or comes last
        merged[film_key(entry.channel, entry.topic, entry.url)] = entry

    patched = FilmIndex(tmp_path / "patched.sqlite")
    patched.replace(
        write_film_list(tmp_path / "full.xz", full), url=FULL_URL, etag=None, last_modified=None
    )
    applied = patched.apply_diff(
        write_film_list(tmp_path / "diff.xz", diff), url=DIFF_URL, etag=None, last_modified=None
    )
    rebuilt = rebuilt_from(tmp_path, merged)

    assert applied.films == len(merged) == 2100
    assert all_rows(patched) == all_rows(rebuilt)
    search_index_is_consistent(patched)
    assert_same_searches(
        patched, rebuilt, ["ter", "terra x", "neu", "wiederholung", "folge 2", "st ko"]
    )
    patched.close()
    rebuilt.close()


def test_the_days_diffs_one_after_another_give_what_a_full_list_would(tmp_path: Path):
    """MediathekView's diff lists grow through the day (each has what the last one had): the
    second finds films of the first in film_new, replaced, moved in time or as they were."""
    full = list(generated_entries(900, seed=5))
    first = [replace(e, title=f"{e.title} (neu)") for e in full[::30]]
    first += [
        replace(e, url=e.url.replace("https://", "https://first."))
        for e in generated_entries(200, seed=6, start=1_800_000_000)
    ]
    second = [*first]
    second[0] = replace(second[0], title="Noch einmal neu")  # a diff's film edited again
    second[1] = replace(second[1], aired=second[1].aired + 86_400 * 30)  # moved in time
    second[-1] = replace(second[-1], title="Spät korrigiert")  # a new film of the first, edited
    second += [replace(e, title="Wiederholung") for e in full[5::100]]
    second += [
        replace(e, url=e.url.replace("https://", "https://second."))
        for e in generated_entries(150, seed=7, start=1_810_000_000)
    ]
    merged = {film_key(e.channel, e.topic, e.url): e for e in full}
    for entry in second:
        merged[film_key(entry.channel, entry.topic, entry.url)] = entry

    patched = FilmIndex(tmp_path / "patched.sqlite")
    patched.replace(
        write_film_list(tmp_path / "full.xz", full), url=FULL_URL, etag=None, last_modified=None
    )
    for n, diff in enumerate((first, second)):
        applied = patched.apply_diff(
            write_film_list(tmp_path / f"diff{n}.xz", diff),
            url=DIFF_URL,
            etag=None,
            last_modified=None,
        )
        search_index_is_consistent(patched)
    rebuilt = rebuilt_from(tmp_path, merged)

    assert applied.films == len(merged) == 900 + 200 + 150
    assert all_rows(patched) == all_rows(rebuilt)
    texts = ["noch einmal", "spät korrigiert", "wiederholung", "neu", "ter"]
    assert_same_searches(patched, rebuilt, texts)
    for text in texts:  # a page of both tables' newest is the page of the newest of all
        page = [f.aired for f in patched.search(text, limit=7)]
        assert page == [f.aired for f in rebuilt.search(text, limit=5000)[:7]], text
    moved = second[1]
    topic_films = patched.films_of(moved.topic, moved.channel)
    assert topic_films == rebuilt.films_of(moved.topic, moved.channel)
    assert [f.aired for f in topic_films] == sorted(f.aired for f in topic_films)
    patched.close()
    rebuilt.close()


def test_a_diff_finds_its_films_by_their_key_without_reading_the_whole_table(index: FilmIndex):
    from aniworld_desktop.providers.mediathek import store

    connection = sqlite3.connect(index.path)
    try:
        for sql, parameters in (
            (store._STORED, ("[1, 2]",)),
            (store._STORED_NEW, ("[1, 2]",)),
            (store._TOPIC_COUNTS, ()),
        ):
            plan = [row[-1] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", parameters)]
            assert "SCAN film" not in plan, (sql, plan)  # the table, row by row
            if sql is store._TOPIC_COUNTS:  # the index alone, never the table
                assert plan == ["SCAN film USING COVERING INDEX film_topic"]
            elif sql is store._STORED:
                assert any(s.startswith("SEARCH film USING COVERING INDEX film_key") for s in plan)
            else:
                assert any(
                    s.startswith("SEARCH film_new USING INDEX sqlite_autoindex") for s in plan
                )
    finally:
        connection.close()


def test_a_diff_writes_none_of_the_full_lists_rows(index: FilmIndex, tmp_path: Path):
    """The diff's films go to film_new (a few pages in one place): the big table and its
    indexes are never written, and the films a diff replaced are hidden from every read."""

    def full_list_rows() -> list[tuple[object, ...]]:
        connection = sqlite3.connect(index.path)
        try:
            return connection.execute("SELECT * FROM film ORDER BY id").fetchall()
        finally:
            connection.close()

    before = full_list_rows()
    retitled = replace(BASE_FILMS[2], title="Folge 3: Der Urwald")
    diff = write_film_list(tmp_path / "diff.xz", [retitled, film("Terra X", "Folge 9", 9)])
    index.apply_diff(diff, url=DIFF_URL, etag=None, last_modified=None)
    assert full_list_rows() == before
    key = film_key(retitled.channel, retitled.topic, retitled.url)
    assert index.film(key).title == "Folge 3: Der Urwald"  # type: ignore[union-attr]
    assert "Folge 3: Der Wald" not in titles(index.films_of("terra x", "zdf"))
    assert titles(index.search("wald")) == []
    assert titles(index.search("urwald")) == ["Folge 3: Der Urwald"]


def test_an_error_while_indexing_keeps_the_old_index(
    index: FilmIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from aniworld_desktop.providers.mediathek import store

    before = (index.state(), titles(index.search("terra")), index.path.stat().st_ino)
    # After the films are stored, while the indexes are made (and the table is being synced).
    monkeypatch.setattr(store, "_INDEXES", store._INDEXES + "SELECT no_such_function();")
    with pytest.raises(sqlite3.OperationalError):
        index.replace(
            write_film_list(tmp_path / "l2.xz", generated_entries(1200)),
            url=FULL_URL,
            etag='"v2"',
            last_modified=None,
        )
    assert (index.state(), titles(index.search("terra")), index.path.stat().st_ino) == before
    assert sorted(p.name for p in tmp_path.iterdir() if "sqlite" in p.name) == ["mediathek.sqlite"]


def test_a_film_keeps_its_place_in_time_through_a_diff_unless_its_broadcast_moves(
    index: FilmIndex, tmp_path: Path
):
    def order(key: int) -> int:
        """The film's place in time as the reads see it (a diff's row hides the full list's)."""
        connection = sqlite3.connect(index.path)
        try:
            (value,) = connection.execute(
                "SELECT ord FROM film_new WHERE key = ? UNION ALL "
                "SELECT ord FROM film WHERE key = ? AND key NOT IN (SELECT key FROM film_new)",
                (key, key),
            ).fetchone()
        finally:
            connection.close()
        return int(value)

    edited, moved = BASE_FILMS[0], BASE_FILMS[1]
    keys = [film_key(e.channel, e.topic, e.url) for e in (edited, moved)]
    before = [order(key) for key in keys]
    diff = write_film_list(
        tmp_path / "diff.xz",
        [replace(edited, title="Neu"), replace(moved, aired=moved.aired + 60, title="Später")],
    )
    index.apply_diff(diff, url=DIFF_URL, etag=None, last_modified=None)
    after = [order(key) for key in keys]
    assert after[0] == before[0]
    # The same running number, a minute later.
    assert after[1] - before[1] == 60 << 24
