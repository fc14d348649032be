"""The command line without a window: ``add``, ``list``, ``episodes``, ``scan``, ``import``,
``remove``, ``set-source``, ``quality``, ``monitor``, ``queue``, ``run-once``. A NAS, a cron job and the acceptance checks script it, so its words, JSON keys and
exit codes are stable: 0 success, 1 something failed (a download, a source), 2 usage or
configuration error, 3 another run holds the profile (nothing was done), 141 its output was
cut off (``queue --json | head``: 128 + SIGPIPE, as a shell reports any tool a closed pipe
stopped).

Every ``--json`` output is one object with ``"schema": JSON_SCHEMA`` and the command's data under
a named key; times are ISO 8601 with their offset (``2026-11-24T12:00:00+00:00``). The global
options (``--profile``, ``--demo``, ``--debug``) may stand before or after the sub-command.
``completion SHELL`` prints the script that lets bash, zsh or fish complete the command line
(argcomplete answers from this very parser).

Every command that writes holds the profile's lock while it runs (``storage/profile_lock.py``);
the readers (``list``, ``episodes``, ``queue``, ``import``, ``organize`` without ``--apply``,
``scan``) need none and write nothing, so a script may poll ``queue --json`` during a run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import argcomplete
from argcomplete.shell_integration import shellcode

from aniworld_desktop import __version__
from aniworld_desktop.cli_opml import (
    OPML_COMMANDS,
    READ_ONLY_OPML_COMMANDS,
    add_opml_commands,
    run_opml_command,
)
from aniworld_desktop.config import ProfilePaths, Settings, save_settings
from aniworld_desktop.core.clock import utc_now
from aniworld_desktop.core.errors import UsageError
from aniworld_desktop.core.models import (
    MatchState,
    Monitoring,
    MonitorMode,
    SeriesRecord,
    SeriesSummary,
)
from aniworld_desktop.exitcodes import EXIT_FAILED, EXIT_LOCKED, EXIT_OK, EXIT_USAGE
from aniworld_desktop.json_output import print_json
from aniworld_desktop.services import Services, open_services
from aniworld_desktop.storage.profile_lock import ProfileLockedError, hold_profile

if TYPE_CHECKING:
    # The window starts through this module's parser: what only the commands use loads with them.
    from aniworld_desktop.library.importing import ImportProposal
    from aniworld_desktop.library.scanner import ScannedFile
    from aniworld_desktop.library.tmdb_matching import MatchProgress

# Sub-commands that only read the profile: no lock, a database that refuses writes.
READ_ONLY_COMMANDS = (
    frozenset({"list", "episodes", "queue", "import", "scan", "completion"})
    | READ_ONLY_OPML_COMMANDS
)

COMPLETION_SHELLS = ("bash", "zsh", "fish")


def _global_options(*, after_command: bool) -> argparse.ArgumentParser:
    """The options every sub-command takes too, so ``queue --profile P`` works like
    ``--profile P queue``.

    After the sub-command their default is ``SUPPRESS``: left out there, they do not
    overwrite what was given before it.
    """
    options = argparse.ArgumentParser(add_help=False)
    unset: dict[str, Any] = {"default": argparse.SUPPRESS} if after_command else {}
    options.add_argument(
        "--profile", type=Path, help="folder for the database, settings and logs", **unset
    )
    options.add_argument(
        "--demo",
        action="store_true",
        help="a profile of its own with the built-in demo series",
        **unset,
    )
    options.add_argument(
        "--debug", action="store_true", help="log everything, show tracebacks", **unset
    )
    return options


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aniworld-desktop",
        description="Follow series, download what is missing, describe it for Kodi and Jellyfin.",
        parents=[_global_options(after_command=False)],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--minimized", action="store_true", help="start without showing the window")
    parser.add_argument(
        "--add",
        metavar="URL",
        nargs="*",  # the menu entry's "--add %U" gives none, a browser one or more
        action="extend",
        default=[],
        help="open the window and add these links (handed to the running window if there is "
        "one); feed:, podcast:, itpc: and pcast: links are read as http(s)",
    )
    common = _global_options(after_command=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        """A sub-command that also takes the global options after its name."""
        return commands.add_parser(name, parents=[common], **kwargs)

    add = command("add", help="follow a series (feed) or queue a media URL")
    add.add_argument("url")
    add.add_argument("--provider", help="provider name (default: chosen from what the URL is)")
    add.add_argument(
        "--monitor",
        type=_monitoring,
        metavar="MODE",
        help="episodes wanted: new, all, none or season:N (default: new for a feed with a "
        "back catalogue, else all)",
    )
    add.add_argument("--json", action="store_true", help="print the result as JSON")

    listing = command("list", help="the followed series with their counts")
    listing.add_argument("--json", action="store_true", help="print JSON")

    episodes = command("episodes", help="the episodes of one series and their state")
    episodes.add_argument("series", help="series id or title")
    episodes.add_argument("--json", action="store_true", help="print JSON")

    scan = command("scan", help="what the scanner recognises in a file or folder")
    scan.add_argument("path", type=Path)
    scan.add_argument("--json", action="store_true", help="print JSON")

    importing = command(
        "import",
        help="propose series from the library's folders, matched to TMDB (renames nothing)",
    )
    importing.add_argument(
        "folders", nargs="*", metavar="FOLDER", help="only these folders (default: all proposed)"
    )
    importing.add_argument(
        "--apply", action="store_true", help="follow every proposed folder and match it"
    )
    importing.add_argument("--json", action="store_true", help="print JSON")

    remove = command("remove", help="unfollow a series; its files are kept unless --delete-files")
    remove.add_argument("series", help="series id or title")
    remove.add_argument(
        "--delete-files",
        action="store_true",
        help="also move its folder to the trash (deleted where there is none)",
    )

    set_source = command(
        "set-source", help="attach a feed to a series, or give its feed's new address"
    )
    set_source.add_argument("series", help="series id or title")
    set_source.add_argument("url")
    set_source.add_argument("--provider", help="provider name (default: chosen from the URL)")

    quality = command(
        "quality", help="the quality of a series of the public broadcasters' film list"
    )
    quality.add_argument("series", help="series id or title")
    quality.add_argument(
        "quality",
        choices=("hd", "sd", "small", "default"),
        help="default: the settings' mediathek_quality",
    )

    monitor = command("monitor", help="choose which episodes of a series are wanted")
    monitor.add_argument("series", help="series id or title")
    monitor.add_argument(
        "--mode",
        type=_monitoring,
        required=True,
        metavar="MODE",
        help="new (only episodes that come later), all, none, or season:N (season N on)",
    )

    organize = command(
        "organize", help="show (and with --apply, do) the renames to the naming convention"
    )
    organize.add_argument("series", help="series id or title")
    organize.add_argument("--apply", action="store_true", help="rename the files")

    metadata = command(
        "metadata", help="write NFO files and artwork (from TMDB with a token, else the source)"
    )
    metadata.add_argument("series", nargs="?", help="series id or title (default: all)")
    metadata.add_argument(
        "--repair", action="store_true", help="only series whose tvshow.nfo lacks required tags"
    )

    set_tmdb = command("set-tmdb", help="set a series' TMDB id by hand")
    set_tmdb.add_argument("series", help="series id or title")
    set_tmdb.add_argument("tmdb_id", type=int)

    command("tmdb-test", help="check that the TMDB token works")

    trust = command("trust", help="trust a server of yours that has a self-signed certificate")
    trust.add_argument("url", help="its address, such as https://nas.local:8920")
    trust.add_argument(
        "--fingerprint",
        help="the SHA-256 fingerprint you checked (printed by 'trust URL' without it)",
    )
    trust.add_argument("--remove", action="store_true", help="stop trusting it")

    queue = command("queue", help="print the download queue")
    queue.add_argument("--json", action="store_true", help="print JSON")

    run = command(
        "run-once",
        help="refresh monitored series, scan, queue what is missing, download it, then exit",
    )
    run.add_argument("--json", action="store_true", help="print the final queue as JSON")

    completion = command(
        "completion", help="print the script that completes this command line in a shell"
    )
    completion.add_argument("shell", choices=COMPLETION_SHELLS)

    add_opml_commands(command)
    return parser


def _monitoring(text: str) -> Monitoring:
    try:
        return Monitoring.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def complete(parser: argparse.ArgumentParser) -> None:
    """Answer the shell's completion request and exit, when this run is one (argcomplete)."""
    argcomplete.autocomplete(parser)


