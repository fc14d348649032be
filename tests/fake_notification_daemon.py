"""A notification server for tests: owns ``org.freedesktop.Notifications`` on the bus it is
given (``DBUS_SESSION_BUS_ADDRESS``) and records every ``Notify`` call, one JSON line each.

Run by ``tests/dbus_session.py``. It says ``ready`` on stdout once it owns the name. With
``--click`` it answers each ``Notify`` and then emits ``ActionInvoked(id, "default")``, as a
server does when the user clicks the notification.

    python -m tests.fake_notification_daemon RECORD_FILE [--click]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from jeepney import (
    DBusAddress,
    HeaderFields,
    MessageType,
    message_bus,
    new_error,
    new_method_return,
    new_signal,
)
from jeepney.io.blocking import Proxy, open_dbus_connection

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
INTERFACE = "org.freedesktop.Notifications"


def main() -> int:
    record = Path(sys.argv[1])
    click = "--click" in sys.argv[2:]
    connection = open_dbus_connection(bus="SESSION")
    reply = Proxy(message_bus, connection).RequestName(NAME, 4)  # 4: do not queue
    if reply != (1,):  # 1: primary owner
        print(f"could not own {NAME}: {reply}", file=sys.stderr)
        return 1
    print("ready", flush=True)
    emitter = DBusAddress(PATH, interface=INTERFACE)
    next_id = 0
    while True:
        message = connection.receive()
        header = message.header
        if header.message_type is not MessageType.method_call:
            continue
        member = header.fields.get(HeaderFields.member)
        if member == "Notify":
            app, replaces, icon, summary, body, actions, hints, timeout = message.body
            next_id += 1
            with record.open("a", encoding="utf-8") as file:
                entry = {
                    "id": next_id,
                    "app": app,
                    "replaces": replaces,
                    "icon": icon,
                    "summary": summary,
                    "body": body,
                    "actions": actions,
                    "hints": {key: value[1] for key, value in hints.items()},
                    "timeout": timeout,
                }
                file.write(json.dumps(entry) + "\n")
            connection.send(new_method_return(message, "u", (next_id,)))
            if click:
                connection.send(new_signal(emitter, "ActionInvoked", "us", (next_id, "default")))
        elif member == "GetServerInformation":
            connection.send(new_method_return(message, "ssss", ("fake", "tests", "1", "1.2")))
        elif member == "GetCapabilities":
            connection.send(new_method_return(message, "as", (["actions", "body"],)))
        else:
            connection.send(new_error(message, "org.freedesktop.DBus.Error.UnknownMethod"))


if __name__ == "__main__":
    sys.exit(main())
