"""The process's exit codes, stable for scripts: a leaf, so the window need not import the CLI."""

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_LOCKED = 3  # another run holds the profile: a cron job can tell "skipped" from "failed"
