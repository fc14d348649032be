"""Settings and the places the app keeps its files.

Settings are typed and validated. Each one can be set in ``settings.json`` in the profile, and
overridden by an environment variable ``ANIWORLD_<NAME>`` (``ANIWORLD_MAX_DOWNLOADS=5``). An
invalid value is a :class:`ConfigError` whose one line names the setting and says what it expects.
A settings file that cannot be used (broken JSON, wrong types) does not stop the app: it is kept
aside as ``settings.json.corrupt-<time>`` and the app starts with what was valid plus defaults.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import platformdirs

from aniworld_desktop.core.errors import ConfigError
from aniworld_desktop.core.naming import DEFAULT_TEMPLATE, NamingTemplate
from aniworld_desktop.durable import set_aside, write_atomic

if TYPE_CHECKING:
    from aniworld_desktop.net.session import TrustedHosts  # aiohttp: loaded with the services

log = logging.getLogger(__name__)

APP_NAME = "aniworld-desktop"
TMDB_API_URL = "https://api.themoviedb.org/3"
# Never in a log line, a repr or an error message; settings.json holding one is written 0600.
SECRET_SETTINGS = frozenset({"tmdb_token", "jellyfin_api_key", "kodi_password"})
ENV_PREFIX = "ANIWORLD_"

_SIZE = re.compile(r"(?i)^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$")
_SIZE_FACTORS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


@dataclass(frozen=True, slots=True)
class ProfilePaths:
    """Where the database, settings, logs and cache live.

    ``--profile DIR`` puts all of them under DIR; otherwise they follow the platform's user dirs.
    """

    config_dir: Path
    data_dir: Path
    log_dir: Path
    cache_dir: Path
    default_library: Path

    @classmethod
    def for_profile(cls, profile: Path | None) -> ProfilePaths:
        if profile is not None:
            root = profile.expanduser().resolve()
            return cls(root, root, root / "logs", root / "cache", root / "library")
        dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
        return cls(
            Path(dirs.user_config_dir),
            Path(dirs.user_data_dir),
            Path(dirs.user_log_dir),
            Path(dirs.user_cache_dir),
            Path(platformdirs.user_videos_dir()) / "Aniworld Desktop",
        )

    @property
    def database(self) -> Path:
        return self.data_dir / "aniworld.sqlite3"

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"

    def create(self) -> None:
        for path in (self.config_dir, self.data_dir, self.log_dir, self.cache_dir):
            path.mkdir(parents=True, exist_ok=True)


def _parse_int(low: int, high: int) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if isinstance(value, bool):
            raise ValueError
        number = int(str(value).strip()) if not isinstance(value, int) else value
        if not low <= number <= high:
            raise ValueError
        return number

    parse.expects = f"a whole number from {low} to {high}"  # type: ignore[attr-defined]
    parse.bounds = (low, high)  # type: ignore[attr-defined]
    return parse


def _parse_seconds(low: float, high: float) -> Callable[[Any], float]:
    def parse(value: Any) -> float:
        if isinstance(value, bool):
            raise ValueError
        number = float(value)
        if not low <= number <= high:
            raise ValueError
        return number

    parse.expects = f"a number of seconds from {low:g} to {high:g}"  # type: ignore[attr-defined]
    parse.bounds = (low, high)  # type: ignore[attr-defined]  # the settings dialog's minutes
    return parse


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError


_parse_bool.expects = "on or off (true/false, 1/0, yes/no)"  # type: ignore[attr-defined]


def parse_size(value: Any) -> int:
    """Bytes from ``1073741824``, ``"500M"``, ``"1 GiB"`` or ``"2g"``."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        if value < 0:
            raise ValueError
        return value
    match = _SIZE.match(str(value))
    if not match:
        raise ValueError
    return int(float(match.group(1)) * _SIZE_FACTORS[match.group(2).lower()])


parse_size.expects = "a size such as 500M or 2G (0 for none)"  # type: ignore[attr-defined]


def _parse_path(value: Any) -> Path:
    text = str(value).strip()
    if not text:
        raise ValueError
    return Path(text).expanduser()


_parse_path.expects = "a folder path"  # type: ignore[attr-defined]


class _Refused(ValueError):
    """A value refused with a reason worth showing (``int("x")``'s message is not)."""


