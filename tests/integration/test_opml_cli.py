"""``opml-import`` and ``opml-export`` on the real command line, against a real feed server."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from aniworld_desktop.json_output import JSON_SCHEMA
from tests.integration.cli import cli
from tests.integration.test_run_once import run_cli
from tests.unit.library.test_opml import FEED, fixture
from tests.unit.providers.feed_server import FeedServer


async def test_import_then_export_round_trips_the_subscriptions(
    profile: Path, tmp_path: Path
) -> None:
    async with FeedServer() as server:
        server.add("/harbor.xml", FEED.format(title="Harbor Lights").encode())
        server.add("/moons.xml", FEED.format(title="Paper Moons").encode())
        server.add("/gone.xml", b"", status=404)
        subscriptions = tmp_path / "gpodder.opml"
        subscriptions.write_bytes(fixture("gpodder.opml", server.url("")))

        code, out, err = await run_cli(profile, "opml-import", str(subscriptions))
        assert code == 1, err  # one feed is gone: said, and the run says it failed
        assert out.splitlines() == [
            "Following Harbor Lights.",
            "Following Paper Moons & Other Tales.",
            "3 feed(s) in the file: 2 followed now, 0 followed already, 1 refused.",
        ]
        assert err.splitlines() == [
            f"aniworld-desktop: refused: Gone Feed: {server.url('/gone.xml')} answered HTTP 404."
        ]

        code, out, err = await run_cli(profile, "opml-import", str(subscriptions), "--json")
        assert code == 1
        assert json.loads(out) == {
            "schema": JSON_SCHEMA,
            "followed": [],
            "already_followed": ["Harbor Lights", "Paper Moons & Other Tales"],
            "refused": [f"Gone Feed: {server.url('/gone.xml')} answered HTTP 404."],
            "duplicates": 0,
        }
        code, out, err = await run_cli(profile, "add", "http://127.0.0.1:9/media/clip.mp4")
        assert code == 0, err  # a direct download: not a subscription, not exported

    exported = tmp_path / "out.opml"
    proc = cli(profile, "opml-export", str(exported))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"Exported 2 feed(s) to {exported}."
    outlines = ET.parse(exported).getroot().findall("body/outline")
    assert [(o.get("title"), o.get("xmlUrl"), o.get("type")) for o in outlines] == [
        ("Harbor Lights", f"{server.url('/harbor.xml')}", "rss"),
        ("Paper Moons", f"{server.url('/moons.xml')}", "rss"),
    ]
    to_stdout = cli(profile, "opml-export", "-")
    assert to_stdout.returncode == 0
    printed = ET.fromstring(to_stdout.stdout.encode()).findall("body/outline")
    assert [o.attrib for o in printed] == [o.attrib for o in outlines]


def test_a_file_that_is_no_opml_is_one_line_and_exit_2(profile: Path, tmp_path: Path) -> None:
    page = tmp_path / "page.opml"
    page.write_text("<html><body>not a list of feeds</body></html>", encoding="utf-8")
    proc = cli(profile, "opml-import", str(page))
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "aniworld-desktop: page.opml is not an OPML file (it is XML, but its root is <html>)."
    )
    missing = cli(profile, "opml-import", str(tmp_path / "nowhere.opml"))
    assert missing.returncode == 2 and "could not be read: no such file" in missing.stderr
    unwritable = cli(profile, "opml-export", str(tmp_path / "no" / "such" / "folder.opml"))
    assert unwritable.returncode == 2 and "Traceback" not in unwritable.stderr
    assert unwritable.stderr.startswith("aniworld-desktop: Cannot write folder.opml")
