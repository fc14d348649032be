"""Recognition: Sonarr's own parser cases through the recogniser, against guessit alone.

Goal (issue 15): at least 95 % of the 500 names of ``../shared/peer/sonarr_cases.json`` read
exactly (``tests/peer_data.is_right``: an anime case counts only with the absolute number it
expects), and no date in a name ever read as an episode number. Printed besides, for
information: the figures per kind of name, how many names the fast path decided without guessit,
the names a second of the whole recogniser, and the score of guessit alone on the same names
(its own reading, judged the same way), measured in the same run. The names it still gets wrong
are listed.

The data is looked for as the tests look for it: ``$ANIWORLD_PEER_DIR``, else ``shared/peer``
beside the repository. Without it the verdict is FAIL, with the reason.

Run: .venv/bin/python tests/benchmarks/recognition.py [--quiet]
The last line is the verdict: ``recognition: 480/500 right (0.960), 0 dates read as numbers,
guessit alone 0.xxx (goal >=0.95, 0) PASS`` or ``FAIL``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO))

from aniworld_desktop.core import recognise as recogniser  # noqa: E402
from aniworld_desktop.core.recognise import ParsedFile  # noqa: E402
from tests.peer_data import (  # noqa: E402
    Case,
    date_read_as_number,
    find_peer_dir,
    is_right,
    missing_message,
    read,
    sonarr_cases,
)

GOAL = 0.95


def guessit_reading(case: Case) -> ParsedFile | None:
    """guessit 's own reading of a case, unfiltered, as a ParsedFile."""
    from guessit import guessit

    info: dict[str, Any] = dict(guessit(case.name, {"type": "episode"}))

    def numbers(value: object) -> list[int]:
        items = value if isinstance(value, list) else [value]
        return [n for n in items if isinstance(n, int) and not isinstance(n, bool)]

    episodes, seasons = numbers(info.get("episode")), numbers(info.get("season"))
    absolutes = numbers(info.get("absolute_episode"))
    if not episodes and not absolutes:
        return None
    if not seasons:
        run = episodes or absolutes
        return ParsedFile("", None, None, run[-1] if len(run) > 1 else None, run[0], "guessit")
    end = episodes[-1] if len(episodes) > 1 else None
    absolute = absolutes[0] if absolutes else None
    return ParsedFile("", seasons[0], episodes[0], end, absolute, "guessit")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quiet", action="store_true", help="do not list the names read wrong")
    args = parser.parse_args()

    folder = find_peer_dir()
    if folder is None:
        print(missing_message(), file=sys.stderr)
        print("recognition: no peer data (goal >=0.95, 0) FAIL")
        return 1
    cases = sonarr_cases(folder)

    asked: list[str] = []
    real_guessit = recogniser._parse_with_guessit

    def counting(text: str, folders: list[str]) -> ParsedFile | None:
        asked.append(text)
        return real_guessit(text, folders)

    recogniser._parse_with_guessit = counting  # type: ignore[assignment]
    try:
        readings = [read(case) for case in cases]
    finally:
        recogniser._parse_with_guessit = real_guessit  # type: ignore[assignment]
    right = [is_right(case, parsed) for case, parsed in zip(cases, readings, strict=True)]
    dated = [
        case
        for case, parsed in zip(cases, readings, strict=True)
        if date_read_as_number(case, parsed)
    ]
    score = sum(right) / len(cases)

    kinds = Counter(case.kind for case in cases)
    right_by_kind = Counter(case.kind for case, ok in zip(cases, right, strict=True) if ok)
    for kind in sorted(kinds):
        print(f"  {kind:<12} {right_by_kind[kind]:>3} of {kinds[kind]:>3} right")
    print(f"fast path decided {len(cases) - len(asked)} of {len(cases)} names "
          f"({len(asked)} went to guessit)")  # fmt: skip

    started = time.perf_counter()
    rounds = 5
    for _ in range(rounds):
        for case in cases:
            read(case)
    rate = rounds * len(cases) / (time.perf_counter() - started)
    print(f"recogniser: {rate:,.0f} names/s over these names (guessit's included)")

    started = time.perf_counter()
    guessit_right = sum(is_right(case, guessit_reading(case)) for case in cases)
    guessit_time = time.perf_counter() - started
    print(f"guessit alone: {guessit_right} of {len(cases)} right "
          f"({len(cases) / guessit_time:,.0f} names/s)")  # fmt: skip

    if not args.quiet:
        for case, parsed, ok in zip(cases, readings, right, strict=True):
            if not ok:
                expected = f"S{case.season}E{list(case.episodes)}" if case.episodes else ""
                expected += f" absolute {list(case.absolute)}" if case.absolute else ""
                got = "nothing" if parsed is None else (
                    f"season {parsed.season} episode {parsed.episode}-{parsed.episode_end} "
                    f"absolute {parsed.absolute}-{parsed.absolute_end}"
                )  # fmt: skip
                print(f"  wrong: {case.name!r}: expected {expected.strip()}, read {got}")
    for case in dated:
        print(f"  a date read as a number: {case.name!r}")

    ok = score >= GOAL and not dated
    verdict = "PASS" if ok else "FAIL"
    print(f"recognition: {sum(right)}/{len(cases)} right ({score:.3f}), {len(dated)} dates read as "
          f"numbers, guessit alone {guessit_right / len(cases):.3f} (goal >={GOAL}, 0) {verdict}")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
