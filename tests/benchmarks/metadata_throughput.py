"""Metadata for 200 series against a local fake TMDB that answers 429 above 40 requests/s.

The fake runs in its own process on 127.0.0.1, adds 20 ms to every API answer and refuses with
429 (``Retry-After: 1``) any request beyond 40 in the last second. The lower bound the rate limit
allows is (API requests answered) / 40 per second; the goal is a total time <= 1.2 x that bound
with no failed job. Artwork comes from the same fake, outside the limit, as TMDB's image CDN is.

Run: .venv/bin/python tests/benchmarks/metadata_throughput.py [--series 200]
The last line is the verdict: ``metadata_throughput: ... PASS`` or ``FAIL``.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

LIMIT = 40
LATENCY = 0.020
GOAL = 1.2
JPEG = b"\xff\xd8\xff\xe0" + bytes(2000)


# --------------------------------------------------------------------- the fake TMDB (a process)


def serve() -> None:
    from aiohttp import web

    stamps: collections.deque[float] = collections.deque()
    counts = {"answered": 0, "refused": 0}

    async def api(request: web.Request) -> web.StreamResponse:
        now = time.monotonic()
        while stamps and stamps[0] <= now - 1.0:
            stamps.popleft()
        if len(stamps) >= LIMIT:
            counts["refused"] += 1
            return web.json_response({"status_code": 25}, status=429, headers={"Retry-After": "1"})
        stamps.append(now)
        await asyncio.sleep(LATENCY)
        counts["answered"] += 1
        path = request.match_info["path"]
        base = f"http://127.0.0.1:{request.url.port}/img/"
        if path == "configuration":
            body = {"images": {"secure_base_url": base, "base_url": base,
                               "poster_sizes": ["w500", "original"], "backdrop_sizes": ["w1280", "original"],
                               "still_sizes": ["w300", "original"], "logo_sizes": ["w500"], "profile_sizes": ["w185"]}}  # fmt: skip
        elif path == "search/tv":
            n = int(request.query["query"].split()[-1])
            body = {
                "results": [{"id": 1000 + n, "name": f"Series {n}", "first_air_date": "2020-01-01"}]
            }
        elif path.count("/") == 1:
            tv_id = int(path.split("/")[1])
            body = {"id": tv_id, "name": f"Series {tv_id - 1000}", "overview": "A plot.",
                    "first_air_date": "2020-01-01", "status": "Ended", "poster_path": "/p.jpg",
                    "backdrop_path": "/b.jpg", "genres": [{"name": "Drama"}],
                    "seasons": [{"season_number": 1, "name": "Season 1", "poster_path": "/s1.jpg"}],
                    "external_ids": {"imdb_id": f"tt{tv_id}"}}  # fmt: skip
        else:
            body = {"season_number": 1, "name": "Season 1", "episodes": [
                {"episode_number": 1, "name": "Pilot", "air_date": "2020-01-01", "still_path": "/e.jpg"}]}  # fmt: skip
        return web.json_response(body)

    async def image(request: web.Request) -> web.Response:
        return web.Response(body=JPEG, content_type="image/jpeg")

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(counts)

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/img/{rest:.*}", image)
        app.router.add_get("/stats", stats)
        app.router.add_get("/3/{path:.*}", api)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        print(runner.addresses[0][1], flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


# --------------------------------------------------------------------- the measurement


async def measure(series_count: int, port: int) -> tuple[float, int, int, int, int]:
    from datetime import timedelta

    import aiohttp

    from aniworld_desktop.core.events import EventBus
    from aniworld_desktop.metadata.service import MetadataOptions, MetadataService
    from aniworld_desktop.storage.catalog import CatalogRepository, NewEpisode
    from aniworld_desktop.storage.database import open_database
    from aniworld_desktop.storage.reply_cache import SqlReplyCache

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        library = root / "library"
        engine = await open_database(root / "bench.sqlite3")
        try:
            catalog = CatalogRepository(engine)
            for n in range(series_count):
                series = await catalog.ensure_series(
                    f"Series {n}", "feed", f"bench:{n}", f"Series {n}", year=2020
                )
                (episode,) = await catalog.upsert_episodes(
                    series.id, [NewEpisode(1, 1, "Pilot", "u")]
                )
                path = f"Series {n}/Season 01/Series {n} - S01E01.mkv"
                (library / path).parent.mkdir(parents=True)
                (library / path).write_bytes(b"video")
                await catalog.set_files([(episode.id, path, 5)])
            options = MetadataOptions(
                token="benchmark-token-not-a-secret", api_url=f"http://127.0.0.1:{port}/3"
            )
            service = MetadataService(
                catalog,
                EventBus(),
                library,
                options,
                cache=SqlReplyCache(engine, max_age=timedelta(days=1)),
            )
            started = time.perf_counter()
            results = await service.describe()
            elapsed = time.perf_counter() - started
            failed = sum(1 for r in results.values() if isinstance(r, str))
            nfo_files = len(list(library.rglob("*.nfo")))
        finally:
            await engine.dispose()
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}/stats") as reply,
    ):
        counts = await reply.json()
    return elapsed, failed, counts["answered"], counts["refused"], nfo_files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=200)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve()
        return 0
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        elapsed, failed, answered, refused, nfo_files = asyncio.run(measure(args.series, port))
    finally:
        server.terminate()
        server.wait(timeout=10)
    bound = answered / LIMIT
    ratio = elapsed / bound
    print(f"series: {args.series}, API requests answered: {answered}, refused with 429: {refused}")
    print(
        f"total {elapsed:.2f} s, lower bound at {LIMIT}/s {bound:.2f} s, ratio {ratio:.2f} (goal <= {GOAL})"
    )
    print(f"failed jobs: {failed}, NFO files written: {nfo_files} (3 per series expected)")
    ok = ratio <= GOAL and failed == 0 and nfo_files == 3 * args.series
    print(
        f"metadata_throughput: {ratio:.2f}x the rate-limit bound, {failed} failed jobs "
        f"(goal <={GOAL}x, 0) {'PASS' if ok else 'FAIL'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
