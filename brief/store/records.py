"""What the store gives back: a brief (``BriefRecord``) and a run (``RunRecord``) as it keeps them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from brief.records import ModelUse


@dataclass(frozen=True)
class BriefRecord:
    """A brief as the store keeps it."""

    id: int
    run_id: int
    made_at: dt.datetime
    title: str
    date_from: dt.date | None
    date_to: dt.date | None
    bottom_line: tuple[str, ...]  # the bottom line's sentences, without citations
    output: str | None  # where it was written; None for stdout
    markdown: str
    json_text: str
    article_ids: tuple[str, ...]  # in citation order


@dataclass(frozen=True)
class RunRecord:
    """One ``brief`` run as the store keeps it, with the brief it made if any."""

    id: int
    started: dt.datetime
    finished: dt.datetime | None
    status: str  # "running" (or killed before it finished), "ok", "partial" or "failed"
    exit_code: int | None
    inputs: tuple[str, ...]
    profile: str | None
    argv: tuple[str, ...]
    models: tuple[ModelUse, ...]
    output: str | None
    error: str | None
    timings: Mapping[str, float] = field(default_factory=dict)  # stage -> seconds
    counts: Mapping[str, int] = field(default_factory=dict)  # articles, skipped, left_out, cache_hits, ...
    brief: BriefRecord | None = None

    @property
    def duration(self) -> dt.timedelta | None:
        """How long the run took, once it has finished."""
        return self.finished - self.started if self.finished else None
