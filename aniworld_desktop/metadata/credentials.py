"""Where the TMDB token lives, and a log filter that keeps it out of every log line.

The token is looked up in this order: the ``ANIWORLD_TMDB_TOKEN`` environment variable, the
platform keyring (service ``aniworld-desktop``, user ``tmdb``), then ``settings.json``. It is
stored in the keyring when a usable one exists; otherwise it stays in ``settings.json``, which is
then written readable by its owner only (0600). ``keyring`` is optional: without the package, or
with only its "fail" or "null" backends (a headless Linux box, a container), there is no keyring.

Keyring calls may block (a desktop keyring can ask to be unlocked): call these functions from a
worker thread when the event loop must stay responsive.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from aniworld_desktop.config import ENV_PREFIX, ProfilePaths, Settings
from aniworld_desktop.core.errors import ConfigError
from aniworld_desktop.core.secret import MASK, Secret
from aniworld_desktop.durable import write_atomic

__all__ = [
    "KEYRING_SERVICE",
    "KEYRING_USER",
    "TOKEN_ENV",
    "SecretFilter",
    "keyring_backend",
    "load_token",
    "store_token",
]

log = logging.getLogger(__name__)

KEYRING_SERVICE = "aniworld-desktop"
KEYRING_USER = "tmdb"
TOKEN_ENV = f"{ENV_PREFIX}TMDB_TOKEN"
_SETTING = "tmdb_token"


def keyring_backend() -> Any | None:
    """The keyring module when it has a backend that really stores secrets, else None."""
    try:
        import keyring
        from keyring.backends import chainer, fail, null
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # a broken keyring config must not stop the app; say why and go on
        log.warning("the keyring could not be opened; the TMDB token stays in settings.json")
        return None
    if isinstance(backend, fail.Keyring | null.Keyring):
        return None
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return None
    return keyring


def load_token(settings: Settings, environ: Mapping[str, str] | None = None) -> str:
    """The TMDB token: from the environment, else the keyring, else the settings; "" if none.

    Args:
        settings: The loaded settings (their ``tmdb_token`` is the last resort).
        environ: Environment variables; defaults to ``os.environ``.
    """
    environ = os.environ if environ is None else environ
    from_env = environ.get(TOKEN_ENV, "").strip()
    if from_env:
        return from_env
    keyring = keyring_backend()
    if keyring is not None:
        try:
            stored = keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
        except Exception as exc:  # keyring backends raise whatever their platform raises
            log.warning("the keyring could not be read (%s)", type(exc).__name__)
        else:
            if stored:
                return str(stored).strip()
    return settings.tmdb_token.strip()


def load_token_secret(settings: Settings) -> Secret:
    """:func:`load_token`, wrapped for the trip back from a worker thread."""
    return Secret(load_token(settings))


def store_token(paths: ProfilePaths, token: str) -> Literal["keyring", "settings"]:
    """Keep ``token`` (or forget it, when empty) in the keyring, else in ``settings.json``.

    When it goes to the keyring, any copy in ``settings.json`` is removed. Other settings in the
    file are left exactly as they are (environment overrides are never written into it).

    Args:
        paths: The profile, for ``settings.json``.
        token: The new token; "" removes it.

    Returns:
        Where it is kept now.

    Raises:
        ConfigError: ``settings.json`` cannot be read or written.
    """
    token = token.strip()
    keyring = keyring_backend()
    if keyring is not None:
        try:
            if token:
                keyring.set_password(KEYRING_SERVICE, KEYRING_USER, token)
            else:
                from keyring.errors import PasswordDeleteError

                with contextlib.suppress(PasswordDeleteError):
                    keyring.delete_password(KEYRING_SERVICE, KEYRING_USER)
        except Exception as exc:  # keyring backends raise whatever their platform raises
            log.warning(
                "the keyring refused the TMDB token (%s); using settings.json", type(exc).__name__
            )
        else:
            _write_setting(paths, "")
            return "keyring"
    _write_setting(paths, token)
    return "settings"


def _write_setting(paths: ProfilePaths, token: str) -> None:
    file = paths.settings_file
    stored: dict[str, Any] = {}
    if file.exists():
        try:
            loaded = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"Cannot read the settings file {file}: {exc}.") from None
        if not isinstance(loaded, dict):
            raise ConfigError(f"The settings file {file} does not hold a JSON object.")
        stored = loaded
    if stored.get(_SETTING, "") == token and (not token or _private(file)):
        return  # already so; and no file is created just to hold no token
    if token:
        stored[_SETTING] = token
    else:
        del stored[_SETTING]
    try:
        paths.config_dir.mkdir(parents=True, exist_ok=True)
        # Created 0600 from the start: a chmod after writing would leave a moment of 0644.
        write_atomic(file, (json.dumps(stored, indent=2) + "\n").encode("utf-8"), mode=0o600)
    except OSError as exc:
        raise ConfigError(f"Cannot write the settings file {file}: {exc.strerror}.") from None


def _private(file: os.PathLike[str]) -> bool:
    try:
        return os.stat(file).st_mode & 0o077 == 0
    except OSError:
        return False


class SecretFilter(logging.Filter):
    """Replaces every known secret in a log record with ``***``.

    Install it on the handlers (``handler.addFilter``): a filter on a logger sees only the
    records logged on that very logger, not those its children pass up to it. It masks the
    message with its arguments, and the formatted traceback and stack of the record.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        """Start with ``secrets``; empty strings are ignored."""
        super().__init__()
        self._secrets: set[str] = set()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        """Mask ``secret`` from now on (a token entered while the app runs)."""
        # Four characters or fewer would mask ordinary words; no real token is that short.
        if len(secret.strip()) > 4:
            self._secrets.add(secret.strip())

    def discard(self, secret: str) -> None:
        """Stop masking ``secret``."""
        self._secrets.discard(secret.strip())

    def _mask(self, text: str) -> str:
        # Longest first, so a secret that contains another is masked whole.
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the record in place; it is always let through."""
        if not self._secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string; show it raw, masked, rather than lose it
            message = f"{record.msg} {record.args}"
        masked = self._mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self._mask(record.stack_info)
        return True
