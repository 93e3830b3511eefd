"""The analyst's beat (``--about``) and watch list (``--watch``): which stories a brief keeps, and which lead.

A story is on the beat when what it reports is: the embedding of each article's headline and lead (the same one
stories are grouped by) is compared with the embedding of each ``--about`` text, in the multilingual embedder's
one space for Arabic and English. e5's cosines sit in a narrow band whose level depends on the query (a short
English "Japan" scores every Arabic article 0.69-0.79; "سوريا" scores them 0.76-0.85), so a story's relevance is
its articles' mean cosine above the pile's median: the margin by which it stands out from the morning's news.
An ``--about`` written in Arabic also counts where its words stand in the headline (a name or a place named
there is what the article is about; one named in passing further down is not).

``ON_BEAT`` is calibrated on tests/eval/beats.yaml (tests/test_beat.py): on the calibration folders d01 and d03
the stories on the beat stood out by 0.043 and more, the stories off it by 0.011 or less; the cut is half-way.

A watched name (``--watch``) is looked for in every sentence and headline of a story's articles, spelling folded
(``normalise_for_matching``). An English name finds Arabic articles through the glossary, where the glossary
gives it an Arabic spelling.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from brief.clean import normalise_for_matching
from brief.errors import NothingNewError
from brief.glossary import folded, holds_folded
from brief.pile import Pile
from brief.records import Article, Story
from brief.stories import real_headline
from brief.words import content_words

ON_BEAT = 0.027  # margin over the pile's median cosine; calibrated on d01 and d03 (see the module docstring)
HEADLINE_NAMED = ON_BEAT  # an Arabic --about whose words all stand in the headline adds one cut's worth
BEAT_SECTIONS = 4  # with --about, the page goes to at most this many stories, each told at more depth


class OffBeatError(NothingNewError):
    """Nothing read is about the beat (``--about``): no brief is made, and that is not a failure (exit 0)."""


@dataclass(frozen=True)
class Focus:
    """What the beat and the watch list make of the day's stories."""

    stories: tuple[Story, ...]  # in page order: watched first, then on the beat by relevance and coverage
    first: frozenset[str] = frozenset()  # story ids that get a section whatever their coverage
    marks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # story id -> "Watched: ..." lines
    off_beat: tuple[Story, ...] = ()  # stories left out as off the beat

    def note(self) -> str | None:
        """The footer's line for the stories left out as off the beat."""
        if not self.off_beat:
            return None
        n, count = len(self.off_beat), sum(len(s.article_ids) for s in self.off_beat)
        return (
            f"{n} stor{'ies' if n != 1 else 'y'} ({count} article{'s' if count != 1 else ''}) left out as off the beat"
        )


def _headline_named(about: str, article: Article) -> bool:
    """True when every content word of an Arabic ``about`` stands in the article's headline."""
    if not re.search("[\u0600-\u06ff]", about):
        return False
    wanted = content_words(about)
    headline = real_headline(article)
    return bool(wanted) and headline is not None and wanted <= content_words(headline)


def relevance(stories: Sequence[Story], pile: Pile, about: Sequence[str]) -> dict[str, float]:
    """Each story's margin over the pile's median cosine to the nearest ``about`` text (plus headline names)."""
    if not pile.articles:
        return {}
    heads = pile.heads([real_headline(a) for a in pile.articles])
    query = np.asarray(pile.embedder.embed(list(about)), dtype=np.float32).reshape(len(about), -1)
    pile.embedded += len(about)
    cosine = (heads @ query.T).max(axis=1)
    margin = cosine - float(np.median(cosine))
    row = {a.id: k for k, a in enumerate(pile.articles)}
    scores = {}
    for story in stories:
        rows = [row[i] for i in story.article_ids]
        named = [any(_headline_named(t, pile.articles[r]) for t in about) for r in rows]
        scores[story.id] = float(np.mean(margin[rows])) + HEADLINE_NAMED * float(np.mean(named))
    return scores


def _spellings(name: str, glossary: Mapping[str, str]) -> list[str]:
    """A watched name folded for matching, and the Arabic terms the glossary prints as it."""
    folded = normalise_for_matching(name)
    extra = [normalise_for_matching(ar) for ar, en in glossary.items() if normalise_for_matching(en) == folded]
    return [folded, *extra]


def watched(
    stories: Sequence[Story], pile: Pile, watch: Sequence[str], glossary: Mapping[str, str] | None = None
) -> dict[str, tuple[str, ...]]:
    """Per story that names someone on the watch list: the names, in the list's order."""
    found: dict[str, tuple[str, ...]] = {}
    spellings = {name: _spellings(name, glossary or {}) for name in watch}
    # Each article folded once; a name counts as whole words, Arabic's attached prefixes (و, ب, ل ...) allowed.
    texts = {a.id: folded(" ".join([a.title or "", *a.sentences])) for a in pile.articles}
    for story in stories:
        names = tuple(
            n for n in watch if any(holds_folded(texts[i], s) for i in story.article_ids for s in spellings[n])
        )
        if names:
            found[story.id] = names
    return found


def focus(
    stories: Sequence[Story],
    pile: Pile,
    about: Sequence[str] = (),
    watch: Sequence[str] = (),
    glossary: Mapping[str, str] | None = None,
) -> Focus:
    """The stories to brief: watched ones first and marked; with ``about``, only those on the beat.

    Raises OffBeatError when ``about`` is given and no story (watched or on the beat) is left.
    """
    names = watched(stories, pile, watch, glossary) if watch else {}
    marks = {sid: (f"Watched: {', '.join(found)}",) for sid, found in names.items()}
    lead = [s for s in stories if s.id in names]
    if not about:
        return Focus(stories=(*lead, *(s for s in stories if s.id not in names)), first=frozenset(names), marks=marks)
    scores = relevance(stories, pile, about)
    on = [s for s in stories if s.id not in names and scores[s.id] >= ON_BEAT]
    # relevance first, coverage next: a margin counts more the more independent publishers carry the story
    on.sort(key=lambda s: -scores[s.id] * math.sqrt(s.publishers))
    off = tuple(s for s in stories if s.id not in names and scores[s.id] < ON_BEAT)
    if not lead and not on:
        beat = "; ".join(about)
        raise OffBeatError(f"nothing on the beat ({beat}): none of the {len(stories)} stories read is about it")
    kept = (*lead, *on)
    return Focus(stories=kept, first=frozenset(s.id for s in kept[:BEAT_SECTIONS]), marks=marks, off_beat=off)
