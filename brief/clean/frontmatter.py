"""Front matter: a small ``key: value`` block at the top of a text or Markdown file that names its metadata.

    ---
    title: الأردن يطلق مشروعا لتحلية المياه
    publisher: صحيفة الأفق        (or "source")
    date: 2024-06-20              (any form find_date reads: 20 حزيران 2024, 20/06/2024 ...)
    url: https://...              (or "link")
    author: سامر الخطيب           (or "byline")
    ---

Keys are case-insensitive, unknown keys are ignored (but a block must name at least one we read), and a
value may be quoted. Indented or "- " lines under
a key (a YAML list such as ``tags:``) are skipped. This is deliberately not YAML: an Arabic title with a colon
in it ("الأردن: مشروع جديد") is what a user writes, and YAML would refuse the whole block. A block that is
not front matter after all (no closing ``---``, a line that is not ``key: value``) is left as text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from brief.clean.dates import find_date
from brief.records import Dropped

FRONT_MATTER = "front matter"  # the reason its lines are dropped

_FENCE = re.compile(r"^---\s*$")
_CLOSE = re.compile(r"^(?:---|\.\.\.)\s*$")
_ENTRY = re.compile(r"^(?P<key>[A-Za-z][A-Za-z0-9_-]*)\s*:(?:\s+(?P<value>.*?))?\s*$")
_CONTINUATION = re.compile(r"^(?:\s+\S|-\s)")
_MAX_LINES = 60  # a block longer than this is a document that happens to start with a rule, not metadata
_KEYS = {
    "title": "title", "headline": "title",
    "publisher": "publisher", "source": "publisher",
    "date": "date",
    "url": "url", "link": "url",
    "author": "byline", "byline": "byline",
}


@dataclass(frozen=True)
class FrontMatter:
    """The metadata a front-matter block declares; None for what it does not say."""

    title: str | None = None
    publisher: str | None = None
    date: dt.date | None = None
    url: str | None = None
    byline: str | None = None


def split_front_matter(text: str) -> tuple[FrontMatter | None, list[str], list[Dropped]]:
    """(metadata, the lines after the block, the block's lines as dropped); (None, all lines, []) without one."""
    lines = text.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip("\ufeff \t\r"):
        start += 1  # blank lines (and a byte-order mark) before the opening fence are allowed
    if start == len(lines) or not _FENCE.match(lines[start].lstrip("\ufeff")):
        return None, lines, []
    values: dict[str, str] = {}
    known = False
    for end in range(start + 1, min(len(lines), start + 1 + _MAX_LINES)):
        line = lines[end].rstrip("\r")
        if _CLOSE.match(line):
            if not known:
                break  # "---", "Note: ...", "---" in a plain text: a block that names nothing we read is text
            block = [ln for ln in lines[start : end + 1] if ln.strip("\ufeff \t\r")]
            return _front_matter(values), lines[end + 1 :], [Dropped(ln.strip(), FRONT_MATTER) for ln in block]
        if not line.strip() or line.lstrip().startswith("#") or _CONTINUATION.match(line):
            continue
        entry = _ENTRY.match(line)
        if entry is None:
            return None, lines, []  # not key: value, so not front matter: the lines stay text
        field = _KEYS.get(entry.group("key").casefold())
        known = known or field is not None
        value = _unquote(entry.group("value") or "")
        if field and value and field not in values:
            values[field] = value
    return None, lines, []  # never closed, or closed without a key we read


def _unquote(value: str) -> str:
    """A value without its surrounding quotes and whitespace."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1].strip()
    return " ".join(value.split())


def _front_matter(values: dict[str, str]) -> FrontMatter:
    """The typed metadata; a date nothing can read is left out rather than guessed."""
    date = values.get("date")
    return FrontMatter(
        title=values.get("title"),
        publisher=values.get("publisher"),
        date=find_date(date) if date else None,
        url=values.get("url"),
        byline=values.get("byline"),
    )
