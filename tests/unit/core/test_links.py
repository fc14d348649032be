"""Links as pasted and as browsers hand them over (feed:, podcast:, itpc:, pcast:)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aniworld_desktop.core.links import (
    LinkProblem,
    ReadLink,
    link_problem,
    normalise_link,
    read_links,
)


@pytest.mark.parametrize(
    ("given_text", "expected"),
    [
        ("feed:https://example.org/rss", "https://example.org/rss"),
        ("feed:http://example.org/rss", "http://example.org/rss"),
        ("FEED:HTTPS://example.org/rss", "HTTPS://example.org/rss"),
        ("feed://example.org/rss.xml", "http://example.org/rss.xml"),
        ("feed://https://example.org/rss.xml", "https://example.org/rss.xml"),
        ("podcast://pod.example/feed?id=3", "http://pod.example/feed?id=3"),
        ("podcast:https://pod.example/feed", "https://pod.example/feed"),
        ("itpc://itunes.example/podcast.xml", "http://itunes.example/podcast.xml"),
        ("pcast://old.example/p.rss", "http://old.example/p.rss"),
        ("  feed://example.org/a  ", "http://example.org/a"),
        # Not a feed scheme: left as it is, for check_url or link_problem to refuse.
        ("https://example.org/a.mkv", "https://example.org/a.mkv"),
        ("ftp://example.org/a.mkv", "ftp://example.org/a.mkv"),
        ("demo:harbor-lights", "demo:harbor-lights"),
        ("feed:example.org/rss", "feed:example.org/rss"),  # neither // nor an address
        ("feed:ftp://example.org/rss", "feed:ftp://example.org/rss"),
        ("feedback://example.org", "feedback://example.org"),
        ("", ""),
    ],
)
def test_feed_schemes_become_the_http_links_they_stand_for(given_text: str, expected: str) -> None:
    assert normalise_link(given_text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", LinkProblem.EMPTY),
        ("   ", LinkProblem.EMPTY),
        ("https://example.org/a b.mp4", LinkProblem.SPACES),
        ("http://[", LinkProblem.INVALID),
        ("example.org/x.mp4", LinkProblem.SCHEME),
        ("ftp://example.org/x.mp4", LinkProblem.SCHEME),
        ("file:///etc/passwd", LinkProblem.SCHEME),
        ("feed:example.org/rss", LinkProblem.SCHEME),
        ("https://", LinkProblem.NO_HOST),
        ("feed://", LinkProblem.NO_HOST),
        ("https://example.org/x.mp4", None),
        ("feed://example.org/rss", None),
        ("pcast:https://example.org/rss", None),
    ],
)
def test_each_problem_of_a_link_is_named(text: str, problem: LinkProblem | None) -> None:
    assert link_problem(text) is problem


def test_a_pasted_text_becomes_links_each_once_with_their_problems() -> None:
    text = (
        "# my list\n"
        "https://cdn.example/Show.S01E01.mkv\n"
        "  feed://example.org/rss   https://cdn.example/Show.S01E02.mkv\n"
        "\n"
        "ftp://cdn.example/x.mkv\n"
        "http://example.org/rss\n"  # what the feed: link above stands for: once
        "not-a-link\n"
    )
    assert read_links(text) == [
        ReadLink("https://cdn.example/Show.S01E01.mkv", "https://cdn.example/Show.S01E01.mkv"),
        ReadLink("feed://example.org/rss", "http://example.org/rss"),
        ReadLink("https://cdn.example/Show.S01E02.mkv", "https://cdn.example/Show.S01E02.mkv"),
        ReadLink("ftp://cdn.example/x.mkv", "ftp://cdn.example/x.mkv", LinkProblem.SCHEME),
        ReadLink("not-a-link", "not-a-link", LinkProblem.SCHEME),
    ]
    assert len(read_links("\n".join(f"https://h/{n}.mkv" for n in range(50)), limit=10)) == 10


@given(st.text())
def test_any_text_reads_without_an_error(text: str) -> None:
    for link in read_links(text):
        assert link.url and not any(c.isspace() for c in link.url)
        assert (link.problem is None) == (link_problem(link.url) is None)
        if link.problem is None:
            assert link.url.split(":", 1)[0].lower() in ("http", "https")