def _cmd_completion(args: argparse.Namespace) -> int:
    """The shell's script: each TAB runs this program, which answers from its parser."""
    print(shellcode([PROGRAM], shell=args.shell), end="")
    return EXIT_OK


PROGRAM = "aniworld-desktop"


async def _cmd_add(services: Services, args: argparse.Namespace) -> int:
    result = await services.library.add_url(args.url, args.provider, monitoring=args.monitor)
    queued = result.queued
    if args.json:
        print_json(
            {
                "provider": result.provider,
                "series": result.series.title,
                "series_id": result.series.id,
                "episodes": len(result.episodes),
                "queued": [item.to_json() for item in queued.added] if queued else [],
                "already_queued": len(queued.duplicates) if queued else 0,
                "monitor": str(result.series.monitoring),
            }
        )
        return EXIT_OK
    if queued is None:
        print(
            f"Following {result.series.title} ({len(result.episodes)} episodes; "
            f"monitor: {_monitor_words(result.series)})."
        )
    else:
        for item in queued.added:
            print(
                f"Queued #{item.id}: {item.series_title} {item.key.label()} -> {item.destination}"
            )
        if queued.duplicates:
            print(f"Already in the queue: {len(queued.duplicates)} episode(s).")
    return EXIT_OK


def _series_json(s: SeriesSummary) -> dict[str, Any]:
    return {
        "id": s.series.id,
        "title": s.series.title,
        "year": s.series.year,
        "provider": s.series.provider,
        "source_url": s.series.source_url,
        "folder": s.series.folder,
        "episodes": s.counts.episodes,
        "on_disk": s.counts.on_disk,
        "missing": s.counts.missing,
        "queued": s.counts.queued,
        "failed": s.counts.failed,
        "monitored": s.series.monitored,
        "refreshed_at": s.series.refreshed_at,
        "refresh_error": s.series.refresh_error,
        "no_source": s.counts.no_source,
        "monitor": str(s.series.monitoring),
        "tmdb_id": s.series.tmdb_id,
        "match_state": s.series.match_state,
        "confidence": s.series.tmdb_confidence,
        "match_note": s.series.match_note,
    }


