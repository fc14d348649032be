"""Secret: a token, key or password that shows itself as *** wherever it is printed."""

from __future__ import annotations

from aniworld_desktop.core.secret import MASK, Secret
from tests.sentinels import KODI_PASSWORD


def test_repr_and_str_are_masked_and_the_value_is_kept() -> None:
    secret = Secret(KODI_PASSWORD)
    assert repr(secret) == str(secret) == f"{secret}" == MASK
    assert KODI_PASSWORD not in repr([secret]) and KODI_PASSWORD not in repr({"k": secret})
    assert secret.value == KODI_PASSWORD


def test_an_empty_secret_says_it_is_empty() -> None:
    assert repr(Secret("")) == str(Secret("")) == "''"


def test_it_has_no_dict_a_debugger_could_show() -> None:
    assert not hasattr(Secret("x"), "__dict__")
