"""tmdb_replies: TMDB's JSON read into records, without a network (the client's tests ask it)."""

from __future__ import annotations

from datetime import date

import pytest

from aniworld_desktop.metadata.errors import TMDBBadReply
from aniworld_desktop.metadata.tmdb_replies import (
    DEFAULT_IMAGE_BASE,
    ImageConfiguration,
    decode_reply,
    parse_configuration,
    parse_details,
    parse_search,
    parse_season,
)
from tests.unit.metadata.conftest import fixture_json, fixture_text


def test_a_search_reply_becomes_typed_results_and_a_result_without_id_is_dropped() -> None:
    results = parse_search(
        {
            "results": [
                {"id": 1429, "name": "Attack on Titan", "first_air_date": "2013-04-07"},
                {"name": "No id, nothing to ask for later"},
                {"id": 7, "name": "Other", "first_air_date": "2013-02-30", "popularity": 3},
            ]
        }
    )
    assert [(r.id, r.name, r.year) for r in results] == [
        (1429, "Attack on Titan", 2013),
        (7, "Other", None),
    ]
    assert results[1].popularity == 3.0 and isinstance(results[1].popularity, float)
    assert parse_search({}) == []  # no results at all: none found


def test_the_fixtures_read_into_their_records() -> None:
    found = parse_search(fixture_json("search_tv.json"))
    assert found and found[0].first_air_date == date(2013, 4, 7)
    show = parse_details(fixture_json("tv_details.json"), 1429, "en-US")
    assert (show.id, show.name, show.year) == (1429, "Attack on Titan", 2013)
    season = parse_season(fixture_json("season.json"), 1429, 1)
    assert season.series_id == 1429 and season.episodes[0].episode_number == 1


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (
            {"results": [{"id": 1, "name": 5}]},
            r"search\.results\[0\]\.name should be text, not int",
        ),
        (
            {"results": [{"id": True}]},
            r"search\.results\[0\]\.id should be a whole number, not bool",
        ),
        ({"results": {"id": 1}}, r"search\.results should be a list, not dict"),
        ([], r"search is not a JSON object"),
    ],
)
def test_a_field_of_the_wrong_type_is_a_bad_reply_naming_it(reply: object, message: str) -> None:
    with pytest.raises(TMDBBadReply, match=message):
        parse_search(reply)


def test_image_paths_that_are_not_tmdbs_are_no_image() -> None:
    (result,) = parse_search(
        {"results": [{"id": 1, "poster_path": "/../../etc/passwd", "backdrop_path": "/ok_1.jpg"}]}
    )
    assert (result.poster_path, result.backdrop_path) == ("", "/ok_1.jpg")
    (other,) = parse_search({"results": [{"id": 2, "poster_path": "https://evil.example/x.jpg"}]})
    assert other.poster_path == ""


def test_posters_prefer_our_language_and_fanart_prefers_no_text() -> None:
    images = [
        {"file_path": "/en.jpg", "iso_639_1": "en", "vote_average": 9.0},
        {"file_path": "/de.jpg", "iso_639_1": "de", "vote_average": 1.0},
        {"file_path": "/none.jpg", "iso_639_1": None, "vote_average": 5.0},
    ]
    reply = {"images": {"posters": images, "backdrops": images, "logos": images[:2]}}
    german = parse_details(reply, 5, "de-DE")
    assert (german.poster_path, german.backdrop_path, german.logo_path) == (
        "/de.jpg",
        "/none.jpg",
        "/de.jpg",
    )
    english = parse_details(reply, 5, "en-US")
    assert (english.id, english.poster_path, english.backdrop_path) == (5, "/en.jpg", "/none.jpg")


def test_the_content_rating_is_the_regions_then_the_us_then_any() -> None:
    def rating(language: str, ratings: list[dict[str, str]]) -> str:
        reply = {"content_ratings": {"results": ratings}}
        return parse_details(reply, 1, language).content_rating

    ratings = [{"iso_3166_1": "US", "rating": "TV-14"}, {"iso_3166_1": "DE", "rating": "16"}]
    assert rating("de-DE", ratings) == "16"
    assert rating("fr-FR", ratings) == "TV-14"
    assert rating("fr-FR", [{"iso_3166_1": "JP", "rating": "R15+"}]) == "R15+"
    assert rating("fr-FR", []) == ""


def test_a_season_keeps_numbered_episodes_and_its_asked_number_when_unsaid() -> None:
    season = parse_season(
        {"episodes": [{"episode_number": 2, "name": "Two"}, {"name": "no number"}]}, 9, 3
    )
    assert (season.series_id, season.season_number) == (9, 3)
    assert [(e.season_number, e.episode_number, e.name) for e in season.episodes] == [(3, 2, "Two")]


def test_the_image_configuration_prefers_https_and_refuses_other_schemes() -> None:
    config = parse_configuration(fixture_json("configuration.json"))
    assert config.base_url.startswith("https://") and "original" in config.poster_sizes
    assert parse_configuration({}).base_url == DEFAULT_IMAGE_BASE
    with pytest.raises(TMDBBadReply, match="image address is not http"):
        parse_configuration({"images": {"secure_base_url": "file:///etc/"}})


@pytest.mark.parametrize(
    ("wanted", "chosen"),
    [
        ("w500", "w500"),
        ("w400", "w342"),
        ("w50", "original"),
        ("original", "original"),
        ("big", "original"),
    ],
)
def test_the_closest_offered_image_size(wanted: str, chosen: str) -> None:
    assert ImageConfiguration.closest_size(("w92", "w342", "w500", "original"), wanted) == chosen
    assert ImageConfiguration().url("/a.jpg", chosen) == f"{DEFAULT_IMAGE_BASE}{chosen}/a.jpg"


def test_a_reply_that_is_not_json_is_a_bad_reply() -> None:
    with pytest.raises(TMDBBadReply, match="search results that is not valid JSON"):
        decode_reply(fixture_text("malformed.json"), "search results")
    assert decode_reply('{"id": 1}', "series 1") == {"id": 1}
