"""The services' sentences in the German window (ui/service_texts.py).

Real failures are made (downloads against the fault server, a feed that is gone, a library
that is not there, the scheduler's skip reasons, the download service's log lines), then
rendered as the window renders them: in English each comes back unchanged, in German none
keeps an English phrase of the catalogue. And every template of the catalogue still occurs in
the services' code, so a changed sentence cannot leave a dead entry behind.
"""

from __future__ import annotations

import ast
import asyncio
import itertools
import logging
import re
import socket
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from aniworld_desktop.config import Settings
from aniworld_desktop.core.errors import AniworldError
from aniworld_desktop.core.events import EventBus
from aniworld_desktop.core.models import SkipReason
from aniworld_desktop.downloads.engine import DownloadEngine, DownloadRequest
from aniworld_desktop.downloads.errors import DownloadError
from aniworld_desktop.downloads.service import DownloadService
from aniworld_desktop.library.service import queue_request
from aniworld_desktop.library.tmdb_matching import SeriesMatcher, claim_conflicts
from aniworld_desktop.metadata.tmdb import TMDBClient
from aniworld_desktop.net.session import client_session
from aniworld_desktop.providers.feed import FeedProvider
from aniworld_desktop.services import open_services
from aniworld_desktop.storage.catalog import CatalogRepository, NewEpisode
from aniworld_desktop.storage.database import open_database
from aniworld_desktop.storage.repositories import SqlQueueRepository
from aniworld_desktop.ui import translation
from aniworld_desktop.ui.activity import ActivityModel, Column
from aniworld_desktop.ui.service_texts import (
    CLAUSES,
    LOG_TEMPLATES,
    SENTENCES,
    log_text,
    service_text,
    skip_reason_text,
)
from tests.fake_tmdb import FakeShow, FakeTMDB
from tests.fault_server import FaultServer

PACKAGE = Path(__file__).resolve().parents[2] / "aniworld_desktop"
_FIELD = re.compile(r"\{\w+\}")


def english_phrases() -> set[str]:
    """Every run of two or more words of the catalogue's English, lower-cased."""
    phrases: set[str] = set()
    for template in (*SENTENCES, *CLAUSES, *LOG_TEMPLATES):
        for fragment in re.split(r"\{\w+\}|%s|%d", template):
            words = re.findall(r"[A-Za-z']{2,}", fragment)
            for start in range(len(words) - 1):
                phrases.add(f"{words[start]} {words[start + 1]}".lower())
    return phrases


def english_left(text: str) -> list[str]:
    # The server's own words are data, quoted as they came ("HTTP 429 Too Many Requests").
    text = re.sub(r"HTTP \d{3}[^)]*", " ", text)
    words = re.findall(r"[A-Za-z']{2,}", text)
    pairs = {f"{a} {b}".lower() for a, b in itertools.pairwise(words)}
    return sorted(pairs & english_phrases())


@pytest.fixture
def german(qapp: Any) -> Iterator[None]:
    installed = translation.install("de")
    assert installed.language == "de"
    try:
        yield
    finally:
        installed.remove()


