"""NFO writing, merging and reading: every document is parsed back with defusedxml and checked."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import defusedxml.ElementTree as DefusedET  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aniworld_desktop.metadata.errors import MetadataError
from aniworld_desktop.metadata.nfo import (
    REQUIRED_TVSHOW_TAGS,
    Actor,
    EpisodeInfo,
    Rating,
    SeasonInfo,
    ShowInfo,
    episode_xml,
    merge_nfo,
    missing_tvshow_tags,
    read_episode,
    read_nfo,
    read_season,
    read_tvshow,
    season_xml,
    tvshow_xml,
    write_nfo,
    year_premiere,
)

HOSTILE = "Tom & Jerry <b>\"quoted\"</b> 'single' ]]> 😀 \u202eevil\u202c \x00\x01\x08\x0b\x1f end"
HOSTILE_CLEAN = "Tom & Jerry <b>\"quoted\"</b> 'single' ]]> 😀 \u202eevil\u202c  end"
# The independent oracle: what XML 1.0 cannot carry is dropped, line breaks become "\n".
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def expected_text(text: str) -> str:
    return _ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def parse(data: bytes) -> ET.Element:
    root: ET.Element = DefusedET.fromstring(data)
    return root


def full_show(**changes: object) -> ShowInfo:
    values: dict[str, object] = {
        "title": "Frieren",
        "original_title": "葬送のフリーレン",
        "year": 2023,
        "plot": "After the party defeats the Demon King...",
        "runtime": 24,
        "premiered": date(2023, 9, 29),
        "status": "Continuing",
        "genres": ["Animation", "Sci-Fi & Fantasy"],
        "studios": ["Nippon TV"],
        "countries": ["JP"],
        "actors": [
            Actor("Atsumi Tanezaki", "Frieren", "https://img.example/a.jpg"),
            Actor("Kana Ichinose", "Fern"),
        ],
        "ratings": [
            Rating("imdb", 8.9, 12000),
            Rating("themoviedb", 8.812, 350, default=True),
        ],
        "unique_ids": {"tmdb": "209867", "imdb": "tt22248376", "tvdb": "424536"},
        "default_id": "tmdb",
        "named_seasons": {1: "Season 1", 0: "Specials"},
    }
    values.update(changes)
    return ShowInfo(**values)  # type: ignore[arg-type]


# --- writing, checked field by field ------------------------------------------------------------


def test_tvshow_fields() -> None:
    data = tvshow_xml(full_show())
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"')
    root = parse(data)
    assert root.tag == "tvshow"
    assert root.findtext("title") == "Frieren"
    assert root.findtext("originaltitle") == "葬送のフリーレン"
    assert root.findtext("year") == "2023"
    assert root.findtext("plot") == "After the party defeats the Demon King..."
    assert root.findtext("runtime") == "24"
    assert root.findtext("premiered") == "2023-09-29"
    assert root.findtext("status") == "Continuing"
    assert [e.text for e in root.findall("genre")] == ["Animation", "Sci-Fi & Fantasy"]
    assert [e.text for e in root.findall("studio")] == ["Nippon TV"]
    assert [e.text for e in root.findall("country")] == ["JP"]
    actors = root.findall("actor")
    assert [(a.findtext("name"), a.findtext("role"), a.findtext("order")) for a in actors] == [
        ("Atsumi Tanezaki", "Frieren", "0"),
        ("Kana Ichinose", "Fern", "1"),
    ]
    assert actors[0].findtext("thumb") == "https://img.example/a.jpg"
    assert actors[1].find("thumb") is None
    ratings = root.findall("ratings/rating")
    assert [(r.get("name"), r.get("max"), r.get("default")) for r in ratings] == [
        ("imdb", "10", "false"),
        ("themoviedb", "10", "true"),
    ]
    assert [(r.findtext("value"), r.findtext("votes")) for r in ratings] == [
        ("8.9", "12000"),
        ("8.812", "350"),
    ]
    ids = {(e.get("type"), e.text, e.get("default")) for e in root.findall("uniqueid")}
    assert ids == {
        ("tmdb", "209867", "true"),
        ("imdb", "tt22248376", "false"),
        ("tvdb", "424536", "false"),
    }
    seasons = [(e.get("number"), e.text) for e in root.findall("namedseason")]
    assert seasons == [("0", "Specials"), ("1", "Season 1")]


def test_tvshow_reads_back_to_the_same_show() -> None:
    show = full_show(named_seasons={0: "Specials", 1: "Season 1"})
    back = read_tvshow(tvshow_xml(show))
    assert back.title == show.title
    assert back.actors == tuple(show.actors)
    assert back.ratings == tuple(show.ratings)
    assert back.unique_ids == show.unique_ids
    assert back.default_id == "tmdb"
    assert back.named_seasons == show.named_seasons
    assert (back.year, back.runtime, back.premiered) == (2023, 24, date(2023, 9, 29))


def test_season_fields() -> None:
    data = season_xml(SeasonInfo(2, "The North", "Snow & <ice>", date(2024, 1, 5)))
    root = parse(data)
    assert root.tag == "season"
    assert [(e.tag, e.text) for e in root] == [
        ("seasonnumber", "2"),
        ("title", "The North"),
        ("plot", "Snow & <ice>"),
        ("premiered", "2024-01-05"),
    ]
    assert read_season(data) == SeasonInfo(2, "The North", "Snow & <ice>", date(2024, 1, 5))


def test_specials_season_is_number_zero() -> None:
    assert parse(season_xml(SeasonInfo(0, "Specials"))).findtext("seasonnumber") == "0"


def test_episode_fields() -> None:
    episode = EpisodeInfo(
        title="The Journey's End",
        season=1,
        episode=1,
        aired=date(2023, 9, 29),
        plot="Frieren & co.",
        unique_ids={"tmdb": "4711", "imdb": "tt1"},
        ratings=[Rating("themoviedb", 8.0, 20)],
        runtime=25,
    )
    data = episode_xml(episode)
    root = parse(data)
    assert root.tag == "episodedetails"
    assert root.findtext("title") == "The Journey's End"
    assert root.findtext("season") == "1"
    assert root.findtext("episode") == "1"
    assert root.findtext("aired") == "2023-09-29"
    assert root.findtext("plot") == "Frieren & co."
    assert root.findtext("runtime") == "25"
    [rating] = root.findall("ratings/rating")
    assert (rating.get("name"), rating.get("default"), rating.findtext("value")) == (
        "themoviedb",
        "true",
        "8",
    )
    assert rating.findtext("votes") == "20"
    ids = {(e.get("type"), e.text, e.get("default")) for e in root.findall("uniqueid")}
    assert ids == {("tmdb", "4711", "true"), ("imdb", "tt1", "false")}
    back = read_episode(data)
    assert back.title == episode.title
    assert (back.season, back.episode, back.aired, back.runtime) == (1, 1, date(2023, 9, 29), 25)
    assert back.ratings == (Rating("themoviedb", 8.0, 20, default=True),)


def test_empty_values_are_left_out() -> None:
    root = parse(tvshow_xml(ShowInfo(title="Only a title", plot="\x00\x01")))
    assert [e.tag for e in root] == ["title"]


def test_year_comes_from_premiered_when_not_given() -> None:
    root = parse(tvshow_xml(ShowInfo(title="x", premiered=date(1999, 4, 1))))
    assert root.findtext("year") == "1999"


def test_a_year_alone_gives_kodi_a_premiere_on_the_first_of_january() -> None:
    # Kodi keeps a series' year only as its premiere date: <year> alone shows as 1970.
    root = parse(tvshow_xml(ShowInfo(title="x", year=2016)))
    assert (root.findtext("year"), root.findtext("premiered")) == ("2016", "2016-01-01")
    assert [e.tag for e in root] == ["title", "year", "premiered"]


def test_a_known_premiere_date_is_written_as_it_is() -> None:
    root = parse(tvshow_xml(ShowInfo(title="x", year=2016, premiered=date(2016, 10, 2))))
    assert root.findtext("premiered") == "2016-10-02"


@pytest.mark.parametrize("year", [0, -5, 10_000, 2**40])
def test_a_year_no_date_can_hold_writes_no_premiere(year: int) -> None:
    root = parse(tvshow_xml(ShowInfo(title="x", year=year)))
    assert root.find("premiered") is None
    assert year_premiere(year) is None


def test_without_year_or_date_there_is_no_premiere() -> None:
    assert parse(tvshow_xml(ShowInfo(title="x"))).find("premiered") is None


def test_named_seasons_are_written_for_kodi_even_when_season_nfo_exists() -> None:
    root = parse(tvshow_xml(ShowInfo(title="x", named_seasons={2: "Part Two", 1: "Season 1"})))
    named = [(e.get("number"), e.text) for e in root.findall("namedseason")]
    assert named == [("1", "Season 1"), ("2", "Part Two")]


@pytest.mark.parametrize(
    ("in_file", "expected"),
    [
        ("2016-10-02", "2016-10-02"),  # the file's day in that year is more precise: kept
        ("2015-10-02", "2016-01-01"),  # another year: ours, as for any owned tag
        ("not a date", "2016-01-01"),
    ],
)
def test_a_premiere_derived_from_the_year_keeps_a_precise_date_of_that_year(
    in_file: str, expected: str
) -> None:
    existing = f"<tvshow><title>x</title><premiered>{in_file}</premiered></tvshow>".encode()
    merged = merge_nfo(existing, tvshow_xml(ShowInfo(title="x", year=2016)))
    root = parse(merged if merged is not None else existing)
    assert [e.text for e in root.findall("premiered")] == [expected]


def test_a_real_premiere_date_replaces_the_files_date() -> None:
    existing = b"<tvshow><title>x</title><premiered>2016-10-02</premiered></tvshow>"
    merged = merge_nfo(existing, tvshow_xml(ShowInfo(title="x", premiered=date(2016, 3, 4))))
    assert merged is not None
    assert parse(merged).findtext("premiered") == "2016-03-04"


@pytest.mark.parametrize(
    ("ids", "default_id", "expected"),
    [
        ({"tmdb": "1", "imdb": "tt2", "tvdb": "3"}, "imdb", "imdb"),
        ({"tmdb": "1", "imdb": "tt2"}, None, "tmdb"),
        ({"imdb": "tt2", "tvdb": "3"}, None, "imdb"),
        ({"imdb": "tt2", "tvdb": "3"}, "tmdb", "imdb"),  # the wanted one is not there
        ({"tvdb": "3"}, "tvdb", "tvdb"),
    ],
)
def test_exactly_one_default_uniqueid(
    ids: dict[str, str], default_id: str | None, expected: str
) -> None:
    for data in (
        tvshow_xml(ShowInfo(title="x", unique_ids=ids, default_id=default_id)),
        episode_xml(EpisodeInfo("x", 1, 1, unique_ids=ids, default_id=default_id)),
    ):
        defaults = [
            e.get("type") for e in parse(data).findall("uniqueid") if e.get("default") == "true"
        ]
        assert defaults == [expected]


def test_exactly_one_default_rating() -> None:
    for ratings in (
        [Rating("a", 1), Rating("b", 2)],
        [Rating("a", 1, default=True), Rating("b", 2, default=True)],
        [Rating("a", 1), Rating("b", 2, default=True)],
    ):
        root = parse(tvshow_xml(ShowInfo(title="x", ratings=ratings)))
        assert len([r for r in root.findall("ratings/rating") if r.get("default") == "true"]) == 1


def test_hostile_text_round_trips_everywhere() -> None:
    show = ShowInfo(
        title=HOSTILE,
        original_title=HOSTILE,
        plot=HOSTILE,
        status=HOSTILE,
        genres=[HOSTILE],
        studios=[HOSTILE],
        countries=[HOSTILE],
        actors=[Actor(HOSTILE, HOSTILE, HOSTILE)],
        ratings=[Rating(HOSTILE, 5.5, 3, default=True)],
        unique_ids={"imdb": HOSTILE},
        named_seasons={1: HOSTILE},
    )
    data = tvshow_xml(show)
    assert b"]]>" not in data.split(b"?>", 1)[1]  # escaped, not a CDATA section
    back = read_tvshow(data)
    assert back == ShowInfo(
        title=HOSTILE_CLEAN,
        original_title=HOSTILE_CLEAN,
        plot=HOSTILE_CLEAN,
        status=HOSTILE_CLEAN,
        genres=(HOSTILE_CLEAN,),
        studios=(HOSTILE_CLEAN,),
        countries=(HOSTILE_CLEAN,),
        actors=(Actor(HOSTILE_CLEAN, HOSTILE_CLEAN, HOSTILE_CLEAN),),
        ratings=(Rating(HOSTILE_CLEAN, 5.5, 3, default=True),),
        unique_ids={"imdb": HOSTILE_CLEAN},
        default_id="imdb",
        named_seasons={1: HOSTILE_CLEAN},
    )
    assert read_season(season_xml(SeasonInfo(1, HOSTILE, HOSTILE))) == SeasonInfo(
        1, HOSTILE_CLEAN, HOSTILE_CLEAN
    )
    episode = read_episode(episode_xml(EpisodeInfo(HOSTILE, 1, 2, plot=HOSTILE)))
    assert (episode.title, episode.plot) == (HOSTILE_CLEAN, HOSTILE_CLEAN)


def test_carriage_returns_become_newlines() -> None:
    back = read_tvshow(tvshow_xml(ShowInfo(title="x", plot="one\r\ntwo\rthree\n")))
    assert back.plot == "one\ntwo\nthree\n"


_ANY_TEXT = st.text(max_size=40)
_IDS = st.dictionaries(st.sampled_from(["tmdb", "imdb", "tvdb"]), _ANY_TEXT, max_size=3)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    show=st.builds(
        ShowInfo,
        title=_ANY_TEXT,
        original_title=_ANY_TEXT,
        plot=_ANY_TEXT,
        status=_ANY_TEXT,
        genres=st.lists(_ANY_TEXT, max_size=3),
        studios=st.lists(_ANY_TEXT, max_size=2),
        countries=st.lists(_ANY_TEXT, max_size=2),
        actors=st.lists(st.builds(Actor, _ANY_TEXT, _ANY_TEXT, _ANY_TEXT), max_size=3),
        ratings=st.lists(st.builds(Rating, _ANY_TEXT, st.just(7.5), st.just(10)), max_size=2),
        unique_ids=_IDS,
        named_seasons=st.dictionaries(st.integers(0, 30), _ANY_TEXT, max_size=3),
    ),
    season_title=_ANY_TEXT,
    episode_title=_ANY_TEXT,
    episode_plot=_ANY_TEXT,
)
def test_any_text_gives_well_formed_xml_that_reads_back(
    show: ShowInfo, season_title: str, episode_title: str, episode_plot: str
) -> None:
    back = read_tvshow(tvshow_xml(show))
    for field in ("title", "original_title", "plot", "status"):
        assert getattr(back, field) == expected_text(getattr(show, field))
    for field in ("genres", "studios", "countries"):
        cleaned = [expected_text(value) for value in getattr(show, field)]
        assert list(getattr(back, field)) == [value for value in cleaned if value]
    actors = [
        Actor(*(expected_text(part) for part in (a.name, a.role, a.thumb))) for a in show.actors
    ]
    assert list(back.actors) == [a for a in actors if a.name]
    sources = [expected_text(rating.source) for rating in show.ratings]
    assert [rating.source for rating in back.ratings] == [s for s in sources if s]
    ids = {kind: expected_text(value) for kind, value in show.unique_ids.items()}
    assert back.unique_ids == {kind: value for kind, value in ids.items() if value}
    named = {number: expected_text(name) for number, name in show.named_seasons.items()}
    assert back.named_seasons == {number: name for number, name in named.items() if name}

    season = read_season(season_xml(SeasonInfo(3, season_title, season_title)))
    assert season.title == season.plot == expected_text(season_title)
    episode = read_episode(episode_xml(EpisodeInfo(episode_title, 1, 2, plot=episode_plot)))
    assert episode.title == expected_text(episode_title)
    assert episode.plot == expected_text(episode_plot)


# --- merging --------------------------------------------------------------------------------------

USER_FILE = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!-- written by hand -->
<tvshow>
    <title>My own title</title>
    <userrating>9</userrating>
    <plot>Old plot</plot>
    <tag>favourite</tag>
    <tag>rewatch</tag>
    <watched>true</watched>
    <playcount>3</playcount>
    <lastplayed>2024-05-01 20:00:00</lastplayed>
    <genre>Old genre</genre>
    <uniqueid type="anidb" default="true">17</uniqueid>
    <uniqueid type="tmdb">1</uniqueid>
    <myplugin enabled="yes"><setting>42</setting></myplugin>
</tvshow>
"""


