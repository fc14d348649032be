"""Check that a PyInstaller bundle starts and works, the way a user would run it.

    .venv/bin/python packaging/smoke_test.py dist/aniworld-desktop/aniworld-desktop

``make dist`` runs it after each build. Every run of the bundle gets a fresh home, profile and
working folder in a temporary directory, so nothing of the checkout or of the user's own
profile can stand in for what the bundle lacks. The checks:

1. ``--version`` prints the version of ``aniworld_desktop/__init__.py``.
2. The window opens offscreen on the demo catalogue (``--demo``): the log says "services open"
   after the three demo series were added; SIGTERM then closes it cleanly (exit 0, "services
   stopped"), with no warning in the log and nothing on stderr beyond Qt's known offscreen
   notes. With a German translation in ``resources/translations``, once more in German.
   A media link given with ``--add`` is downloaded by the window's download process, which
   the bundle starts through its own executable (``--download-worker``).
3. The command line on that profile: ``list`` shows the demo series; ``run-once`` downloads
   every episode from the demo's own server and writes NFO files (the demo is unpaced here).
   Following a programme of the film list (served on 127.0.0.1) indexes it in a child
   process, which multiprocessing starts through the bundle's own executable.
4. An unknown provider's message names the three built-in ones: the entry points are there.
5. ``scan`` reads a name only guessit understands (its data files are there).
6. A database at the first schema revision is upgraded by the bundle's own migrations.
7. The bundle is lean: no Qt module we do not use, Qt's translations only for our languages.

It prints one line per check and the verdict last; the exit status is 0 only when all passed.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aniworld_desktop import __version__  # noqa: E402  (the checkout's, to compare with)

DEMO_SERIES: Final = {"Harbor Lights", "The Clockwork Garden", "Paper Moons"}
PROVIDERS: Final = ("demo", "direct", "feed")
# What Qt prints on stderr offscreen; the test suite allows the same (pyproject.toml).
STDERR_ALLOWED: Final = (
    "This plugin does not support propagateSizeHints()",
    "This plugin does not support raise()",
    "QSystemTrayIcon::setVisible: No Icon set",
)
# Qt libraries that must not be in the bundle: modules the app never imports.
QT_UNWANTED: Final = (
    "Qt6Qml",
    "Qt6Quick",
    "Qt6Pdf",
    "Qt6WebEngine",
    "Qt6Multimedia",
    "Qt63D",
    "Qt6Sql",
    "Qt6Test",
    "Qt6Designer",
    "Qt6Charts",
)
QT_LANGUAGES: Final = ("de",)
START_LIMIT: Final = 180.0  # a hang guard only: a healthy start takes a few seconds
COMMAND_LIMIT: Final = 300.0


class SmokeFailure(Exception):
    """A check failed; the message says what the bundle did wrong."""


class Bundle:
    """Runs the bundled program in a sandbox of its own (home, config, data, working folder)."""

    def __init__(self, program: Path, sandbox: Path) -> None:
        self.program = program
        self.sandbox = sandbox
        home = sandbox / "home"
        runtime = sandbox / "runtime"
        for folder in (home, runtime):
            folder.mkdir(parents=True, exist_ok=True)
        runtime.chmod(0o700)
        keep = ("PATH", "LANG", "LC_ALL", "TZ")
        self.env = {name: os.environ[name] for name in keep if name in os.environ}
        self.env.update(
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_DATA_HOME=str(home / ".local" / "share"),
            XDG_CACHE_HOME=str(home / ".cache"),
            XDG_STATE_HOME=str(home / ".local" / "state"),
            XDG_RUNTIME_DIR=str(runtime),
            QT_QPA_PLATFORM="offscreen",
            # The demo server paces its files to look like a download; not here.
            ANIWORLD_DEMO_SECONDS_PER_FILE="0",
            # A keyring daemon of the machine's must not be asked for anything.
            PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        )

    def run(
        self, *args: str, env: dict[str, str] | None = None, limit: float = COMMAND_LIMIT
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.program), *args],
            cwd=self.sandbox,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=limit,
            check=False,
        )

    def run_ok(self, *args: str, env: dict[str, str] | None = None) -> str:
        done = self.run(*args, env=env)
        if done.returncode != 0:
            raise SmokeFailure(
                f"'{' '.join(args)}' exited with {done.returncode}: {_tail(done.stderr)}"
            )
        unexpected = _unexpected_stderr(done.stderr)
        if unexpected:
            raise SmokeFailure(f"'{' '.join(args)}' wrote to stderr: {_tail(unexpected)}")
        return done.stdout

    @contextmanager
    def window(
        self, profile: Path, env: dict[str, str] | None = None, *args: str
    ) -> Iterator[WindowRun]:
        stderr = self.sandbox / f"window-{profile.name}.stderr"
        with stderr.open("w", encoding="utf-8") as sink:
            process = subprocess.Popen(
                [str(self.program), "--demo", "--profile", str(profile), *args],
                cwd=self.sandbox,
                env={**self.env, **(env or {})},
                stdout=subprocess.DEVNULL,
                stderr=sink,
            )
        try:
            yield WindowRun(process, profile / "logs" / "aniworld.log", stderr)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


class WindowRun:
    """One start of the window, watched through its log file."""

    def __init__(self, process: subprocess.Popen[bytes], log: Path, stderr: Path) -> None:
        self.process = process
        self.log = log
        self.stderr = stderr

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8") if self.log.is_file() else ""

    def stderr_text(self) -> str:
        return self.stderr.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, line: str) -> None:
        deadline = time.monotonic() + START_LIMIT
        while line not in self.log_text():
            if self.process.poll() is not None:
                raise SmokeFailure(
                    f"the window exited with {self.process.returncode} before '{line}': "
                    f"{_tail(self.stderr_text() or self.log_text())}"
                )
            # An error at start-up shows a modal box, which offscreen nobody closes.
            problems = [line for line in _log_problems(self.log_text()) if " WARNING " not in line]
            if problems:
                raise SmokeFailure(f"the log has errors: {_tail(chr(10).join(problems))}")
            if time.monotonic() > deadline:
                raise SmokeFailure(f"no '{line}' in the log after {START_LIMIT:.0f} s")
            time.sleep(0.2)

    def quit(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=START_LIMIT)
        except subprocess.TimeoutExpired:
            raise SmokeFailure("the window did not quit on SIGTERM") from None


def _tail(text: str, lines: int = 6) -> str:
    return " | ".join(text.strip().splitlines()[-lines:]) or "(nothing)"


def _unexpected_stderr(text: str) -> str:
    return "\n".join(
        line for line in text.splitlines() if line.strip() and line.strip() not in STDERR_ALLOWED
    )


def _log_problems(log: str) -> list[str]:
    return [
        line
        for line in log.splitlines()
        if any(f" {level} " in line for level in ("WARNING", "ERROR", "CRITICAL"))
        or line.startswith("Traceback")
    ]


# ------------------------------------------------------------------------------------ checks


def check_version(bundle: Bundle) -> str:
    out = bundle.run_ok("--version").strip()
    if out != f"aniworld-desktop {__version__}":
        raise SmokeFailure(f"--version printed {out!r}, expected 'aniworld-desktop {__version__}'")
    return out


def _window_on_demo(bundle: Bundle, profile: Path, env: dict[str, str] | None = None) -> str:
    with bundle.window(profile, env) as run:
        # The frame shows first ("window shown"); the demo's series are added while the
        # services open behind it.
        run.wait_for("services open")
        log = run.log_text()
        added = {title for title in DEMO_SERIES if f"added {title} from demo" in log}
        if added != DEMO_SERIES:
            raise SmokeFailure(f"the demo series added before the window: {sorted(added)}")
        code = run.quit()
        log = run.log_text()
        if code != 0:
            raise SmokeFailure(f"the window exited with {code}: {_tail(run.stderr_text())}")
        if "services stopped" not in log:
            raise SmokeFailure(f"no clean shutdown in the log: {_tail(log)}")
        problems = _log_problems(log)
        if problems:
            raise SmokeFailure(f"the log has warnings: {_tail(chr(10).join(problems))}")
        unexpected = _unexpected_stderr(run.stderr_text())
        if unexpected:
            raise SmokeFailure(f"stderr: {_tail(unexpected)}")
        return log


def check_window(bundle: Bundle, profile: Path) -> str:
    _window_on_demo(bundle, profile)
    return "window shown on the demo catalogue, quit cleanly on SIGTERM"


def check_window_german(bundle: Bundle, profile: Path) -> str:
    if not any((ROOT / "resources" / "translations").glob("aniworld_desktop_de.qm")):
        return "skipped: no German translation in resources/translations"
    log = _window_on_demo(bundle, profile, {"ANIWORLD_DESKTOP_LANG": "de"})
    if "window language: de" not in log:
        raise SmokeFailure(f"the window did not speak German: {_tail(log)}")
    if "translation is not in" in log:
        raise SmokeFailure("Qt's own German translation is missing from the bundle")
    return "window in German, with Qt's German translation"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def _served(folder: Path) -> Iterator[int]:
    """Serve ``folder`` on 127.0.0.1 from a thread; yields the port."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield int(server.server_address[1])
        finally:
            server.shutdown()
            thread.join()


