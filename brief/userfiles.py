"""Reading the files a user names (``--sources``, ``--models``, BRIEF_CONFIG, ``brief send FILE``): bounded and safe.

Every such file is opened without blocking, must be a regular file (a FIFO would hang the run, ``/dev/zero``
would fill the memory) and is read up to a size limit; any failure is one typed error naming the file. YAML
read from these files goes through ``load_yaml``, which refuses aliases: none of brief's YAML files needs them,
and a few lines of nested aliases expand to billions of nodes (the "billion laughs" attack). ``quote`` caps
what an error message repeats of a value.
"""

from __future__ import annotations

import errno
import os
import reprlib
import stat
from pathlib import Path
from typing import Any

from brief.errors import BriefError, ConfigError

# Sources files, registries and config files are a few kilobytes; a brief a few tens.
CONFIG_LIMIT = 1_000_000
BRIEF_LIMIT = 10_000_000

_quote = reprlib.Repr()
_quote.maxstring = 80
_quote.maxother = 80
_quote.maxlist = _quote.maxdict = _quote.maxtuple = _quote.maxset = 6
_quote.maxlevel = 3


def quote(value: object) -> str:
    """``repr(value)`` cut to a readable length, for error messages that show what the user wrote."""
    return _quote.repr(value)


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{n:,} bytes"


def read_user_bytes(
    path: str | os.PathLike[str], *, what: str, limit: int = CONFIG_LIMIT, error: type[BriefError] = ConfigError
) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; ``error`` (a BriefError class) saying why not."""
    path = Path(path).expanduser()
    try:
        # O_NONBLOCK: opening a FIFO with no writer would otherwise wait for ever; it is refused just below.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise error(f"{what} {path} not found, so brief cannot read it") from None
    except IsADirectoryError:
        raise error(f"{what} {path} is a folder, not a file") from None
    except OSError as err:
        reason = "the name is too long for the filesystem" if err.errno == errno.ENAMETOOLONG else err.strerror
        raise error(f"cannot read {what} {path}: {reason or err}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise error(f"{what} {path} is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            kind = "a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode) else "a device or special file"
            raise error(f"{what} {path} is {kind}, not a regular file; brief reads only regular files here")
        if info.st_size > limit:
            raise error(f"{what} {path} is {_size(info.st_size)}; brief reads at most {_size(limit)} here")
        os.set_blocking(fd, True)
        chunks, total = [], 0
        while total <= limit:  # read to the end, but never past the limit (the file may be growing)
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise error(f"{what} {path} is larger than {_size(limit)}; brief reads at most that here")
        return b"".join(chunks)
    except OSError as err:
        raise error(f"cannot read {what} {path}: {err.strerror or err}") from None
    finally:
        os.close(fd)


def read_user_file(
    path: str | os.PathLike[str], *, what: str, limit: int = CONFIG_LIMIT, error: type[BriefError] = ConfigError
) -> str:
    """The text (UTF-8, a leading BOM dropped) of a regular file of at most ``limit`` bytes; ``error`` otherwise."""
    data = read_user_bytes(path, what=what, limit=limit, error=error)
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        raise error(
            f"{what} {Path(path).expanduser()} is not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start})"
        ) from None


# Deeper than any settings file needs, far shallower than Python's recursion limit: PyYAML's composer and tomllib
# recurse once per level, so an 80 KB file of "[[[[..." would otherwise end in RecursionError.
MAX_NESTING = 64


def load_yaml(text: str) -> Any:
    """Parse YAML safely, refusing aliases (``*name``) and nesting deeper than MAX_NESTING; raises
    ``yaml.YAMLError`` with a line and column."""
    import yaml

    class NoAliasLoader(yaml.SafeLoader):
        depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: ANN401 - PyYAML's own signature
            event = self.peek_event()
            if self.check_event(yaml.AliasEvent):
                raise yaml.composer.ComposerError(
                    None, None, "aliases (*name) are not allowed in this file; write the value out", event.start_mark
                )
            if self.depth >= MAX_NESTING:
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_NESTING} levels deep; no setting needs that", event.start_mark
                )
            self.depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    return yaml.load(text, Loader=NoAliasLoader)  # noqa: S506 - a SafeLoader subclass


def check_toml_nesting(text: str) -> None:
    """Refuse TOML whose arrays or inline tables nest deeper than MAX_NESTING (``ValueError``), before tomllib
    recurses into them."""
    depth = _toml_nesting(text)
    if depth > MAX_NESTING:
        raise ValueError(f"arrays or inline tables nested {depth} levels deep; no setting needs more than {MAX_NESTING}")


def _toml_nesting(text: str) -> int:
    """The deepest nesting of ``[``/``{`` in TOML values, outside strings and comments (one pass, no parsing).

    Table headers (``[a]``, ``[[a]]``) start a line and nest nothing, so only brackets after ``=`` count.
    """
    deepest = depth = 0
    quote = ""
    in_value = False
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 2
                continue
            if text.startswith(quote, i):
                i += len(quote)
                quote = ""
                continue
        elif ch == "#":
            while i < n and text[i] != "\n":
                i += 1
            continue
        elif ch in "\"'":
            quote = text[i : i + 3] if text.startswith(ch * 3, i) else ch
            i += len(quote)
            continue
        elif ch == "=":
            in_value = True
        elif ch == "\n" and depth == 0:
            in_value = False
        elif in_value and ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif in_value and ch in "]}":
            depth = max(0, depth - 1)
        i += 1
    return deepest
