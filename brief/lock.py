"""One run at a time: an exclusive lock on ``<home>/brief.lock``.

The lock is an ``flock`` on the open file, not the file's existence, so the kernel releases it when the holder
exits for any reason (a crash, ``kill -9``, a reboot); a lock file left behind never blocks the next run. The
file holds the holder's PID and start time only so that a refused run can say who it is waiting on.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from brief.errors import ConfigError, LockedError

LOCK_NAME = "brief.lock"


@contextmanager
def run_lock(home: Path) -> Iterator[Path]:
    """Hold the run lock in ``home`` for the ``with`` block; LockedError at once if another run holds it."""
    import fcntl  # POSIX only; imported here so that importing brief works everywhere

    path = home / LOCK_NAME
    try:
        home.mkdir(parents=True, exist_ok=True)
        # O_CLOEXEC is Python's default: programs this run starts do not inherit, and so do not hold, the lock.
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        raise ConfigError(f"cannot open the lock file {path}: {err.strerror or err} (check BRIEF_HOME)") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockedError(f"another brief run ({_holder(fd)}) is still going; this one did nothing") from None
        _write_details(fd)
        try:
            yield path
        finally:
            try:
                os.ftruncate(fd, 0)  # while still held: a later reader never sees a finished run as the holder
            except OSError:
                pass  # a read-only or full disk: the details were never written either
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _write_details(fd: int) -> None:
    """Write this run's PID and start time into the held lock file, when the disk lets it."""
    started = dt.datetime.now().astimezone()
    details = json.dumps({"pid": os.getpid(), "started": started.isoformat(timespec="seconds")}).encode()
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, details, 0)
    except OSError:
        # A full or read-only disk: the flock is held all the same; the details only name the holder to a refused
        # run, which then says "pid unknown". Never worth the brief.
        pass


def _holder(fd: int) -> str:
    """'pid N, started HH:MM' from the lock file, as far as it can be read."""
    try:
        info = json.loads(os.pread(fd, 4096, 0).decode("utf-8"))
        pid = int(info["pid"])
        started = dt.datetime.fromisoformat(info["started"])
    except (OSError, ValueError, KeyError, TypeError):
        # The holder may be between taking the lock and writing its details.
        return "pid unknown"
    now = dt.datetime.now(started.tzinfo)
    when = f"{started:%H:%M}" if started.date() == now.date() else f"{started:%d %b %H:%M}"
    return f"pid {pid}, started {when}"