async def _cmd_list(services: Services, args: argparse.Namespace) -> int:
    summaries = await services.library.list_series()
    if args.json:
        print_json({"series": [_series_json(s) for s in summaries]})
        return EXIT_OK
    if not summaries:
        print(
            "No series followed yet. Add one with: aniworld-desktop add URL, or bring the "
            "library's folders in with: aniworld-desktop import --apply"
        )
        return EXIT_OK
    for s in summaries:
        c = s.counts
        flag = "" if s.series.monitored else "  (not monitored)"
        error = (
            f"  (last refresh failed: {s.series.refresh_error})" if s.series.refresh_error else ""
        )
        source = s.series.provider or "no source"
        no_source = f" ({c.no_source} without a source)" if c.no_source else ""
        failed = f", {c.failed} failed (retry them in the queue)" if c.failed else ""
        note = f"  [{s.series.match_state}: {s.series.match_note}]" if s.series.match_note else ""
        print(
            f"#{s.series.id:<4} {s.series.title}  [{source}]  {c.episodes} episodes, "
            f"{c.on_disk} on disk, {c.missing} missing{no_source}, {c.queued} queued{failed}"
            f"{flag}{error}{note}"
        )
    return EXIT_OK


def _monitor_words(series: SeriesRecord) -> str:
    monitoring = series.monitoring
    if monitoring.mode is MonitorMode.SEASON:
        return f"season {monitoring.season} on"
    return {
        MonitorMode.NEW: "new episodes only",
        MonitorMode.ALL: "everything",
        MonitorMode.NONE: "nothing",
    }[monitoring.mode]


