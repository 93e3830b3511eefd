"""Deliver a rendered brief: to a file (atomically) or to stdout."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from brief.errors import OutputError


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write text (UTF-8, LF) or bytes to ``path`` so that readers see the old file or the new one, never half."""
    path = path.expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from None
    try:
        data = text.encode("utf-8") if isinstance(text, str) else text
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # mkstemp makes 0600; the brief gets the permissions of any new file
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from None


def emit(text: str, output: Path | None) -> None:
    """Write to ``output``, or to stdout when it is None or '-'."""
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_atomic(output, text)