def check_window_download(bundle: Bundle, profile: Path) -> str:
    """The window downloads in a process of its own, which a bundle starts through its own
    executable (``--download-worker``): a media link given with ``--add`` must arrive."""
    served = bundle.sandbox / "served"
    served.mkdir()
    name = "Smoke.Check.S01E01.mp4"
    payload = (ROOT / "resources" / "demo" / "harbor-lights" / "s01e03.mp4").read_bytes()
    (served / name).write_bytes(payload)
    with (
        _served(served) as port,
        bundle.window(profile, None, "--add", f"http://127.0.0.1:{port}/{name}") as run,
    ):
        run.wait_for("Finished Smoke")
        code = run.quit()
        log = run.log_text()
    if code != 0:
        raise SmokeFailure(f"the window exited with {code}: {_tail(run.stderr_text())}")
    problems = _log_problems(log)
    if problems:
        raise SmokeFailure(f"the log has warnings: {_tail(chr(10).join(problems))}")
    arrived = [
        path
        for path in (profile / "library").rglob("*.mp4")
        if path.stat().st_size == len(payload) and path.read_bytes() == payload
    ]
    if not arrived:
        raise SmokeFailure(f"no file with the served bytes in the library: {_tail(log)}")
    return f"{len(payload)} bytes downloaded by the window's download process"