async def _cmd_episodes(services: Services, args: argparse.Namespace) -> int:
    series = await services.library.find_series(args.series)
    states = await services.library.episode_states(series)
    if args.json:
        print_json(
            {
                "series": {"id": series.id, "title": series.title},
                "episodes": [
                    {
                        "id": s.episode.id,
                        "season": s.episode.season,
                        "episode": s.episode.number,
                        "absolute": s.episode.absolute,
                        "title": s.episode.title,
                        "kind": s.episode.kind,
                        "air_date": s.episode.air_date,
                        "state": s.state,
                        "file": s.episode.file_path,
                        "monitored": s.episode.monitored,
                        "downloadable": s.episode.has_source,
                    }
                    for s in states
                ],
            }
        )
        return EXIT_OK
    print(f"{series.title} ({series.folder}; monitor: {_monitor_words(series)})")
    for s in states:
        e = s.episode
        extra = " (no source)" if s.state == "missing" and not e.has_source else ""
        print(f"  S{e.season:02d}E{e.number:02d}  {s.state + extra:<24} {e.title}")
    return EXIT_OK


def _scanned_json(file: ScannedFile) -> dict[str, Any]:
    parsed = file.parsed
    out: dict[str, Any] = {"path": file.path, "recognised": parsed is not None}
    if parsed is not None:
        out.update(season=parsed.season, episode=parsed.episode, series=parsed.series)
        if parsed.episode_end is not None:
            out["episode_end"] = parsed.episode_end
        if parsed.absolute is not None:
            out["absolute"] = parsed.absolute
        if parsed.air_date is not None:
            out["air_date"] = parsed.air_date.isoformat()
        if parsed.recap is not None:
            out["recap"] = parsed.recap
        out["how"] = parsed.source
    return out


def _cmd_scan(args: argparse.Namespace) -> int:
    if not args.path.exists():
        raise UsageError(f"{args.path} does not exist.")
    from aniworld_desktop.library.scanner import scan_path

    files = scan_path(args.path)
    if args.json:
        print_json({"files": [_scanned_json(f) for f in files]})
        return EXIT_OK
    for file in files:
        p = file.parsed
        if p is None:
            what = "not recognised"
        elif p.season is not None and p.episode is not None:
            what = f"S{p.season:02d}E{p.episode:02d}" + (
                f"-E{p.episode_end:02d}" if p.episode_end is not None else ""
            )
            if p.absolute is not None:
                what += f" (absolute {p.absolute})"
        elif p.absolute is not None:
            what = f"absolute {p.absolute}"
        elif p.recap is not None:
            what = f"recap {p.recap} (no episode)"
        else:
            what = "no number"
        if p is not None and p.air_date is not None:
            what += f", aired {p.air_date.isoformat()}"
        how = f"  [{p.source}]" if p is not None and p.source != "fast" else ""
        print(f"{file.path}  ->  {what}{how}")
    recognised = sum(1 for f in files if f.parsed is not None)
    print(f"{len(files)} video file(s), {recognised} recognised.")
    return EXIT_OK


def _proposal_json(p: ImportProposal) -> dict[str, Any]:
    match = p.match
    return {
        "folder": p.folder,
        "title": p.title,
        "year": p.year,
        "video_files": p.video_files,
        "recognised": p.recognised,
        "series_id": p.series_id,
        "tmdb_id": match.id if match else None,
        "match": {"name": match.name, "year": match.year, "poster_url": match.poster_url}
        if match
        else None,
        "confidence": p.confidence,
        "match_state": p.state,
        "note": p.note,
    }


def _print_progress(progress: MatchProgress) -> None:
    """One line on stderr now and then, so a long import shows it is alive."""
    if progress.done == progress.total or progress.done % 100 == 0:
        print(
            f"{progress.stage}: {progress.done} of {progress.total} folder(s)",
            file=sys.stderr,
            flush=True,
        )


