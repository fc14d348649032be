"""Drain a profile's download queue through the real services, on a disk slower than the network.

The crash soak runs this as its child when it needs a slow disk, which no real file system
here gives on demand: every write to a download's part file sleeps as long as a disk of
``--disk-rate`` bytes per second would take (blocking, as a real slow write does). Everything
else is the app's own: ``open_services`` with the SQLite queue, the engine, the server.

    python -m tests.reliability.soak_worker --profile DIR --disk-rate 1048576 [--writer-thread]

``--writer-thread`` runs the engine without its download thread: on the caller's loop, with
the disk writes handed to the process's writer thread. Without it, the downloads run as
``run-once`` and the window run them: read on the download thread, written (and written back
early) by the writer thread (``downloads/disk.py``).
Exit code 0 once the queue is idle with nothing failed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

import aniworld_desktop.downloads.part as part_module
from aniworld_desktop.config import ProfilePaths, load_settings
from aniworld_desktop.services import open_services


class SlowFile:
    """A real file whose writes take as long as on a disk of ``rate`` bytes per second."""

    def __init__(self, real: Any, rate: int) -> None:
        self._real = real
        self._rate = rate

    def write(self, data: bytes) -> int:
        time.sleep(len(data) / self._rate)
        return int(self._real.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def __enter__(self) -> SlowFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._real.close()


def slow_down_disk(rate: int) -> None:
    """Make every part file the engine opens a :class:`SlowFile`."""

    def slow_open(path: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        real = open(path, mode, *args, **kwargs)  # noqa: SIM115 - the engine closes it
        return SlowFile(real, rate) if "b" in mode and mode != "rb" else real

    part_module.open = slow_open  # type: ignore[attr-defined]


async def drain(profile: Path, writer_thread: bool, download_process: bool = False) -> int:
    paths = ProfilePaths.for_profile(profile)
    settings = load_settings(paths)
    async with open_services(
        paths,
        settings,
        run_downloads=True,
        download_thread=not writer_thread,
        write_in_thread=writer_thread,
        download_process=download_process,
    ) as services:
        await services.downloads.wait_idle()
        return 1 if services.downloads.failed_in_session else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--profile", type=Path, required=True)
    parser.add_argument("--disk-rate", type=int, default=0, help="bytes/second; 0 = as is")
    parser.add_argument("--writer-thread", action="store_true")
    parser.add_argument(
        "--download-process", action="store_true", help="as the window: downloads/process.py"
    )
    args = parser.parse_args(argv)
    if args.disk_rate:
        slow_down_disk(args.disk_rate)
    return asyncio.run(drain(args.profile, args.writer_thread, args.download_process))


if __name__ == "__main__":
    sys.exit(main())
