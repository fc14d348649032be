"""TMDB client: series search, details, seasons and the image configuration, as typed results.

This module asks TMDB (credentials, rate limit, retries, the reply cache);
:mod:`~aniworld_desktop.metadata.tmdb_replies` reads the replies into records and
:mod:`~aniworld_desktop.metadata.tmdb_scoring` chooses among search results.

TMDB hands out two kinds of credentials and :class:`TMDBClient` tells them apart by shape:

- a v3 API key is 32 hexadecimal characters; it is sent as the ``api_key`` query parameter;
- a v4 read-access token is a JWT (three base64url parts joined by dots, some 200 characters);
  it is sent as ``Authorization: Bearer``. Anything that is not a v3 key is sent this way, since
  every credential TMDB issues today is such a token.

Neither ever reaches a log line, an exception message, a repr or the reply cache's keys: the
cache key and every message are built from the request's path and public parameters only, and
aiohttp's own exceptions (whose text carries the full URL, ``api_key`` included) are never
chained or logged.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import warnings
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Literal, TypeVar
from urllib.parse import urlencode

import aiohttp
import yarl

from aniworld_desktop import __version__
from aniworld_desktop.config import TMDB_API_URL
from aniworld_desktop.core.secret import Secret
from aniworld_desktop.metadata.errors import (
    MetadataError,
    TMDBAuthError,
    TMDBBadReply,
    TMDBNotFound,
    TMDBRateLimited,
    TMDBUnavailable,
)
from aniworld_desktop.metadata.ratelimit import MAX_BACKOFF, RateLimiter, default_limiter
from aniworld_desktop.metadata.tmdb_replies import (
    ImageConfiguration,
    SeasonDetails,
    TVDetails,
    TVSearchResult,
    decode_reply,
    parse_configuration,
    parse_details,
    parse_search,
    parse_season,
)
from aniworld_desktop.net.errors import TRUST_ERRORS, why
from aniworld_desktop.net.retry import parse_retry_after, retry_delay
from aniworld_desktop.net.session import OwnedSession, client_session, read_capped
from aniworld_desktop.storage.reply_cache import ReplyCache

# TVSearchResult: what search_tv() returns, and what the window's match dialog shows.
__all__ = ["TMDBClient", "TVSearchResult"]

log = logging.getLogger(__name__)

T = TypeVar("T")
AuthKind = Literal["api_key", "bearer"]

_V3_KEY = re.compile(r"^[0-9a-fA-F]{32}$")
# Header-safe: visible ASCII only, so a pasted newline never reaches aiohttp (whose complaint
# would quote the header, token and all).
_SENDABLE = re.compile(r"^[\x21-\x7e]+$")
# A details reply with credits and images is a few hundred KiB; far more is not TMDB.
_MAX_BODY = 16 << 20
_DETAILS_APPENDS = "external_ids,images,credits,content_ratings"


# --- the client -------------------------------------------------------------------------------


def _unreachable(exc: BaseException, timeout: float) -> str:
    """The sentence for a request that got no answer; never aiohttp's text, which quotes the URL,
    api_key and all."""
    if isinstance(exc, TimeoutError):
        reason = f"no answer within {timeout:g} seconds"
    elif isinstance(exc, aiohttp.ClientConnectorCertificateError):
        reason = f"the certificate of {exc.host} is not valid"  # TMDB's host, not a page's
    else:
        reason = why(exc)
    return f"TMDB could not be reached: {reason}."


class TMDBClient(OwnedSession):
    """A client of TMDB's v3 API, rate limited, retried and cached.

    Use it as ``async with TMDBClient(token) as tmdb`` to let it own an aiohttp session, or give
    it a session it will use but never close (NFOService shares one with the ImageDownloader).
    The token goes with each request, never into the session's headers, so a shared session
    does not hand it to image servers.

    Attributes:
        api_url: Base URL of the API, without a trailing slash.
        language: TMDB language tag for titles and plots, such as ``en-US``.
        auth: ``"api_key"`` for a v3 key, ``"bearer"`` for a v4 read-access token.
    """

    def __init__(
        self,
        token: str,
        *,
        api_url: str = TMDB_API_URL,
        language: str = "en-US",
        session: aiohttp.ClientSession | None = None,
        limiter: RateLimiter | None = None,
        cache: ReplyCache | None = None,
        max_retries: int = 4,
        timeout: float = 20,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        """Configure the client; no request is made yet.

        Args:
            token: A v4 read-access token or a v3 API key (see the module's docstring).
            api_url: http(s) base URL of the API.
            language: TMDB language tag for texts; its first part also picks images.
            session: A session to borrow; without one the client makes its own on entering.
            limiter: Request rate shared with other clients; default: the process-wide one.
            cache: Where replies are kept between runs; None fetches every time.
            max_retries: Retries of a 429, 5xx or network failure before giving up.
            timeout: Seconds one request may take in all.
            sleep: Async sleep between retries of a 5xx; injectable for tests.
            jitter: Random numbers in [0, 1) that spread the backoff; injectable for tests.

        Raises:
            MetadataError: ``api_url`` is not an http or https URL.
        """
        url = yarl.URL(api_url.strip().rstrip("/"))
        if url.scheme not in ("http", "https") or not url.host:
            raise MetadataError("The TMDB API URL must be an http or https address.")
        if max_retries < 0:
            raise ValueError("max_retries must not be negative")
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self.api_url = str(url)
        self.language = language.strip() or "en-US"
        super().__init__(session)
        self._token = Secret(token.strip())
        self.auth: AuthKind = "api_key" if _V3_KEY.match(self._token.value) else "bearer"
        self._limiter = limiter if limiter is not None else default_limiter()
        self._cache = cache
        self._max_retries = max_retries
        self._timeout = timeout
        self._sleep = sleep
        self._jitter = jitter
        self._configuration: ImageConfiguration | None = None

    def __repr__(self) -> str:
        return (
            f"TMDBClient(api_url={self.api_url!r}, auth={self.auth!r}, language={self.language!r})"
        )

    def __del__(self) -> None:
        # getattr: __init__ may have failed before the attributes existed.
        session = getattr(self, "_session", None)
        if getattr(self, "_owns_session", False) and session is not None and not session.closed:
            message = (
                "TMDBClient was garbage collected with its HTTP session still open; "
                "use 'async with TMDBClient(...)' or await close()"
            )
            warnings.warn(message, ResourceWarning, stacklevel=2, source=self)
            log.warning(message)

    def _new_session(self) -> aiohttp.ClientSession:
        return client_session(
            headers={"Accept": "application/json", "User-Agent": f"aniworld-desktop/{__version__}"},
            timeout=aiohttp.ClientTimeout(total=self._timeout),
        )

    # --- calls --------------------------------------------------------------------------------

    async def configuration(self) -> ImageConfiguration:
        """Where images live and in which sizes; fetched once per client and cached."""
        if self._configuration is None:
            self._configuration = await self._get(
                "/configuration", {}, parse_configuration, what="the image configuration"
            )
        return self._configuration

    async def search_tv(self, query: str, year: int | None = None) -> list[TVSearchResult]:
        """Series whose title matches ``query``, most relevant first (TMDB's first page).

        Args:
            query: A title.
            year: The year the series first aired, to narrow the search.
        """
        params = {"query": query, "include_adult": "false", "language": self.language, "page": "1"}
        if year is not None:
            params["first_air_date_year"] = str(year)
        return await self._get("/search/tv", params, parse_search, what="search results")

    async def tv_details(self, tmdb_id: int) -> TVDetails:
        """A series' details with external ids, images, cast and content ratings.

        Raises:
            TMDBNotFound: TMDB has no series ``tmdb_id``.
        """
        prefix = self.language.partition("-")[0]
        image_languages = f"{prefix},null" if prefix == "en" else f"{prefix},en,null"
        params = {
            "language": self.language,
            "append_to_response": _DETAILS_APPENDS,
            "include_image_language": image_languages,
        }
        return await self._get(
            f"/tv/{int(tmdb_id)}",
            params,
            lambda data: parse_details(data, int(tmdb_id), self.language),
            what=f"series {int(tmdb_id)}",
        )

    async def season(self, tmdb_id: int, season_number: int) -> SeasonDetails:
        """One season of a series with its episodes.

        Raises:
            TMDBNotFound: TMDB has no such series or season.
        """
        series, number = int(tmdb_id), int(season_number)
        return await self._get(
            f"/tv/{series}/season/{number}",
            {"language": self.language},
            lambda data: parse_season(data, series, number),
            what=f"season {number} of series {series}",
        )

    async def test_connection(self) -> str:
        """Ask TMDB whether it accepts the token, bypassing the cache.

        Returns:
            A sentence saying that it works.

        Raises:
            TMDBAuthError: The token is missing or refused.
            MetadataError: TMDB could not be asked (network, server trouble).
        """
        what = "the token check"
        try:
            await self._get("/authentication", {}, lambda data: data, what=what, cached=False)
        except TMDBNotFound:
            # A TMDB look-alike (a proxy, a test server) may lack this endpoint.
            await self._get("/configuration", {}, parse_configuration, what=what, cached=False)
        kind = "API key" if self.auth == "api_key" else "read-access token"
        return f"TMDB accepted the {kind}; metadata can be fetched from {self.api_url}."

    # --- plumbing -----------------------------------------------------------------------------

    def _cache_key(self, path: str, params: Mapping[str, str]) -> str:
        # Public parameters only: the credentials are added later, in _fetch.
        query = urlencode(sorted(params.items()))
        return f"GET {self.api_url}{path}" + (f"?{query}" if query else "")

    async def _get(
        self,
        path: str,
        params: Mapping[str, str],
        parse: Callable[[Any], T],
        *,
        what: str,
        cached: bool = True,
    ) -> T:
        cache = self._cache if cached else None
        key = self._cache_key(path, params)
        if cache is not None:
            body = await cache.get(key)
            if body is not None:
                try:
                    return parse(decode_reply(body, what))
                except TMDBBadReply:
                    log.info("cached %s unreadable, fetching it again", what)
        body = await self._fetch(path, params, what)
        result = parse(decode_reply(body, what))
        # Stored only once it parsed: a bad reply must not outlive this call.
        if cache is not None:
            await cache.put(key, body)
        return result

    def _credentials(self) -> tuple[dict[str, str], dict[str, str]]:
        token = self._token.value
        if not token:
            raise TMDBAuthError(
                "No TMDB token is set: add a TMDB read-access token or API key in the settings."
            )
        if not _SENDABLE.match(token):
            raise TMDBAuthError(
                "The TMDB token contains spaces or unusual characters; paste it again."
            )
        if self.auth == "api_key":
            return {"api_key": token}, {}
        return {}, {"Authorization": f"Bearer {token}"}

    async def _fetch(self, path: str, params: Mapping[str, str], what: str) -> str:
        """GET ``path`` and return the body of its 200 reply, retrying what is worth it."""
        extra_params, headers = self._credentials()
        query = {**params, **extra_params}
        url = self.api_url + path
        recreated = False
        attempt = 0
        while True:
            session = self._session
            if session is None:
                raise RuntimeError("TMDBClient is used outside 'async with' or after close()")
            await self._limiter.acquire()
            log.debug("GET %s %s", path, dict(params))
            failure: MetadataError
            retry_after: float | None = None
            try:
                async with session.get(
                    url,
                    params=query,
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=self._timeout),
                    # TMDB's API never redirects; following one could carry the key elsewhere.
                    allow_redirects=False,
                ) as response:
                    status = response.status
                    if status == 200:
                        return await _read_text(response, what)
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
            except RuntimeError as exc:
                if not session.closed:
                    raise
                if not self._owns_session:
                    raise TMDBUnavailable(
                        "The HTTP session TMDBClient was given has been closed."
                    ) from None
                if recreated:
                    raise TMDBUnavailable("TMDB's HTTP session keeps closing.") from None
                recreated = True
                if self._session is session:
                    # The seed project's rule: a closed connector is a bug somewhere, so say so
                    # loudly (with the traceback), then carry on with a fresh session.
                    log.warning(
                        "TMDB session was closed underneath the client; opening a new one",
                        exc_info=exc,
                    )
                    self._session = self._new_session()
                    await session.close()
                continue
            except TRUST_ERRORS as exc:
                # Asking again will not make the certificate valid (or the trusted one return).
                raise TMDBUnavailable(_unreachable(exc, self._timeout)) from None
            except (aiohttp.ClientError, TimeoutError) as exc:
                status = 0
                failure = TMDBUnavailable(_unreachable(exc, self._timeout))
            if status == 401:
                raise TMDBAuthError(
                    "TMDB refused the token (HTTP 401): check the TMDB read-access token or API "
                    "key in the settings."
                )
            if status == 404:
                raise TMDBNotFound(f"TMDB has no {what} (HTTP 404).")
            if status == 429:
                failure = TMDBRateLimited(
                    f"TMDB kept answering 'too many requests' for {what}.", retry_after=retry_after
                )
            elif status >= 500:
                failure = TMDBUnavailable(f"TMDB is having trouble (HTTP {status}) with {what}.")
            elif status != 0:
                raise MetadataError(f"TMDB refused the request for {what} (HTTP {status}).")
            attempt += 1
            delay = retry_delay(
                attempt, base=0.5, jitter=self._jitter(), retry_after=retry_after, cap=MAX_BACKOFF
            )
            if status == 429:
                # Everyone sharing the limiter pauses, even when this call gives up now; a
                # retry's acquire() below waits with them.
                self._limiter.on_rate_limited(delay)
            if attempt > self._max_retries:
                raise failure
            log.info("%s Retry %d of %d in %.1f s.", failure, attempt, self._max_retries, delay)
            if status != 429:
                await self._sleep(delay)


async def _read_text(response: aiohttp.ClientResponse, what: str) -> str:
    body = await read_capped(
        response,
        _MAX_BODY,
        lambda: TMDBBadReply(f"TMDB sent {what} larger than {_MAX_BODY >> 20} MiB."),
    )
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise TMDBBadReply(f"TMDB sent {what} that is not UTF-8 text.") from None