async def _cmd_import(services: Services, args: argparse.Namespace) -> int:
    library = services.library
    proposals = await library.propose_import(include=args.folders, on_progress=_print_progress)
    if args.folders:
        by_folder = {p.folder.casefold(): p for p in proposals}
        proposals = []
        for folder in args.folders:
            proposal = by_folder.get(folder.rstrip("/").casefold())
            if proposal is None:
                raise UsageError(
                    f"'{folder}' is no folder of the library with videos that is not followed "
                    "and matched already."
                )
            proposals.append(proposal)
    if not args.apply:
        if args.json:
            print_json({"proposals": [_proposal_json(p) for p in proposals]})
            return EXIT_OK
        if not proposals:
            print("Every folder of the library with videos is a series with a TMDB match.")
            return EXIT_OK
        for p in proposals:
            year = f" ({p.year})" if p.year else ""
            match = (
                f"TMDB {p.match.id} '{p.match.name}'" if p.match and p.match.name else "no match"
            )
            note = f"  {p.note}" if p.note else ""
            print(
                f"{p.folder}: {p.title}{year}, {p.video_files} video file(s), "
                f"{p.recognised} recognised as episodes; {match} [{p.state}]{note}"
            )
        print(
            "Follow them with: aniworld-desktop import --apply  (folders are kept as they "
            "are; nothing is renamed unless you run organize)"
        )
        return EXIT_OK
    result = await library.apply_import(proposals, on_progress=_print_progress)
    if args.json:
        print_json(
            {
                "imported": [
                    {
                        "folder": series.folder,
                        "series_id": series.id,
                        "title": series.title,
                        "tmdb_id": outcome.match.id if outcome.match else None,
                        "match_state": outcome.state,
                        "confidence": outcome.confidence,
                        "note": outcome.note,
                    }
                    for series, outcome in result.series
                ]
            }
        )
        return EXIT_OK
    for series, outcome in result.series:
        note = f": {outcome.note}" if outcome.note else ""
        print(f"{series.folder}: followed, {outcome.state}{note}")
    print(
        f"Imported {len(result.series)} folder(s): "
        f"{result.count(MatchState.MATCHED, MatchState.MANUAL, MatchState.FROM_NFO)} matched, "
        f"{result.count(MatchState.NEEDS_REVIEW)} to review, "
        f"{result.count(MatchState.UNMATCHED)} not matched. Nothing was renamed."
    )
    return EXIT_OK


async def _cmd_remove(services: Services, args: argparse.Namespace) -> int:
    series = await services.library.find_series(args.series)
    result = await services.library.remove(series, delete_files=args.delete_files)
    print(result.message)
    return EXIT_FAILED if result.files == "failed" else EXIT_OK


async def _cmd_set_source(services: Services, args: argparse.Namespace) -> int:
    series = await services.library.find_series(args.series)
    result = await services.library.set_source(series, args.url, args.provider)
    print(
        f"{result.series.title} follows {result.series.source_url} now "
        f"({len(result.episodes)} episode(s) from it; monitor: {_monitor_words(result.series)})."
    )
    return EXIT_OK


async def _cmd_quality(services: Services, args: argparse.Namespace) -> int:
    from aniworld_desktop.providers.mediathek.episodes import Quality
    from aniworld_desktop.providers.mediathek.provider import with_quality

    library = services.library
    series = await library.find_series(args.series)
    if series.provider != "mediathek" or not series.source_url:
        raise UsageError(
            f"{series.title} does not follow the public broadcasters' film list; only their "
            "series have a quality to choose."
        )
    wanted = None if args.quality == "default" else Quality(args.quality)
    shown = (
        f"the default quality ({services.settings.mediathek_quality})"
        if wanted is None
        else wanted.value
    )
    url = with_quality(series.source_url, wanted)
    if url == series.source_url:
        print(f"{series.title} downloads in {shown} already.")
        return EXIT_OK
    result = await library.set_source(series, url)
    print(
        f"{series.title} downloads in {shown} from now on "
        f"({len(result.episodes)} episode(s) read again; those queued already keep theirs)."
    )
    return EXIT_OK


