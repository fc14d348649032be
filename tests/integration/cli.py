"""Run the real command line in a subprocess, as a user or a cron job would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from aniworld_desktop.json_output import JSON_SCHEMA


def cli_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANIWORLD_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.update(extra)
    return env


def cli(
    profile: Path, *args: str, timeout: float = 60, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aniworld_desktop", "--profile", str(profile), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=cli_env(**env),
        check=False,
    )


def cli_json(out: str, key: str) -> Any:
    """The data under ``key`` of a ``--json`` output, once its schema version is checked."""
    document = json.loads(out)
    assert document["schema"] == JSON_SCHEMA, document
    return document[key]


def queue_json(profile: Path) -> list[dict[str, Any]]:
    proc = cli(profile, "queue", "--json")
    assert proc.returncode == 0, proc.stderr
    result: list[dict[str, Any]] = cli_json(proc.stdout, "queue")
    return result
