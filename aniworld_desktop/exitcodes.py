"""The process's exit codes, stable for scripts: a leaf, so the window need not import the CLI."""

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_LOCKED = 3  # another run holds the profile: a cron job can tell "skipped" from "failed"
# The reader of our output went away (`queue --json | head`): 128 + SIGPIPE (13), what a shell
# reports for any tool a closed pipe stopped, so `set -o pipefail` scripts see the usual code.
EXIT_BROKEN_PIPE = 141