async def _cmd_monitor(services: Services, args: argparse.Namespace) -> int:
    library = services.library
    series = await library.find_series(args.series)
    changed = await library.set_monitoring(series, args.mode)
    series = await library.find_series(str(series.id))
    counts = next(s.counts for s in await library.list_series() if s.series.id == series.id)
    print(
        f"{series.title}: monitor {_monitor_words(series)} ({changed} episode(s) changed; "
        f"{counts.missing} missing now)."
    )
    return EXIT_OK


async def _cmd_organize(services: Services, args: argparse.Namespace) -> int:
    library = services.library
    plan = await library.plan_organize(await library.find_series(args.series))
    for move in plan.moves:
        print(f"{move.source}\n  -> {move.target}")
    for reason in plan.skipped:
        print(f"skipped: {reason}")
    if not plan.moves:
        print(f"{plan.series.title} already follows the naming convention.")
        return EXIT_OK
    if not args.apply:
        print(f"{len(plan.moves)} file(s) would be renamed. Run again with --apply to do it.")
        return EXIT_OK
    moved = await library.organize(plan)
    print(f"Renamed {moved} file(s).")
    return EXIT_OK


def _report_metadata(
    results: dict[int, Any], titles: dict[int, str], *, quiet: bool = False
) -> int:
    """Print what each metadata job did (failures on stderr); returns how many failed."""
    failed = 0
    for series_id, outcome in results.items():
        title = titles.get(series_id, f"#{series_id}")
        if isinstance(outcome, str):
            failed += 1
            print(f"Metadata for {title} failed: {outcome}", file=sys.stderr)
        elif not quiet:
            print(f"{title}: {outcome.written} file(s) written from {outcome.source}.")
            for warning in outcome.warnings:
                print(f"  note: {warning}")
    return failed


async def _cmd_metadata(services: Services, args: argparse.Namespace) -> int:
    ids: list[int] | None = None
    if args.series:
        ids = [(await services.library.find_series(args.series)).id]
    elif args.repair:
        ids = await services.metadata.needing_repair()
    titles = {s.series.id: s.series.title for s in await services.library.list_series()}
    results = await services.metadata.describe(ids)
    if not results:
        print("Nothing to describe.")
    return EXIT_FAILED if _report_metadata(results, titles) else EXIT_OK


async def _cmd_set_tmdb(services: Services, args: argparse.Namespace) -> int:
    series = await services.library.find_series(args.series)
    outcome = await services.library.set_match(series, args.tmdb_id)
    if not outcome.state.is_confirmed():
        print(f"{series.title}: {outcome.note}", file=sys.stderr)
        return EXIT_FAILED
    print(f"{series.title} is TMDB series {args.tmdb_id}; the next metadata run uses it.")
    return EXIT_OK


async def _cmd_tmdb_test(services: Services) -> int:
    print(await services.metadata.test_connection())
    return EXIT_OK


def _print_queue(services: Services, as_json: bool, summary: dict[str, Any] | None = None) -> None:
    items = services.downloads.items()
    if as_json:
        print_json({**(summary or {}), "queue": [item.to_json() for item in items]})
        return
    if not items:
        print("The queue is empty.")
        return
    for item in items:
        total = f"{item.bytes_total}" if item.bytes_total is not None else "?"
        line = (
            f"#{item.id:<5} {item.status.value:<11} {item.series_title} {item.key.label()}"
            f"  {item.bytes_done}/{total} bytes"
        )
        if item.error:
            line += f"  ({item.error})"
        print(line)


