"""The Qt window layer: models, views and dialogs over the Qt-free services.

Only this package imports PySide6 and qasync. It reaches the services through the ``Services``
object and the event bus, and never touches the database or the network itself.
"""
