"""``make bench``: run every benchmark script here and print one table of their verdicts.

Each script prints its figures and, as its last line, ``<name>: <figures> (goal <goals>) PASS``
or ``FAIL``, and exits 0 only on PASS. This runs them one after another (each in its own process
group, with a time limit), shows their output as it comes, and ends with one table: benchmark,
figure, goal, verdict, and the total. A script that crashes, hangs or prints no verdict is a
FAIL whose figure says why (its last error line); the end of its error output is shown in its
own section, above the table.

Run: .venv/bin/python tests/benchmarks/run_all.py [--only NAME ...] [--timeout S]
     [--markdown FILE|-]
``--markdown`` also writes the table as Markdown (``-``: to stdout, after the table), with the
date, the machine and the commit, for the README's "Performance" section. Extra arguments are
not passed on to the scripts; run one alone to change its sizes.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
NOT_BENCHMARKS = {"run_all.py", "__init__.py"}
DEFAULT_TIMEOUT_S = 1800.0
KILL_GRACE_S = 15.0  # after SIGTERM, before SIGKILL: the scripts clean up their servers
VERDICT = re.compile(r"^(?P<name>[\w.-]+): (?P<body>.*) (?P<verdict>PASS|FAIL)\s*$")
ERROR_TAIL_LINES = 15


@dataclass
class Row:
    """One script's line in the table."""

    benchmark: str
    figure: str
    goal: str
    verdict: str
    seconds: float


def discover() -> list[Path]:
    return sorted(
        p for p in HERE.glob("*.py") if p.name not in NOT_BENCHMARKS and not p.name.startswith("_")
    )


def parse_verdict(stdout_lines: list[str]) -> tuple[str, str, str] | None:
    """(figure, goal, verdict) from the last verdict line, or None when there is none."""
    for line in reversed(stdout_lines):
        match = VERDICT.match(line.strip())
        if match is None:
            continue
        body = match["body"]
        figure, sep, goal = body.rpartition(" (goal ")
        if sep and goal.endswith(")"):
            return figure, goal[:-1], match["verdict"]
        return body, "", match["verdict"]
    return None


def last_error(stderr: str) -> str:
    """The line of an error output that says what went wrong (a traceback's last line)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


def run_script(script: Path, timeout: float) -> Row:
    """Run one script, echoing its output; its row of the table."""
    print(f"== {script.name}", flush=True)
    started = time.perf_counter()
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    # Measured as installed, with the bytecode the first run writes (startup.py says why).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    stdout_lines: list[str] = []
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as errors:
        proc = subprocess.Popen(
            [sys.executable, str(script)],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            errors="replace",
            env=env,
            cwd=REPO,
            start_new_session=True,  # its own process group: a timeout stops its servers too
        )
        reader = threading.Thread(target=_echo, args=(proc, stdout_lines), daemon=True)
        reader.start()
        timed_out = False
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _stop_group(proc)
        except BaseException:  # Ctrl-C or SIGTERM: its own group does not get the signal
            _stop_group(proc)
            raise
        reader.join(timeout=10)
        errors.seek(0)
        stderr = errors.read()
    seconds = time.perf_counter() - started
    parsed = parse_verdict(stdout_lines)
    if timed_out:
        figure, goal, verdict = f"timed out after {timeout:.0f} s", "", "FAIL"
    elif parsed is None:
        reason = last_error(stderr) or f"no verdict line (exit {proc.returncode})"
        figure, goal, verdict = f"crashed: {reason}", "", "FAIL"
    else:
        figure, goal, verdict = parsed
        if verdict == "PASS" and proc.returncode != 0:
            figure, verdict = f"{figure}; but exit code {proc.returncode}", "FAIL"
    if verdict == "FAIL" and stderr.strip() and (timed_out or parsed is None):
        print(f"-- {script.name}: the end of its error output")
        for line in stderr.rstrip().splitlines()[-ERROR_TAIL_LINES:]:
            print(f"   {line}")
    print(f"-- {script.name}: {verdict} in {seconds:.0f} s", flush=True)
    return Row(script.stem, figure, goal, verdict, seconds)


def _echo(proc: subprocess.Popen[str], lines: list[str]) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line.rstrip("\n"))
        sys.stdout.write(line)
        sys.stdout.flush()


def _stop_group(proc: subprocess.Popen[str]) -> None:
    """SIGTERM to the script's process group, SIGKILL after a grace period."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=KILL_GRACE_S)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def print_table(rows: list[Row], total_seconds: float) -> None:
    widths = [
        max(len("benchmark"), *(len(r.benchmark) for r in rows)),
        len("verdict"),
        max(len("figure"), *(len(r.figure) for r in rows)),
    ]
    print()
    print(f"{'benchmark':<{widths[0]}}  verdict  {'figure':<{widths[2]}}  goal")
    for r in rows:
        print(f"{r.benchmark:<{widths[0]}}  {r.verdict:<7}  {r.figure:<{widths[2]}}  {r.goal}")
    print(summary(rows, total_seconds))


def summary(rows: list[Row], total_seconds: float) -> str:
    passed = sum(r.verdict == "PASS" for r in rows)
    failed = [r.benchmark for r in rows if r.verdict != "PASS"]
    text = f"total: {passed} of {len(rows)} benchmarks PASS in {total_seconds / 60:.1f} min"
    return text + (f"; FAIL: {', '.join(failed)}" if failed else "")


def machine() -> str:
    model = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kib / (1 << 20):.0f} GiB RAM"
    return (
        f"{model}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown commit"
    return f"commit {head}" + (" with local changes" if dirty else "")


def markdown(rows: list[Row], total_seconds: float) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|") or " "

    when = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    lines = [
        f"Measured {when} on {machine()}, {commit()}; every figure against a reference taken "
        "in the same run. Reproduce with `make bench` (or "
        "`.venv/bin/python tests/benchmarks/run_all.py --markdown FILE`).",
        "",
        "| benchmark | figure | goal | verdict |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| `{r.benchmark}` | {cell(r.figure)} | {cell(r.goal)} | {r.verdict} |" for r in rows
    ]
    total = summary(rows, total_seconds)
    lines += ["", total[0].upper() + total[1:] + "."]
    return "\n".join(lines) + "\n"


def _terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through run_script, which stops the script


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run these scripts only")
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds per script (1800)"
    )
    parser.add_argument("--markdown", metavar="FILE", help="also write the table as Markdown")
    args = parser.parse_args(argv)
    scripts = discover()
    if args.only:
        wanted = {name.removesuffix(".py") for name in args.only}
        unknown = wanted - {s.stem for s in scripts}
        if unknown:
            known = ", ".join(s.stem for s in scripts)
            parser.error(f"no benchmark named {', '.join(sorted(unknown))} (there are: {known})")
        scripts = [s for s in scripts if s.stem in wanted]
    signal.signal(signal.SIGTERM, _terminate)
    started = time.perf_counter()
    rows = [run_script(script, args.timeout) for script in scripts]
    total = time.perf_counter() - started
    print_table(rows, total)
    if args.markdown:
        text = markdown(rows, total)
        if args.markdown == "-":
            print()
            sys.stdout.write(text)
        else:
            Path(args.markdown).write_text(text, encoding="utf-8")
            print(f"Markdown table written to {args.markdown}")
    return 0 if all(r.verdict == "PASS" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
