"""Deliver a rendered brief: to a file (atomically), to a new file in a folder, or to stdout.

What a destination may be, and what happens to it:

    a regular file, or a new name     written atomically: a temporary file beside it, then renamed over it
                                      (an existing file keeps its permissions)
    a symlink                         followed: its final target is written atomically, the link stays
    a character device or a FIFO      written directly (``-o /dev/null``, ``-o /dev/stdout``); never replaced;
                                      a FIFO that nobody reads is refused rather than waited on
    a folder, socket or block device  refused

``-o`` never makes folders: a destination whose folder is missing is refused by ``check_destination``
before any slow work, so a typo costs nothing. A folder of dated briefs (``--output-dir``) is made when
missing, and ``write_new`` never replaces a brief already there: names carry the second and, when two
briefs share it, a counter.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import stat
import sys
import tempfile
from pathlib import Path

from brief.errors import OutputError


def _reason(err: OSError) -> str:
    if err.errno == errno.ENAMETOOLONG:
        return "the name is too long for the filesystem"
    return err.strerror or str(err)


def _target(path: Path) -> Path:
    """The file a write to ``path`` lands on: the final target of a symlink chain, else ``path`` itself."""
    path = path.expanduser()
    if path.is_symlink():
        return Path(os.path.realpath(path))
    return path


def check_destination(path: Path | None, *, make_folder: bool = False) -> None:
    """OutputError now, before the brief is made, when ``path`` cannot be written; ``make_folder`` for output_dir.

    With ``make_folder`` the path is a folder of briefs, made when missing.
    """
    if path is None or str(path) == "-":
        return
    path = path.expanduser()
    if make_folder:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise OutputError(f"cannot make the folder {path} for the briefs: {_reason(err)}") from None
        if not path.is_dir():
            raise OutputError(f"cannot write briefs into {path}: it is not a folder")
        if not os.access(path, os.W_OK | os.X_OK):
            raise OutputError(f"cannot write briefs into {path}: permission denied")
        return
    target = _target(path)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as err:
        raise OutputError(f"cannot write {path}: {_reason(err)}") from None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise OutputError(f"cannot write {path}: it is a folder; name a file in it")
        if stat.S_ISREG(info.st_mode) or stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
            if not os.access(target, os.W_OK):
                raise OutputError(f"cannot write {path}: permission denied")
            if not stat.S_ISREG(info.st_mode):
                return  # written directly: the folder is not touched
        else:
            raise OutputError(f"cannot write {path}: it is a socket or block device, not a file")
    folder = target.parent
    if not folder.exists():
        raise OutputError(
            f"cannot write {path}: the folder {folder} does not exist (brief makes no folders for -o; create it first)"
        )
    if not folder.is_dir():
        raise OutputError(f"cannot write {path}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write {path}: the folder {folder} is not writable")


def _write_special(path: Path, target: Path, data: bytes) -> None:
    """Write into a character device or FIFO as it is; a FIFO with no reader is refused, not waited on."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        if err.errno == errno.ENXIO:
            raise OutputError(f"cannot write {path}: it is a FIFO (named pipe) that nothing is reading") from None
        raise OutputError(f"cannot write {path}: {_reason(err)}") from None
    try:
        os.set_blocking(fd, True)
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    except OSError as err:
        raise OutputError(f"cannot write {path}: {_reason(err)}") from None
    finally:
        os.close(fd)


def _fill(fd: int, tmp: str, data: bytes, mode: int | None) -> None:
    """Write ``data`` into the temporary file ``fd`` (at ``tmp``), flushed to disk, with ``mode``.

    mkstemp makes 0600; with no ``mode`` the file gets the permissions of any new file (0666 less the umask).
    """
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    if mode is None:
        mask = os.umask(0)
        os.umask(mask)
        mode = 0o666 & ~mask
    os.chmod(tmp, mode)


def write_atomic(path: Path, text: str | bytes, *, make_folders: bool = True) -> None:
    """Write text (UTF-8, LF) or bytes to ``path`` so that readers see the old file or the new one, never half.

    A symlink is followed and its target replaced; a character device or FIFO is written directly; the folder
    is made when missing only with ``make_folders`` (brief's own folders, never ``-o``).
    """
    path = path.expanduser()
    data = text.encode("utf-8") if isinstance(text, str) else text
    target = _target(path)
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as err:
        raise OutputError(f"cannot write {path}: {_reason(err)}") from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        if stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
            _write_special(path, target, data)
            return
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise OutputError(f"cannot write {path}: it is {what}")
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = _temporary(folder, target.name, make_folders, f"cannot write {path}")
    try:
        # A brief replaced keeps the permissions its owner gave it.
        _fill(fd, tmp, data, stat.S_IMODE(info.st_mode) if info is not None else None)
        os.replace(tmp, target)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {_reason(err)}") from None


def _temporary(folder: Path, name: str, make_folders: bool, failure: str) -> tuple[int, str]:
    """A hidden temporary file beside where ``name`` goes (the folder made first when asked), open for writing."""
    try:
        if make_folders:
            folder.mkdir(parents=True, exist_ok=True)
        return tempfile.mkstemp(prefix=f".{name[:100]}.", suffix=".tmp", dir=folder)
    except OSError as err:
        raise OutputError(f"{failure}: {_reason(err)}") from None


def dated_name(now: dt.datetime, suffix: str) -> str:
    """'brief-2026-11-30-071502.md': the file name of a brief made at ``now`` in a folder of briefs."""
    return f"brief-{now:%Y-%m-%d-%H%M%S}.{suffix}"


def write_new(folder: Path, name: str, text: str | bytes, *, make_folders: bool = True) -> Path:
    """Write into ``folder`` under ``name``, or ``name`` with -2, -3 ... when taken; never replaces a file.

    The text is written to a temporary file first and then linked under the free name, so the name never
    holds half a brief and two runs at once cannot both take it.
    """
    folder = folder.expanduser()
    data = text.encode("utf-8") if isinstance(text, str) else text
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    fd, tmp = _temporary(folder, stem, make_folders, f"cannot write a brief into {folder}")
    try:
        _fill(fd, tmp, data, None)
        for n in range(1, 10_000):
            candidate = folder / (f"{stem}-{n}" if n > 1 else stem)
            if suffix:
                candidate = candidate.with_name(f"{candidate.name}.{suffix}")
            try:
                os.link(tmp, candidate)  # fails if the name is taken: no brief is ever replaced
            except FileExistsError:
                continue
            except OSError as err:
                if err.errno not in (errno.EPERM, errno.ENOTSUP, errno.EMLINK, errno.EXDEV):
                    raise
                # A filesystem without hard links: create the name exclusively and write into it.
                try:
                    with open(candidate, "xb") as handle:
                        handle.write(data)
                except FileExistsError:
                    continue
            return candidate
        raise OutputError(f"cannot write a brief into {folder}: 9,999 briefs there already have the name {name}")
    except OSError as err:
        raise OutputError(f"cannot write a brief into {folder}: {_reason(err)}") from None
    finally:
        Path(tmp).unlink(missing_ok=True)


def emit(text: str, output: Path | None) -> None:
    """Write to ``output`` (never making its folder), or to stdout when it is None or '-'."""
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_atomic(output, text, make_folders=False)
