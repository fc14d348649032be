"""Fixtures for the metadata tests: TMDB replies from JSON files, a fake clock, ready clients.

aioresponses 0.7.9 and aiohttp 3.14 (aioresponses issue #289): aiohttp 3.14's ``ClientResponse``
requires a keyword ``stream_writer`` that aioresponses does not pass when it builds its fake
replies, so every mocked request fails with a TypeError. We chose a shim over pinning
``aiohttp<3.14``: the ``http`` fixture swaps the class aioresponses builds for a subclass that
supplies a stand-in writer (a fake reply has nothing left to send, so only its ``output_size``
is read). The shim switches itself off once aioresponses passes the argument itself.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
from aioresponses import aioresponses

from aniworld_desktop.metadata.ratelimit import RateLimiter
from aniworld_desktop.metadata.tmdb import TMDBClient
from tests.sentinels import TMDB_V3_KEY, TMDB_V4_TOKEN

FIXTURES = Path(__file__).parents[2] / "fixtures" / "tmdb"
API = "http://tmdb.test/3"
# The suite's sentinels: the secrets guard looks for them in every log, message and file.
V4_TOKEN = TMDB_V4_TOKEN
V3_KEY = TMDB_V3_KEY


def fixture_text(name: str) -> str:
    """The text of ``tests/fixtures/tmdb/<name>``."""
    return (FIXTURES / name).read_text(encoding="utf-8")


def fixture_json(name: str) -> Any:
    """The parsed JSON of ``tests/fixtures/tmdb/<name>``."""
    return json.loads(fixture_text(name))


def endpoint(path: str) -> re.Pattern[str]:
    """A pattern for ``API + path`` with any query string (aioresponses sorts the query)."""
    return re.compile("^" + re.escape(API + path) + r"(\?.*)?$")


def request_count(http: aioresponses) -> int:
    """How many requests went out through the mock."""
    return sum(len(calls) for calls in http.requests.values())


def sent(http: aioresponses) -> list[tuple[str, dict[str, Any]]]:
    """Each request as (URL with query, keyword arguments given to aiohttp), in order."""
    calls = [(str(key[1]), call.kwargs) for key, group in http.requests.items() for call in group]
    return calls


_STREAM_WRITER = inspect.signature(aiohttp.ClientResponse.__init__).parameters.get("stream_writer")
_NEEDS_SHIM = _STREAM_WRITER is not None and _STREAM_WRITER.default is inspect.Parameter.empty


class _ShimResponse(aiohttp.ClientResponse):
    """A ClientResponse aioresponses 0.7.9 can build on aiohttp 3.14 (issue #289)."""

    def __init__(self, method: str, url: Any, *, stream_writer: Any = None, **kwargs: Any) -> None:
        if stream_writer is None:
            # The reply is made up and the request "already sent": only output_size is read.
            stream_writer = SimpleNamespace(output_size=0)
        super().__init__(method, url, stream_writer=stream_writer, **kwargs)


@pytest.fixture
def http(monkeypatch: pytest.MonkeyPatch) -> Iterator[aioresponses]:
    """aioresponses, with the aiohttp 3.14 shim; unmatched requests fail as refused."""
    if _NEEDS_SHIM:
        monkeypatch.setattr("aioresponses.core.ClientResponse", _ShimResponse)
    with aioresponses() as mock:
        yield mock


class FakeClock:
    """Monotonic time that moves only when someone sleeps; records every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def limiter(clock: FakeClock) -> RateLimiter:
    """A limiter on the fake clock: a test never really waits for it."""
    return RateLimiter(clock=clock.time, sleep=clock.sleep)


@pytest.fixture
async def make_client(
    clock: FakeClock, limiter: RateLimiter
) -> AsyncIterator[Callable[..., TMDBClient]]:
    """Build TMDBClients on the fake clock, with no jitter; any left open are closed after."""
    made: list[TMDBClient] = []

    def make(token: str = V4_TOKEN, **kwargs: Any) -> TMDBClient:
        kwargs.setdefault("api_url", API)
        kwargs.setdefault("limiter", limiter)
        kwargs.setdefault("sleep", clock.sleep)
        kwargs.setdefault("jitter", lambda: 0.0)
        client = TMDBClient(token, **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.close()
