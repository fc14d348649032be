"""TMDBClient against aioresponses: typed results, retries, errors, secrecy and session ownership."""

from __future__ import annotations

import gc
import logging
import traceback
from datetime import date, timedelta

import aiohttp
import pytest

from aniworld_desktop.metadata.errors import (
    MetadataError,
    TMDBAuthError,
    TMDBBadReply,
    TMDBNotFound,
    TMDBRateLimited,
    TMDBUnavailable,
)
from aniworld_desktop.metadata.tmdb import TMDBClient
from aniworld_desktop.metadata.tmdb_replies import ImageConfiguration
from aniworld_desktop.storage.reply_cache import SqlReplyCache
from tests.unit.metadata.conftest import (
    API,
    V3_KEY,
    V4_TOKEN,
    endpoint,
    fixture_json,
    fixture_text,
    request_count,
    sent,
)

# --- results ------------------------------------------------------------------------------------


async def test_search_returns_typed_results_and_sends_title_year_and_language(http, make_client):
    http.get(endpoint("/search/tv"), payload=fixture_json("search_tv.json"))
    async with make_client(language="de-DE") as tmdb:
        results = await tmdb.search_tv("Attack on Titan", year=2013)

    # The third result has no id and is dropped.
    assert [r.id for r in results] == [1429, 64196]
    first = results[0]
    assert first.name == "Attack on Titan"
    assert first.original_name == "進撃の巨人"
    assert first.first_air_date == date(2013, 4, 7)
    assert first.year == 2013
    assert first.origin_country == ("JP",)
    assert first.poster_path == "/hTP1DtLGFamjfu8WqjnuQdP1n4i.jpg"
    assert results[1].poster_path == ""
    [(_, kwargs)] = sent(http)
    assert kwargs["params"]["query"] == "Attack on Titan"
    assert kwargs["params"]["first_air_date_year"] == "2013"
    assert kwargs["params"]["language"] == "de-DE"


async def test_details_hold_what_the_nfo_needs(http, make_client):
    http.get(endpoint("/tv/1429"), payload=fixture_json("tv_details.json"))
    async with make_client() as tmdb:
        show = await tmdb.tv_details(1429)

    assert (show.id, show.name, show.original_name) == (1429, "Attack on Titan", "進撃の巨人")
    assert show.overview.startswith("Several hundred years ago")
    assert (show.first_air_date, show.year, show.status) == (date(2013, 4, 7), 2013, "Ended")
    assert show.genres == ("Animation", "Sci-Fi & Fantasy")
    assert show.networks == ("NHK", "MBS")
    assert show.studios == ("Wit Studio", "MAPPA")
    assert show.origin_country == ("JP",)
    assert (show.episode_run_time, show.runtime) == ((24, 25), 24)
    assert (show.vote_average, show.vote_count) == (8.7, 6789)
    assert (show.imdb_id, show.tvdb_id) == ("tt2560140", 267440)
    assert show.content_rating == "TV-MA"
    # Cast in billing order, whatever order the reply had.
    assert [(c.name, c.character, c.profile_path) for c in show.cast] == [
        ("Yuki Kaji", "Eren Yeager", "/eren.jpg"),
        ("Yui Ishikawa", "Mikasa Ackerman", "/mikasa.jpg"),
        ("Marina Inoue", "Armin Arlert", ""),
    ]
    assert show.poster_path == "/hTP1DtLGFamjfu8WqjnuQdP1n4i.jpg"
    assert show.backdrop_path == "/rqbCbjB19amtOtFQbb3K2lgm2zv.jpg"
    # Our language beats a better-voted logo without language; the best-voted English one wins.
    assert show.logo_path == "/logo-en.png"
    assert [(s.season_number, s.poster_path, s.episode_count) for s in show.seasons] == [
        (0, "/specials.jpg", 4),
        (1, "/season1.jpg", 25),
        (2, "", 12),
    ]
    [(_, kwargs)] = sent(http)
    params = kwargs["params"]
    assert params["append_to_response"] == "external_ids,images,credits,content_ratings"
    assert params["include_image_language"] == "en,null"
    assert params["language"] == "en-US"


