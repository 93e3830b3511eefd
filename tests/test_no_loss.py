"""No brief lost (issue 8, item 5): every way the destination or the store can fail, through the real CLI.

Each test makes an extractive brief of one short English article (no translator to load, so it is quick),
in-process, with its own BRIEF_HOME, and checks the exit code, that the brief is somewhere the user is told about, that nothing was replaced that should
not be, and that no traceback is shown.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import sqlite3
import stat
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli_runner import brief

ARTICLE = (Path(__file__).parent / "fixtures" / "text" / "port-storm.md").read_text(encoding="utf-8")


@pytest.fixture
def home(tmp_path: Path, tiny_registry: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """BRIEF_HOME in tmp_path, the tiny models as the registry."""
    folder = tmp_path / "brief-home"
    monkeypatch.setenv("BRIEF_HOME", str(folder))
    monkeypatch.setenv("BRIEF_MODELS", str(tiny_registry))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    return folder


def make(*args: str | Path):  # noqa: ANN201
    return brief("make", "article.txt", "--extractive", *args)


def is_brief(text: str) -> bool:
    return text.startswith("# ") and "## Sources" in text and "Made by brief" in text


def kept_briefs(home: Path) -> list[Path]:
    folder = home / "briefs"
    return sorted(folder.iterdir()) if folder.is_dir() else []


# --- where the brief goes -----------------------------------------------------------------------------------


def test_output_dir_never_replaces_a_brief_made_the_same_minute_or_second(home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "briefs"
    folder.mkdir()
    # Every name a brief made in the next three minutes could take, by the minute (as before) or by the second.
    start = dt.datetime.now().replace(microsecond=0)
    earlier = {}
    for s in range(180):
        moment = start + dt.timedelta(seconds=s)
        for name in (f"brief-{moment:%Y-%m-%d-%H%M}.md", f"brief-{moment:%Y-%m-%d-%H%M%S}.md"):
            earlier[name] = f"an earlier brief called {name}\n"
    for name, text in earlier.items():
        (folder / name).write_text(text, encoding="utf-8")

    result = make("--output-dir", folder, "-q")

    assert result.exit_code == 0, result.stderr
    for name, text in earlier.items():
        assert (folder / name).read_text(encoding="utf-8") == text
    new = sorted(set(p.name for p in folder.iterdir()) - set(earlier))
    assert len(new) == 1 and new[0].endswith("-2.md"), new
    assert is_brief((folder / new[0]).read_text(encoding="utf-8"))


def test_o_onto_a_symlink_writes_its_target_and_keeps_the_link(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "real" / "brief.md"
    target.parent.mkdir()
    target.write_text("yesterday's brief\n", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "latest.md"
    link.symlink_to(target)

    result = make("-o", link, "-q")

    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert is_brief(target.read_text(encoding="utf-8"))
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the file replaced keeps its permissions
    assert sorted(p.name for p in target.parent.iterdir()) == ["brief.md"]  # no temporary file left


def test_o_onto_a_fifo_writes_into_it_and_keeps_it(home: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()

    result = make("-o", fifo, "-q")

    reader.join(timeout=30)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # still a FIFO, not replaced by a file
    assert received and is_brief(received[0].decode("utf-8"))


def test_o_onto_a_fifo_nobody_reads_is_refused_and_the_brief_kept(home: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    result = make("-o", fifo)

    assert result.exit_code == 6
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    kept = kept_briefs(home)
    assert len(kept) == 1 and is_brief(kept[0].read_text(encoding="utf-8"))
    assert f"the brief is saved in {kept[0]} instead" in result.stderr
    assert "nothing is reading" in result.stderr


def test_o_into_a_missing_folder_fails_at_once_and_makes_no_folder(home: Path, tmp_path: Path) -> None:
    output = tmp_path / "no-such" / "dir" / "x.md"

    result = make("-o", output)

    assert result.exit_code == 6
    assert result.stderr.startswith(f"brief: error: cannot write {output}: the folder {output.parent} does not exist")
    assert len(result.stderr.splitlines()) == 1  # no progress: nothing was read or translated
    assert not (tmp_path / "no-such").exists()
    assert not home.exists()  # not even the store was opened


def test_disk_full_at_o_exits_6_keeps_the_brief_and_logs_name_only_what_was_written(home: Path) -> None:
    result = make("-o", "/dev/full")  # every write to /dev/full fails with "No space left on device"

    assert result.exit_code == 6
    kept = kept_briefs(home)
    assert len(kept) == 1 and is_brief(kept[0].read_text(encoding="utf-8"))
    errors = [line for line in result.stderr.splitlines() if line.startswith("brief: error: ")]
    assert errors == [
        f"brief: error: cannot write /dev/full: No space left on device; the brief is saved in {kept[0]} instead"
    ]
    logs = brief("logs")
    assert logs.exit_code == 0 and str(kept[0]) in logs.stdout and "/dev/full" not in logs.stdout
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


# --- the store only remembers ----------------------------------------------------------------------------------


def new_store(home: Path) -> Path:
    """An empty store (schema only), as brief makes it."""
    from brief.store import Store

    Store.open(home).close()
    return home / "brief.db"


@pytest.fixture
def damaged_row(home: Path) -> Path:
    """A store with an earlier brief whose row cannot be read back (its bottom line is not JSON)."""
    path = new_store(home)
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO runs (id, started) VALUES (1, '2026-11-29T07:00:00+00:00')")
        conn.execute(
            "INSERT INTO briefs (run_id, made_at, title, bottom_line, markdown, json)"
            " VALUES (1, '2026-11-29T07:01:00+00:00', 'Brief: yesterday', '{not json', '# Brief', '{}')"
        )
    return path


def test_a_store_with_a_damaged_row_still_gives_the_brief(damaged_row: Path, tmp_path: Path) -> None:
    output = tmp_path / "out.md"

    result = make("-o", output, "-q")

    assert result.exit_code == 0, result.stderr
    assert is_brief(output.read_text(encoding="utf-8"))
    assert f"brief: warning: the store {damaged_row} has a damaged row" in result.stderr


@pytest.fixture
def damaged_pages(home: Path) -> Path:
    """A store whose pages after the first (the file header and the schema) are garbage."""
    path = new_store(home)
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.seek(4096)
        handle.write((bytes(range(256)) * (size // 256 + 1))[: size - 4096])
    return path


@pytest.mark.parametrize(("flags", "code"), [([], 0), (["--new"], 12), (["--since", "2d"], 12)])
def test_a_damaged_store_stops_only_the_runs_that_need_it(
    damaged_pages: Path, tmp_path: Path, flags: list[str], code: int
) -> None:
    output = tmp_path / "out.md"
    before = damaged_pages.read_bytes()

    result = make("-o", output, *flags)

    assert result.exit_code == code, result.stderr
    assert f"{damaged_pages} is damaged" in result.stderr
    if code == 0:
        assert is_brief(output.read_text(encoding="utf-8"))
        assert "brief: warning:" in result.stderr
    else:
        assert not output.exists()  # --new cannot choose without the store: no brief, and nothing replaced
    assert damaged_pages.read_bytes() == before  # a damaged store is left as it is, for the user to look at


def test_a_busy_store_is_waited_on_once_and_the_brief_still_made(home: Path, tmp_path: Path) -> None:
    holder = sqlite3.connect(new_store(home), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another writer that never lets go (the store waits 10 s, then gives up)
    try:
        output = tmp_path / "second.md"
        result = make("-o", output, "-q")
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert result.exit_code == 0, result.stderr
    assert is_brief(output.read_text(encoding="utf-8"))
    warnings = [line for line in result.stderr.splitlines() if line.startswith("brief: warning:")]
    assert len(warnings) == 1 and "is busy" in warnings[0] and "not recorded" in warnings[0]


def test_an_unwritable_data_folder_does_not_stop_the_brief(
    tmp_path: Path, tiny_registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    monkeypatch.setenv("BRIEF_HOME", str(blocker / "brief"))  # nothing can be made under a file
    monkeypatch.setenv("BRIEF_MODELS", str(tiny_registry))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    output = tmp_path / "out.md"

    result = make("-o", output, "-q")

    assert result.exit_code == 0, result.stderr
    assert is_brief(output.read_text(encoding="utf-8"))
    assert "running without the lock" in result.stderr and "this run is not recorded" in result.stderr
    assert blocker.read_text(encoding="utf-8") == "not a folder\n"


def test_new_with_an_unwritable_data_folder_exits_with_the_reason(
    tmp_path: Path, tiny_registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    monkeypatch.setenv("BRIEF_HOME", str(blocker / "brief"))
    monkeypatch.setenv("BRIEF_MODELS", str(tiny_registry))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")

    result = make("--new", "-o", tmp_path / "out.md")

    assert result.exit_code == 4  # the data folder is configuration: --new cannot work without it
    assert "BRIEF_HOME" in result.stderr
    assert not (tmp_path / "out.md").exists()


# --- a full or read-only $BRIEF_HOME: only the lock and the record are lost ------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 1 MB tmpfs at tmp_path/disk, unmounted afterwards (skipped where mounting is not allowed)."""
    from conftest import mounted_tmpfs

    with mounted_tmpfs(tmp_path / "disk", "1m") as mount:
        yield mount