async def _cmd_run_once(services: Services, args: argparse.Namespace, stop: asyncio.Event) -> int:
    """Refresh monitored series, scan, queue what is missing, and download until idle.

    The first three are the auto-download of the tray and the window (the same run, without
    its cooldown: this is an explicit command); it records its time, so the window's next timed
    run waits for the cooldown after it.
    """
    library, downloads = services.library, services.downloads
    outcome = await services.scheduler.run_once()
    if outcome.scan is None or outcome.queued is None:  # another run holds the library
        print(f"Auto-download skipped: {outcome.skipped}.", file=sys.stderr)
        return EXIT_FAILED
    refreshed = outcome.refreshed
    source_failures = outcome.source_failures
    for result in source_failures:
        print(f"Could not refresh {result.series.title}: {result.error}", file=sys.stderr)
    for error in outcome.scan.errors:
        print(error, file=sys.stderr)
    queued = outcome.queued
    started = utc_now()
    downloads.start_workers()
    idle = asyncio.ensure_future(downloads.wait_idle())
    stopped = asyncio.ensure_future(stop.wait())
    await asyncio.wait({idle, stopped}, return_when=asyncio.FIRST_COMPLETED)
    for task in (idle, stopped):
        task.cancel()
    if stop.is_set():
        print("Interrupted; unfinished downloads resume next time.", file=sys.stderr)
        return EXIT_FAILED
    # Describe what changed: new files, refreshed catalogues, incomplete or missing NFO files.
    wanted = await services.metadata.series_to_describe(
        started, changed=[r.series.id for r in refreshed if r.changed], downloads=downloads.items()
    )
    titles = {s.series.id: s.series.title for s in await library.list_series()}
    metadata_failures = (
        _report_metadata(await services.metadata.describe(wanted), titles, quiet=args.json)
        if wanted
        else 0
    )
    _print_queue(
        services,
        args.json,
        {
            "refreshed": len(refreshed),
            "refresh_failed": len(source_failures),
            "queued": len(queued.added),
            "completed": downloads.completed_in_session,
            "failed": downloads.failed_in_session,
        },
    )
    if not args.json:
        print(
            f"Refreshed {len(refreshed)} series ({len(source_failures)} failed), "
            f"queued {len(queued.added)} missing episode(s); "
            f"{downloads.completed_in_session} completed, {downloads.failed_in_session} failed."
        )
    failed = downloads.failed_in_session or source_failures or metadata_failures
    return EXIT_FAILED if failed else EXIT_OK


def _print_notices(notices: Sequence[str]) -> None:
    """What the user must know before anything else (a file set aside), on stderr."""
    for notice in notices:
        print(f"aniworld-desktop: {notice}", file=sys.stderr)


async def _cmd_trust(args: argparse.Namespace, paths: ProfilePaths, settings: Settings) -> int:
    """Show a server's certificate fingerprint; with the one the user checked, trust it.

    Two steps on purpose: the first prints what the server presents, the user compares it with
    what the server itself shows (its admin page, ``openssl x509 -fingerprint -sha256``), and
    only the second, given that fingerprint, saves it. A certificate that differs from it
    between the two steps is refused.
    """
    from yarl import URL

    from aniworld_desktop.net.session import (
        TrustedHosts,
        fetch_fingerprint,
        format_fingerprint,
        parse_fingerprint,
    )

    url = URL(args.url.strip())
    if url.scheme != "https" or not url.host:
        print(f"aniworld-desktop: {args.url} is not an https:// address.", file=sys.stderr)
        return EXIT_USAGE
    host, port = url.host.lower(), url.port or 443
    shown = f"{host}:{port}"
    trusted = settings.trusted_hosts()
    if args.remove:
        if (host, port) not in trusted.pins:
            print(f"{shown} was not trusted; nothing changed.")
            return EXIT_OK
        rest = {k: v for k, v in trusted.pins.items() if k != (host, port)}
        save_settings(paths, replace(settings, trusted_servers=TrustedHosts(rest).to_text()))
        print(f"{shown} is no longer trusted: its certificate is verified as any other.")
        return EXIT_OK
    try:
        expected = parse_fingerprint(args.fingerprint) if args.fingerprint else None
    except ValueError as exc:
        print(f"aniworld-desktop: {exc}.", file=sys.stderr)
        return EXIT_USAGE
    try:
        presented = await fetch_fingerprint(host, port)
    except OSError as exc:
        print(f"aniworld-desktop: cannot read the certificate of {shown}: {exc}.", file=sys.stderr)
        return EXIT_FAILED
    if expected is None:
        print(f"The certificate of {shown} has the SHA-256 fingerprint\n")
        print(f"  {format_fingerprint(presented)}\n")
        print("Compare it with the one your server shows. If they are the same, trust it with")
        print(f"  aniworld-desktop trust {args.url} --fingerprint {presented.hex()}")
        return EXIT_OK
    if presented != expected:
        print(
            f"aniworld-desktop: {shown} presents another certificate "
            f"({format_fingerprint(presented)}) than the fingerprint you gave; nothing changed.",
            file=sys.stderr,
        )
        return EXIT_FAILED
    save_settings(
        paths, replace(settings, trusted_servers=trusted.with_pin(host, port, presented).to_text())
    )
    print(f"{shown} is trusted now, as long as it presents this certificate.")
    return EXIT_OK