async def test_details_in_another_language_ask_for_english_images_too(http, make_client):
    http.get(endpoint("/tv/1429"), payload=fixture_json("tv_details.json"))
    async with make_client(language="de-DE") as tmdb:
        show = await tmdb.tv_details(1429)
    [(_, kwargs)] = sent(http)
    assert kwargs["params"]["include_image_language"] == "de,en,null"
    assert show.content_rating == "16"  # the region of de-DE


async def test_season_lists_its_episodes(http, make_client):
    http.get(endpoint("/tv/1429/season/1"), payload=fixture_json("season.json"))
    async with make_client() as tmdb:
        season = await tmdb.season(1429, 1)

    assert (season.series_id, season.season_number, season.name) == (1429, 1, "Season 1")
    assert season.poster_path == "/season1.jpg"
    assert season.air_date == date(2013, 4, 7)
    first, second = season.episodes  # the one without a number is dropped
    assert (first.season_number, first.episode_number) == (1, 1)
    assert first.name.startswith("To You, in 2000 Years")
    assert (first.air_date, first.still_path, first.runtime) == (
        date(2013, 4, 7),
        "/still1.jpg",
        24,
    )
    assert (first.vote_average, first.vote_count) == (8.4, 51)
    assert (second.overview, second.still_path, second.runtime, second.vote_average) == (
        "",
        "",
        None,
        8.0,
    )


async def test_configuration_is_fetched_once_per_client(http, make_client):
    http.get(endpoint("/configuration"), payload=fixture_json("configuration.json"), repeat=True)
    async with make_client() as tmdb:
        first = await tmdb.configuration()
        again = await tmdb.configuration()

    assert first is again
    assert request_count(http) == 1
    assert first.base_url == "https://image.tmdb.org/t/p/"
    assert first.url("/abc.jpg", "w500") == "https://image.tmdb.org/t/p/w500/abc.jpg"
    assert "w780" in first.poster_sizes
    assert ImageConfiguration.closest_size(first.still_sizes, "w500") == "w300"
    assert ImageConfiguration.closest_size(first.poster_sizes, "w780") == "w780"
    assert ImageConfiguration.closest_size(first.poster_sizes, "original") == "original"
    assert ImageConfiguration.closest_size(("w300",), "w92") == "original"


async def test_missing_fields_become_defaults(http, make_client):
    http.get(endpoint("/tv/1429"), payload=fixture_json("tv_details_missing_fields.json"))
    async with make_client() as tmdb:
        show = await tmdb.tv_details(1429)

    assert show.name == "Attack on Titan"
    assert (show.overview, show.status, show.first_air_date, show.year) == ("", "", None, None)
    assert (show.genres, show.networks, show.episode_run_time, show.runtime) == ((), (), (), None)
    assert (show.imdb_id, show.tvdb_id, show.content_rating) == ("", None, "")
    assert show.cast == ()  # a cast member without a name is no cast member
    assert [s.season_number for s in show.seasons] == [1]
    # Not TMDB image paths: a full URL elsewhere, a path climbing out. Treated as no image.
    assert (show.poster_path, show.logo_path) == ("", "")


async def test_an_empty_object_is_a_series_with_nothing_known(http, make_client):
    http.get(endpoint("/tv/77"), payload={})
    async with make_client() as tmdb:
        show = await tmdb.tv_details(77)
    assert (show.id, show.name, show.seasons) == (77, "", ())


@pytest.mark.parametrize(
    "reply",
    [
        fixture_json("tv_details_wrong_types.json"),
        {"id": 1, "vote_average": "high"},
        {"id": 1, "episode_run_time": ["24"]},
        {"id": 1, "external_ids": {"tvdb_id": "267440"}},
        {"id": 1, "seasons": [{"season_number": 1, "poster_path": 7}]},
        {"id": 1, "credits": {"cast": "everyone"}},
        {"id": True},
        ["not", "an", "object"],
    ],
)
async def test_wrong_types_are_a_bad_reply(http, make_client, reply):
    http.get(endpoint("/tv/1"), payload=reply)
    async with make_client() as tmdb:
        with pytest.raises(TMDBBadReply, match="unexpected reply"):
            await tmdb.tv_details(1)
    assert request_count(http) == 1  # not retried: asking again brings the same reply


async def test_malformed_json_is_a_bad_reply(http, make_client):
    http.get(endpoint("/tv/1429"), body=fixture_text("malformed.json"))
    async with make_client() as tmdb:
        with pytest.raises(TMDBBadReply, match="not valid JSON"):
            await tmdb.tv_details(1429)
    assert request_count(http) == 1


