"""Which TMDB search result is the series we look for, and how sure that is.

:func:`normalise_title` reduces titles for comparison, :func:`best_match` picks a result and
:func:`scored_match` adds a confidence from 0 to 1 that decides whether a match is taken or
waits for the user's review. Pure functions over :class:`TVSearchResult` records.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from aniworld_desktop.metadata.tmdb_replies import TVSearchResult

__all__ = ["MIN_SIMILARITY", "ScoredMatch", "best_match", "normalise_title", "scored_match"]


# Leading articles dropped before comparing ("The Office" and "Office" are one title).
_ARTICLES = frozenset(
    {"the", "a", "an", "der", "die", "das", "le", "la", "les", "l", "el", "los", "las", "il"}
)
_NON_WORD = re.compile(r"[\W_]+")
MIN_SIMILARITY: Final = 0.6
_YEAR_BONUS: Final = {0: 0.3, 1: 0.1}
_YEAR_PENALTY_PER_YEAR: Final = 0.1
_YEAR_PENALTY_MAX: Final = 0.5


def normalise_title(title: str) -> str:
    """A title reduced for comparison: accents, case, punctuation and a leading article gone."""
    decomposed = unicodedata.normalize("NFKD", title)
    text = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    words = _NON_WORD.sub(" ", text.replace("&", " and ")).split()
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(words)


def _similarity(wanted: str, result: TVSearchResult) -> float:
    best = 0.0
    for name in (result.name, result.original_name):
        candidate = normalise_title(name)
        if not candidate:
            continue
        if candidate == wanted:
            return 1.0
        best = max(best, difflib.SequenceMatcher(None, wanted, candidate).ratio())
    return best


def best_match(
    results: Sequence[TVSearchResult], title: str, year: int | None = None
) -> TVSearchResult | None:
    """The search result that most likely is the series ``title`` (of ``year``), or None.

    Scoring: titles are compared after :func:`normalise_title`, against both the name and the
    original name; an exact match scores 1.0, anything else difflib's ratio (0 to 1). Results
    below 0.6 are never chosen. When both years are known, the same year adds 0.3 and one year
    apart adds 0.1 (a feed's year is often the local broadcast's); further apart subtracts 0.1
    per year, at most 0.5. The highest score wins; ties go to the earlier result, since TMDB
    lists the more relevant and popular first.

    Args:
        results: What a search returned, in TMDB's order.
        title: The series' title as we know it.
        year: Its first year, if known.
    """
    ranked = _ranked(results, title, year)
    return ranked[0][2] if ranked else None


def _ranked(
    results: Sequence[TVSearchResult], title: str, year: int | None
) -> list[tuple[float, float, TVSearchResult]]:
    """``(score, similarity, result)`` of the results worth a look, best first (see
    :func:`best_match`); equal scores keep TMDB's order."""
    wanted = normalise_title(title)
    if not wanted:
        return []
    scored = []
    for result in results:
        similarity = _similarity(wanted, result)
        if similarity < MIN_SIMILARITY:
            continue
        score = similarity
        if year is not None and result.year is not None:
            apart = abs(result.year - year)
            score += _YEAR_BONUS.get(apart, -min(_YEAR_PENALTY_MAX, _YEAR_PENALTY_PER_YEAR * apart))
        scored.append((score, similarity, result))
    scored.sort(key=lambda item: -item[0])  # stable: ties stay in TMDB's order
    return scored


@dataclass(frozen=True, slots=True)
class ScoredMatch:
    """The search result :func:`best_match` chooses, and how sure that choice is.

    Attributes:
        result: The chosen series.
        confidence: 0 to 1; see :func:`scored_match`.
        rival: Another result that was nearly as good (the reason for a lower confidence).
    """

    result: TVSearchResult
    confidence: float
    rival: TVSearchResult | None = None


# A year one apart is common (a feed's or a folder's year is often the local broadcast's).
_YEAR_CONFIDENCE: Final = {0: 1.0, 1: 0.9}
_UNKNOWN_YEAR_CONFIDENCE: Final = 0.9
_RIVAL_MARGIN: Final = 0.05
_RIVAL_FACTOR: Final = 0.85


def _confidence(similarity: float, result: TVSearchResult, year: int | None) -> float:
    if year is None or result.year is None:
        return similarity * _UNKNOWN_YEAR_CONFIDENCE
    apart = abs(result.year - year)
    return similarity * _YEAR_CONFIDENCE.get(apart, max(0.0, 1.0 - 0.2 * apart))


def scored_match(
    results: Sequence[TVSearchResult], title: str, year: int | None = None
) -> ScoredMatch | None:
    """:func:`best_match`'s choice with a confidence from 0 to 1, or None.

    The confidence is the title's similarity (1.0 for the same title after
    :func:`normalise_title`) times what the years say: 1.0 the same year, 0.9 one apart or
    either unknown, 0.2 less for each further year. Another result within 0.05 of it (two
    series of one title, no year to tell them apart) multiplies it by 0.85. So the same title
    and year give 1.0, the same title without a year 0.9, and two equal candidates 0.77.
    """
    ranked = _ranked(results, title, year)
    if not ranked:
        return None
    _, similarity, chosen = ranked[0]
    confidence = _confidence(similarity, chosen, year)
    rival = None
    for _, other_similarity, other in ranked[1:]:
        if other.id != chosen.id and (
            _confidence(other_similarity, other, year) >= confidence - _RIVAL_MARGIN
        ):
            rival = other
            confidence *= _RIVAL_FACTOR
            break
    return ScoredMatch(chosen, round(confidence, 3), rival)
