"""Shell completion: the script ``completion SHELL`` prints, run by the real shell.

Each test loads the script the way its guide says (``eval``, ``source``), asks the shell for
the completions of a half-typed command line, and finds the sub-command, option or choice the
program's parser knows. The program itself answers each request (argcomplete), so it must be
on the shell's PATH under its own name.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.cli import cli_env

PROGRAM_DIR = Path(sys.executable).parent


def shell_env(tmp_path: Path) -> dict[str, str]:
    program = PROGRAM_DIR / "aniworld-desktop"
    if not program.exists():
        pytest.skip(f"{program} is not installed (make venv)")
    env = cli_env(PATH=f"{PROGRAM_DIR}{os.pathsep}{os.environ.get('PATH', '')}")
    env["HOME"] = str(tmp_path)  # no user's rc files, no history written anywhere
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    return env


def run_shell(shell: str, script: str, tmp_path: Path) -> list[str]:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed (make test installs it)")
    proc = subprocess.run(
        [shell, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env=shell_env(tmp_path),
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return [line for line in proc.stdout.splitlines() if line]


BASH = r"""
eval "$(aniworld-desktop completion bash)"
complete -p aniworld-desktop >/dev/null
COMP_LINE="$LINE"; COMP_POINT=${#COMP_LINE}
read -ra COMP_WORDS <<< "$COMP_LINE"
[[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
_python_argcomplete aniworld-desktop "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"
printf '%s\n' "${COMPREPLY[@]}"
"""

# zsh's completion system calls the script's function with BUFFER, CURSOR and words set and
# hands the candidates to _describe; here _describe prints them instead of showing a menu.
ZSH = r"""
autoload -Uz compinit && compinit -u -d "$HOME/.zcompdump"
eval "$(aniworld-desktop completion zsh)"
_describe() { print -l -- "${(@P)2}" }
BUFFER="$LINE"; CURSOR=${#BUFFER}
words=(${=BUFFER}); [[ "$BUFFER" == *" " ]] && words+=("")
_python_argcomplete
"""

FISH = r"""
aniworld-desktop completion fish | source
complete -C "$LINE"
"""

SCRIPTS = {"bash": BASH, "zsh": ZSH, "fish": FISH}


def completions(shell: str, line: str, tmp_path: Path) -> set[str]:
    script = f"LINE={_quote(line)}\n" if shell != "fish" else f"set LINE {_quote(line)}\n"
    found = run_shell(shell, script + SCRIPTS[shell], tmp_path)
    # zsh says "word:description", fish "word<TAB>description", bash the word alone.
    return {entry.split("\t")[0].split(":")[0].strip() for entry in found}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_a_sub_command_is_completed(shell: str, tmp_path: Path) -> None:
    assert "run-once" in completions(shell, "aniworld-desktop run", tmp_path)
    assert "queue" in completions(shell, "aniworld-desktop qu", tmp_path)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_options_of_a_sub_command_include_the_global_ones(shell: str, tmp_path: Path) -> None:
    found = completions(shell, "aniworld-desktop queue --", tmp_path)
    assert {"--json", "--profile", "--debug"} <= found


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_completion_command_offers_the_shells(shell: str, tmp_path: Path) -> None:
    found = completions(shell, "aniworld-desktop completion ", tmp_path)
    assert {"bash", "zsh", "fish"} <= found


def test_an_unknown_shell_is_a_usage_error(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "aniworld_desktop", "completion", "tcsh"],
        capture_output=True,
        text=True,
        timeout=60,
        env=cli_env(),
        check=False,
    )
    assert proc.returncode == 2
    assert "invalid choice: 'tcsh'" in proc.stderr
