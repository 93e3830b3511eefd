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


# --- flags: "Sources differ" and "(one source)" against the labels -------------------------------------------

_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")


def _figures(text: str) -> set[str]:
    """The numbers written in a value, thousands separators and trailing zeros taken off ("1,644" -> "1644")."""
    found = set()
    for n in _FIGURE.findall(text):
        plain = n.replace(",", "")
        found.add(plain.rstrip("0").rstrip(".") if "." in plain else plain)
    return found


def _matches(flag: list[tuple[str, set[str]]], label: dict[str, Any]) -> bool:
    """A flag shows a labelled difference or update: two of its values come from files of two labelled values,
    and each such value's figures (where the label gives figures) are the label's."""
    sides = []
    for value, files in flag:
        hits = {
            k
            for k, v in enumerate(label["values"])
            if files & set(v["files"]) and (not _figures(v["value"]) or _figures(value) & _figures(v["value"]))
        }
        sides.append(hits)
    return any(a != b for i, x in enumerate(sides) for y in sides[i + 1 :] for a in x for b in y)


@dataclass
class FlagScore:
    """What the "Sources differ" lines of one folder's brief are, against its labels."""

    flags: int = 0
    false: list[str] | None = None  # neither a labelled difference nor a labelled update
    rising: list[str] | None = None  # a labelled update shown as a conflict
    real: list[str] | None = None  # labelled differences flagged
    conflicts: int = 0  # labelled differences of the stories printed as sections
    missed: list[str] | None = None


def story_of(files: set[str], folder_labels: dict[str, Any]) -> str | None:
    """The labelled story most of these files belong to (None when most are singles)."""
    counts: dict[str, int] = {}
    for sid, story in folder_labels["stories"].items():
        members = set(story["files"]) | set(story.get("html_variants") or [])
        counts[sid] = len(files & members)
    best = max(counts, key=lambda k: counts[k], default=None)
    return best if best is not None and counts[best] else None


def score_flags(brief: Any, folder: Path) -> FlagScore:
    """Score a Brief's "Sources differ" lines (``brief.sections[*].differences``) against the folder's labels."""
    folder_labels = labels(folder)
    files_of = {s.n: {Path(loc).name for loc in (s.location, *s.also_at)} for s in brief.sources}
    score = FlagScore(false=[], rising=[], real=[], missed=[])
    printed: dict[str, list[list[tuple[str, set[str]]]]] = {}
    for section in brief.sections:
        cited = {c for s in (*section.bottom_line, *section.points) for c in s.cites}
        story = story_of(set().union(*(files_of[c] for c in cited)) if cited else set(), folder_labels)
        flags = [[(v.value, set().union(*(files_of[c] for c in v.cites))) for v in d.values] for d in section.differences]
        if story is not None:
            printed.setdefault(story, []).extend(flags)
        for flag, shown in zip(flags, section.differences):
            score.flags += 1
            mine = [d for d in folder_labels.get("differences") or [] if d["story"] == story]
            changed = [u for u in folder_labels.get("updates") or [] if u["story"] == story]
            if any(_matches(flag, d) for d in mine):
                score.real.append(shown.text)
            elif any(_matches(flag, u) for u in changed):
                score.rising.append(shown.text)
            else:
                score.false.append(shown.text)
    for d in folder_labels.get("differences") or []:
        if d["story"] in printed:
            score.conflicts += 1
            if not any(_matches(flag, d) for flag in printed[d["story"]]):
                score.missed.append(f"{d['story']}: {d['what']}")
    return score


def compose_folder(folder: Path, words: int = 500) -> Any:
    """The folder's brief as compose makes it (stories, selection, flags), with no translator: the English of
    every text is its original, which is all the flags and the page's choices read."""
    from brief import models
    from brief.compose import compose
    from brief.pile import Pile
    from brief.pipeline import read_articles
    from brief.select import plan
    from brief.stories import find_stories
    from brief.translate import Translations

    registry = models.Registry.load(CORPUS.parent / "economy" / "models.yaml")
    embedder = models.load_backend(registry.get("embedder", "e5-small"), offline=True)
    articles, _ = read_articles([str(folder)])
    pile = Pile(articles, embedder)
    return compose(plan(find_stories(pile), pile, words), pile, Translations({}, 0), None)


def _normal(text: str) -> str:
    from brief.clean import normalise_for_matching

    return normalise_for_matching(text)


def point_truth(sentence: Any, folder: Path) -> bool | None:
    """Whether a printed point's fact is, by the labels, in one file only: True (one file), False (several), or
    None when the point carries no labelled fact. Read on the Arabic the point prints (its lead sentence)."""
    original = _normal(sentence.support[0].original)
    found = [
        f
        for story in labels(folder)["stories"].values()
        for f in story["facts"]
        if any(_normal(a) in original for a in f["ar_any"])
    ]
    if not found:
        return None
    return all(len(f["found_in"]) == 1 for f in found)