def check_film_list(bundle: Bundle, profile: Path) -> str:
    """The film list is indexed in a child process that multiprocessing starts through the
    bundle's own executable (its fork server): following a programme must build the index."""
    from tests.mediathek_lists import ListEntry, film_list_bytes

    served = bundle.sandbox / "film-lists"
    served.mkdir()
    base = "https://media.example.test/zdf"
    films = [
        ListEntry(
            channel="ZDF",
            topic="Der Bergdoktor",
            title=f"Folge {n} (S01/E0{n})",
            url=f"{base}/{n}/video_1800k.mp4",
            aired=1_763_900_000 + n * 86_400,
        )
        for n in (1, 2, 3)
    ]
    (served / "Filmliste-akt.xz").write_bytes(film_list_bytes(films))
    (served / "Filmliste-diff.xz").write_bytes(film_list_bytes([]))
    with _served(served) as port:
        lists = {
            "ANIWORLD_MEDIATHEK_FULL_LIST_URL": f"http://127.0.0.1:{port}/Filmliste-akt.xz",
            "ANIWORLD_MEDIATHEK_DIFF_LIST_URL": f"http://127.0.0.1:{port}/Filmliste-diff.xz",
        }
        programme = "mediathek:?channel=ZDF&topic=Der%20Bergdoktor"
        bundle.run_ok("--profile", str(profile), "add", programme, env=lists)
        listed = json.loads(bundle.run_ok("--profile", str(profile), "list", "--json", env=lists))
    counts = [series.get("episodes") for series in listed["series"]]
    if len(counts) != 1:
        raise SmokeFailure(f"following the programme left {len(counts)} series: {listed}")
    return f"the film list indexed by the bundle's fork server; the programme has {counts[0]}"


def check_commands(bundle: Bundle, profile: Path) -> str:
    listed = json.loads(bundle.run_ok("--profile", str(profile), "list", "--json"))["series"]
    titles = {series["title"] for series in listed}
    if titles != DEMO_SERIES:
        raise SmokeFailure(f"'list' shows {sorted(titles)}")
    queue = json.loads(bundle.run_ok("--profile", str(profile), "run-once", "--json"))["queue"]
    states = {item["status"] for item in queue}
    if not queue or states != {"completed"}:
        raise SmokeFailure(f"run-once left the queue with the states {sorted(states)}")
    library = profile / "library"
    missing = [
        item["destination"] for item in queue if not (library / item["destination"]).is_file()
    ]
    if missing:
        raise SmokeFailure(f"downloaded files missing from the library: {missing[:3]}")
    nfos = list(library.rglob("tvshow.nfo"))
    if len(nfos) != len(DEMO_SERIES):
        raise SmokeFailure(f"{len(nfos)} tvshow.nfo file(s) written, expected {len(DEMO_SERIES)}")
    return f"list, run-once: {len(queue)} episodes downloaded, {len(nfos)} tvshow.nfo"


