"""Reading MediathekView's film list: the published format, streamed, and everything it refuses."""

from __future__ import annotations

import json
import lzma
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aniworld_desktop.providers.mediathek.filmlist import (
    FIELD_NAMES,
    EmptyFilmListError,
    Film,
    FilmListError,
    FilmListReader,
    film_key,
    read_all,
    resolve_relative,
)
from tests.mediathek_lists import (
    CREATED,
    GERMANY,
    ListEntry,
    film_list_text,
    generated_entries,
    relative,
    write_film_list,
)

BASE = "https://media.example.test/zdf/terra/2026/0312"


def entry(title: str = "Folge 1: Anfang", **fields: object) -> ListEntry:
    values: dict[str, object] = {
        "channel": "ZDF",
        "topic": "Terra X",
        "title": title,
        "url": f"{BASE}/video_1800k.mp4",
        "small": f"{BASE}/video_480k.mp4",
        "hd": f"{BASE}/video_3500k.mp4",
    }
    values.update(fields)
    return ListEntry(**values)  # type: ignore[arg-type]


def text_file(tmp_path: Path, text: str, name: str = "list.xz") -> Path:
    path = tmp_path / name
    path.write_bytes(lzma.compress(text.encode("utf-8"), preset=0))
    return path


# --- The published format ----------------------------------------------------------------------


def test_a_generated_list_reads_back_film_for_film(tmp_path: Path):
    entries = list(generated_entries(3000, seed=7))
    path = write_film_list(tmp_path / "Filmliste-akt.xz", entries)
    header, films = read_all(path)

    assert header.version == "3"
    assert header.created == CREATED
    assert header.list_id == "0123456789abcdef0123456789abcdef"
    assert header.columns == FIELD_NAMES
    assert len(films) == len(entries) == 3000
    for written, read in zip(entries, films, strict=True):
        # Channel and topic were written once per run of films, and read back for each.
        assert (read.channel, read.topic, read.title) == (
            written.channel,
            written.topic,
            written.title,
        )
        assert read.url == written.url
        assert read.url_small == written.small
        assert read.url_hd == written.hd
        assert read.subtitle_url == written.subtitle
        assert read.aired == written.aired
        # The German day, as the list writes it (not the UTC one).
        assert read.air_date == datetime.fromtimestamp(written.aired, GERMANY).date()
        assert read.geo == written.geo
        assert read.key == film_key(written.channel, written.topic, written.url)
    # The rule really was exercised: most rows left channel and topic empty.
    lines = "".join(film_list_text(entries)).split(',"X":')[1:]
    assert sum(line.startswith('["",""') for line in lines) > 2000


def test_rows_for_a_bulk_insert_are_the_films_as_plain_tuples(tmp_path: Path):
    entries = list(generated_entries(1500, seed=8))
    entries[3] = replace(entries[3], url="ftp://example.test/x.mp4")  # skipped in both
    path = write_film_list(tmp_path / "Filmliste-akt.xz", entries)
    with FilmListReader(path) as reader:
        rows = [row for batch in reader.rows() for row in batch]
        counts = reader.counts
    _, films = read_all(path)
    assert len(rows) == len(films) == 1499 and counts.films == 1499
    assert {type(row) for row in rows} == {tuple}
    assert rows == [tuple(film) for film in films]
    assert all(Film(*row) == film for row, film in zip(rows, films, strict=True))


def test_relative_urls_follow_the_published_rule():
    url = "https://nrodl.zdf.de/dach/3sat/17/10/171016_online/3/171016_online_2328k_p35v13.mp4"
    # The example from MediathekView's own list: "114|476k_p9v13.mp4"
    assert resolve_relative(url, "114|476k_p9v13.mp4") == url[:114] + "476k_p9v13.mp4"
    assert resolve_relative(url, relative(url, url.replace("2328k", "3328k"))) == url.replace(
        "2328k", "3328k"
    )
    assert resolve_relative(url, "") == ""
    assert resolve_relative(url, "https://cdn.example.test/hd.mp4") == (
        "https://cdn.example.test/hd.mp4"
    )


def test_the_identity_is_mediathekviews_index():
    # MLib's DatenFilm.getIndex: (Sender + Thema).toLowerCase() + URL.
    assert film_key("ZDF", "Terra X", "https://a.test/1.mp4") == film_key(
        "zdf", "TERRA X", "https://a.test/1.mp4"
    )
    assert film_key("ZDF", "Terra X", "https://a.test/1.mp4") != film_key(
        "ZDF", "Terra X", "https://a.test/2.mp4"
    )
    assert -(2**63) <= film_key("ZDF", "Terra X", "https://a.test/1.mp4") < 2**63