def refused_port() -> int:
    """A port nothing listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def download_failures(tmp_path: Path) -> list[str]:
    """What the engine says about each kind of failure, from a real server."""
    faults = [
        {"fault": "status", "code": 404},
        {"fault": "status", "code": 410},
        {"fault": "status", "code": 403},
        {"fault": "status", "code": 500},
        {"fault": "retry_after", "code": 503, "seconds": 30},
        {"fault": "retry_after", "code": 429, "seconds": 7},
        {"fault": "html"},
        {"fault": "short", "after": 1000},
        {"fault": "stall", "after": 1000, "seconds": 5},
    ]
    said = []
    async with (
        FaultServer(tmp_path / "srv") as server,
        DownloadEngine(stall_timeout=0.3) as engine,
    ):
        server.add_payload("ep.mkv", 50_000)
        urls = [server.url("ep.mkv", **query) for query in faults]
        urls.append(f"http://127.0.0.1:{refused_port()}/ep.mkv")
        for n, url in enumerate(urls):
            request = DownloadRequest(url, tmp_path / "library" / f"{n}.mkv")
            with pytest.raises(DownloadError) as caught:
                await engine.download(request)
            said.append(caught.value.message)
    return said


async def refresh_failures(tmp_path: Path) -> list[str]:
    said = []
    async with FaultServer(tmp_path / "feeds") as server, client_session() as session:
        provider = FeedProvider()
        for url in (
            server.url("gone.xml", fault="status", code=404),
            f"http://127.0.0.1:{refused_port()}/feed.xml",
        ):
            with pytest.raises(AniworldError) as caught:
                await provider.fetch(url, session)
            said.append(str(caught.value))
    return said


async def scan_failure(paths: Any, tmp_path: Path) -> str:
    settings = Settings(library_dir=tmp_path / "unmounted-share", min_free_disk=0)
    async with open_services(paths, settings, run_downloads=False) as services:
        with pytest.raises(AniworldError) as caught:
            await services.library.scan()
    return str(caught.value)


async def download_log(database: Any, tmp_path: Path) -> list[logging.LogRecord]:
    """The lines the download service logs for a download that finishes and one that fails,
    after a retry."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    keep = Keep(logging.INFO)
    logger = logging.getLogger("aniworld_desktop.downloads.service")
    logger.addHandler(keep)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        async with (
            FaultServer(tmp_path / "media") as server,
            DownloadEngine(stall_timeout=0.5) as engine,
        ):
            server.add_payload("good.mkv", 40_000)
            service = DownloadService(
                SqlQueueRepository(database),
                EventBus(),
                engine,
                tmp_path / "library",
                max_retries=1,
                retry_base_delay=0.01,
            )
            await service.start()
            try:
                catalog = CatalogRepository(database)
                series = await catalog.ensure_series(
                    "Harbor Lights", "direct", "direct:hl", "Harbor Lights"
                )
                episodes = await catalog.upsert_episodes(
                    series.id,
                    [
                        NewEpisode(1, 1, "Fog", server.url("good.mkv")),
                        NewEpisode(1, 2, "Tide", server.url("good.mkv", fault="status",
                                                            code=500, times=5)),
                    ],
                )  # fmt: skip
                await service.add_to_queue(queue_request(series, e) for e in episodes)
                service.start_workers()
                await asyncio.wait_for(service.wait_idle(), 30)
            finally:
                await service.stop()
    finally:
        logger.removeHandler(keep)
        logger.setLevel(old_level)
    return [r for r in records if r.msg in LOG_TEMPLATES]


@pytest.mark.qt_loop
async def test_service_sentences_read_german_in_the_german_window(
    paths: Any, database: Any, tmp_path: Path, german: None
) -> None:
    sentences = await download_failures(tmp_path)
    sentences += await refresh_failures(tmp_path)
    sentences.append(await scan_failure(paths, tmp_path))
    assert len(sentences) == 13
    problems = []
    for english in sentences:
        shown = service_text(english)
        left = english_left(shown)
        if shown == english or left:
            problems.append(f"{english!r}\n  -> {shown!r} {left}")
    assert not problems, "English in the German window:\n" + "\n".join(problems)

    reasons = [skip_reason_text(reason) for reason in SkipReason]
    assert reasons == ["der letzte Lauf ist noch zu kurz her", "ein Lauf ist noch im Gange"]

    records = await download_log(database, tmp_path)
    templates = {record.msg for record in records}
    assert {"Downloading %s %s.", "Finished %s %s (%s).", "%s %s failed: %s", "%s %s: %s"} <= (
        templates
    )
    model = ActivityModel()
    model.append(records)
    lines = [model.index(row, Column.MESSAGE).data() for row in range(model.rowCount())]
    sources = {model.index(row, Column.SOURCE).data() for row in range(model.rowCount())}
    assert sources == {"Downloads"}  # the same word in German; not "downloads.service"
    for line in lines:
        assert not english_left(line), line
    assert any(line.startswith("Lade Harbor Lights S01E01") for line in lines), lines
    assert any("Harbor Lights S01E02 ist fehlgeschlagen" in line for line in lines), lines


@pytest.mark.qt_loop
async def test_in_english_every_sentence_comes_back_as_it_was(
    paths: Any, database: Any, tmp_path: Path
) -> None:
    sentences = await download_failures(tmp_path)
    sentences += await refresh_failures(tmp_path)
    sentences.append(await scan_failure(paths, tmp_path))
    for english in sentences:
        assert service_text(english) == english
    assert service_text("A sentence no service says.") == "A sentence no service says."
    assert log_text("download %d crashed", (3,)) is None  # not in words: shown as logged


def test_a_stored_sentence_of_an_earlier_run_is_translated_too(german: None) -> None:
    stored = (
        "nas.local had a problem (HTTP 503 Service Unavailable); it may work again later. "
        "It asked us to wait 30 seconds. Retrying in 8 s (attempt 1 of 3)."
    )
    shown = service_text(stored)
    assert "nas.local" in shown and "HTTP 503 Service Unavailable" in shown  # data stays
    assert "30" in shown and "8" in shown and "1" in shown and "3" in shown
    assert not english_left(shown), shown
    clause = service_text("The connection was refused.")
    assert clause[:1].isupper() and clause.endswith(".") and not english_left(clause)


