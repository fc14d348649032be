"""The suite runs in pytest-xdist's worker processes (``make test``): every report must reach the
controller, whatever a test printed or logged."""

from __future__ import annotations

from pathlib import Path

import pytest

SURROGATE_TEST = """
import logging
import os


def test_logs_a_name_decoded_from_bytes():
    name = os.fsdecode(b"Show \\xff S01E02.mkv")  # a lone surrogate, as a hostile file name gives
    logging.getLogger("scan").warning("skipped %s", name)
    print(name)


def test_after_it():
    pass
"""


def test_a_lone_surrogate_in_captured_output_reaches_the_controller(
    pytester: pytest.Pytester,
) -> None:
    root = Path(__file__).parents[2]
    # Only the report hook of the suite's conftest, not its fixtures.
    pytester.makeconftest(
        f"import sys\nsys.path.insert(0, {str(root)!r})\n"
        "from tests.conftest import pytest_runtest_logreport  # noqa: F401\n"
    )
    pytester.makepyfile(test_names=SURROGATE_TEST)
    result = pytester.runpytest_subprocess("-p", "xdist", "-n", "1", "-p", "no:randomly")
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    result.assert_outcomes(passed=2)
