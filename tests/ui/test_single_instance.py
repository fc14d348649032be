"""Single instance: the first launch listens, a second hands its arguments over and exits."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent

from aniworld_desktop.config import ProfilePaths
from aniworld_desktop.ui.single_instance import MAX_MESSAGE_BYTES, SingleInstance, instance_key

# The first instance in its own process: claim, say "ready", print the first message, exit.
FIRST_INSTANCE = """
import json, sys
from PySide6.QtCore import QCoreApplication, QTimer
from aniworld_desktop.ui.single_instance import SingleInstance

app = QCoreApplication([])
instance = SingleInstance(sys.argv[1])
if not instance.claim():
    print("taken", flush=True)
    sys.exit(3)

def received(message):
    print(json.dumps(message), flush=True)
    instance.close()
    app.quit()

instance.messageReceived.connect(received)
QTimer.singleShot(15000, app.quit)  # never outlive a failed test
print("ready", flush=True)
app.exec()
"""

# Listens, then dies without cleaning up, as a crash would: the socket file stays behind.
CRASHING_INSTANCE = """
import os, signal, sys
from PySide6.QtCore import QCoreApplication
from PySide6.QtNetwork import QLocalServer

app = QCoreApplication([])
server = QLocalServer()
assert server.listen(sys.argv[1])
print(server.fullServerName(), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""

SECOND_LAUNCH = """
import sys
from PySide6.QtCore import QCoreApplication
from aniworld_desktop.ui.single_instance import SingleInstance

app = QCoreApplication([])
sys.exit(0 if SingleInstance.hand_over(sys.argv[1], {"args": sys.argv[2:]}) else 1)
"""


# Sends the raw bytes of the file argv[2] and waits for the server to answer or hang up.
RAW_SEND = """
import pathlib, sys
from PySide6.QtCore import QCoreApplication
from PySide6.QtNetwork import QLocalSocket

app = QCoreApplication([])
socket = QLocalSocket()
socket.connectToServer(sys.argv[1])
assert socket.waitForConnected(3000)
socket.write(pathlib.Path(sys.argv[2]).read_bytes())
socket.waitForBytesWritten(3000)
socket.waitForDisconnected(5000)
"""


def _env() -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


@pytest.fixture(autouse=True)
def collect_instances(qapp: Any) -> Iterator[None]:
    """Destroy this test's Qt objects now, not whenever the garbage collector gets to them.

    Signal connections to bound methods make cycles; collected later, in the middle of another
    test's qasync loop, their sockets were torn down under a running dispatch and crashed it.
    """
    yield
    gc.collect()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qapp.processEvents()


@pytest.fixture
def key() -> str:
    """A fresh name per test, so parallel runs never meet."""
    return f"aniworld-test-{uuid.uuid4().hex[:16]}"


@pytest.fixture
def first(qapp: Any, key: str) -> Iterator[SingleInstance]:
    instance = SingleInstance(key)
    assert instance.claim()
    yield instance
    instance.close()


def _launch(script: str, *args: str) -> subprocess.Popen[str]:
    # Another process, not a thread: PySide keeps the GIL inside waitForReadyRead, so a blocking
    # client in this process would starve the server's slot until it timed out.
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )


def _finish(process: subprocess.Popen[Any]) -> tuple[int, str]:
    try:
        _, err = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
    return process.returncode, str(err)


def test_instance_key_depends_on_profile(tmp_path: Path) -> None:
    one = instance_key(ProfilePaths.for_profile(tmp_path / "one"))
    assert one == instance_key(ProfilePaths.for_profile(tmp_path / "one"))
    assert one != instance_key(ProfilePaths.for_profile(tmp_path / "two"))
    assert one.startswith("aniworld-desktop-") and len(one) < 60


def test_second_claim_with_same_key_fails(first: SingleInstance, key: str) -> None:
    second = SingleInstance(key)
    assert not second.claim()
    assert SingleInstance(f"{key}-other").claim()


def test_claim_again_after_close(first: SingleInstance, key: str) -> None:
    first.close()
    again = SingleInstance(key)
    assert again.claim()
    again.close()