def _parse_template(value: Any) -> str:
    text = str(value).strip()
    try:
        NamingTemplate(text)
    except ValueError as exc:
        raise _Refused(str(exc)) from None
    return text


_TEMPLATE_EXAMPLE = "{series}/Season {season:02}/{series} S{season:02}E{episode:02}"
_parse_template.expects = f"a naming template such as {_TEMPLATE_EXAMPLE}"  # type: ignore[attr-defined]


def _parse_choice(*choices: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value).strip()
        if text not in choices:
            raise ValueError
        return text

    parse.expects = "one of " + ", ".join(choices)  # type: ignore[attr-defined]
    return parse


def _parse_fraction(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError
    number = float(value)
    if not 0 <= number <= 1:
        raise ValueError
    return number


_parse_fraction.expects = "a number from 0 to 1, such as 0.85"  # type: ignore[attr-defined]


def _parse_text(value: Any) -> str:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ValueError
    return str(value).strip()


_parse_text.expects = "text"  # type: ignore[attr-defined]


def _parse_http_url(value: Any) -> str:
    text = str(value).strip().rstrip("/")
    if not re.match(r"^https?://[^/\s]+", text):
        raise ValueError
    return text


_parse_http_url.expects = "an http or https URL"  # type: ignore[attr-defined]


def parse_server_url(value: Any) -> str:
    """A media server's address: an http(s) URL without credentials or query, or "" for none.

    The media server clients check their URL with this too, so the settings and the clients
    accept the same addresses.

    Raises:
        ValueError: Not such a URL (its message, when it has one, says why).
    """
    text = str(value).strip()
    if not text:
        return ""
    url = _parse_http_url(text)
    parts = urlsplit(url)
    if "@" in parts.netloc:
        # Credentials in a URL end up in every log line and error message that names it.
        raise _Refused("put the user name and password in their own fields")
    if parts.query or parts.fragment or not parts.hostname:
        raise ValueError
    parts.port  # noqa: B018 (raises ValueError on a port that is not a number from 0 to 65535)
    return url


parse_server_url.expects = "an http or https URL such as http://nas:8096 (or nothing)"  # type: ignore[attr-defined]


def header_safe(text: str) -> bool:
    """True when ``text`` can go into an HTTP header as a token, quoted or not.

    Visible ASCII without quotes, commas or backslashes: a stray space or line break would
    break the header (and aiohttp's complaint would quote it, secret and all), and a quote or
    comma would end a ``MediaBrowser Token="..."`` parameter early.
    """
    return text.isascii() and text.isprintable() and not any(c in text for c in ' ",\\')


def _parse_api_key(value: Any) -> str:
    text = _parse_text(value)
    if not header_safe(text):
        raise ValueError
    return text


_parse_api_key.expects = "an API key (letters and digits, no spaces)"  # type: ignore[attr-defined]


def _parse_trusted_servers(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError
    from aniworld_desktop.net.session import TrustedHosts

    try:
        return TrustedHosts.parse(value).to_text()
    except ValueError as exc:  # it names the entry that is wrong, and how
        raise _Refused(str(exc)) from None


_parse_trusted_servers.expects = (  # type: ignore[attr-defined]
    "lines of 'host:port fingerprint' (the certificate's SHA-256, 64 hex digits)"
)


def _parse_user(value: Any) -> str:
    text = _parse_text(value)
    if ":" in text or not text.isprintable():  # HTTP basic auth cannot carry a ':' in the user
        raise ValueError
    return text


_parse_user.expects = "a user name without ':'"  # type: ignore[attr-defined]


def _parse_password(value: Any) -> str:
    # Not stripped: a password may begin or end with a space.
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ValueError
    text = str(value)
    if any(c in text for c in "\r\n\0"):
        raise ValueError
    return text


_parse_password.expects = "a password on one line"  # type: ignore[attr-defined]


def _shown(value: Any) -> str:
    """``repr(value)``, with any ``user:password@`` of a URL replaced by ``***@``."""
    return re.sub(r"//[^/]*@", "//***@", repr(value))


ARTWORK_KINDS = ("poster", "fanart", "logo", "season", "thumb")


def _parse_artwork(value: Any) -> str:
    kinds = [k.strip() for k in str(value).split(",") if k.strip()]
    if any(k not in ARTWORK_KINDS for k in kinds):
        raise ValueError
    return ",".join(k for k in ARTWORK_KINDS if k in kinds)


_parse_artwork.expects = "a comma list of " + ", ".join(ARTWORK_KINDS) + " (or empty)"  # type: ignore[attr-defined]


# The film list of the public broadcasters (providers/mediathek), as MediathekView publishes it.
MEDIATHEK_FULL_LIST_URL = "https://liste.mediathekview.de/Filmliste-akt.xz"
MEDIATHEK_DIFF_LIST_URL = "https://liste.mediathekview.de/Filmliste-diff.xz"
MEDIATHEK_QUALITIES = ("hd", "sd", "small")
MEDIATHEK_VERSIONS = ("standard", "sign-language", "audio-description")


def _parse_versions(value: Any) -> str:
    names = [part.strip().lower() for part in str(value).split(",") if part.strip()]
    if (
        not names
        or len(set(names)) != len(names)
        or any(n not in MEDIATHEK_VERSIONS for n in names)
    ):
        raise ValueError
    return ",".join(names)


_parse_versions.expects = (  # type: ignore[attr-defined]
    "a comma list of " + ", ".join(MEDIATHEK_VERSIONS) + ", the preferred first"
)


def _setting(default: Any, parse: Callable[[Any], Any], help: str) -> Any:
    return field(default=default, metadata={"parse": parse, "help": help})


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a user can set. Defaults are what a new user gets."""

    library_dir: Path | None = _setting(None, _parse_path, "folder that holds the series")
    max_downloads: int = _setting(3, _parse_int(1, 32), "downloads running at once")
    max_downloads_per_host: int = _setting(2, _parse_int(1, 32), "downloads from one server")
    max_retries: int = _setting(3, _parse_int(0, 20), "retries of a transient failure")
    retry_base_delay: float = _setting(2.0, _parse_seconds(0, 3600), "first retry delay")
    stall_timeout: float = _setting(30.0, _parse_seconds(1, 3600), "give up a silent attempt")
    # A server that drips (curl's --speed-limit/--speed-time): below min_speed bytes a second
    # over min_speed_time seconds an attempt is given up and retried later, like a stall.
    min_speed: int = _setting(1024, parse_size, "lowest speed of a download (0: no lowest)")
    min_speed_time: float = _setting(
        60.0, _parse_seconds(1, 3600), "seconds a download may stay below the lowest speed"
    )
    min_free_disk: int = _setting(512 << 20, parse_size, "free space to keep on the disk")
    speed_limit: int = _setting(0, parse_size, "bytes per second for all downloads (0: none)")
    naming_template: str = _setting(DEFAULT_TEMPLATE, _parse_template, "where episodes are saved")
    # A TMDB v4 read-access token or v3 API key. A secret: kept in the platform keyring when one
    # exists, never in a log line or an error message (see metadata.credentials).
    tmdb_token: str = _setting("", _parse_text, "TMDB read-access token or API key")
    tmdb_api_url: str = _setting(TMDB_API_URL, _parse_http_url, "TMDB API base URL")
    metadata_language: str = _setting("en-US", _parse_text, "language of titles and plots")
    artwork_size: str = _setting("w500", _parse_choice("w500", "w780", "original"), "image size")
    artwork: str = _setting(",".join(ARTWORK_KINDS), _parse_artwork, "images to write")
    # A TMDB match found by a search is used at this confidence or above; below, the series
    # waits for the user to confirm it (library.tmdb_matching).
    match_threshold: float = _setting(0.85, _parse_fraction, "how sure a TMDB match must be")
    auto_download: bool = _setting(True, _parse_bool, "queue missing episodes by itself")
    auto_download_interval: float = _setting(
        3600.0, _parse_seconds(1, 7 * 86400), "seconds between automatic runs"
    )
    auto_download_cooldown: float = _setting(
        300.0, _parse_seconds(0, 86400), "seconds before another automatic run may start"
    )
    notify_auto_download: bool = _setting(True, _parse_bool, "notify when episodes are queued")
    notify_finished: bool = _setting(True, _parse_bool, "notify when downloads finish")
    notify_failed: bool = _setting(True, _parse_bool, "notify when downloads fail")
    close_to_tray: bool = _setting(
        True, _parse_bool, "closing the window keeps the app in the tray"
    )
    # Media servers asked to rescan after a batch of downloads; an empty URL means none.
    jellyfin_url: str = _setting("", parse_server_url, "Jellyfin server address")
    # An API key from Jellyfin's dashboard. A secret, like tmdb_token (kept in settings.json).
    jellyfin_api_key: str = _setting("", _parse_api_key, "Jellyfin API key")
    kodi_url: str = _setting("", parse_server_url, "Kodi web server address")
    kodi_user: str = _setting("", _parse_user, "Kodi web server user name")
    kodi_password: str = _setting("", _parse_password, "Kodi web server password")
    # Servers of the user's own with a self-signed certificate, trusted by its fingerprint for
    # that host and port only (net.session); every other HTTPS connection is fully verified.
    trusted_servers: str = _setting(
        "", _parse_trusted_servers, "self-signed servers trusted by certificate fingerprint"
    )
    # The public broadcasters' film list: where it is published, how often it is asked for
    # again (MediathekView's own interval), and which file of an episode is downloaded.
    mediathek_full_list_url: str = _setting(
        MEDIATHEK_FULL_LIST_URL, _parse_http_url, "the full film list (xz)"
    )
    mediathek_diff_list_url: str = _setting(
        MEDIATHEK_DIFF_LIST_URL, _parse_http_url, "the diff film list (xz)"
    )
    mediathek_refresh_interval: float = _setting(
        3 * 3600.0, _parse_seconds(900, 7 * 86400), "seconds between film list refreshes"
    )
    mediathek_quality: str = _setting(
        "hd", _parse_choice(*MEDIATHEK_QUALITIES), "quality of series that name none"
    )
    # Only the versions listed are downloaded: an audio-described cut stored as an episode
    # would never be replaced by the standard one, so the others are opt-in.
    mediathek_versions: str = _setting(
        "standard", _parse_versions, "versions of an episode to download, preferred first"
    )

    @staticmethod
    def names() -> list[str]:
        return [f.name for f in fields(Settings)]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = str(value) if isinstance(value, Path) else value
        return out

    def trusted_hosts(self) -> TrustedHosts:
        """The pins of ``trusted_servers`` (checked when the settings were read)."""
        from aniworld_desktop.net.session import TrustedHosts

        return TrustedHosts.parse(self.trusted_servers)

    def secrets(self) -> list[str]:
        """The secret values that are set (for a log filter that masks them)."""
        return [getattr(self, name) for name in sorted(SECRET_SETTINGS) if getattr(self, name)]

    def __repr__(self) -> str:
        # A settings object ends up in tracebacks and debug logs; its secrets must not.
        shown = {k: ("***" if k in SECRET_SETTINGS and v else v) for k, v in self.to_json().items()}
        return f"Settings({shown})"

    def updated(self, values: Mapping[str, Any], source: str = "setting") -> Settings:
        """A copy with ``values`` parsed and validated; raises ConfigError naming the bad one."""
        known = {f.name: f for f in fields(self)}
        parsed: dict[str, Any] = {}
        for name, raw in values.items():
            spec = known.get(name)
            if spec is None:
                raise ConfigError(f"Unknown setting '{name}' in {source}.")
            if raw is None and spec.default is None:
                parsed[name] = None
                continue
            parse = spec.metadata["parse"]
            try:
                parsed[name] = parse(raw)
            except (TypeError, ValueError, OverflowError) as exc:
                label = f"{ENV_PREFIX}{name.upper()}" if source == "environment" else name
                reason = f" ({exc})" if isinstance(exc, _Refused) else ""
                shown = "a hidden value" if name in SECRET_SETTINGS else _shown(raw)
                raise ConfigError(
                    f"Invalid {label}: expected {parse.expects}, got {shown}{reason}."
                ) from None
        return replace(self, **parsed)

    def naming(self) -> NamingTemplate:
        return NamingTemplate(self.naming_template)

    def library(self, paths: ProfilePaths) -> Path:
        return self.library_dir if self.library_dir is not None else paths.default_library


def load_settings(
    paths: ProfilePaths,
    environ: Mapping[str, str] | None = None,
    *,
    notices: list[str] | None = None,
) -> Settings:
    """Read the settings file (if any), then apply ``ANIWORLD_*`` overrides from ``environ``.

    A settings file that cannot be used as it is never stops the app (see
    :func:`_read_settings_file`): the sentence saying what was done goes to ``notices``, or to
    the log when no list is given. A bad environment variable is still a :class:`ConfigError`:
    it was typed for this run, and the person who typed it is there to fix it.
    """
    settings, notice = _read_settings_file(paths)
    if notice is not None:
        if notices is not None:
            notices.append(notice)
        else:
            log.warning("%s", notice)
    environ = os.environ if environ is None else environ
    overrides = {
        name: environ[f"{ENV_PREFIX}{name.upper()}"]
        for name in Settings.names()
        if f"{ENV_PREFIX}{name.upper()}" in environ
    }
    return settings.updated(overrides, source="environment")


def _read_settings_file(paths: ProfilePaths) -> tuple[Settings, str | None]:
    """The settings in ``settings.json``, and a sentence when the file could not be used as it is.

    A file that is not JSON, not an object, or holds values this version cannot use (a wrong
    type, an unknown name) is kept as ``settings.json.corrupt-<time>`` (renamed: its bytes and
    permissions stay). The values that are valid are kept and written back; the others are
    the defaults.

    Raises:
        ConfigError: The file exists but cannot be read at all (permissions, I/O error).
    """
    file = paths.settings_file
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        return Settings(), None
    except OSError as exc:
        raise ConfigError(f"Cannot read the settings file {file}: {exc.strerror or exc}.") from None
    settings = Settings()
    problems: list[str] = []
    try:
        stored = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        problems.append("it is not text")
    except json.JSONDecodeError as exc:
        problems.append(f"it is not valid JSON ({exc.msg} at line {exc.lineno})")
    except (ValueError, RecursionError):
        problems.append("it is not valid JSON")
    else:
        if not isinstance(stored, dict):
            problems.append("it does not hold a JSON object")
        else:
            # One at a time, so one bad value costs only itself.
            for name, value in stored.items():
                try:
                    settings = settings.updated({name: value}, source=file.name)
                except ConfigError as exc:
                    problems.append(str(exc).rstrip("."))
    if not problems:
        return settings, None
    return settings, _set_settings_aside(paths, settings, problems)


def _set_settings_aside(paths: ProfilePaths, settings: Settings, problems: list[str]) -> str:
    """Keep the unusable settings file aside, write back what was valid, and say so."""
    file = paths.settings_file
    shown = [p if len(p) <= 160 else p[:157] + "..." for p in problems[:3]]
    if len(problems) > 3:
        shown.append(f"{len(problems) - 3} more")
    what = "; ".join(shown)
    kept_values = settings != Settings()
    then = (
        "the settings that were valid are kept and the others are back to their defaults"
        if kept_values
        else "the defaults are used"
    )
    try:
        kept = set_aside(file, "corrupt")
    except OSError as exc:
        return (
            f"The settings file {file} could not be used ({what}), and it could not be set "
            f"aside ({exc.strerror or exc}); {then} for this run."
        )
    if kept_values:
        try:
            save_settings(paths, settings)
        except OSError as exc:
            then += f" for this run (they could not be written back: {exc.strerror or exc})"
    return (
        f"The settings file {file} could not be used ({what}). It was kept as {kept.name}; {then}."
    )


def save_settings(paths: ProfilePaths, settings: Settings) -> None:
    """Write the settings atomically, so a crash never leaves half a file."""
    paths.config_dir.mkdir(parents=True, exist_ok=True)
    # keep_mode: a settings file made private (0600, it may hold the token) stays private; one
    # that holds a secret now is made private (created 0600, never chmod-ed after writing).
    data = (json.dumps(settings.to_json(), indent=2) + "\n").encode("utf-8")
    if settings.secrets():
        write_atomic(paths.settings_file, data, mode=0o600)
    elif paths.settings_file.exists():
        write_atomic(paths.settings_file, data, keep_mode=True)
    else:
        write_atomic(paths.settings_file, data, mode=0o666)
