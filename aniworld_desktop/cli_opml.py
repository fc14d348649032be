"""The OPML sub-commands: ``opml-import FILE`` and ``opml-export FILE|-``.

How a podcast program's subscriptions come in and go out (see :mod:`aniworld_desktop.library.opml`).
``opml-import`` follows each feed through the normal add path and says per feed what happened;
it exits 1 when any was refused (each named on stderr with its reason). ``opml-export`` writes
the followed feeds (``-``: to stdout) and only reads the profile. :mod:`aniworld_desktop.cli`
adds them to its parser and hands them here.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

from aniworld_desktop.durable import write_atomic
from aniworld_desktop.exitcodes import EXIT_FAILED, EXIT_OK
from aniworld_desktop.json_output import print_json
from aniworld_desktop.library.opml import (
    MAX_OPML_BYTES,
    OpmlReading,
    exportable_feeds,
    follow_feeds,
    read_opml,
    read_opml_file,
    write_opml,
)
from aniworld_desktop.services import Services

OPML_COMMANDS = frozenset({"opml-import", "opml-export"})
READ_ONLY_OPML_COMMANDS = frozenset({"opml-export"})


def add_opml_commands(command: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``opml-import`` and ``opml-export`` through ``command`` (which makes a sub-command
    that takes the global options too)."""
    importing = command(
        "opml-import", help="follow every feed of an OPML file (another podcast program's export)"
    )
    importing.add_argument("file", help="the OPML file; - reads it from stdin")
    importing.add_argument("--json", action="store_true", help="print the result as JSON")
    exporting = command(
        "opml-export", help="write the followed feeds as an OPML file for another podcast program"
    )
    exporting.add_argument("file", help="where to write it; - writes to stdout")


async def run_opml_command(services: Services, args: argparse.Namespace) -> int:
    """Run ``opml-import`` or ``opml-export``; returns the exit code."""
    if args.command == "opml-export":
        return await _export(services, args.file)
    return await _import(services, args.file, as_json=args.json)


async def _read(file: str) -> OpmlReading:
    if file == "-":
        data = await asyncio.to_thread(sys.stdin.buffer.read, MAX_OPML_BYTES + 1)
        return read_opml(data, name="The OPML read from stdin")
    return await asyncio.to_thread(read_opml_file, Path(file))


async def _import(services: Services, file: str, *, as_json: bool) -> int:
    reading = await _read(file)
    result = await follow_feeds(services.library, reading)
    if as_json:
        payload = {
            "followed": list(result.followed),
            "already_followed": list(result.already),
            "refused": list(result.refused),
            "duplicates": result.duplicates,
        }
        print_json(payload)
    else:
        for title in result.followed:
            print(f"Following {title}.")
        for title in result.already:
            print(f"Already followed: {title}.")
        print(
            f"{len(reading.feeds)} feed(s) in the file: {len(result.followed)} followed now, "
            f"{len(result.already)} followed already, {len(result.refused)} refused"
            + (f", {result.duplicates} listed twice." if result.duplicates else ".")
        )
    for sentence in result.refused:
        print(f"aniworld-desktop: refused: {sentence}", file=sys.stderr)
    return EXIT_FAILED if result.refused else EXIT_OK


async def _export(services: Services, file: str) -> int:
    feeds = exportable_feeds(await services.library.list_series())
    document = write_opml(feeds)
    if file == "-":
        sys.stdout.buffer.write(document)
        sys.stdout.buffer.flush()
        return EXIT_OK
    path = Path(file)
    await asyncio.to_thread(write_atomic, path, document)
    print(f"Exported {len(feeds)} feed(s) to {path}.")
    return EXIT_OK
