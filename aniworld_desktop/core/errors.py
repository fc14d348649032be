"""Errors a person can act on: each carries a sentence the window or the CLI can show as it is."""


class AniworldError(Exception):
    """Base of the errors we raise on purpose; ``str(error)`` is a sentence for the user."""


class ConfigError(AniworldError):
    """A setting, an environment variable or a command-line value is invalid."""


class UsageError(AniworldError):
    """The user asked for something that cannot be done as asked (bad URL, unknown item...)."""


class InvalidTransition(AniworldError):
    """A queue item was asked to move to a state its current state does not allow."""