async def test_a_reply_that_is_not_utf8_is_a_bad_reply(http, make_client):
    http.get(endpoint("/tv/1429"), body=b'{"name": "\xff\xfe"}')
    async with make_client() as tmdb:
        with pytest.raises(TMDBBadReply, match="UTF-8"):
            await tmdb.tv_details(1429)


async def test_an_image_base_that_is_not_http_is_a_bad_reply(http, make_client):
    http.get(endpoint("/configuration"), payload={"images": {"secure_base_url": "file:///etc/"}})
    async with make_client() as tmdb:
        with pytest.raises(TMDBBadReply):
            await tmdb.configuration()


# --- errors and retries ---------------------------------------------------------------------------


async def test_a_refused_token_is_one_clear_error_after_one_request(http, make_client, clock):
    http.get(endpoint("/tv/1429"), status=401, payload=fixture_json("error_401.json"), repeat=True)
    async with make_client() as tmdb:
        with pytest.raises(TMDBAuthError, match="TMDB refused the token") as caught:
            await tmdb.tv_details(1429)
    assert request_count(http) == 1
    assert clock.sleeps == []
    assert "settings" in str(caught.value)


async def test_not_found(http, make_client):
    http.get(endpoint("/tv/999999"), status=404, payload=fixture_json("error_404.json"))
    async with make_client() as tmdb:
        with pytest.raises(TMDBNotFound, match="series 999999"):
            await tmdb.tv_details(999999)
    assert request_count(http) == 1


async def test_429_waits_for_retry_after_then_succeeds(http, make_client, clock):
    http.get(endpoint("/tv/1429"), status=429, headers={"Retry-After": "3"})
    http.get(endpoint("/tv/1429"), payload=fixture_json("tv_details.json"))
    async with make_client() as tmdb:
        show = await tmdb.tv_details(1429)
    assert show.name == "Attack on Titan"
    assert clock.sleeps == [pytest.approx(3.0)]
    assert request_count(http) == 2


async def test_429_without_retry_after_backs_off_exponentially(http, make_client, clock):
    for _ in range(3):
        http.get(endpoint("/tv/1429"), status=429)
    http.get(endpoint("/tv/1429"), payload=fixture_json("tv_details.json"))
    async with make_client() as tmdb:
        await tmdb.tv_details(1429)
    # base 0.5 s doubling; with no jitter each delay is the lower half of its slot.
    assert clock.sleeps == pytest.approx([0.25, 0.5, 1.0])


async def test_429_pauses_every_client_sharing_the_limiter(http, make_client, clock):
    http.get(endpoint("/tv/1"), status=429, headers={"Retry-After": "5"})
    http.get(endpoint("/tv/2"), payload={"id": 2})
    async with make_client(max_retries=0) as first, make_client() as second:
        with pytest.raises(TMDBRateLimited):
            await first.tv_details(1)
        assert clock.sleeps == []
        await second.tv_details(2)
    # The other client's request waited out the pause the first one was asked for.
    assert clock.sleeps == [pytest.approx(5.0)]


async def test_429_gives_up_after_max_retries(http, make_client):
    http.get(endpoint("/tv/1429"), status=429, headers={"Retry-After": "1"}, repeat=True)
    async with make_client(max_retries=2) as tmdb:
        with pytest.raises(TMDBRateLimited) as caught:
            await tmdb.tv_details(1429)
    assert request_count(http) == 3
    assert caught.value.retry_after == 1.0


async def test_server_errors_back_off_then_succeed(http, make_client, clock):
    http.get(endpoint("/tv/1429/season/1"), status=503, headers={"Retry-After": "2"})
    http.get(endpoint("/tv/1429/season/1"), status=500)
    http.get(endpoint("/tv/1429/season/1"), payload=fixture_json("season.json"))
    async with make_client() as tmdb:
        season = await tmdb.season(1429, 1)
    assert len(season.episodes) == 2
    assert clock.sleeps == pytest.approx([2.0, 0.5])


