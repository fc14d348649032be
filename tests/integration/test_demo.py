"""``--demo`` works offline from a fresh profile: the whole loop, served by the app itself."""

from __future__ import annotations

from tests.integration.cli import cli_json
from tests.integration.test_run_once import run_cli

# Quick pacing for the test; the demo's default makes progress visible in the window.
FAST = {"ANIWORLD_DEMO_SECONDS_PER_FILE": "0.05", "ANIWORLD_MAX_DOWNLOADS_PER_HOST": "4"}


async def test_demo_runs_the_whole_loop_offline(profile):
    code, out, err = await run_cli(profile, "--demo", "list", "--json", **FAST)
    assert code == 0, err
    series = cli_json(out, "series")
    assert len(series) == 3
    released = sum(s["missing"] for s in series)
    assert released > 0 and all(s["on_disk"] == 0 for s in series)

    code, out, err = await run_cli(profile, "--demo", "run-once", "--json", **FAST)
    assert code == 0, err
    items = cli_json(out, "queue")
    assert len(items) == released and {i["status"] for i in items} == {"completed"}
    for item in items:
        path = profile / "library" / item["destination"]
        assert path.stat().st_size == item["bytes_total"] > 0
        assert path.read_bytes()[4:8] == b"ftyp"  # real MP4 files

    code, out, err = await run_cli(profile, "--demo", "list", "--json", **FAST)
    after = cli_json(out, "series")
    assert [s["missing"] for s in after] == [0, 0, 0]
    assert sum(s["on_disk"] for s in after) == released