def test_merge_keeps_the_users_elements_and_replaces_ours() -> None:
    merged = merge_nfo(USER_FILE, tvshow_xml(full_show()))
    assert merged is not None
    root = parse(merged)
    assert root.findtext("title") == "Frieren"
    assert root.findtext("plot") == "After the party defeats the Demon King..."
    assert [e.text for e in root.findall("genre")] == ["Animation", "Sci-Fi & Fantasy"]
    assert [e.text for e in root.findall("tag")] == ["favourite", "rewatch"]
    assert root.findtext("watched") == "true"
    assert root.findtext("playcount") == "3"
    assert root.findtext("lastplayed") == "2024-05-01 20:00:00"
    assert root.findtext("userrating") == "9"
    assert root.find("myplugin") is not None
    assert root.find("myplugin").get("enabled") == "yes"  # type: ignore[union-attr]
    assert root.findtext("myplugin/setting") == "42"
    ids = {(e.get("type"), e.text, e.get("default")) for e in root.findall("uniqueid")}
    assert ids == {
        ("anidb", "17", "false"),
        ("tmdb", "209867", "true"),
        ("imdb", "tt22248376", "false"),
        ("tvdb", "424536", "false"),
    }
    assert len(root.findall("title")) == 1


def test_merge_keeps_the_order_of_the_existing_file() -> None:
    merged = merge_nfo(USER_FILE, tvshow_xml(full_show()))
    assert merged is not None
    tags = [e.tag for e in parse(merged)]
    # Ours take the place of the ones they replace; the user's stay where they were.
    assert tags.index("title") < tags.index("userrating") < tags.index("plot") < tags.index("tag")
    assert tags.index("watched") < tags.index("genre") < tags.index("myplugin")
    # A new element of ours goes right after the one of ours it follows.
    assert tags.index("originaltitle") == tags.index("title") + 1