def fill(disk: Path) -> None:
    """Fill ``disk`` to the last byte, as a disk that filled up overnight."""
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        for size in (65536, 4096, 1):  # down to the last byte
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError as err:
                assert err.errno == errno.ENOSPC
    finally:
        os.close(fd)


@pytest.mark.parametrize("fault", ["full", "read-only"])
@pytest.mark.parametrize("translated", [False, True], ids=["extractive", "translated"])
def test_a_full_or_read_only_home_costs_only_the_lock_and_the_record(
    small_disk: Path, tmp_path: Path, tiny_registry: Path, monkeypatch: pytest.MonkeyPatch, fault: str,
    translated: bool,
) -> None:
    monkeypatch.setenv("BRIEF_HOME", str(small_disk))
    monkeypatch.setenv("BRIEF_MODELS", str(tiny_registry))
    monkeypatch.chdir(tmp_path)
    source = Path(__file__).parent / "fixtures" / "text" / ("ar.txt" if translated else "port-storm.md")
    (tmp_path / "article.txt").write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    flags = [] if translated else ["--extractive"]
    first = brief("make", "article.txt", *flags, "-o", tmp_path / "first.md", "-q")  # the store and the lock exist
    assert first.exit_code == 0, first.stderr
    if fault == "full":
        fill(small_disk)
    else:
        subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    output = tmp_path / "out.md"

    result = brief("make", "article.txt", *flags, "-o", output, "-q")

    assert result.exit_code == 0, result.stderr
    assert is_brief(output.read_text(encoding="utf-8"))
    assert "internal error" not in result.stderr
    assert result.stderr.startswith("brief: warning:"), result.stderr


def test_a_dry_run_with_a_full_home_prints_the_brief_it_cannot_keep(
    small_disk: Path, tmp_path: Path, tiny_registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEF_HOME", str(small_disk))
    monkeypatch.setenv("BRIEF_MODELS", str(tiny_registry))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    fill(small_disk)

    result = make("--email", "reader@example.org", "--dry-run", "-q")

    assert result.exit_code == 6, result.stderr
    assert is_brief(result.stdout)
    assert result.stderr.splitlines()[-1].endswith("the brief could not be saved, so it is on standard output")