def check_providers(bundle: Bundle, profile: Path) -> str:
    done = bundle.run("--profile", str(profile), "add", "--provider", "nosuch", "http://x.test/")
    message = done.stderr.strip()
    if done.returncode != 2 or not all(name in message for name in PROVIDERS):
        raise SmokeFailure(f"an unknown provider gave {done.returncode}: {message!r}")
    return message.removeprefix("aniworld-desktop: ")


def check_guessit(bundle: Bundle, folder: Path) -> str:
    folder.mkdir()
    (folder / "Harbor Lights - Episode Five.mkv").write_bytes(b"")
    found = json.loads(bundle.run_ok("scan", str(folder), "--json"))["files"]
    text = json.dumps(found)
    if '"guessit"' not in text:
        raise SmokeFailure(f"guessit did not read the name: {text}")
    return "a name only guessit reads was recognised"


def check_migrations(bundle: Bundle, profile: Path) -> str:
    from alembic import command
    from sqlalchemy import create_engine, text

    from aniworld_desktop.storage.database import HEAD_REVISION, alembic_config

    path = profile / "aniworld.sqlite3"
    profile.mkdir(parents=True)
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(
            text(
                "INSERT INTO series (id, title, provider, source_url, folder, monitored)"
                " VALUES (1, 'Old Friends', 'direct', 'direct:old', 'Old Friends', 1)"
            )
        )
    engine.dispose()
    listed = json.loads(bundle.run_ok("--profile", str(profile), "list", "--json"))["series"]
    with sqlite3.connect(path) as db:
        revision = db.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    if [series["title"] for series in listed] != ["Old Friends"] or revision != HEAD_REVISION:
        raise SmokeFailure(f"after the upgrade: revision {revision}, series {listed}")
    return f"revision 0001 upgraded to {HEAD_REVISION}, its series kept"


def check_lean(bundle: Bundle) -> str:
    internal = bundle.program.parent / "_internal"
    files = [path for path in internal.rglob("*") if path.is_file() or path.is_symlink()]
    unwanted = [
        str(p.relative_to(internal))
        for p in files
        if p.name.removeprefix("lib").startswith(QT_UNWANTED)
    ]
    unwanted += [
        str(p.relative_to(internal))
        for p in files
        if p.suffix == ".qm"
        and "PySide6" in p.parts
        and not p.stem.endswith(tuple(f"_{lang}" for lang in QT_LANGUAGES))
    ]
    ours = ROOT / "resources" / "translations"
    shipped = {p.name for p in (internal / "resources" / "translations").glob("*.qm")}
    lacking = [p.name for p in ours.glob("*.qm") if p.name not in shipped]
    if unwanted or lacking:
        raise SmokeFailure(
            f"{len(unwanted)} file(s) we do not use {unwanted[:5]}; "
            f"translations missing from the bundle: {lacking}"
        )
    size = sum(p.stat().st_size for p in files if not p.is_symlink())
    return f"{size / 2**20:.0f} MiB in {len(files)} files; no unused Qt module"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("program", type=Path, help="the bundle's executable")
    args = parser.parse_args(argv)
    program: Path = args.program.resolve()
    if not program.is_file() or not os.access(program, os.X_OK):
        print(f"FAIL: {program} is not an executable; build it with 'make dist'.")
        return 1
    with tempfile.TemporaryDirectory(prefix="aniworld-smoke-") as tmp:
        sandbox = Path(tmp)
        bundle = Bundle(program, sandbox)
        demo = sandbox / "demo-profile"
        checks: list[tuple[str, Callable[[], str]]] = [
            ("--version", lambda: check_version(bundle)),
            ("window offscreen, demo", lambda: check_window(bundle, demo)),
            ("window in German", lambda: check_window_german(bundle, sandbox / "de-profile")),
            (
                "window downloads",
                lambda: check_window_download(bundle, sandbox / "download-profile"),
            ),
            ("list and run-once", lambda: check_commands(bundle, demo)),
            ("film list", lambda: check_film_list(bundle, sandbox / "film-list-profile")),
            ("provider entry points", lambda: check_providers(bundle, demo)),
            ("guessit data", lambda: check_guessit(bundle, sandbox / "names")),
            ("migrations", lambda: check_migrations(bundle, sandbox / "old-profile")),
            ("lean bundle", lambda: check_lean(bundle)),
        ]
        failed = 0
        for name, check in checks:
            try:
                detail = check()
            except (SmokeFailure, subprocess.TimeoutExpired) as exc:
                failed += 1
                print(f"FAIL  {name}: {exc}", flush=True)
            else:
                print(f"ok    {name}: {detail}", flush=True)
    verdict = "PASS" if not failed else f"FAIL ({failed} of {len(checks)} checks)"
    print(f"smoke test of {program}: {verdict}")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