def test_merge_keeps_an_owned_element_we_have_no_value_for() -> None:
    merged = merge_nfo(USER_FILE, tvshow_xml(ShowInfo(title="Feed title")))
    assert merged is not None
    root = parse(merged)
    assert root.findtext("title") == "Feed title"
    assert root.findtext("plot") == "Old plot"
    assert [e.text for e in root.findall("genre")] == ["Old genre"]


def test_merge_keeps_comments_inside_the_root() -> None:
    existing = b"<tvshow><!-- keep me --><title>a</title></tvshow>"
    merged = merge_nfo(existing, tvshow_xml(ShowInfo(title="b")))
    assert merged is not None
    assert b"<!-- keep me -->" in merged


def test_merging_twice_changes_nothing() -> None:
    new = tvshow_xml(full_show())
    merged = merge_nfo(USER_FILE, new)
    assert merged is not None
    assert merge_nfo(merged, new) is None


def test_unchanged_meaning_in_other_formatting_is_not_rewritten() -> None:
    new = episode_xml(EpisodeInfo("Pilot", 1, 1, plot="p"))
    reformatted = (
        b"<?xml version='1.0' encoding='utf-8'?>\r\n<episodedetails><title>Pilot</title>"
        b"<season>1</season>\n\n<episode>1</episode><plot>p</plot></episodedetails>"
    )
    assert merge_nfo(reformatted, new) is None


