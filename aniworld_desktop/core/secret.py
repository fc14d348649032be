"""A secret (a token, an API key, a password) that never shows itself by accident."""

from __future__ import annotations

__all__ = ["MASK", "Secret"]

MASK = "***"
"""What a secret looks like wherever it is shown: a repr, a log line, an error report."""


class Secret:
    """Holds a secret so that ``repr()``, ``str()``, a debugger or ``vars()`` shows ``***``.

    A secret travels through places that print what they hold: a future a thread's result
    goes back in (qasync's executor logs it at debug level), a client's attributes in a
    debugger, an error report. Take ``value`` only where the secret is used.

    Attributes:
        value: The secret itself.
    """

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def __repr__(self) -> str:
        return MASK if self.value else "''"

    __str__ = __repr__