def test_hand_over_delivers_message(qtbot: Any, first: SingleInstance, key: str) -> None:
    message = {"args": ["https://example.org/feed.xml"], "cwd": "/tmp"}
    with qtbot.waitSignal(first.messageReceived, timeout=10000) as blocker:
        second = _launch(SECOND_LAUNCH, key, *message["args"])
    assert blocker.args == [{"args": message["args"]}]
    assert _finish(second)[0] == 0


def test_hand_over_without_server_returns_false(qapp: Any, key: str) -> None:
    assert SingleInstance.hand_over(key, {"args": []}, timeout_ms=500) is False


def test_hand_over_refuses_oversize_message(qapp: Any, key: str) -> None:
    with pytest.raises(ValueError):
        SingleInstance.hand_over(key, {"args": ["x" * MAX_MESSAGE_BYTES]})


@pytest.mark.parametrize(
    "payload",
    [b"not json\n", b"[1, 2]\n", b"\xff\xfe\n", b"x" * (MAX_MESSAGE_BYTES + 10)],
    ids=["garbage", "not-an-object", "not-utf8", "oversize"],
)
def test_invalid_messages_are_ignored(
    qtbot: Any,
    first: SingleInstance,
    key: str,
    payload: bytes,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    received: list[dict[str, Any]] = []
    first.messageReceived.connect(received.append)

    (tmp_path / "payload").write_bytes(payload)
    sender = _launch(RAW_SEND, key, str(tmp_path / "payload"))
    qtbot.waitUntil(lambda: "ignored" in caplog.text, timeout=10000)
    # The server hangs up instead of replying, so the sender ends well before its own timeout.
    assert _finish(sender) == (0, "")
    assert received == []
    with qtbot.waitSignal(first.messageReceived, timeout=10000):
        second = _launch(SECOND_LAUNCH, key, "after")
    assert _finish(second)[0] == 0


@pytest.mark.skipif(sys.platform == "win32", reason="named pipes leave no file behind")
def test_stale_socket_from_crashed_instance_is_recovered(key: str) -> None:
    crashed = subprocess.run(
        [sys.executable, "-c", CRASHING_INSTANCE, key],
        capture_output=True,
        text=True,
        timeout=30,
        env=_env(),
    )
    socket_file = Path(crashed.stdout.strip())
    assert socket_file.exists(), crashed.stderr
    # The next instance runs in a process of its own too: claiming in this process left Qt
    # objects that a later test's event loop tripped over.
    process = _start_first(key)  # "ready" means it claimed the key over the stale socket
    try:
        second = subprocess.run(
            [sys.executable, "-c", SECOND_LAUNCH, key, "recovered"],
            capture_output=True,
            text=True,
            timeout=30,
            env=_env(),
        )
        out, err = process.communicate(timeout=10)
    finally:
        process.kill()
    assert second.returncode == 0, second.stderr
    assert json.loads(out.strip()) == {"args": ["recovered"]}, err


def _start_first(key: str) -> subprocess.Popen[str]:
    process = _launch(FIRST_INSTANCE, key)
    assert process.stdout is not None
    line = process.stdout.readline().strip()  # bounded by the helper's own 15 s quit timer
    if line != "ready":
        process.kill()
        pytest.fail(f"first instance did not start: {line!r} {process.communicate()[1]}")
    return process


def test_two_processes_hand_over_from_test(qapp: Any, key: str) -> None:
    process = _start_first(key)
    try:
        assert not SingleInstance(key).claim()
        message = {"args": ["https://example.org/a.mp4", "--minimized"], "cwd": "/home/x"}
        assert SingleInstance.hand_over(key, message, timeout_ms=5000)
        out, err = process.communicate(timeout=10)
    finally:
        process.kill()
    assert json.loads(out.strip()) == message, err
    assert process.returncode == 0


def test_two_processes_second_launch(key: str) -> None:
    process = _start_first(key)
    try:
        second = subprocess.run(
            [sys.executable, "-c", SECOND_LAUNCH, key, "https://example.org/feed.xml"],
            capture_output=True,
            text=True,
            timeout=30,
            env=_env(),
        )
        out, err = process.communicate(timeout=10)
    finally:
        process.kill()
    assert second.returncode == 0, second.stderr
    assert json.loads(out.strip()) == {"args": ["https://example.org/feed.xml"]}, err