async def test_network_errors_back_off_then_succeed(http, make_client, clock):
    http.get(endpoint("/tv/1429"), exception=aiohttp.ServerDisconnectedError())
    http.get(endpoint("/tv/1429"), exception=TimeoutError())
    http.get(endpoint("/tv/1429"), payload={"id": 1429, "name": "Attack on Titan"})
    async with make_client() as tmdb:
        show = await tmdb.tv_details(1429)
    assert show.name == "Attack on Titan"
    assert clock.sleeps == pytest.approx([0.25, 0.5])


async def test_persistent_server_errors_end_unavailable(http, make_client):
    http.get(endpoint("/tv/1429"), status=502, repeat=True)
    async with make_client(max_retries=3) as tmdb:
        with pytest.raises(TMDBUnavailable, match="HTTP 502"):
            await tmdb.tv_details(1429)
    assert request_count(http) == 4


async def test_other_client_errors_are_not_retried(http, make_client):
    http.get(endpoint("/search/tv"), status=422, payload={"errors": ["query must be provided"]})
    async with make_client() as tmdb:
        with pytest.raises(MetadataError, match="HTTP 422"):
            await tmdb.search_tv("")
    assert request_count(http) == 1


async def test_redirects_are_not_followed(http, make_client):
    http.get(endpoint("/tv/1"), status=302, headers={"Location": "http://elsewhere.test/steal"})
    async with make_client() as tmdb:
        with pytest.raises(MetadataError, match="HTTP 302"):
            await tmdb.tv_details(1)
    assert request_count(http) == 1


async def test_no_token_is_an_auth_error_without_a_request(http, make_client):
    async with make_client(token="  ") as tmdb:
        with pytest.raises(TMDBAuthError, match="No TMDB token"):
            await tmdb.search_tv("x")
    assert request_count(http) == 0


async def test_a_token_with_a_line_break_is_refused_before_sending(http, make_client):
    async with make_client(token="abc.def\nX-Evil: 1") as tmdb:
        with pytest.raises(TMDBAuthError, match="unusual characters"):
            await tmdb.search_tv("x")
    assert request_count(http) == 0


@pytest.mark.parametrize("api_url", ["ftp://tmdb.test/3", "file:///etc", "tmdb.test/3", ""])
def test_only_http_and_https_api_urls(api_url):
    with pytest.raises(MetadataError, match="http or https"):
        TMDBClient(V4_TOKEN, api_url=api_url)


async def test_every_request_has_a_timeout(http, make_client):
    http.get(endpoint("/tv/1"), payload={"id": 1})
    async with make_client(timeout=7.5) as tmdb:
        await tmdb.tv_details(1)
        assert tmdb.session is not None
        assert tmdb.session.timeout.total == 7.5
    [(_, kwargs)] = sent(http)
    assert kwargs["timeout"].total == 7.5


async def test_test_connection_says_it_works(http, make_client):
    http.get(endpoint("/authentication"), payload=fixture_json("authentication.json"))
    async with make_client(token=V3_KEY) as tmdb:
        sentence = await tmdb.test_connection()
    assert sentence.startswith("TMDB accepted the API key")


async def test_test_connection_with_a_bad_token(http, make_client):
    http.get(endpoint("/authentication"), status=401, payload=fixture_json("error_401.json"))
    async with make_client() as tmdb:
        with pytest.raises(TMDBAuthError):
            await tmdb.test_connection()


# --- authentication and secrecy -------------------------------------------------------------------


async def test_a_v4_token_goes_as_bearer_header(http, make_client):
    http.get(endpoint("/tv/1"), payload={"id": 1})
    async with make_client(token=V4_TOKEN) as tmdb:
        assert tmdb.auth == "bearer"
        await tmdb.tv_details(1)
    [(sent_url, kwargs)] = sent(http)
    assert kwargs["headers"]["Authorization"] == f"Bearer {V4_TOKEN}"
    assert "api_key" not in kwargs["params"]
    assert "api_key" not in sent_url


async def test_a_v3_key_goes_as_api_key_parameter(http, make_client):
    http.get(endpoint("/tv/1"), payload={"id": 1})
    async with make_client(token=f" {V3_KEY.upper()}\n") as tmdb:
        assert tmdb.auth == "api_key"
        await tmdb.tv_details(1)
    [(sent_url, kwargs)] = sent(http)
    assert kwargs["params"]["api_key"] == V3_KEY.upper()
    assert "Authorization" not in kwargs["headers"]


