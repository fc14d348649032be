"""The Qt window layer: models, views and dialogs over the Qt-free services.

Only this package imports PySide6 and qasync. It reaches the services through the ``Services``
object and the event bus, and never touches the database or the network itself.
"""

# PySide6 first, then its look at each later import made cheap, before the window's modules and
# the services' (SQLAlchemy, aiohttp) come in: see feature_check.py.
import PySide6.QtCore  # noqa: F401

from aniworld_desktop.ui.feature_check import install

install()
