"""Files and folders on disk in, decoded ``RawDocument``s out (and a ``Skipped`` for each bad input).

Nothing here writes to disk, and one bad input never stops the others: it becomes a ``Skipped`` with the
reason, and the caller decides what to do when nothing was usable.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Sequence
from pathlib import Path, PurePath

from brief.errors import InputError
from brief.records import RawDocument, Skipped

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# Suffix -> kind, for files found inside a folder (anything else there is passed over silently).
SUFFIX_KINDS = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html"}

# UTF-32 comes before UTF-16 because the UTF-32 LE mark starts with the UTF-16 LE mark.
_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be", "utf-16-be"),
)

# C0 controls that never occur in text files; tab, newlines and form feed do.
_BINARY_CONTROLS = frozenset(chr(c) for c in range(32) if chr(c) not in "\t\n\r\f\v") | {"\x7f"}


def read_inputs(
    inputs: Sequence[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[list[RawDocument], list[Skipped]]:
    """Read files and folders (recursively, in sorted order) into documents; report what was skipped and why."""
    documents: list[RawDocument] = []
    skipped: list[Skipped] = []
    for given in inputs:
        name = os.fspath(given)
        path = Path(given)
        try:
            path.stat()
        except OSError as err:  # missing, a name too long for the filesystem, a loop of symlinks ...
            missing = isinstance(err, FileNotFoundError)
            why = "the name is too long for the filesystem" if err.errno == errno.ENAMETOOLONG else err.strerror
            skipped.append(Skipped(name, "not found" if missing else f"cannot be read: {why or err}"))
            continue
        if path.is_dir():
            files, problems = walk(path)
            skipped.extend(Skipped(os.path.join(name, str(rel)), why) for rel, why in problems)
            if not files and not problems:
                skipped.append(Skipped(name, "no .txt, .md or .html files in folder"))
            for rel in files:
                _collect(_read_file(path / rel, os.path.join(name, str(rel)), max_bytes), documents, skipped)
        else:
            _collect(_read_file(path, name, max_bytes), documents, skipped)
    return documents, skipped


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8, UTF-16/32 (with or without a mark) or Windows-1256 Arabic; raise InputError if none fits."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return _newlines(data[len(bom) :].decode(codec)), name
            except UnicodeDecodeError as err:
                raise InputError(f"undecodable: invalid {name} after its byte-order mark") from err
    guessed = _sniff_utf16(data)
    if guessed is not None:
        return guessed
    if b"\x00" in data:
        raise InputError("binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.reason == "unexpected end of data":
            # Cut inside its last character (a truncated download): UTF-8 with that character lost, not a
            # wholesale re-decode that turns every sentence into mojibake.
            text = data[: err.start].decode("utf-8")
            if not _looks_binary(text):
                return _newlines(text), "utf-8"
    else:
        if _looks_binary(text):
            raise InputError("binary file (control characters)")
        return _newlines(text), "utf-8"
    mixed = _decode_mixed(data)
    if mixed is not None:
        return mixed
    # Legacy Arabic pages are cp1256. Every byte decodes as something in cp1256, so only accept the result
    # when it reads as Arabic; a silent Latin-1-style guess would hand mojibake to the translator.
    try:
        text = data.decode("cp1256")
    except UnicodeDecodeError:
        text = ""
    if text and not _looks_binary(text) and _looks_arabic(text):
        return _newlines(text), "cp1256"
    raise InputError("undecodable: not UTF-8, UTF-16 or Windows-1256 Arabic text")


def sniff_kind(path: PurePath, text: str) -> str:
    """Say whether a document is "html", "md" or "txt", from its suffix and its first characters."""
    head = text.lstrip("\ufeff \t\n").lower()
    suffix = path.suffix.lower()
    if SUFFIX_KINDS.get(suffix) == "html" or head.startswith(("<!doctype html", "<html")):
        return "html"
    return "md" if suffix == ".md" else "txt"


def _collect(result: RawDocument | Skipped, documents: list[RawDocument], skipped: list[Skipped]) -> None:
    if isinstance(result, RawDocument):
        documents.append(result)
    else:
        skipped.append(result)


def _read_file(path: Path, location: str, max_bytes: int) -> RawDocument | Skipped:
    try:
        info = path.stat()
    except OSError as err:
        return Skipped(location, f"unreadable: {err.strerror or err}")
    if not stat.S_ISREG(info.st_mode):
        # A FIFO or device would block or never end.
        return Skipped(location, "not a regular file")
    if info.st_size > max_bytes:
        return Skipped(location, _too_large(info.st_size, max_bytes))
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # the file may have grown since stat()
    except OSError as err:
        return Skipped(location, f"unreadable: {err.strerror or err}")
    if len(data) > max_bytes:
        return Skipped(location, _too_large(len(data), max_bytes))
    if not data:
        return Skipped(location, "empty file")
    try:
        text, encoding = decode(data)
    except InputError as err:
        return Skipped(location, str(err))
    if not text.strip():
        return Skipped(location, "empty file")
    return RawDocument(location=location, text=text, kind=sniff_kind(path, text), encoding=encoding)


# Why a symlink in a folder is not followed.
OUTSIDE = "a symlink to a place outside the folder (not followed)"


def walk(root: Path) -> tuple[list[PurePath], list[tuple[PurePath, str]]]:
    """Files with a known suffix under root, as paths relative to it in sorted order; plus unreadable folders.

    Symlinks are followed only to places inside root (``brief inspect folder`` never wanders to ``/``).
    """
    found: list[PurePath] = []
    problems: list[tuple[PurePath, str]] = []
    try:
        inside = root.resolve(strict=True)
    except OSError:
        inside = root.absolute()
    seen: set[Path] = set()  # resolved folders, so a symlink loop is entered once
    stack: list[tuple[Path, PurePath]] = [(root, PurePath())]
    linked: list[tuple[Path, PurePath]] = []  # symlinked folders wait, so a folder's real path wins
    while stack or linked:
        if not stack:
            stack, linked = list(reversed(linked)), []
        folder, rel = stack.pop()
        try:
            real = folder.resolve(strict=True)
            if real in seen:
                continue
            seen.add(real)
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as err:
            problems.append((rel, f"unreadable folder: {err.strerror or err}"))
            continue
        subfolders: list[tuple[Path, PurePath]] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir():
                    if entry.is_symlink() and not _leads_inside(Path(entry.path), inside):
                        problems.append((rel / entry.name, OUTSIDE))
                    else:
                        (linked if entry.is_symlink() else subfolders).append((Path(entry.path), rel / entry.name))
                elif has_text_suffix(Path(entry.path)):
                    if entry.is_symlink() and not _leads_inside(Path(entry.path), inside):
                        problems.append((rel / entry.name, OUTSIDE))
                    else:
                        found.append(rel / entry.name)
            except OSError:
                continue  # vanished or unreadable entry: nothing to read
        stack.extend(reversed(subfolders))
    found.sort(key=lambda p: p.parts)
    return found, problems


def has_text_suffix(path: Path) -> bool:
    """Whether ``path`` names a text, Markdown or HTML file by its suffix, and so does its target when it is a
    symlink: a ``notes.txt`` that links to a credentials file is not read."""
    if path.suffix.lower() not in SUFFIX_KINDS:
        return False
    if not path.is_symlink():
        return True
    try:
        return path.resolve(strict=True).suffix.lower() in SUFFIX_KINDS
    except (OSError, RuntimeError):  # dangling, or a loop: read_inputs says why
        return True


def _leads_inside(link: Path, inside: Path) -> bool:
    """Whether a symlink's final target lies within the folder being walked."""
    try:
        return link.resolve(strict=True).is_relative_to(inside)
    except (OSError, RuntimeError):  # dangling, or a loop: nothing to follow
        return True  # reading it gives the usual reason ("not found"); a loop is entered once


