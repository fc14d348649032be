"""Secrets: the TMDB token, the Jellyfin key and the Kodi password go through a whole run and
come out nowhere.

``tests/secrets_guard.py`` watches every test of the suite for the sentinels (log records as
they are made, the window, files, output); the tests here make sure it can fail, and push the
secrets through the paths where a leak would be likely: a whole ``run-once`` with metadata from
TMDB and a refresh of Jellyfin and Kodi, each server both accepting and refusing, and the
window's activity panel showing what happened.
"""

from __future__ import annotations

import copy
import json
import logging
import struct
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from aniworld_desktop.cli import build_parser, run_command
from aniworld_desktop.config import ProfilePaths, Settings, load_settings, save_settings
from aniworld_desktop.core.errors import AniworldError
from aniworld_desktop.metadata import credentials
from tests.fault_server import FaultServer
from tests.integration.test_auto_download import serve_series
from tests.sentinels import JELLYFIN_KEY, KODI_PASSWORD, TMDB_V4_TOKEN, WATCHED
from tests.unit.mediaservers.fake_servers import FakeServers

FIXTURES = Path(__file__).parents[1] / "fixtures" / "tmdb"
SHOW_ID = 4242


def _png() -> bytes:
    """A real 2x2 PNG: the image checks accept it as a poster."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


class FakeTMDB:
    """TMDB on 127.0.0.1 that knows one show, "Harbor Lights", and checks the bearer token.

    Attributes:
        accept: Whether the token is accepted (else every call gets TMDB's 401 reply).
        seen: The ``Authorization`` header of each API request.
    """

    def __init__(self) -> None:
        self.accept = True
        self.seen: list[str] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/3"

    def _fixture(self, name: str) -> Any:
        return json.loads((FIXTURES / name).read_text(encoding="utf-8"))

    def _reply(self, path: str) -> Any:
        if path == "configuration":
            data = self._fixture("configuration.json")
            data["images"]["secure_base_url"] = f"http://127.0.0.1:{self.port}/img/"
            data["images"]["base_url"] = f"http://127.0.0.1:{self.port}/img/"
            return data
        if path == "search/tv":
            return {
                "page": 1,
                "results": [
                    {
                        "id": SHOW_ID,
                        "name": "Harbor Lights",
                        "original_name": "Harbor Lights",
                        "first_air_date": "2021-04-02",
                        "overview": "Lights on the harbour.",
                        "poster_path": "/poster.png",
                        "popularity": 10.0,
                        "origin_country": ["DE"],
                    }
                ],
                "total_pages": 1,
                "total_results": 1,
            }
        if path == f"tv/{SHOW_ID}":
            data = copy.deepcopy(self._fixture("tv_details.json"))
            data.update(id=SHOW_ID, name="Harbor Lights", original_name="Harbor Lights")
            data.update(poster_path="/poster.png", backdrop_path="/fanart.png")
            return data
        if path.startswith(f"tv/{SHOW_ID}/season/"):
            data = copy.deepcopy(self._fixture("season.json"))
            data["season_number"] = int(path.rsplit("/", 1)[1])
            return data
        if path == "authentication":
            return {"success": True, "status_code": 1, "status_message": "Success."}
        return None

    async def _api(self, request: web.Request) -> web.Response:
        self.seen.append(request.headers.get("Authorization", ""))
        if not self.accept:
            return web.json_response(self._fixture("error_401.json"), status=401)
        reply = self._reply(request.match_info["path"])
        if reply is None:
            return web.json_response(self._fixture("error_404.json"), status=404)
        return web.json_response(reply)

    async def _image(self, request: web.Request) -> web.Response:
        return web.Response(body=_png(), content_type="image/png")

    async def __aenter__(self) -> FakeTMDB:
        app = web.Application()
        app.router.add_get("/3/{path:.*}", self._api)
        app.router.add_get("/img/{path:.*}", self._image)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()


def save_secret_settings(profile: Path, tmdb: FakeTMDB, media: FakeServers) -> None:
    """A library, and every secret in the settings store (no keyring here): the TMDB token, the
    Jellyfin key and the Kodi password, with their servers on 127.0.0.1."""
    (profile / "library").mkdir()
    save_settings(
        ProfilePaths.for_profile(profile),
        Settings(
            library_dir=profile / "library",
            tmdb_token=TMDB_V4_TOKEN,
            tmdb_api_url=tmdb.api_url,
            jellyfin_url=media.url,
            jellyfin_api_key=JELLYFIN_KEY,
            kodi_url=media.url,
            kodi_user="kodi",
            kodi_password=KODI_PASSWORD,
        ),
    )


async def run(profile: Path, *argv: str) -> int:
    """One command of the real command line, in this process (its log records are watched)."""
    args = build_parser().parse_args(["--profile", str(profile), *argv])
    paths = ProfilePaths.for_profile(profile)
    try:
        return await run_command(args, paths, load_settings(paths, environ={}))
    except AniworldError as exc:  # what app.main does with it
        logging.getLogger("aniworld_desktop.app").exception("stopped")
        print(f"aniworld-desktop: {exc}", file=sys.stderr)
        return 2


def assert_clean(*texts: str) -> None:
    for text in texts:
        for index, secret in enumerate(WATCHED):
            assert secret not in text, f"secret #{index} in the output"


@pytest.fixture
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """The token lives in the settings store (no keyring on this box), not in the environment."""
    monkeypatch.setattr(credentials, "keyring_backend", lambda: None)
    monkeypatch.delenv("ANIWORLD_TMDB_TOKEN", raising=False)


async def test_a_whole_run_with_every_secret_lets_none_out(
    profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], no_keyring: None
) -> None:
    paths = ProfilePaths.for_profile(profile)
    async with FaultServer(tmp_path / "srv") as server, FakeTMDB() as tmdb, FakeServers() as media:
        feed = serve_series(server, "Harbor Lights")
        save_secret_settings(profile, tmdb, media)
        assert await run(profile, "add", "--monitor", "all", feed) == 0
        assert await run(profile, "run-once") == 0
        assert await run(profile, "tmdb-test") == 0
        # The secrets were really used, each where it belongs, and only there.
        assert tmdb.seen and set(tmdb.seen) == {f"Bearer {TMDB_V4_TOKEN}"}
        assert media.of("/Library/Refresh"), "Jellyfin was not asked to refresh"
        assert any(r.path.endswith("/jsonrpc") for r in media.requests), "Kodi was not asked"
        nfo = profile / "library" / "Harbor Lights" / "tvshow.nfo"
        assert f'<uniqueid type="tmdb" default="true">{SHOW_ID}</uniqueid>' in nfo.read_text()

        # Now every server refuses: the failures are reported, the secrets still stay in.
        tmdb.accept = False
        media.api_key = "another-key-entirely"
        media.kodi_password = "another-password"
        server.add_payload("harbor-lights-3.mp4", 20_000, seed=3)
        server.add_file(
            "harbor-lights.xml",
            (server.root / "harbor-lights.xml")
            .read_bytes()
            .replace(
                b"</channel>",
                b"<item><title>Three</title><guid>harbor-lights-3</guid>"
                b"<itunes:season>1</itunes:season><itunes:episode>3</itunes:episode>"
                + f'<enclosure url="{server.base_url}/media/harbor-lights-3.mp4"'.encode()
                + b' length="20000" type="video/mp4"/></item></channel>',
            ),
        )
        await run(profile, "run-once")
        assert await run(profile, "tmdb-test") != 0
        await run(profile, "metadata")  # from the reply cache or refused: either way, said
    out, err = capsys.readouterr()
    assert "refus" in (out + err).lower() or "401" in out + err or "invalid" in (out + err).lower()
    assert_clean(out, err)
    # What stays on disk is checked by the guard after teardown: every file under tmp_path
    # (database and journal, NFO files, images, downloads) but the settings store, which
    # holds the secrets here because there is no keyring.
    assert TMDB_V4_TOKEN in (paths.config_dir / "settings.json").read_text()


GUARDED_TEST = """
import logging, pytest
from tests.sentinels import TMDB_V4_TOKEN, JELLYFIN_KEY

def test_debug_log(tmp_path):
    logging.getLogger("aniworld_desktop.x").debug("header Bearer %s", TMDB_V4_TOKEN)

def test_exception_logged(tmp_path):
    try:
        raise RuntimeError(f"refused key {JELLYFIN_KEY}")
    except RuntimeError:
        logging.getLogger("aniworld_desktop.x").exception("refresh failed")

def test_file(tmp_path):
    (tmp_path / "library.sqlite3-wal").write_bytes(b"\\0" * 9000 + JELLYFIN_KEY.encode())

def test_settings_store_may_hold_it(tmp_path):
    (tmp_path / "settings.json").write_text(TMDB_V4_TOKEN)

shown = []

def test_label(qtbot):
    from PySide6.QtWidgets import QLabel
    shown.append(QLabel(f"token {TMDB_V4_TOKEN}"))  # kept, as a window keeps its labels
    qtbot.addWidget(shown[-1])

def test_printed():
    print("key", JELLYFIN_KEY)

@pytest.mark.secret_leak_expected
def test_on_purpose(tmp_path):
    logging.getLogger("x").warning("masker test %s", TMDB_V4_TOKEN)

def test_clean(tmp_path):
    logging.getLogger("aniworld_desktop.x").info("nothing secret here")
"""


@pytest.mark.secret_leak_expected  # the inner run prints what it catches
def test_the_guard_fails_a_test_that_lets_a_secret_out(pytester: pytest.Pytester) -> None:
    root = Path(__file__).parents[2]
    pytester.makeconftest(
        f"import sys\nsys.path.insert(0, {str(root)!r})\npytest_plugins = ['tests.secrets_guard']\n"
    )
    pytester.makepyfile(test_guarded=GUARDED_TEST)
    result = pytester.runpytest_subprocess("-v", "-p", "no:randomly", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines_random(
        [
            "*test_guarded.py::test_debug_log FAILED*",
            "*test_guarded.py::test_exception_logged FAILED*",
            "*test_guarded.py::test_file ERROR*",
            "*test_guarded.py::test_settings_store_may_hold_it PASSED*",
            "*test_guarded.py::test_label FAILED*",
            "*test_guarded.py::test_printed FAILED*",
            "*test_guarded.py::test_on_purpose PASSED*",
            "*test_guarded.py::test_clean PASSED*",
        ]
    )
    text = "\n".join(result.outlines)
    assert "secret #0 in log record aniworld_desktop.x:DEBUG" in text
    assert "secret #2 in log record aniworld_desktop.x:ERROR" in text
    assert "secret #2 in file library.sqlite3-wal" in text
    assert "secret #0 in the window (QLabel" in text
    assert "secret #2 in the test's Captured stdout call" in text
    result.assert_outcomes(passed=4, failed=4, errors=1)


@pytest.mark.qt_loop
async def test_the_activity_panel_shows_the_refusals_and_no_secret(
    qtbot: Any, profile: Path, tmp_path: Path, no_keyring: None
) -> None:
    from PySide6.QtCore import Qt

    from aniworld_desktop.ui.activity import ActivityHandler, ActivityPanel

    panel = ActivityPanel()
    qtbot.addWidget(panel)
    panel.show()
    handler = ActivityHandler()  # as the window installs it, on the app's logger
    handler.install()
    panel.model.follow(handler)

    def shown() -> list[str]:
        view = panel.view.model()
        return [
            str(view.index(row, column).data(Qt.ItemDataRole.DisplayRole))
            for row in range(view.rowCount())
            for column in range(view.columnCount())
        ]

    try:
        async with (
            FaultServer(tmp_path / "srv") as server,
            FakeTMDB() as tmdb,
            FakeServers() as media,
        ):
            tmdb.accept = False
            media.api_key = "another-key-entirely"
            media.kodi_password = "another-password"
            save_secret_settings(profile, tmdb, media)
            assert (
                await run(profile, "add", "--monitor", "all", serve_series(server, "Harbor Lights"))
                == 0
            )
            await run(profile, "run-once")
            assert await run(profile, "tmdb-test") != 0
        qtbot.waitUntil(lambda: any("refused the API key" in m for m in shown()), timeout=5000)
        assert any("Kodi" in m and "refused" in m for m in shown())
        assert any("TMDB refused the token" in m for m in shown())
        # The guard walks this panel's rows after the test as well.
    finally:
        handler.close()