async def test_an_injected_session_never_carries_the_token_in_its_headers(http, make_client):
    http.get(endpoint("/tv/1"), payload={"id": 1})
    async with aiohttp.ClientSession() as session:
        async with make_client(session=session) as tmdb:
            await tmdb.tv_details(1)
        assert "Authorization" not in session.headers


SENTINEL_V3 = "5e471ee15e471ee15e471ee15e471ee1"
SENTINEL_V4 = "eyJzZW50aW5lbA.eyJzZW50aW5lbC10b2tlbi12NA.c2VudGluZWwtdG9rZW4tc2ln"


def _exception_text(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc)) + repr(exc) + str(getattr(exc, "__dict__", ""))


@pytest.mark.parametrize("token", [SENTINEL_V3, SENTINEL_V4], ids=["v3-key", "v4-token"])
async def test_the_token_never_reaches_a_log_line_or_an_error(http, make_client, caplog, token):
    caplog.set_level(logging.DEBUG)  # every logger, aiohttp's and asyncio's included
    for name in ("aiohttp", "aiohttp.client", "aiohttp.internal", "asyncio"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    # aioresponses' own "connection refused" names the full URL, query and all.
    http.get(endpoint("/tv/1"), exception=aiohttp.ClientConnectionError(f"refused {token}"))
    http.get(endpoint("/tv/1"), status=500)
    http.get(endpoint("/tv/1"), payload={"id": 1})
    http.get(endpoint("/tv/2"), status=401)
    http.get(endpoint("/tv/3"), status=404)
    http.get(endpoint("/tv/4"), body="{not json")
    http.get(endpoint("/tv/5"), status=503, repeat=True)
    # /tv/6 matches nothing: aioresponses refuses it with the URL in the message.
    errors: list[BaseException] = []
    async with make_client(token=token, max_retries=2) as tmdb:
        assert token not in repr(tmdb)
        assert token not in repr(vars(tmdb))
        await tmdb.tv_details(1)
        for series in (2, 3, 4, 5, 6):
            with pytest.raises(MetadataError) as caught:
                await tmdb.tv_details(series)
            errors.append(caught.value)
    assert [type(e) for e in errors] == [
        TMDBAuthError,
        TMDBNotFound,
        TMDBBadReply,
        TMDBUnavailable,
        TMDBUnavailable,
    ]
    for error in errors:
        assert token not in _exception_text(error)
    assert caplog.records, "the client logs its requests at DEBUG"
    assert token not in caplog.text
    for record in caplog.records:
        assert token not in record.getMessage()


@pytest.mark.parametrize("token", [SENTINEL_V3, SENTINEL_V4], ids=["v3-key", "v4-token"])
async def test_the_cache_key_never_holds_the_token(http, make_client, database, token):
    http.get(endpoint("/tv/1"), payload={"id": 1})
    async with make_client(token=token, cache=SqlReplyCache(database, timedelta(days=1))) as tmdb:
        await tmdb.tv_details(1)
    async with database.connect() as connection:
        keys = (await connection.exec_driver_sql("SELECT key FROM http_cache")).scalars().all()
    assert len(keys) == 1
    assert keys[0].startswith(f"GET {API}/tv/1?")
    assert token not in keys[0]
    assert "api_key" not in keys[0]


# --- the reply cache ------------------------------------------------------------------------------


async def test_a_second_identical_call_is_answered_from_the_cache(http, make_client, database):
    http.get(endpoint("/tv/1429"), payload=fixture_json("tv_details.json"), repeat=True)
    http.get(endpoint("/configuration"), payload=fixture_json("configuration.json"), repeat=True)
    cache = SqlReplyCache(database, timedelta(days=7))
    async with make_client(cache=cache) as tmdb:
        first = await tmdb.tv_details(1429)
        await tmdb.configuration()
    assert request_count(http) == 2
    # A re-run: a new client, the same database.
    async with make_client(cache=cache) as tmdb:
        again = await tmdb.tv_details(1429)
        await tmdb.configuration()
    assert request_count(http) == 2
    assert again == first


async def test_the_language_is_part_of_the_cache_key(http, make_client, database):
    http.get(endpoint("/tv/1429"), payload={"id": 1429}, repeat=True)
    cache = SqlReplyCache(database, timedelta(days=7))
    async with make_client(cache=cache) as tmdb:
        await tmdb.tv_details(1429)
    async with make_client(cache=cache, language="de-DE") as tmdb:
        await tmdb.tv_details(1429)
    assert request_count(http) == 2


async def test_a_bad_reply_is_not_cached(http, make_client, database):
    http.get(endpoint("/tv/1"), payload={"id": 1, "genres": "Drama"})
    http.get(endpoint("/tv/1"), payload={"id": 1, "genres": [{"name": "Drama"}]})
    cache = SqlReplyCache(database, timedelta(days=7))
    async with make_client(cache=cache) as tmdb:
        with pytest.raises(TMDBBadReply):
            await tmdb.tv_details(1)
        assert (await tmdb.tv_details(1)).genres == ("Drama",)


async def test_the_connection_test_bypasses_the_cache(http, make_client, database):
    http.get(endpoint("/authentication"), payload=fixture_json("authentication.json"))
    http.get(endpoint("/authentication"), status=401)
    cache = SqlReplyCache(database, timedelta(days=7))
    async with make_client(cache=cache) as tmdb:
        await tmdb.test_connection()
        with pytest.raises(TMDBAuthError):
            await tmdb.test_connection()


# --- sessions and leaks ---------------------------------------------------------------------------


async def test_the_own_session_is_closed_after_an_exception_inside(make_client):
    tmdb = make_client()
    with pytest.raises(ZeroDivisionError):
        async with tmdb:
            session = tmdb.session
            assert session is not None and not session.closed
            1 / 0  # noqa: B018
    assert session.closed
    assert tmdb.session is None


async def test_an_injected_session_is_used_and_never_closed(http, make_client):
    http.get(endpoint("/tv/1"), payload={"id": 1})
    async with aiohttp.ClientSession() as session:
        tmdb = make_client(session=session)
        with pytest.raises(ZeroDivisionError):
            async with tmdb:
                assert tmdb.session is session
                await tmdb.tv_details(1)
                1 / 0  # noqa: B018
        assert not session.closed
        await tmdb.close()
        assert not session.closed
        del tmdb
        gc.collect()  # nor does collecting the client warn: the session is not its own


async def test_use_outside_async_with_is_an_error(make_client):
    with pytest.raises(RuntimeError, match="async with"):
        await make_client().tv_details(1)


async def test_a_leaked_client_warns_and_logs_when_collected(limiter, caplog):
    # Built by hand: the make_client fixture would keep it alive for its own cleanup.
    tmdb = TMDBClient(V4_TOKEN, api_url=API, limiter=limiter)
    await tmdb.__aenter__()
    session = tmdb.session
    assert session is not None
    try:
        # The project turns ResourceWarning into an error; pytest.warns records it instead.
        with pytest.warns(ResourceWarning, match="garbage collected with its HTTP session"):
            del tmdb
            gc.collect()
    finally:
        await session.close()  # the test closes what the leak left, so aiohttp has nothing to say
    leaks = [r for r in caplog.records if "garbage collected" in r.getMessage()]
    assert [r.levelno for r in leaks] == [logging.WARNING]


async def test_a_closed_client_does_not_warn_when_collected(make_client):
    async with make_client() as tmdb:
        pass
    del tmdb
    gc.collect()  # a ResourceWarning here would be an error


async def test_a_closed_connector_is_replaced_with_a_warning_carrying_the_traceback(
    http, make_client, caplog
):
    http.get(endpoint("/configuration"), payload=fixture_json("configuration.json"))
    async with make_client() as tmdb:
        broken = tmdb.session
        assert broken is not None and broken.connector is not None
        await broken.connector.close()
        config = await tmdb.configuration()
        assert tmdb.session is not broken
        assert tmdb.session is not None and not tmdb.session.closed
    assert config.base_url.startswith("https://")
    [record] = [r for r in caplog.records if "closed underneath" in r.getMessage()]
    assert record.levelno == logging.WARNING
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError


async def test_a_closed_injected_session_is_not_replaced(http, make_client):
    session = aiohttp.ClientSession()
    await session.close()
    async with make_client(session=session) as tmdb:
        with pytest.raises(TMDBUnavailable, match="closed"):
            await tmdb.tv_details(1)
        assert tmdb.session is session
