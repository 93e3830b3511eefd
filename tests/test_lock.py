"""The run lock, with real processes holding it: refused while held, free once the holder exits or is killed."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from brief.errors import ConfigError, LockedError
from brief.lock import LOCK_NAME, run_lock

ROOT = Path(__file__).resolve().parent.parent
# A separate process that takes the lock, says so, and holds it until its stdin closes (or it is killed).
HOLDER = """
import sys
from pathlib import Path
from brief.lock import run_lock
with run_lock(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.read()
"""


@contextmanager
def holder(home: Path) -> Iterator[subprocess.Popen[str]]:
    """A real process holding the lock in ``home`` for the with block."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(home)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == "held\n"
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def test_the_lock_is_taken_and_given_back(tmp_path: Path) -> None:
    home = tmp_path / "not" / "yet"  # made when missing
    with run_lock(home) as path:
        assert path == home / LOCK_NAME
        info = json.loads(path.read_text(encoding="utf-8"))
        assert info["pid"] == os.getpid()
        started = dt.datetime.fromisoformat(info["started"])
        assert abs(dt.datetime.now().astimezone() - started) < dt.timedelta(minutes=1)
    assert path.read_text(encoding="utf-8") == ""  # nobody holds it now
    with run_lock(home):  # and it can be taken again
        pass


def test_a_second_holder_in_the_same_process_is_refused(tmp_path: Path) -> None:
    with run_lock(tmp_path), pytest.raises(LockedError) as caught, run_lock(tmp_path):
        pass
    message = rf"another brief run \(pid {os.getpid()}, started \d\d:\d\d\) is still going; this one did nothing"
    assert re.fullmatch(message, str(caught.value))
    assert caught.value.exit_code == 9


def test_a_run_in_another_process_holds_the_lock(tmp_path: Path) -> None:
    with holder(tmp_path) as process:
        with pytest.raises(LockedError, match=rf"^another brief run \(pid {process.pid}, started \d\d:\d\d\) is still"):
            with run_lock(tmp_path):
                pass
        assert process.stdin is not None
        process.stdin.close()  # the holder finishes its run normally
        assert process.wait(timeout=10) == 0
    with run_lock(tmp_path):
        pass


def test_a_killed_holder_leaves_a_stale_file_that_does_not_block(tmp_path: Path) -> None:
    with holder(tmp_path) as process:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    stale = json.loads((tmp_path / LOCK_NAME).read_text(encoding="utf-8"))
    assert stale["pid"] == process.pid  # it died without cleaning up
    with run_lock(tmp_path):
        assert json.loads((tmp_path / LOCK_NAME).read_text(encoding="utf-8"))["pid"] == os.getpid()


def test_the_cli_exit_code_for_a_held_lock_is_9(tmp_path: Path) -> None:
    """What a user sees: one line and exit 9, through the CLI's error mapping."""
    import typer

    from brief.cli import _fail

    with holder(tmp_path), pytest.raises(typer.Exit) as exited:
        try:
            with run_lock(tmp_path):
                pass
        except LockedError as err:
            _fail(err)
    assert exited.value.exit_code == 9


def test_a_holder_that_has_not_written_its_details_yet(tmp_path: Path) -> None:
    with open(tmp_path / LOCK_NAME, "w") as raw:
        fcntl.flock(raw.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(LockedError, match=r"another brief run \(pid unknown\) is still going"):
            with run_lock(tmp_path):
                pass


def test_a_lock_file_from_another_day_shows_the_date(tmp_path: Path) -> None:
    started = (dt.datetime.now().astimezone() - dt.timedelta(days=2)).replace(hour=6, minute=45)
    with open(tmp_path / LOCK_NAME, "w") as raw:
        raw.write(json.dumps({"pid": 4321, "started": started.isoformat()}))
        raw.flush()
        fcntl.flock(raw.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(LockedError, match=rf"\(pid 4321, started {started:%d %b} 06:45\)"):
            with run_lock(tmp_path):
                pass


def test_the_lock_is_released_when_the_block_raises(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), run_lock(tmp_path):
        raise RuntimeError("the run failed")
    with run_lock(tmp_path):
        pass


def test_a_home_that_cannot_be_made_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"cannot open the lock file .*file/sub/brief.lock"):
        with run_lock(tmp_path / "file" / "sub"):
            pass
