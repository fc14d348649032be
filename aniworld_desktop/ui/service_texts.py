"""The services' sentences in the window's language: a catalogue of their templates.

The services have no Qt, so they speak English: each sentence they raise, store (a queue row's
error) or log is built from a fixed template with named fields, such as
``"The video is not on {host} ({label}); the link may be outdated."``. This module lists those
templates, marked with ``QT_TRANSLATE_NOOP`` in the ``ServiceText`` context (log lines, whose
templates keep logging's ``%s``, in ``ServiceLog``), so lupdate collects them and the German
catalogue translates them like any window text.

:func:`service_text` reads an English sentence back: it finds the template it was made from
(each becomes a pattern whose fields match any text), translates the template, translates each
field that is itself a known clause (``{why}``: "the connection was refused"), and fills the
fields in. It works on any sentence whatever its age: one stored in the queue by an earlier run
is translated like a fresh one. A sentence made of several (a failure, then "Retrying in 8 s")
is translated sentence by sentence; one that matches no template is shown as it is. Data (host
names, paths, titles, HTTP reason phrases) stays as it came.

A new service sentence the window shows: add its template here, exactly as the service writes
it, run ``make translations`` and translate it; ``tests/ui/test_service_texts.py`` checks that
every template still occurs in the services' code and renders the covered failures in German.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache

from PySide6.QtCore import QCoreApplication

from aniworld_desktop.core.models import SkipReason
from aniworld_desktop.ui.translation import QT_TRANSLATE_NOOP

__all__ = [
    "CLAUSES",
    "LOG_TEMPLATES",
    "SENTENCES",
    "log_text",
    "service_text",
    "skip_reason_text",
]

CONTEXT = "ServiceText"
LOG_CONTEXT = "ServiceLog"

# Whole sentences: download failures (downloads/engine.py, downloads/service.py), refresh and
# scan failures (providers/feed.py, library/), the certificate hints (net/session.py).
SENTENCES: tuple[str, ...] = (
    # downloads/engine.py: what a server answered
    QT_TRANSLATE_NOOP("ServiceText", "{host} says we are asking too often ({label})."),
    QT_TRANSLATE_NOOP("ServiceText", "{host} had a problem ({label}); it may work again later."),
    QT_TRANSLATE_NOOP("ServiceText", "The video is not on {host} ({label}); the link may be outdated."),
    QT_TRANSLATE_NOOP("ServiceText", "The video was removed from {host} ({label})."),
    QT_TRANSLATE_NOOP("ServiceText", "{host} refused access to the video ({label}); the link may have expired."),
    QT_TRANSLATE_NOOP("ServiceText", "{host} answered with a redirect that leads nowhere ({label})."),
    QT_TRANSLATE_NOOP("ServiceText", "{host} rejected the download ({label})."),
    QT_TRANSLATE_NOOP("ServiceText", "It asked us to wait {seconds} seconds."),
    QT_TRANSLATE_NOOP("ServiceText", "The server sent a web page instead of the video; the link probably points to a player page or an error page, not to the file."),
    QT_TRANSLATE_NOOP("ServiceText", "The server could not continue the partial download; the next try starts again from the beginning."),
    QT_TRANSLATE_NOOP("ServiceText", "No data arrived from {host} for {seconds} seconds; the download stalled and will be retried."),
    # downloads/engine.py: the connection
    QT_TRANSLATE_NOOP("ServiceText", "Could not connect to {host} within {seconds} seconds."),
    QT_TRANSLATE_NOOP("ServiceText", "The connection to {host} timed out; the next try continues where it stopped."),
    QT_TRANSLATE_NOOP("ServiceText", "The connection to {host} broke off in the middle of the video; the next try continues where it stopped."),
    QT_TRANSLATE_NOOP("ServiceText", "Could not connect to {host}: {why}."),
    QT_TRANSLATE_NOOP("ServiceText", "The server sent only {done} of {total} bytes; the next try continues where it stopped."),
    # downloads/engine.py: the disk
    QT_TRANSLATE_NOOP("ServiceText", "The disk is full: no free space left in {folder}."),
    QT_TRANSLATE_NOOP("ServiceText", "Cannot write to the library folder {folder}: {why}."),
    # downloads/service.py
    QT_TRANSLATE_NOOP("ServiceText", "Retrying in {seconds} s (attempt {attempt} of {attempts})."),
    QT_TRANSLATE_NOOP("ServiceText", "An unexpected error stopped this download."),
    # providers/feed.py: refreshing a series
    QT_TRANSLATE_NOOP("ServiceText", "The server answered {status} ({reason}) for the feed {url}."),
    QT_TRANSLATE_NOOP("ServiceText", "The server answered {status} for the feed {url}."),
    QT_TRANSLATE_NOOP("ServiceText", "The feed {url} could not be downloaded: {why}."),
    QT_TRANSLATE_NOOP("ServiceText", "The feed {url} redirects more than {count} times."),
    # library/: scanning
    QT_TRANSLATE_NOOP("ServiceText", "The library folder {folder} cannot be found (is the drive or network share connected?); nothing was queued."),
    QT_TRANSLATE_NOOP("ServiceText", "The library folder {folder} cannot be found (is the drive or network share connected?); nothing was changed."),
    QT_TRANSLATE_NOOP("ServiceText", "The library folder {folder} is read-only, so nothing was queued: downloads could not be saved there."),
    QT_TRANSLATE_NOOP("ServiceText", "The library folder {folder} does not exist."),
    QT_TRANSLATE_NOOP("ServiceText", "The folder {folder} disappeared during the scan."),
    QT_TRANSLATE_NOOP("ServiceText", "The folder {folder} could not be read: permission denied."),
    QT_TRANSLATE_NOOP("ServiceText", "The library folder {folder} could not be read: permission denied."),
    # library/tmdb_matching.py, metadata/service.py: matching a series (the import view's rows)
    QT_TRANSLATE_NOOP("ServiceText", "TMDB knows no series {title}."),
    QT_TRANSLATE_NOOP("ServiceText", "TMDB knows no series {title}; used the source's data"),
    QT_TRANSLATE_NOOP("ServiceText", "TMDB's best guess is {match}, as likely as {rival}, {confidence} sure: confirm it or choose another."),
    QT_TRANSLATE_NOOP("ServiceText", "TMDB's best guess is {match}, {confidence} sure: confirm it or choose another."),
    QT_TRANSLATE_NOOP("ServiceText", "Also claimed by folder {folders} (TMDB series {tmdb_id}): confirm which one it is."),
    QT_TRANSLATE_NOOP("ServiceText", "No TMDB token is set: add one in Settings to match it."),
    QT_TRANSLATE_NOOP("ServiceText", "{why}; will retry at the next run."),
    QT_TRANSLATE_NOOP("ServiceText", "TMDB refused the token (HTTP 401): check the TMDB read-access token or API key in the settings."),
    # config.py: a setting refused (after "Invalid name: ", which the settings dialog replaces
    # by the field's label)
    QT_TRANSLATE_NOOP("ServiceText", "expected {what}, got {value} ({reason})."),
    QT_TRANSLATE_NOOP("ServiceText", "expected {what}, got {value}."),
    # net/session.py: the way out of a certificate problem
    QT_TRANSLATE_NOOP("ServiceText", "If this is your own server with a self-signed certificate, you can trust it under Settings > Trusted servers."),
    QT_TRANSLATE_NOOP("ServiceText", "If you expect that (a renewed certificate), trust it again under Settings > Trusted servers."),
)  # fmt: skip

# Clauses (net/errors.why(), the engine's write failures): lower case, no full stop; they fill a
# sentence's {why}, or stand as a sentence of their own, capitalised (net/errors.sentence()).
CLAUSES: tuple[str, ...] = (
    QT_TRANSLATE_NOOP("ServiceText", "the connection was refused"),
    QT_TRANSLATE_NOOP("ServiceText", "the name {host} is not known"),
    QT_TRANSLATE_NOOP("ServiceText", "the connection could not be made in time"),
    QT_TRANSLATE_NOOP("ServiceText", "the server did not answer in time"),
    QT_TRANSLATE_NOOP("ServiceText", "too many redirects"),
    QT_TRANSLATE_NOOP("ServiceText", "the connection broke off before the whole answer arrived"),
    QT_TRANSLATE_NOOP("ServiceText", "the server closed the connection without answering"),
    QT_TRANSLATE_NOOP("ServiceText", "the server's answer is not valid HTTP"),
    QT_TRANSLATE_NOOP("ServiceText", "the connection failed"),
    QT_TRANSLATE_NOOP("ServiceText", "the secure connection to {host} failed: its certificate is not valid"),
    QT_TRANSLATE_NOOP("ServiceText", "the secure connection to {host} failed"),
    QT_TRANSLATE_NOOP("ServiceText", "the certificate of {host} is not the one you trusted: it has changed"),
    QT_TRANSLATE_NOOP("ServiceText", "permission denied"),
    QT_TRANSLATE_NOOP("ServiceText", "it is on a read-only file system"),
    QT_TRANSLATE_NOOP("ServiceText", "it does not exist (is the drive or network share connected?)"),
    QT_TRANSLATE_NOOP("ServiceText", "part of its path is not a folder"),
    QT_TRANSLATE_NOOP("ServiceText", "the drive reported an input/output error"),
    # metadata/tmdb.py: why TMDB gave no answer (they fill "{why}; will retry at the next run.")
    QT_TRANSLATE_NOOP("ServiceText", "TMDB could not be reached: {why}"),
    QT_TRANSLATE_NOOP("ServiceText", "no answer within {seconds} seconds"),
    QT_TRANSLATE_NOOP("ServiceText", "TMDB is having trouble (HTTP {status}) with {what}"),
    QT_TRANSLATE_NOOP("ServiceText", "TMDB kept answering 'too many requests' for {what}"),
    # metadata/tmdb.py: what TMDB was asked for, the {what} of the two above (German puts it in
    # the dative both of them take: "mit den Suchergebnissen", "bei der Token-Prüfung").
    QT_TRANSLATE_NOOP("ServiceText", "search results"),
    QT_TRANSLATE_NOOP("ServiceText", "the image configuration"),
    QT_TRANSLATE_NOOP("ServiceText", "season {number} of series {series}"),
    QT_TRANSLATE_NOOP("ServiceText", "series {tmdb_id}"),
    QT_TRANSLATE_NOOP("ServiceText", "the token check"),
    # config.py: what a setting expects
    QT_TRANSLATE_NOOP("ServiceText", "a whole number from {low} to {high}"),
    QT_TRANSLATE_NOOP("ServiceText", "a number of seconds from {low} to {high}"),
    QT_TRANSLATE_NOOP("ServiceText", "on or off (true/false, 1/0, yes/no)"),
    QT_TRANSLATE_NOOP("ServiceText", "a size such as 500M or 2G (0 for none)"),
    QT_TRANSLATE_NOOP("ServiceText", "a folder path"),
    QT_TRANSLATE_NOOP("ServiceText", "a naming template such as {example}"),
    QT_TRANSLATE_NOOP("ServiceText", "an http or https URL such as {example} (or nothing)"),
    QT_TRANSLATE_NOOP("ServiceText", "an http or https URL"),
    QT_TRANSLATE_NOOP("ServiceText", "an API key (letters and digits, no spaces)"),
    QT_TRANSLATE_NOOP("ServiceText", "a user name without ':'"),
    QT_TRANSLATE_NOOP("ServiceText", "a password on one line"),
    QT_TRANSLATE_NOOP("ServiceText", "a comma list of {kinds} (or empty)"),
    QT_TRANSLATE_NOOP("ServiceText", "lines of 'host:port fingerprint' (the certificate's SHA-256, 64 hex digits)"),
    QT_TRANSLATE_NOOP("ServiceText", "a hidden value"),
    QT_TRANSLATE_NOOP("ServiceText", "put the user name and password in their own fields"),
)  # fmt: skip

# Log lines the activity panel shows, by their logging template (downloads/service.py,
# library/following.py).
LOG_TEMPLATES: tuple[str, ...] = (
    QT_TRANSLATE_NOOP("ServiceLog", "Downloading %s %s."),
    QT_TRANSLATE_NOOP("ServiceLog", "Finished %s %s (%s)."),
    QT_TRANSLATE_NOOP("ServiceLog", "%s %s failed: %s"),
    QT_TRANSLATE_NOOP("ServiceLog", "%s %s: %s"),
    QT_TRANSLATE_NOOP("ServiceLog", "Refreshing %s failed: %s"),
)  # fmt: skip

SKIP_REASONS: dict[SkipReason, str] = {
    SkipReason.COOLDOWN: QT_TRANSLATE_NOOP("ServiceText", "the last run was too recent"),
    SkipReason.ALREADY_RUNNING: QT_TRANSLATE_NOOP("ServiceText", "a run is still going on"),
}

_FIELD = re.compile(r"\{(\w+)\}")
# Between two sentences: an end mark, blanks, and a capital letter (a path or link has no blank).
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def _pattern(template: str) -> re.Pattern[str]:
    parts: list[str] = []
    last = 0
    for field in _FIELD.finditer(template):
        parts.append(re.escape(template[last : field.start()]))
        parts.append(f"(?P<{field.group(1)}>.+?)")
        last = field.end()
    parts.append(re.escape(template[last:]))
    return re.compile("^" + "".join(parts) + "$", re.DOTALL)


def _by_specificity(templates: Sequence[str]) -> list[tuple[str, re.Pattern[str]]]:
    # The longest literal text first: "the secure connection to {host} failed: its certificate
    # is not valid" before "the secure connection to {host} failed".
    ranked = sorted(templates, key=lambda t: len(_FIELD.sub("", t)), reverse=True)
    return [(template, _pattern(template)) for template in ranked]


@cache
def _sentence_patterns() -> list[tuple[str, re.Pattern[str]]]:
    # On first use, not at import: the window's start-up needs none (about 12 ms of compiling).
    return _by_specificity(SENTENCES)


@cache
def _clause_patterns() -> list[tuple[str, re.Pattern[str]]]:
    return _by_specificity(CLAUSES)


def _match(
    text: str, patterns: list[tuple[str, re.Pattern[str]]]
) -> tuple[str, dict[str, str]] | None:
    for template, pattern in patterns:
        found = pattern.match(text)
        if found is not None:
            return template, found.groupdict()
    return None


def _fill(template: str, fields: dict[str, str], context: str = CONTEXT) -> str:
    translated = QCoreApplication.translate(context, template)
    values = {name: _clause(value) for name, value in fields.items()}
    try:
        return translated.format(**values)
    except (KeyError, IndexError, ValueError):  # a translation that lost a field: say it in English
        return template.format(**values)


def _clause(text: str) -> str:
    """A field's value: translated when it is a known clause, else as it is (data)."""
    found = _match(text, _clause_patterns())
    return _fill(*found) if found is not None else text


