"""Media servers (Jellyfin, Kodi) asked to rescan their library after a batch of downloads.

Qt-free, like every service: :class:`MediaServerNotifier` follows the event bus and owns one
HTTP session; the clients can also be used on their own (the settings' Test buttons).
"""

from aniworld_desktop.mediaservers.client import DEFAULT_TIMEOUT, MediaServerClient
from aniworld_desktop.mediaservers.errors import (
    MediaServerAuthError,
    MediaServerBadReply,
    MediaServerError,
    MediaServerUnavailable,
)
from aniworld_desktop.mediaservers.jellyfin import JellyfinClient
from aniworld_desktop.mediaservers.kodi import KodiClient
from aniworld_desktop.mediaservers.notifier import (
    METADATA_WAIT,
    MediaServerNotifier,
    media_server_clients,
)

__all__ = [
    "DEFAULT_TIMEOUT",
    "METADATA_WAIT",
    "JellyfinClient",
    "KodiClient",
    "MediaServerAuthError",
    "MediaServerBadReply",
    "MediaServerClient",
    "MediaServerError",
    "MediaServerNotifier",
    "MediaServerUnavailable",
    "media_server_clients",
]
