"""The entry point: the command line, the profile, logging, then the window or a command.

``aniworld-desktop`` opens the window; the sub-commands of :mod:`aniworld_desktop.cli` work without
one (a NAS, a cron job) through the very same services (:mod:`aniworld_desktop.services`). Errors
are one line on stderr; ``--debug`` adds the traceback. Nothing imports this module.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import logging
import logging.handlers
import os
import sys
from collections.abc import Sequence

from aniworld_desktop.cli import build_parser, complete, run_command
from aniworld_desktop.config import ProfilePaths, load_settings
from aniworld_desktop.core.errors import AniworldError
from aniworld_desktop.exitcodes import EXIT_BROKEN_PIPE, EXIT_USAGE
from aniworld_desktop.metadata.credentials import SecretFilter

log = logging.getLogger("aniworld_desktop")


def profile_paths(args: argparse.Namespace) -> ProfilePaths:
    if args.profile is not None:
        return ProfilePaths.for_profile(args.profile)
    if args.demo:
        default = ProfilePaths.for_profile(None)
        return ProfilePaths.for_profile(default.data_dir / "demo")
    return ProfilePaths.for_profile(None)


def setup_logging(
    paths: ProfilePaths, *, debug: bool, console_level: int, secrets: Sequence[str] = ()
) -> SecretFilter:
    """A rotating log file in the profile, and terse lines on stderr; secrets never reach either.

    Returns the filter that masks the secrets, for other handlers (the activity panel).
    """
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    paths.log_dir.mkdir(parents=True, exist_ok=True)
    file_handler = logging.handlers.RotatingFileHandler(
        paths.log_dir / "aniworld.log", maxBytes=2 << 20, backupCount=3, encoding="utf-8"
    )
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.DEBUG if debug else console_level)
    console.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    # On the handlers, not the root logger: a logger's filters never see records from its children.
    masker = SecretFilter(secrets)
    for handler in (file_handler, console):
        handler.addFilter(masker)
        root.addHandler(handler)
    return masker


# The bundle's executable runs the download process with it (downloads/process.py's
# WORKER_OPTION; a bundle has no ``python -m``). Not an option of the parser: no one types it.
DOWNLOAD_WORKER_OPTION = "--download-worker"


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if argv is None and getattr(sys, "frozen", False) and _MULTIPROCESSING_HELPER & set(words):
        _run_multiprocessing_helper()
    if words[:1] == [DOWNLOAD_WORKER_OPTION]:
        from aniworld_desktop.downloads.worker import main as download_worker

        return download_worker(words[1:])
    _run_as_package_main()
    parser = build_parser()
    complete(parser)  # a shell asking for completions gets them and the process ends here
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except BrokenPipeError:
        # The reader went away (``queue --json | head``): nothing more can be said, and no
        # traceback about it helps anyone. Python's documented way: point stdout at devnull so
        # the interpreter's last flush cannot fail again.
        _silence_stdout()
        return EXIT_BROKEN_PIPE


_MULTIPROCESSING_HELPER = frozenset({"-c", "--multiprocessing-fork"})
"""Words no command of ours takes, with which multiprocessing starts its helpers."""


def _run_multiprocessing_helper() -> None:
    """In a bundle, run the multiprocessing helper this process was started as, and exit.

    A bundle has no ``python`` to start: multiprocessing starts the bundle's own executable for
    its helpers (the film list's fork server and resource tracker: -c and an import, or a spawned
    child), and ``freeze_support`` (PyInstaller's, for every start method) runs them. Without
    it the helper would be read as our command line, and the film list's refresh failed.
    """
    import multiprocessing

    multiprocessing.freeze_support()  # exits when this process is a helper


def _run_as_package_main() -> None:
    """Let the console script's ``__main__`` count as ``aniworld_desktop.__main__``, as it does
    under ``python -m aniworld_desktop``.

    multiprocessing starts a child (the film list's indexing: providers/mediathek/child.py) by
    importing the parent's main module again when it knows that module only as a file: the
    console script, whose one import is this module and through it the CLI (0.3 s a refresh).
    A main module known by a name ending in ``.__main__`` is never imported in a child.
    """
    script = sys.modules.get("__main__")
    if script is None or getattr(script, "__spec__", None) is not None:
        return  # ``python -m``: the interpreter knows the module's name
    if getattr(script, "main", None) is not main:
        return  # not our console script: a test runner, a program calling main() itself
    script.__spec__ = importlib.util.find_spec("aniworld_desktop.__main__")


def _silence_stdout() -> None:
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _run(args: argparse.Namespace) -> int:
    try:
        paths = profile_paths(args)
        notices: list[str] = []  # a settings file set aside; said once logging is set up
        settings = load_settings(paths, notices=notices)
        masker = setup_logging(
            paths,
            debug=args.debug,
            console_level=logging.ERROR if args.command else logging.WARNING,
            secrets=[*settings.secrets(), os.environ.get("ANIWORLD_TMDB_TOKEN", "")],
        )
        for notice in notices:
            log.warning("%s", notice)
        if args.command is None:
            from aniworld_desktop.ui.qtapp import run_window  # Qt only when there is a window

            return run_window(
                paths,
                settings,
                minimized=args.minimized,
                demo=args.demo,
                links=args.add,
                log_filter=masker,
                notices=notices,
            )
        code = asyncio.run(run_command(args, paths, settings, notices=notices))
        sys.stdout.flush()  # here, where a closed pipe can still be told apart
        return code
    except AniworldError as exc:
        if args.debug:
            log.exception("stopped")
        print(f"aniworld-desktop: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