def service_text(sentence: str) -> str:
    """``sentence``, written by a service in English, in the window's language.

    Cached per language: the queue's error column asks on every repaint.
    """
    return _service_text(sentence, QCoreApplication.translate(CONTEXT, _PROBE))


_PROBE = "the connection failed"  # its translation tells the languages (and caches) apart


@lru_cache(maxsize=4096)
def _service_text(sentence: str, _language: str) -> str:
    text = sentence.strip()
    if not text:
        return sentence
    found = _match(text, _sentence_patterns())
    if found is not None:
        return _fill(*found)
    parts = _SENTENCE_BREAK.split(text)
    if len(parts) > 1:
        return " ".join(service_text(part) for part in parts)
    if text.endswith(".") and text[:1].isupper():
        # A clause said as a sentence of its own ("The connection was refused."; one that starts
        # with a name keeps its capital: "TMDB is having trouble ...").
        found = _match(text[:1].lower() + text[1:-1], _clause_patterns()) or _match(
            text[:-1], _clause_patterns()
        )
        if found is not None:
            clause = _fill(*found)
            return f"{clause[:1].upper()}{clause[1:]}."
    return sentence


def log_text(template: str, args: Sequence[object]) -> str | None:
    """A log line of :data:`LOG_TEMPLATES` in the window's language; None for any other.

    The arguments are filled in as they are, but for sentences of the services (a failure's
    reason), which are translated too.
    """
    if template not in _LOG_SET:
        return None
    translated = QCoreApplication.translate(LOG_CONTEXT, template)
    values = tuple(service_text(a) if isinstance(a, str) else a for a in args)
    try:
        return translated % values
    except (TypeError, ValueError):
        return template % values


_LOG_SET = frozenset(LOG_TEMPLATES)


def skip_reason_text(reason: str) -> str:
    """Why an auto-download did not run (a :class:`SkipReason`), in the window's language."""
    try:
        known = SKIP_REASONS[SkipReason(reason)]
    except ValueError:
        return reason
    return QCoreApplication.translate(CONTEXT, known)
