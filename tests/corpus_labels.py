"""What the labelled morning folders in ``tests/eval/corpus`` say a reader should see: dates, publishers, flags.

Each ``.txt`` of a folder opens with the page's own metadata (``SCHEMA.md``): the headline where the page had one,
the publisher, the date as the page gives it (left out where it gives none), a blank line, then the excerpt.
``MANIFEST.md`` gives each file's date, with "(inferred)" where the text shows none.

Rules are tuned on ``TUNING`` only; the other four folders are the held-out half, scored once at the end.
Everything here reads whole folders (lines repeated across pages only show in a folder).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CORPUS = Path(__file__).resolve().parent / "eval" / "corpus"
TUNING = ("d01_kerman-bombing", "d02_uk-iran-elections", "d03_jeju-air-crash", "d04_myanmar-earthquake")

_DATE_LINE = re.compile(r"^(?=.*(?<!\d)(?:1[34]|20)\d\d(?!\d))\S+(?:\s+\S+){0,5}$")
_MANIFEST_ROW = re.compile(r"^\|\s*(?P<file>[^|]+?\.(?:txt|html))\s*\|[^|]*\|[^|]*\|\s*(?P<date>[^|]*?)\s*\|")


@dataclass(frozen=True)
class Shown:
    """What a file's text shows a reader at its top."""

    file: str
    headline: str | None
    publisher: str
    date: dt.date | None  # the date the page shows (None where the text shows none)


def labels(folder: Path) -> dict[str, Any]:
    """The folder's labels.yaml."""
    return yaml.safe_load((folder / "labels.yaml").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def shown(folder: Path) -> dict[str, Shown]:
    """Per .txt file, the headline, publisher and date its text shows (the date read from the manifest)."""
    dates: dict[str, dt.date] = {}
    for line in (folder / "MANIFEST.md").read_text(encoding="utf-8").splitlines():
        row = _MANIFEST_ROW.match(line)
        if row and "inferred" not in row["date"] and re.fullmatch(r"\d{4}-\d\d-\d\d", row["date"]):
            dates[row["file"]] = dt.date.fromisoformat(row["date"])
    found: dict[str, Shown] = {}
    for path in sorted(folder.glob("*.txt")):
        head = path.read_text(encoding="utf-8").split("\n\n", 1)[0].splitlines()
        # The date line is last in the block: a few words with a digit (the manifest says which date it is).
        date = dates.get(path.name) if len(head) > 1 and _DATE_LINE.search(head[-1]) else None
        if date is not None:
            head = head[:-1]
        headline = head[0] if len(head) == 2 else None
        found[path.name] = Shown(path.name, headline, head[-1], date)
    return found


def date_misses(folder: Path) -> tuple[int, list[str], list[str]]:
    """Read the whole folder as ``brief`` does: (sources whose text shows a date, those undated, those misdated)."""
    from brief.pipeline import read_articles

    articles, _ = read_articles([str(folder)])
    by_file = {Path(location).name: a for a in articles for location in (a.location, *a.also_at)}
    dated = [s for s in shown(folder).values() if s.date is not None]
    undated = [s.file for s in dated if by_file[s.file].date is None]
    wrong = [f"{s.file}: {by_file[s.file].date} for {s.date}" for s in dated if by_file[s.file].date not in (None, s.date)]
    return len(dated), undated, wrong