def test_merge_with_nothing_there_is_the_new_document() -> None:
    new = season_xml(SeasonInfo(1, "One"))
    assert merge_nfo(None, new) == new
    assert merge_nfo(b"", new) == new
    assert merge_nfo(b"  \n", new) == new


@pytest.mark.parametrize(
    "locked",
    [
        b"<tvshow><title>Mine</title><lockdata>true</lockdata></tvshow>",
        b"<tvshow><lockdata> TRUE </lockdata><title>Mine</title></tvshow>",
        b"<tvshow><title>broken & <lockdata>true</lockdata>",  # not XML, but locked all the same
    ],
)
def test_lockdata_leaves_the_file_alone(locked: bytes) -> None:
    assert merge_nfo(locked, tvshow_xml(full_show())) is None


def test_lockdata_false_is_merged_and_kept() -> None:
    existing = b"<tvshow><title>Mine</title><lockdata>false</lockdata></tvshow>"
    merged = merge_nfo(existing, tvshow_xml(ShowInfo(title="Ours")))
    assert merged is not None
    assert parse(merged).findtext("lockdata") == "false"


def test_merge_refuses_a_new_document_that_is_not_ours() -> None:
    with pytest.raises(MetadataError):
        merge_nfo(None, b"<movie><title>x</title></movie>")
    with pytest.raises(MetadataError):
        merge_nfo(None, b"not xml")


