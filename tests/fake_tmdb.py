"""A fake TMDB on 127.0.0.1: TMDB-shaped JSON for the series it is given, and faults on request.

In a test's own loop::

    async with FakeTMDB({"Harbor Lights": FakeShow(4242, 2024, seasons={1: 6})}) as tmdb:
        settings = {"tmdb_api_url": tmdb.api_url, ...}
        tmdb.fail_next(5, status=503)   # an outage: the next five API requests get 503
        tmdb.drop_next(3)               # ...or are cut off without an answer

In a process of its own (the benchmark), answering any title, with TMDB's 429 above a limit::

    python -m tests.fake_tmdb --any --limit 40 --latency 0.02 --seasons 2 --episodes 25

prints its port on the first line. ``GET /stats`` gives the counts (answered, refused, failed).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import hashlib
import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

JPEG = b"\xff\xd8\xff\xe0" + bytes(600)


@dataclass
class FakeShow:
    """One series TMDB knows: its id, first year, and episodes per season (0: specials)."""

    id: int
    year: int
    seasons: dict[int, int] = field(default_factory=lambda: {1: 6})
    name: str = ""
    first_aired: str = ""  # an ISO date; default: January 1st of ``year``
    poster: bool = True


class FakeTMDB:
    """The server; see the module's docstring.

    Attributes:
        shows: Title to series (searches match titles without regard to case).
        any_title: Answer every search with a series of that title (benchmark).
        counts: ``answered``, ``refused`` (429), ``failed`` (faults), ``images``.
        requests: The paths asked for, in order.
    """

    def __init__(
        self,
        shows: dict[str, FakeShow] | None = None,
        *,
        any_title: bool = False,
        limit: int = 0,
        latency: float = 0.0,
        seasons: int = 1,
        episodes: int = 6,
    ) -> None:
        self.shows = dict(shows or {})
        self.any_title = any_title
        self.limit = limit
        self.latency = latency
        self.default_seasons = {n: episodes for n in range(1, seasons + 1)}
        self.counts: collections.Counter[str] = collections.Counter()
        self.requests: list[str] = []
        self._stamps: collections.deque[float] = collections.deque()
        self._faults: collections.deque[int] = collections.deque()  # status, or 0: drop
        self._made: dict[int, tuple[str, FakeShow]] = {}  # any_title's series, by id
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ------------------------------------------------------------------ knobs

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/3"

    def fail_next(self, count: int, status: int = 503) -> None:
        """The next ``count`` API requests get ``status`` (an outage)."""
        self._faults.extend([status] * count)

    def drop_next(self, count: int) -> None:
        """The next ``count`` API requests are cut off without an answer."""
        self._faults.extend([0] * count)

    def by_id(self) -> dict[int, tuple[str, FakeShow]]:
        return {show.id: (show.name or title, show) for title, show in self.shows.items()}

    # ------------------------------------------------------------------ serving

    async def __aenter__(self) -> FakeTMDB:
        app = web.Application()
        app.router.add_get("/img/{rest:.*}", self._image)
        app.router.add_get("/stats", self._stats)
        app.router.add_get("/3/{path:.*}", self._api)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _image(self, request: web.Request) -> web.Response:
        self.counts["images"] += 1
        return web.Response(body=JPEG, content_type="image/jpeg")

    async def _stats(self, request: web.Request) -> web.Response:
        return web.json_response(dict(self.counts))

    async def _api(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        self.requests.append(path)
        if self._faults:
            status = self._faults.popleft()
            self.counts["failed"] += 1
            if status == 0:
                assert request.transport is not None
                request.transport.close()  # cut off: the client sees a broken connection
                raise web.HTTPInternalServerError()  # never sent
            return web.json_response({"status_message": "Service unavailable"}, status=status)
        if self.limit:
            now = time.monotonic()
            while self._stamps and self._stamps[0] <= now - 1.0:
                self._stamps.popleft()
            if len(self._stamps) >= self.limit:
                self.counts["refused"] += 1
                return web.json_response(
                    {"status_code": 25}, status=429, headers={"Retry-After": "1"}
                )
            self._stamps.append(now)
        if self.latency:
            await asyncio.sleep(self.latency)
        body = self._answer(path, request)
        if body is None:
            self.counts["not_found"] += 1
            return web.json_response({"status_code": 34}, status=404)
        self.counts["answered"] += 1
        return web.json_response(body)

    def _show(self, tmdb_id: int) -> tuple[str, FakeShow] | None:
        known = self.by_id().get(tmdb_id)
        if known is not None:
            return known
        if self.any_title and tmdb_id in self._made:
            return self._made[tmdb_id]
        return None

    def _answer(self, path: str, request: web.Request) -> Any:
        base = f"http://127.0.0.1:{request.url.port}/img/"
        if path == "configuration":
            return {"images": {"secure_base_url": base, "base_url": base,
                               "poster_sizes": ["w185", "w500", "original"],
                               "backdrop_sizes": ["w1280", "original"], "still_sizes": ["w300"],
                               "logo_sizes": ["w500"], "profile_sizes": ["w185"]}}  # fmt: skip
        if path == "search/tv":
            return {"results": self._search(request.query.get("query", ""),
                                            request.query.get("first_air_date_year"))}  # fmt: skip
        parts = path.split("/")
        if len(parts) < 2 or parts[0] != "tv" or not parts[1].isdigit():
            return None
        found = self._show(int(parts[1]))
        if found is None:
            return None
        name, show = found
        aired = show.first_aired or f"{show.year}-01-01"
        if len(parts) == 2:
            return {
                "id": show.id, "name": name, "overview": f"About {name}.",
                "first_air_date": aired, "status": "Ended",
                "genres": [{"id": 18, "name": "Drama"}, {"id": 9648, "name": "Mystery"}],
                "poster_path": "/poster.jpg" if show.poster else None,
                "backdrop_path": "/fanart.jpg",
                "seasons": [{"season_number": n, "name": f"Season {n}" if n else "Specials",
                             "episode_count": count} for n, count in sorted(show.seasons.items())],
                "external_ids": {"imdb_id": f"tt{show.id}"},
            }  # fmt: skip
        if len(parts) == 4 and parts[2] == "season" and parts[3].isdigit():
            number = int(parts[3])
            count = show.seasons.get(number)
            if count is None:
                return None
            return {
                "season_number": number, "name": f"Season {number}",
                "episodes": [{"episode_number": e, "id": show.id * 1000 + number * 100 + e,
                              "season_number": number, "name": f"{name} {number}x{e:02d}",
                              "air_date": f"{show.year + number - 1}-{1 + (e - 1) % 12:02d}-01",
                              "overview": f"Episode {e} of season {number}."}
                             for e in range(1, count + 1)],
            }  # fmt: skip
        return None

    def _search(self, query: str, year: str | None) -> list[dict[str, Any]]:
        wanted = query.strip().casefold()
        results = []
        for title, show in self.shows.items():
            name = show.name or title
            similar = wanted and (wanted in name.casefold() or name.casefold() in wanted)
            if similar and (year is None or int(year) == show.year):
                results.append(_result(name, show))
        if not results and self.any_title and wanted:
            tmdb_id = 100_000 + int(hashlib.sha1(wanted.encode()).hexdigest()[:7], 16)
            show = FakeShow(tmdb_id, int(year) if year else 2020, dict(self.default_seasons))
            self._made[tmdb_id] = (query.strip(), show)
            results.append(_result(query.strip(), show))
        return results


def _result(name: str, show: FakeShow) -> dict[str, Any]:
    return {
        "id": show.id,
        "name": name,
        "original_name": name,
        "first_air_date": show.first_aired or f"{show.year}-01-01",
        "poster_path": "/poster.jpg" if show.poster else None,
        "popularity": 10.0,
    }


async def _serve(args: argparse.Namespace) -> None:
    async with FakeTMDB(
        any_title=args.any,
        limit=args.limit,
        latency=args.latency,
        seasons=args.seasons,
        episodes=args.episodes,
    ) as tmdb:
        print(tmdb.port, flush=True)
        await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--any", action="store_true", help="answer every title")
    parser.add_argument("--limit", type=int, default=0, help="429 above this many a second")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to answers")
    parser.add_argument("--seasons", type=int, default=1)
    parser.add_argument("--episodes", type=int, default=6)
    asyncio.run(_serve(parser.parse_args()))


if __name__ == "__main__":
    main()
