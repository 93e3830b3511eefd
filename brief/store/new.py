"""Only what is new: ``select_new`` keeps the articles no earlier brief had (``--new``) or first seen lately
(``--since``), and ``LeftOut`` says what it left out, for the footer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from brief.records import Article
from brief.store.db import Store, _utc


@dataclass(frozen=True)
class LeftOut:
    """Articles ``select_new`` left out: not errors, so not skipped inputs; the footer gives their count."""

    already_briefed: tuple[str, ...] = ()  # ids of articles an earlier brief already covered
    seen_before: tuple[str, ...] = ()  # ids of articles first seen longer ago than --since
    since: dt.timedelta | None = None

    @property
    def count(self) -> int:
        """How many articles were left out, for any reason."""
        return len(self.already_briefed) + len(self.seen_before)

    def describe(self) -> str | None:
        """One line for the footer ('3 articles already briefed were left out'), or None when none were."""
        parts = []
        if self.already_briefed:
            parts.append(f"{_articles(len(self.already_briefed))} already briefed")
        if self.seen_before:
            parts.append(f"{_articles(len(self.seen_before))} first seen more than {human_duration(self.since)} ago")
        if not parts:
            return None
        verb = "was" if self.count == 1 and len(parts) == 1 else "were"
        return f"{' and '.join(parts)} {verb} left out"


def _articles(n: int) -> str:
    return f"{n} article{'s' if n != 1 else ''}"


def select_new(
    articles: Sequence[Article],
    store: Store,
    *,
    new: bool,
    since: dt.timedelta | None,
    now: dt.datetime | None = None,
) -> tuple[list[Article], LeftOut]:
    """Keep only what is new: with ``new``, articles no earlier brief had; with ``since``, articles first seen
    within that span (never-seen ones are new). Returns the kept articles in order and what was left out.

    It gives the same answer before or after this run's ``record_articles`` (first sightings are kept, and
    a never-seen article counts as new). Only a recorded brief marks articles as briefed, so with ``new`` a
    failed or missed morning is caught up by the next run.
    """
    briefed = store.briefed_article_ids() if new else set()
    seen = store.first_seen([a.id for a in articles]) if since is not None else {}
    cutoff = _utc(now or dt.datetime.now(dt.timezone.utc)) - since if since is not None else None
    kept: list[Article] = []
    already: list[str] = []
    older: list[str] = []
    for article in articles:
        if article.id in briefed:
            already.append(article.id)
        elif cutoff is not None and article.id in seen and seen[article.id] < cutoff:
            older.append(article.id)
        else:
            kept.append(article)
    return kept, LeftOut(already_briefed=tuple(already), seen_before=tuple(older), since=since)


def human_duration(span: dt.timedelta | None) -> str:
    """'1 day', '36 hours', '90 minutes': --since in words, for the footer (``config.parse_duration`` reads it)."""
    if span is None:
        return "ever"
    minutes = int(span.total_seconds() // 60)
    for size, unit in ((7 * 24 * 60, "week"), (24 * 60, "day"), (60, "hour"), (1, "minute")):
        if minutes % size == 0 and minutes >= size:
            n = minutes // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{span.total_seconds():g} seconds"