def test_merge_of_a_combination_nfo_keeps_its_xml_part() -> None:
    existing = (
        b"<tvshow><title>Mine</title><tag>kept</tag></tvshow>\n"
        b"https://www.themoviedb.org/tv/209867\n"
    )
    merged = merge_nfo(existing, tvshow_xml(ShowInfo(title="Ours")))
    assert merged is not None
    root = parse(merged)
    assert (root.findtext("title"), root.findtext("tag")) == ("Ours", "kept")


# --- write_nfo on disk --------------------------------------------------------------------------


def test_write_nfo_creates_the_file(tmp_path: Path) -> None:
    path = tmp_path / "Series" / "tvshow.nfo"
    data = tvshow_xml(full_show())
    assert write_nfo(path, data) is True
    assert path.read_bytes() == data
    assert os.listdir(path.parent) == ["tvshow.nfo"]  # no temporary file left behind


def test_write_nfo_does_not_rewrite_an_unchanged_file(tmp_path: Path) -> None:
    path = tmp_path / "tvshow.nfo"
    data = tvshow_xml(full_show())
    assert write_nfo(path, data) is True
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    before = path.stat()
    assert write_nfo(path, data) is False
    after = path.stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)


def test_write_nfo_leaves_a_locked_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "tvshow.nfo"
    locked = b"<tvshow>\n<title>Mine</title>\n<lockdata>true</lockdata>\n</tvshow>\n"
    path.write_bytes(locked)
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    assert write_nfo(path, tvshow_xml(full_show())) is False
    assert path.read_bytes() == locked
    assert path.stat().st_mtime_ns == 1_000_000_000
    assert os.listdir(tmp_path) == ["tvshow.nfo"]