def writes_profile(args: argparse.Namespace) -> bool:
    """Whether the sub-command in ``args`` changes the profile, and so must hold its lock."""
    if args.demo:
        return True  # follows the demo series
    if args.command in ("organize", "import"):
        return bool(args.apply)  # without --apply they only propose
    if args.command == "trust":
        return bool(args.remove or args.fingerprint)  # without them it only shows
    return args.command not in READ_ONLY_COMMANDS


async def run_command(
    args: argparse.Namespace,
    paths: ProfilePaths,
    settings: Settings,
    *,
    notices: Sequence[str] = (),
) -> int:
    """Run one sub-command; ``notices`` (the settings file's) are printed with the database's.

    A command that writes runs only while it holds the profile's lock; when another process
    holds it, this says who and returns :data:`EXIT_LOCKED` having done nothing.
    """
    try:
        with contextlib.ExitStack() as owner:
            if writes_profile(args):
                owner.enter_context(hold_profile(paths, args.command))
            return await _run_command(args, paths, settings, notices=notices)
    except ProfileLockedError as exc:
        print(f"aniworld-desktop: {exc}", file=sys.stderr)
        return EXIT_LOCKED


async def _run_command(
    args: argparse.Namespace,
    paths: ProfilePaths,
    settings: Settings,
    *,
    notices: Sequence[str] = (),
) -> int:
    if args.command == "scan":
        _print_notices(notices)
        return _cmd_scan(args)  # reads files only: no database, no network
    if args.command == "trust":
        _print_notices(notices)
        return await _cmd_trust(args, paths, settings)  # the settings file only
    if args.command == "completion":
        return _cmd_completion(args)  # the parser only
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    async with open_services(
        paths,
        settings,
        run_downloads=False,
        demo=args.demo,
        notices=notices,
        read_only=not writes_profile(args),
    ) as services:
        _print_notices(services.notices)
        if args.command == "add":
            return await _cmd_add(services, args)
        if args.command == "list":
            return await _cmd_list(services, args)
        if args.command == "episodes":
            return await _cmd_episodes(services, args)
        if args.command == "metadata":
            return await _cmd_metadata(services, args)
        if args.command == "set-tmdb":
            return await _cmd_set_tmdb(services, args)
        if args.command == "tmdb-test":
            return await _cmd_tmdb_test(services)
        if args.command == "organize":
            return await _cmd_organize(services, args)
        if args.command == "import":
            return await _cmd_import(services, args)
        if args.command == "remove":
            return await _cmd_remove(services, args)
        if args.command == "set-source":
            return await _cmd_set_source(services, args)
        if args.command == "monitor":
            return await _cmd_monitor(services, args)
        if args.command == "quality":
            return await _cmd_quality(services, args)
        if args.command in OPML_COMMANDS:
            return await run_opml_command(services, args)
        if args.command == "queue":
            _print_queue(services, args.json)
            return EXIT_OK
        return await _cmd_run_once(services, args, stop)
