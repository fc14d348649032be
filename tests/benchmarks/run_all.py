"""``make bench``: run every benchmark script here and print one table of their verdicts.

Each script prints its figures and, as its last line, ``<name>: <figures> (goal ...) PASS|FAIL``.
Extra arguments are not passed on; run a script alone to change its sizes.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    scripts = sorted(p for p in HERE.glob("*.py") if p.name not in {"run_all.py", "__init__.py"})
    rows: list[tuple[str, str, str]] = []
    for script in scripts:
        print(f"== {script.name}", flush=True)
        proc = subprocess.run(
            [sys.executable, str(script)], text=True, capture_output=True, check=False
        )
        sys.stdout.write(proc.stdout)
        sys.stderr.write(proc.stderr[-4000:])
        lines = [line for line in proc.stdout.splitlines() if line.strip()]
        last = lines[-1] if lines else f"{script.stem}: no output (exit {proc.returncode})"
        verdict = "PASS" if last.endswith("PASS") and proc.returncode == 0 else "FAIL"
        figure = last.rsplit(" ", 1)[0] if last.endswith(("PASS", "FAIL")) else last
        rows.append((script.stem, figure.split(": ", 1)[-1], verdict))
    print()
    width = max(len(r[0]) for r in rows)
    print(f"{'benchmark':<{width}}  verdict  figure (goal)")
    for name, figure, verdict in rows:
        print(f"{name:<{width}}  {verdict:<7}  {figure}")
    return 0 if all(r[2] == "PASS" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