def test_write_nfo_merges_with_the_file_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "Pilot.nfo"
    path.write_bytes(b"<episodedetails><title>x</title><watched>true</watched></episodedetails>")
    assert write_nfo(path, episode_xml(EpisodeInfo("Pilot", 1, 1))) is True
    root = parse(path.read_bytes())
    assert (root.findtext("title"), root.findtext("watched")) == ("Pilot", "true")
    assert sorted(os.listdir(tmp_path)) == ["Pilot.nfo"]


def test_write_nfo_keeps_the_files_permissions(tmp_path: Path) -> None:
    path = tmp_path / "tvshow.nfo"
    path.write_bytes(b"<tvshow><title>x</title></tvshow>")
    path.chmod(0o640)
    assert write_nfo(path, tvshow_xml(ShowInfo(title="y"))) is True
    assert path.stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize(
    "broken",
    [
        b"<tvshow><title>unclosed",
        b"https://www.themoviedb.org/tv/209867\n",  # a Kodi URL NFO
        b"<movie><title>wrong kind</title></movie>",
        b'<!DOCTYPE x [<!ENTITY a "aaaa">]><tvshow><title>&a;</title></tvshow>',
    ],
)
def test_write_nfo_backs_up_a_file_it_cannot_read(tmp_path: Path, broken: bytes) -> None:
    path = tmp_path / "tvshow.nfo"
    path.write_bytes(broken)
    data = tvshow_xml(full_show())
    assert write_nfo(path, data) is True
    assert path.read_bytes() == data
    assert (tmp_path / "tvshow.nfo.bak").read_bytes() == broken
    assert sorted(os.listdir(tmp_path)) == ["tvshow.nfo", "tvshow.nfo.bak"]


