"""The metadata commands against a fake TMDB on 127.0.0.1; the token never shows anywhere."""

from __future__ import annotations

from aiohttp import web

from tests.integration.cli import cli_json
from tests.integration.test_run_once import run_cli
from tests.sentinels import TMDB_V4_TOKEN

SENTINEL = TMDB_V4_TOKEN


async def fake_tmdb(accept: bool):
    seen: list[str] = []

    async def handle(request: web.Request) -> web.Response:
        seen.append(request.headers.get("Authorization", ""))
        if not accept:
            return web.json_response(
                {"status_code": 7, "status_message": "Invalid API key"}, status=401
            )
        return web.json_response({"success": True, "status_code": 1})

    app = web.Application()
    app.router.add_get("/3/{path:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}/3", seen


def assert_no_secret(profile, *texts):
    for text in texts:
        assert SENTINEL not in text
    for log in (profile / "logs").glob("*.log*"):
        assert SENTINEL not in log.read_text(encoding="utf-8")


async def test_tmdb_test_says_the_token_works(profile):
    runner, url, seen = await fake_tmdb(accept=True)
    try:
        env = {"ANIWORLD_TMDB_TOKEN": SENTINEL, "ANIWORLD_TMDB_API_URL": url}
        code, out, err = await run_cli(profile, "--debug", "tmdb-test", **env)
    finally:
        await runner.cleanup()
    assert code == 0, err
    assert out.startswith("TMDB accepted the")
    assert seen and all(h == f"Bearer {SENTINEL}" for h in seen)  # sent, as a header only
    assert_no_secret(profile, out, err)


async def test_a_refused_token_is_one_clear_line_and_no_retry_loop(profile):
    runner, url, seen = await fake_tmdb(accept=False)
    try:
        env = {"ANIWORLD_TMDB_TOKEN": SENTINEL, "ANIWORLD_TMDB_API_URL": url}
        code, out, err = await run_cli(profile, "tmdb-test", **env)
    finally:
        await runner.cleanup()
    assert code == 2
    (line,) = err.strip().splitlines()
    assert "TMDB" in line and "Traceback" not in err
    assert len(seen) == 1
    assert_no_secret(profile, out, err)


async def test_metadata_without_a_token_and_set_tmdb(profile):
    code, out, err = await run_cli(profile, "tmdb-test")
    assert code == 2 and "No TMDB token is set" in err
    assert (await run_cli(profile, "add", "http://127.0.0.1:9/Show.S01E01.mkv"))[0] == 0
    code, out, err = await run_cli(profile, "set-tmdb", "Show", "1429")
    assert code == 0 and "TMDB series 1429" in out
    code, out, err = await run_cli(profile, "list", "--json")
    assert cli_json(out, "series")[0]["title"] == "Show"
    code, out, err = await run_cli(profile, "set-tmdb", "Show", "-3")
    assert code == 2 and "positive number" in err