def _decode_mixed(data: bytes) -> tuple[str, str] | None:
    """A file pasted together from UTF-8 and Windows-1256 parts: each line in the encoding it is valid in.

    Only when most lines with non-ASCII bytes are valid UTF-8 (a pure cp1256 file almost never is) and every other
    line reads as Arabic in cp1256.
    """
    lines = data.split(b"\n")
    utf8, legacy = 0, 0
    decoded: list[str] = []
    for line in lines:
        try:
            text = line.decode("utf-8")
            utf8 += not line.isascii()
        except UnicodeDecodeError:
            text = line.decode("cp1256", errors="replace")
            if not _looks_arabic(text) or "\ufffd" in text:
                return None
            legacy += 1
        decoded.append(text)
    if not legacy or utf8 < legacy:
        return None
    text = "\n".join(decoded)
    if _looks_binary(text):
        return None
    return _newlines(text), "utf-8+cp1256"


def _sniff_utf16(data: bytes) -> tuple[str, str] | None:
    """Mark-less UTF-16: spaces, digits and Latin letters put a NUL in every other byte."""
    if len(data) < 4 or len(data) % 2:
        return None
    half = len(data) // 2
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if odd >= 0.1 * half and even <= 0.01 * half:
        codec = "utf-16-le"
    elif even >= 0.1 * half and odd <= 0.01 * half:
        codec = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    if "\x00" in text or _looks_binary(text):
        return None
    return _newlines(text), codec


def _looks_binary(text: str) -> bool:
    controls = sum(1 for ch in text if ch in _BINARY_CONTROLS)
    return controls > max(1, len(text) // 1000)


def _looks_arabic(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    arabic = sum(1 for ch in letters if "\u0600" <= ch <= "\u06ff")
    return arabic > 0 and arabic >= 0.5 * len(letters)


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")


def _too_large(size: int, limit: int) -> str:
    return f"too large ({size:,} bytes; the limit is {limit:,})"