def test_write_nfo_never_overwrites_an_earlier_backup(tmp_path: Path) -> None:
    path = tmp_path / "tvshow.nfo"
    (tmp_path / "tvshow.nfo.bak").write_bytes(b"first backup")
    path.write_bytes(b"second broken file")
    assert write_nfo(path, tvshow_xml(ShowInfo(title="x"))) is True
    assert (tmp_path / "tvshow.nfo.bak").read_bytes() == b"first backup"
    assert (tmp_path / "tvshow.nfo.bak.1").read_bytes() == b"second broken file"


def test_write_nfo_backs_up_a_combination_nfo_and_merges_it(tmp_path: Path) -> None:
    path = tmp_path / "tvshow.nfo"
    original = b"<tvshow><tag>kept</tag></tvshow>\nhttps://www.themoviedb.org/tv/1\n"
    path.write_bytes(original)
    assert write_nfo(path, tvshow_xml(ShowInfo(title="x"))) is True
    assert (tmp_path / "tvshow.nfo.bak").read_bytes() == original
    assert parse(path.read_bytes()).findtext("tag") == "kept"
    # Now a clean NFO: a second run neither rewrites it nor backs it up again.
    assert write_nfo(path, tvshow_xml(ShowInfo(title="x"))) is False
    assert sorted(os.listdir(tmp_path)) == ["tvshow.nfo", "tvshow.nfo.bak"]


# --- reading and the repair check ---------------------------------------------------------------


def test_missing_tags_of_a_complete_file() -> None:
    merged = merge_nfo(b"<tvshow><watched>false</watched></tvshow>", tvshow_xml(full_show()))
    assert merged is not None
    assert missing_tvshow_tags(merged) == []


def test_missing_tags_of_a_partial_file() -> None:
    data = tvshow_xml(ShowInfo(title="x", plot="  ", genres=["Drama"], unique_ids={"tmdb": "1"}))
    assert missing_tvshow_tags(data) == [
        "originaltitle",
        "year",
        "plot",
        "runtime",
        "premiered",
        "status",
        "imdbid",
        "studio",
        "country",
        "actor",
        "watched",
    ]


def test_an_imdbid_element_counts_as_the_imdb_id() -> None:
    data = b"<tvshow><imdbid>tt1</imdbid><actor><role>nameless</role></actor></tvshow>"
    missing = missing_tvshow_tags(data)
    assert "imdbid" not in missing
    assert "actor" in missing  # an actor without a name is no actor


def test_missing_tags_of_an_unreadable_file() -> None:
    assert missing_tvshow_tags(b"<tvshow><title>") == list(REQUIRED_TVSHOW_TAGS)
    assert missing_tvshow_tags(b"<movie/>") == list(REQUIRED_TVSHOW_TAGS)


def test_read_nfo_lists_texts_by_tag() -> None:
    result = read_nfo(tvshow_xml(full_show()))
    assert result["root"] == ["tvshow"]
    assert result["genre"] == ["Animation", "Sci-Fi & Fantasy"]
    assert result["actor"] == ["", ""]


def test_read_nfo_refuses_entities_and_garbage() -> None:
    bomb = (
        b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        b"<tvshow><title>&b;</title></tvshow>"
    )
    with pytest.raises(MetadataError):
        read_nfo(bomb)
    with pytest.raises(MetadataError):
        read_tvshow(b"plain text")
