"""tmdb_scoring: which search result is the series, and how sure that is (pure, no network)."""

from __future__ import annotations

from datetime import date

import pytest

from aniworld_desktop.metadata.tmdb_replies import TVSearchResult
from aniworld_desktop.metadata.tmdb_scoring import best_match, normalise_title, scored_match


def _result(tmdb_id: int, name: str, year: int | None = None, original: str = "") -> TVSearchResult:
    return TVSearchResult(
        id=tmdb_id,
        name=name,
        original_name=original,
        first_air_date=date(year, 1, 1) if year else None,
    )


@pytest.mark.parametrize(
    ("title", "normalised"),
    [
        ("The Office", "office"),
        ("Attack on Titan: Junior High!", "attack on titan junior high"),
        ("Pokémon", "pokemon"),
        ("Law & Order", "law and order"),
        ("L'Attaque des Titans", "attaque des titans"),
        ("The", "the"),
        ("  DR. STONE  ", "dr stone"),
    ],
)
def test_normalise_title(title, normalised):
    assert normalise_title(title) == normalised


def test_an_exact_title_beats_a_longer_one():
    results = [
        _result(2, "Attack on Titan: Junior High", 2015),
        _result(1, "Attack on Titan", 2013),
    ]
    assert best_match(results, "attack on titan", None) == results[1]


def test_the_original_name_counts_too():
    results = [
        _result(5, "Something else"),
        _result(1429, "Attack on Titan", original="進撃の巨人"),
    ]
    assert best_match(results, "進撃の巨人") == results[1]


def test_the_year_decides_between_remakes():
    results = [_result(1, "Dune", 2000), _result(2, "Dune", 2021), _result(3, "Dune", 2022)]
    assert best_match(results, "Dune", 2021) == results[1]
    assert best_match(results, "Dune", 2023) == results[2]  # one year off beats two
    assert best_match(results, "Dune") == results[0]  # no year: TMDB's order


def test_a_close_title_with_the_right_year_beats_the_exact_title_far_off():
    results = [_result(1, "Hunter x Hunter", 1999), _result(2, "Hunter \u00d7 Hunter", 2011)]
    assert best_match(results, "Hunter x Hunter", 2011) == results[1]


def test_nothing_similar_is_no_match():
    assert best_match([_result(1, "Completely Different")], "Attack on Titan", 2013) is None
    assert best_match([], "Attack on Titan") is None
    assert best_match([_result(1, "Attack on Titan")], "!!!") is None


def test_the_same_title_and_year_is_certain():
    results = [_result(1, "Dune", 2000), _result(2, "Dune", 2021)]
    scored = scored_match(results, "Dune", 2021)
    assert scored is not None
    assert (scored.result.id, scored.confidence, scored.rival) == (2, 1.0, None)


@pytest.mark.parametrize(
    ("year", "confidence"), [(None, 0.9), (2020, 0.9), (2022, 0.9), (2019, 0.6), (2018, 0.4)]
)
def test_a_missing_or_distant_year_is_less_sure(year, confidence):
    scored = scored_match([_result(1, "Dune", year)], "Dune", 2021)
    assert scored is not None and scored.confidence == pytest.approx(confidence)


def test_two_equal_candidates_lower_the_confidence_and_name_the_rival():
    results = [_result(1, "Dune"), _result(2, "Dune")]
    scored = scored_match(results, "Dune")
    assert scored is not None
    assert scored.result == results[0] and scored.rival == results[1]
    assert scored.confidence == pytest.approx(0.9 * 0.85, abs=0.001)


def test_nothing_similar_is_not_scored():
    assert scored_match([_result(1, "Completely Different")], "Attack on Titan", 2013) is None
    assert scored_match([], "Dune") is None