def string_literals() -> list[str]:
    """Every string literal of the services (f-strings with ``{}`` for their values)."""
    texts: list[str] = []
    for path in PACKAGE.rglob("*.py"):
        if "ui" in path.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                texts.append(node.value)
            elif isinstance(node, ast.JoinedStr):
                texts.append(
                    "".join(
                        part.value if isinstance(part, ast.Constant) else "{}"
                        for part in node.values
                    )
                )
    return texts


def test_every_template_still_occurs_in_the_services() -> None:
    literals = string_literals()
    joined = "\n".join(literals)
    missing = []
    for template in (*SENTENCES, *CLAUSES):
        # Each literal piece between the fields and the parts a service joins (explain() makes
        # "what: why.", a scan failure "where (question); what happened."), looked for one by one.
        pieces = re.split(r"\{\w+\}|[;()]|: ", template)
        wanted = [piece.strip(" :;.") for piece in pieces if len(piece.split()) >= 2]
        if not all(piece in joined for piece in wanted):
            missing.append(template)
    for template in LOG_TEMPLATES:
        if template not in literals:
            missing.append(template)
    assert not missing, "templates no service writes any more:\n" + "\n".join(missing)


async def test_the_import_views_match_sentences_read_german(german: None, tmp_path: Path) -> None:
    """The notes the matcher writes on the import view's rows (unknown title, a guess to confirm,
    a TMDB outage, two folders claiming one series), as it writes them, come out in German."""
    shows = {
        "Harbor Lights": FakeShow(4242, 2024),
        "Twin Peaks 1990": FakeShow(1920, 1990, name="Twin Peaks"),
        "Twin Peaks 2017": FakeShow(1921, 2017, name="Twin Peaks"),
    }
    engine = await open_database(tmp_path / "db.sqlite")
    matcher = SeriesMatcher(CatalogRepository(engine), library_dir=tmp_path, today=date.today)
    try:
        async with FakeTMDB(shows) as fake:
            tmdb = TMDBClient("token", api_url=fake.api_url, max_retries=0, sleep=no_sleep)
            async with tmdb:
                unknown = await matcher.find(tmdb, "Nothing Like It", "Nothing Like It", 1999)
                guess = await matcher.find(tmdb, "Twin Peaks", "Twin Peaks", None)
                fake.fail_next(5, status=503)
                outage = await matcher.find(tmdb, "Quiet Creek", "Quiet Creek", 2020)
    finally:
        await engine.dispose()
    claimed = claim_conflicts([("Harbor Lights (2024)", 4242), ("Harbor Lights", 4242)])
    notes = [unknown.note, guess.note, outage.note, *claimed.values()]
    assert all(notes) and len(notes) == 5, notes
    for note in notes:
        shown = service_text(note)
        assert shown != note and not english_left(shown), (note, shown)
    assert "Nothing Like It" in service_text(unknown.note)  # the title is data: it stays
    assert "4242" in service_text(claimed["Harbor Lights"])


async def no_sleep(seconds: float) -> None:
    """TMDB's retry pause, skipped: the test's outage is over when it says so."""


async def test_what_tmdb_was_asked_for_is_said_in_german(german: None) -> None:
    """TMDB's trouble sentences name what was asked for ("search results"); that part is
    translated too, in the case the German sentence needs."""
    from aniworld_desktop.metadata.errors import MetadataError

    async with FakeTMDB({"Harbor Lights": FakeShow(4242, 2024)}) as fake:
        tmdb = TMDBClient("token", api_url=fake.api_url, max_retries=0, sleep=no_sleep)
        async with tmdb:
            asks = {
                "den Suchergebnissen": lambda: tmdb.search_tv("Harbor Lights"),
                "Serie 4242": lambda: tmdb.tv_details(4242),
                "Staffel 2 der Serie 4242": lambda: tmdb.season(4242, 2),
                "der Bildkonfiguration": tmdb.configuration,
                "der Token-Prüfung": tmdb.test_connection,
            }
            for german_what, ask in asks.items():
                fake.fail_next(5, status=503)
                with pytest.raises(MetadataError) as caught:
                    await ask()
                # As the TMDB dialog shows it, and as a match note of the import view does.
                note = f"{str(caught.value).rstrip('.')}; will retry at the next run."
                for said in (str(caught.value), note):
                    shown = service_text(said)
                    assert shown.startswith(f"TMDB hat Probleme (HTTP 503) mit {german_what}")
                    assert not english_left(shown), shown
