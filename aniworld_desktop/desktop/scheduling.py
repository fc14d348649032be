"""Asking the operating system's scheduler to favour the window's thread over our own helpers.

Measured with ``tests/benchmarks/ui_responsiveness.py --sched-trace`` (issue 17): when a tick of
the window's loop was late, the window's thread was mostly neither running nor waiting for the
GIL but *waiting for a CPU*: runnable, while the kernel ran something else - other programs, and
our own download and writer threads, whose time is nine tenths in the kernel (``splice`` and
writeback copying pages), so the GIL never held them back. Two per-thread knobs of Linux fix the
order without any privilege:

* :func:`lower_this_thread` raises the nice value of the calling thread only (on Linux a thread
  has its own; ``setpriority`` on its thread id): the download and writer threads then yield the
  CPU to the window's thread at once, and still get all of it when nothing else wants it.
* :func:`favour_this_thread` gives the calling thread a short time slice (``sched_setattr``'s
  ``sched_runtime``, Linux 6.12+, where the EEVDF scheduler takes it as a request for low
  latency): when it wakes up it runs before a thread that has used its slice, instead of after
  it. ``SCHED_FLAG_RESET_ON_FORK`` keeps threads and processes started later from inheriting
  it. Older kernels accept and ignore the value.

Both are hints: any failure (another system, a kernel or sandbox that refuses) leaves the
defaults, and the functions say whether they took effect.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import sys
import threading

__all__ = [
    "HELPER_NICE",
    "WINDOW_SLICE",
    "favour_this_thread",
    "helper_steps",
    "helpers_yield",
    "lower_helper_thread",
    "lower_this_thread",
    "thread_slice",
]

log = logging.getLogger(__name__)

HELPER_NICE = 5
"""How much lower than the window's thread the download and writer threads run in the window
(nice steps; ``ui/qtapp.tune_interpreter`` asks for it through :func:`helpers_yield`).

Their time is nine tenths in the kernel (copying pages), so they seldom hold the GIL when the
kernel makes them wait; measured (``ui_responsiveness.py --sched-trace``), the window's loop was
late mostly because it waited for a CPU while they ran. Five steps give the window's thread
three times their weight; they still get every cycle nobody else wants."""

WINDOW_SLICE = 0.0002
"""Seconds of the window thread's slice: 0.1 ms is the kernel's least; the default is 0.75-3 ms."""

_helper_steps = 0  # set by helpers_yield: how far below the window's thread helpers run

# sched_setattr / sched_getattr, by machine (the generic table's numbers for the 64-bit ARMs).
_SYSCALLS = {"x86_64": (314, 315), "aarch64": (274, 275), "arm64": (274, 275)}
_SCHED_OTHER = 0
_RESET_ON_FORK = 0x01
_ATTR_SIZE = 48  # SCHED_ATTR_SIZE_VER0


class _SchedAttr(ctypes.Structure):
    """``struct sched_attr`` as of Linux 3.14 (``SCHED_ATTR_SIZE_VER0``)."""

    _fields_ = [
        ("size", ctypes.c_uint32),
        ("sched_policy", ctypes.c_uint32),
        ("sched_flags", ctypes.c_uint64),
        ("sched_nice", ctypes.c_int32),
        ("sched_priority", ctypes.c_uint32),
        ("sched_runtime", ctypes.c_uint64),
        ("sched_deadline", ctypes.c_uint64),
        ("sched_period", ctypes.c_uint64),
    ]


def _syscalls() -> tuple[ctypes.CDLL, int, int] | None:
    if not sys.platform.startswith("linux"):
        return None
    numbers = _SYSCALLS.get(os.uname().machine)
    if numbers is None:
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    return libc, *numbers


def lower_this_thread(steps: int) -> bool:
    """Give the calling thread a nice value ``steps`` above the process's main thread's.

    Only this thread changes (Linux keeps a nice value per thread); threads it starts later
    inherit the value, and a thread that has it already keeps it (so a helper started by
    another helper does not go lower still). Raising needs no privilege, lowering it back
    would. True when the thread has that value (or a higher one) afterwards.
    """
    if not sys.platform.startswith("linux") or steps <= 0:
        return False
    tid = threading.get_native_id()
    try:
        target = min(19, os.getpriority(os.PRIO_PROCESS, os.getpid()) + steps)
        if os.getpriority(os.PRIO_PROCESS, tid) < target:
            os.setpriority(os.PRIO_PROCESS, tid, target)
    except OSError as exc:
        log.debug("could not lower the priority of thread %s: %s", tid, exc)
        return False
    return True


def helpers_yield(steps: int) -> None:
    """From now on, helper threads started by this process run ``steps`` nice steps below its
    main thread (:func:`lower_helper_thread`); 0 leaves them alone.

    The window calls it: there the helpers yield to the window's thread. A headless run
    (``run-once``) does not, since nothing there needs the CPU sooner than the downloads.
    """
    global _helper_steps
    _helper_steps = max(0, steps)


def helper_steps() -> int:
    """How many nice steps below the main thread helpers run (:func:`helpers_yield`)."""
    return _helper_steps


def lower_helper_thread() -> bool:
    """Called by a helper thread as it starts: lower it as :func:`helpers_yield` asked."""
    return lower_this_thread(_helper_steps)


def favour_this_thread(slice_seconds: float = WINDOW_SLICE) -> bool:
    """Give the calling thread a short scheduler slice (see the module); True if accepted.

    Its nice value and policy stay as they are; threads and processes it starts later get the
    kernel's default slice.
    """
    calls = _syscalls()
    if calls is None:
        return False
    libc, setattr_number, _ = calls
    try:
        if os.sched_getscheduler(0) != os.SCHED_OTHER:
            return False  # a real-time or batch policy someone chose: not ours to change
        nice = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    except OSError:
        return False
    attr = _SchedAttr(
        size=_ATTR_SIZE,
        sched_policy=_SCHED_OTHER,
        sched_flags=_RESET_ON_FORK,
        sched_nice=nice,
        sched_runtime=max(1, int(slice_seconds * 1e9)),
    )
    if libc.syscall(setattr_number, 0, ctypes.byref(attr), 0) != 0:
        log.debug("sched_setattr refused a short slice: errno %s", ctypes.get_errno())
        return False
    return True


def thread_slice() -> float | None:
    """The slice the kernel gives the calling thread, in seconds, or None where it cannot be
    read (not Linux, another machine)."""
    calls = _syscalls()
    if calls is None:
        return None
    libc, _, getattr_number = calls
    attr = _SchedAttr()
    with contextlib.suppress(OSError):
        if libc.syscall(getattr_number, 0, ctypes.byref(attr), _ATTR_SIZE, 0) == 0:
            return float(attr.sched_runtime) / 1e9
    return None
