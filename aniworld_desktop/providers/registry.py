"""Finds providers: the built-in ones and those registered by other packages.

Every provider, ours included, is declared under the entry-point group
``aniworld_desktop.providers``; when the package is not installed (running from a source tree)
the built-ins are still there.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

from aniworld_desktop.config import Settings
from aniworld_desktop.core.errors import UsageError
from aniworld_desktop.providers.base import Provider
from aniworld_desktop.providers.direct import DirectProvider

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "aniworld_desktop.providers"


@dataclass(frozen=True, slots=True)
class ProviderContext:
    """What a provider may need of the run: handed to its ``configure(context)``, if it has one.

    Attributes:
        data_dir: The profile's data folder (a provider's own files go here, such as the film
            index of the mediathek provider).
        settings: The settings in force.
    """

    data_dir: Path
    settings: Settings


class ProviderRegistry:
    """Providers by name, in the order they are asked to handle a URL."""

    def __init__(self, providers: Iterable[Provider] = ()) -> None:
        self._providers: dict[str, Provider] = {}
        for provider in providers:
            self.register(provider)

    @classmethod
    def discover(cls, context: ProviderContext | None = None) -> ProviderRegistry:
        """The built-ins plus every provider installed under the entry-point group.

        With a ``context`` each provider that has a ``configure(context)`` method is given it
        (the profile's folder and the settings); without, such providers say so when used.
        """
        registry = cls([DirectProvider()])
        for point in entry_points(group=ENTRY_POINT_GROUP):
            if point.name in registry._providers:
                continue
            try:
                provider = point.load()()
                configure = getattr(provider, "configure", None)
                if context is not None and callable(configure):
                    configure(context)
            except Exception as exc:  # a broken plug-in must not stop the app
                log.warning("provider %s could not be loaded: %s", point.name, exc)
                continue
            if not isinstance(provider, Provider):
                log.warning("provider %s does not implement the Provider protocol", point.name)
                continue
            registry.register(provider)
        return registry

    def apply_settings(self, settings: Settings) -> list[str]:
        """Hand saved settings to each provider that follows some (an ``apply_settings``
        method), without a restart.

        Returns:
            The names of the providers whose catalogues read differently now (their followed
            series are worth reading again).
        """
        changed: list[str] = []
        for name, provider in self._providers.items():
            apply = getattr(provider, "apply_settings", None)
            if not callable(apply):
                continue
            try:
                if apply(settings):
                    changed.append(name)
            except Exception as exc:  # a broken plug-in must not stop the others
                log.warning("provider %s could not take the new settings: %s", name, exc)
        return changed

    def register(self, provider: Provider) -> None:
        self._providers[provider.name] = provider

    def names(self) -> list[str]:
        return list(self._providers)

    def providers(self) -> list[Provider]:
        """Every provider in the order they are asked: the direct one, the catch-all, last."""
        ordered = [p for n, p in self._providers.items() if n != "direct"]
        if "direct" in self._providers:
            ordered.append(self._providers["direct"])
        return ordered

    async def aclose(self) -> None:
        """Let providers that hold resources (the demo server) release them."""
        for provider in self._providers.values():
            close = getattr(provider, "aclose", None)
            if close is not None:
                try:
                    await close()
                except Exception:
                    log.exception("closing provider %s failed", provider.name)

    def get(self, name: str) -> Provider:
        try:
            return self._providers[name]
        except KeyError:
            known = ", ".join(self._providers) or "none"
            raise UsageError(f"Unknown provider '{name}' (known: {known}).") from None

    def for_url(self, url: str) -> Provider:
        """The first provider that says it can handle ``url``, the direct one last."""
        for provider in self.providers():
            if provider.can_handle(url):
                return provider
        raise UsageError(f"No provider knows what to do with {url}.")