def test_fields_are_found_by_their_names_not_their_places(tmp_path: Path):
    columns = list(reversed(FIELD_NAMES))
    written = entry()
    row = dict(zip(FIELD_NAMES, _row(written), strict=True))
    text = (
        '{"Filmliste":["24.11.2026, 09:30","24.11.2026, 08:30","3","x","id"],'
        f'"Filmliste":{json.dumps(columns)},"X":{json.dumps([row[c] for c in columns])}}}'
    )
    _, films = read_all(text_file(tmp_path, text))
    assert [(f.title, f.url_hd) for f in films] == [(written.title, written.hd)]


def test_whitespace_between_the_keys_is_allowed_and_plain_json_too(tmp_path: Path):
    text = "".join(film_list_text([entry(), entry("Folge 2", url=f"{BASE}/2.mp4")]))
    spaced = text.replace(',"X":', ' ,\n  "X" :  ').replace('{"Filmliste":', '{ "Filmliste" : ')
    path = tmp_path / "list.json"
    path.write_text("\ufeff" + spaced, encoding="utf-8")
    _, films = read_all(path)
    assert [f.title for f in films] == ["Folge 1: Anfang", "Folge 2"]


@pytest.fixture(params=["as it is read", "on a thread of its own"])
def xz_way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways of decompressing: a small file as it is read, a large one on a thread."""
    from aniworld_desktop.providers.mediathek import filmlist

    threaded = request.param == "on a thread of its own"
    monkeypatch.setattr(filmlist, "_THREAD_FROM", 0 if threaded else 1 << 40)
    return str(request.param)


def test_only_a_large_xz_file_is_decompressed_on_a_thread(tmp_path: Path, monkeypatch):
    import threading

    from aniworld_desktop.providers.mediathek import filmlist

    path = write_film_list(tmp_path / "list.xz", generated_entries(1200, seed=5))
    monkeypatch.setattr(filmlist, "_QUEUED_CHUNKS", 1)
    monkeypatch.setattr(filmlist, "_BYTES_CHUNK", 4096)  # 140 pieces

    def read() -> tuple[list[filmlist.Film], bool]:
        with FilmListReader(path) as reader:
            reader.header()
            # Its end not reached yet: the thread waits for room in the queue.
            threaded = any(t.name == "film list xz" for t in threading.enumerate())
            films = [film for batch in reader.batches() for film in batch]
        return films, threaded

    small, threaded = read()
    assert not threaded and len(small) == 1200
    monkeypatch.setattr(filmlist, "_THREAD_FROM", path.stat().st_size)
    large, threaded = read()
    assert threaded and large == small


def test_a_list_read_in_many_small_pieces_is_the_same(tmp_path: Path, monkeypatch, xz_way: str):
    from aniworld_desktop.providers.mediathek import filmlist

    path = write_film_list(tmp_path / "list.xz", generated_entries(400, seed=3))
    _, whole = read_all(path)
    monkeypatch.setattr(filmlist, "_BYTES_CHUNK", 7)  # splits keys, escapes and UTF-8 sequences
    _, pieces = read_all(path)
    assert pieces == whole


def _xz_cases() -> dict[str, bytes]:
    one = lzma.compress(bytes(range(256)) * 40)
    two = lzma.compress(b"a second stream " * 300)
    return {
        "one stream": one,
        "two streams": one + two,
        "bytes after the last stream": one + b"not xz" * 10,
        "truncated": one[:-30],
        "damaged": one[:100] + b"x" * 50 + one[150:],
        "second stream truncated": one + two[:-20],
    }


@pytest.mark.parametrize("case", list(_xz_cases()))
def test_the_decompressing_thread_gives_what_lzma_gives(tmp_path: Path, monkeypatch, case: str):
    # Its own loop (1 MiB pieces, each one call without the interpreter's lock) in small
    # steps, so that every piece boundary and every stream boundary is crossed.
    from aniworld_desktop.providers.mediathek import filmlist

    monkeypatch.setattr(filmlist, "_THREAD_FROM", 0)
    monkeypatch.setattr(filmlist, "_RAW_PIECE", 1000)
    monkeypatch.setattr(filmlist, "_PIECE", 5000)
    monkeypatch.setattr(filmlist, "_BYTES_CHUNK", 3000)
    path = tmp_path / "case.xz"
    path.write_bytes(_xz_cases()[case])

    def outcome(read: Callable[[], bytes]) -> bytes | str:
        pieces = []
        try:
            while piece := read():
                pieces.append(piece)
        except (EOFError, lzma.LZMAError) as exc:
            return type(exc).__name__
        return b"".join(pieces)

    source = filmlist._Source(path)
    try:
        ours = outcome(source.read)
    finally:
        source.close()
    with lzma.open(path) as file:
        assert ours == outcome(lambda: file.read(4096))


# No deadline: each example writes and reads an xz file, which on the shared machine once took
# 435 ms (the default deadline is 200 ms); a wall-clock limit is no part of what this checks.
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    titles=st.lists(
        st.text(
            alphabet=st.characters(blacklist_categories=("Cs",)),
            min_size=1,
            max_size=30,
        ),
        min_size=1,
        max_size=8,
    )
)
def test_any_title_text_survives_the_trip(tmp_path: Path, titles: list[str]):
    # Quotes, backslashes, ',"X":' itself, control characters and emoji inside the fields.
    entries = [
        entry(title + ',"X":', url=f"{BASE}/{n}.mp4", description=f'"{title}"\\')
        for n, title in enumerate(titles)
    ]
    path = write_film_list(tmp_path / "h.xz", entries)
    _, films = read_all(path)
    assert [f.title for f in films] == [e.title.strip() for e in entries]
    assert [f.description for f in films] == [e.description.strip() for e in entries]


# --- Bad input: refused with a sentence, or skipped and counted ---------------------------------


def test_a_truncated_xz_file_is_refused(tmp_path: Path, xz_way: str):
    path = write_film_list(tmp_path / "list.xz", generated_entries(2000))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(FilmListError, match="incomplete"):
        read_all(path, what="the full film list")


def test_a_list_cut_off_after_decompression_is_refused(tmp_path: Path):
    text = "".join(film_list_text(generated_entries(50)))
    with pytest.raises(FilmListError, match="ends in the middle of a film"):
        read_all(text_file(tmp_path, text[: len(text) - 40]))


def test_a_header_without_films_is_refused(tmp_path: Path):
    text = "".join(film_list_text([]))
    with pytest.raises(EmptyFilmListError, match="has a header but no films"):
        read_all(text_file(tmp_path, text))


def test_entries_with_links_that_are_not_http_are_skipped_and_counted(tmp_path: Path):
    entries = [
        entry("good", url=f"{BASE}/1.mp4"),
        entry("ftp", url="ftp://media.example.test/2.mp4"),
        entry("file", url="file:///etc/passwd"),
        entry("rtmp", url="rtmp://media.example.test/3"),
        entry("none", url=""),
        entry("also good", url=f"{BASE}/4.mp4", subtitle="javascript:alert(1)"),
    ]
    path = text_file(tmp_path, "".join(film_list_text(entries)))
    with FilmListReader(path) as reader:
        reader.header()
        films = [film for batch in reader.batches() for film in batch]
        counts = reader.counts
    assert [f.title for f in films] == ["good", "also good"]
    assert films[1].subtitle_url == ""
    assert counts.films == 2
    assert counts.skipped == {"with a link that is not http": 3, "without a link": 1}
    assert counts.dropped == {"subtitle links not http": 1}
    assert "4 skipped" in counts.summary()


def test_a_list_where_every_film_is_bad_is_refused(tmp_path: Path):
    entries = [entry(str(n), url=f"ftp://x.test/{n}") for n in range(5)]
    with pytest.raises(FilmListError, match="no usable film: all were skipped"):
        read_all(text_file(tmp_path, "".join(film_list_text(entries))))


def test_quality_links_that_leave_the_site_are_dropped(tmp_path: Path):
    url = f"{BASE}/1.mp4"
    rows = [
        _row(entry(url=url)),
        _row(entry("b", url=url.replace("1.mp4", "2.mp4"))),
        _row(entry("c", url=url.replace("1.mp4", "3.mp4"))),
    ]
    rows[0][12] = "999|x.mp4"  # longer than the URL
    rows[1][14] = "0|javascript:alert(1)"  # a prefix of nothing: the suffix is the whole URL
    rows[2][14] = "8|evil.test/hd.mp4"  # keeps "https://" only: another host, still http
    text = _list_text(rows)
    _, films = read_all(text_file(tmp_path, text))
    assert films[0].small == "" and films[0].url_hd == f"{BASE}/video_3500k.mp4"
    assert films[1].hd == ""
    assert films[2].url_hd == "https://evil.test/hd.mp4"


def test_entries_with_fields_that_are_not_text_are_skipped(tmp_path: Path):
    good = _row(entry())
    bad = _row(entry("b", url=f"{BASE}/b.mp4"))
    bad[2] = 12345  # the title
    short = ["ZDF", "Terra X"]
    text = _list_text([good, bad, short])
    path = text_file(tmp_path, text)
    with FilmListReader(path) as reader:
        films = [film for batch in reader.batches() for film in batch]
        assert reader.counts.skipped == {
            "with fields that are not text": 1,
            "that are not a list of fields": 1,
        }
    assert len(films) == 1


def test_numbers_too_large_to_store_mean_unknown_not_a_failed_list(tmp_path: Path):
    """A 20-digit size or moment once failed the whole build (SQLite stores 63 bits)."""
    aired = 1_763_000_000
    rows = [_row(entry(f"Folge {n}", url=f"{BASE}/{n}.mp4", aired=aired)) for n in range(4)]
    rows[0][6] = "99999999999999999999"  # Größe [MB]
    rows[1][16] = "99999999999999999999"  # DatumL
    rows[2][16] = str(aired * 1000)  # in milliseconds: would overflow the index's order
    rows[3][16] = "0"  # none: Datum and Zeit say when
    path = text_file(tmp_path, _list_text(rows))
    with FilmListReader(path) as reader:
        films = [film for batch in reader.batches() for film in batch]
        assert not reader.counts.skipped
    assert [film.size_mb for film in films] == [0, 512, 512, 512]
    assert [film.aired for film in films] == [aired] * 4


def test_a_list_with_numbers_too_large_to_store_is_indexed(tmp_path: Path):
    from aniworld_desktop.providers.mediathek.store import FilmIndex

    rows = [_row(entry(f"Folge {n}", url=f"{BASE}/{n}.mp4")) for n in range(2)]
    rows[0][6] = rows[1][16] = "9" * 25
    index = FilmIndex(tmp_path / "index.sqlite")
    applied = index.replace(
        text_file(tmp_path, _list_text(rows)), url="https://x.test/akt", etag=None,
        last_modified=None,
    )  # fmt: skip
    assert applied.films == 2
    assert len(index.films_of("Terra X")) == 2
    index.close()


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "is empty"),
        (b"<html><body>Not here</body></html>", "not a MediathekView film list"),
        (b'["Filmliste"]', "not a MediathekView film list"),
        (b'{"Filmliste":["a","b","3","x","id"],"Filmliste":["Sender","Thema"],"X":[]}', "lacks the fields"),
        (b'{"Filmliste":"nope","X":["a"]}', "no MediathekView header"),
        (b'{"X":["ZDF"]}', "no MediathekView header"),
        (b'{"Filmliste":["a","b","3","x","id"],"X":["ZDF"],"X":[}', "damaged after its first 0 films"),
        (b'{"Filmliste":["a","b","3","x","i', "ends in its header"),
    ],
)  # fmt: skip
def test_documents_that_are_no_film_list_are_refused(tmp_path: Path, data: bytes, problem: str):
    path = tmp_path / "list.json"
    path.write_bytes(data)
    with pytest.raises(FilmListError, match=problem):
        read_all(path)


def test_an_xz_file_that_is_damaged_is_refused(tmp_path: Path, xz_way: str):
    path = write_film_list(tmp_path / "list.xz", generated_entries(500))
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(FilmListError, match=r"not a readable xz file|damaged"):
        read_all(path)


def test_text_that_is_not_utf8_is_refused(tmp_path: Path, xz_way: str):
    text = "".join(film_list_text([entry("Märchen")])).encode("latin-1")
    path = tmp_path / "list.xz"
    path.write_bytes(lzma.compress(text))
    with pytest.raises(FilmListError, match="not UTF-8"):
        read_all(path)


def test_stopping_early_ends_the_decompressing_thread(tmp_path: Path, monkeypatch):
    import threading

    from aniworld_desktop.providers.mediathek import filmlist

    monkeypatch.setattr(filmlist, "_THREAD_FROM", 0)

    path = write_film_list(tmp_path / "list.xz", generated_entries(5000))
    before = threading.active_count()
    with FilmListReader(path) as reader:
        next(reader.batches())
    assert threading.active_count() == before


# --- helpers -----------------------------------------------------------------------------------


def _row(written: ListEntry) -> list[object]:
    from tests.mediathek_lists import row

    return list(row(written, None))


def _list_text(rows: list[list[object]]) -> str:
    head = '{"Filmliste":["24.11.2026, 09:30","24.11.2026, 08:30","3","x","id"],'
    head += f'"Filmliste":{json.dumps(list(FIELD_NAMES))}'
    return head + "".join(f',"X":{json.dumps(r)}' for r in rows) + "}"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("00:44:30", 44 * 60 + 30),
        ("44:30", 44 * 60 + 30),
        ("99:59:59", 100 * 3600 - 1),
        ("", 0),
        ("1:xx:00", 0),
        ("6000:00", 0),  # 100 hours: not a film's length
        ("9" * 4000 + ":00", 0),  # a nonsense number of any size: unknown, not a huge length
        ("1\u00b2:00", 0),  # a digit to str.isdigit(), not to int(): unknown, no ValueError
    ],
)
def test_a_films_length_in_seconds(text: str, seconds: int) -> None:
    from aniworld_desktop.providers.mediathek.filmlist import _seconds

    assert _seconds(text) == seconds
