"""Select: per story, the facts worth printing, chosen in the original text; and the page's word budget.

Everything here reads originals only (embeddings of the original sentences and the Arabic-aware word overlap of
``summarise.content_words``): nothing has been translated yet, and only what is chosen here will be.

Within a story (never across the whole pile, so the cost grows with a story, not with the pile):
- a fact carried by several independent publishers ranks above a fact carried by one;
- after the strongest facts, every publisher that adds a distinct fact gets a chance;
- near-duplicates, sentences that only restate a chosen one, and fragments (a line that ends in a colon, a list
  item torn from its list, a sentence leaning on the one before) are not printed;
- a sentence that states an amount, rate, count or date is worth more.

``plan`` is the one place the word budget is applied: it estimates what each line will cost in English from the
original's length and fills the page (sections in coverage order, then "Also noted"). Render only guards it.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from brief.clean import normalise_for_matching
from brief.pile import Pile, has_quantity, numbers_in
from brief.records import Article, Story, sentence_id
from brief.stories import independent_groups, real_headline
from brief.words import (
    _ANAPHORIC,
    DUPLICATE_COS,
    DUPLICATE_OVERLAP,
    MAX_POINT_WORDS,
    MIN_WORDS,
    SAME_FACT_COS,
    SAME_FACT_COS_WITH_WORDS,
    SAME_FACT_OVERLAP,
    SAME_FACT_SHARED,
    content_words,
    word_count,
)
from brief.differences import Claim, compare
from brief.timeline import DatedSentence, Event
from brief.timeline import timeline as find_timeline

# English words per word of the original. Arabic attaches articles, prepositions and pronouns to the word, so its
# English runs longer: measured 1.19 on the 200 sentences of the evaluation sets with their human translations
# (tests/eval/*/translations.jsonl: 2,150 Arabic words, 2,559 English). Rounded up: a longer estimate only leaves
# room, a shorter one makes render drop a point.
ENGLISH_PER_WORD = {"ar": 1.2, "fa": 1.2, "ur": 1.1, "en": 1.0}
DEFAULT_ENGLISH_PER_WORD = 1.2
CITATION_WORDS = 2  # "- " and "[1][2]" as the page's word count sees them
DATE_LINE_WORDS = 8  # "*5 sources · 2 November 2026 – 4 November 2026*"
ALSO_NOTED_SHARE = 0.2  # of the budget, at most, for single-article stories
SECTIONS_WITHOUT_COVERAGE = 3  # sections when no story has two publishers (a few unrelated articles)
MAX_SUPPORT = 3  # supporting sentences shown (and translated) per printed sentence: its own and two others
RESTATES = 0.8  # share of a sentence's content words already in a chosen one: it only restates it
TOP_FIRST = 2  # the strongest facts of a story come before every publisher gets its chance
SUBSUMED_MIN_WORDS = 3
# Sentence comparison is pairwise within a story: these bound it for a story a hundred outlets cover.
MAX_STORY_ARTICLES = 24  # one per independent publisher first, then the most central
MAX_ARTICLE_SENTENCES = 20  # the top of an article: news is written lead first
SAME_FACT_NUMBER_OVERLAP = 0.3  # word overlap enough for one fact when a number ties the two
DIFFER_COS = 0.9  # another publisher's sentence this close may give the same fact with another figure ...
DIFFER_OVERLAP = 0.4  # ... when it also shares this much of its content words (not just the subject)
MAX_TIMELINE = 6  # events a story's timeline prints at most (those most sources tell)
TIMELINE_SHARE = 0.2  # of the budget, at most, for one story's timeline
TIMELINE_LINE_WORDS = 5  # "- 18 March 2025 —" and the citation, beside the sentence itself


@dataclass(frozen=True)
class Fact:
    """A sentence chosen to print and the sentences of other independent publishers that report the same."""

    lead: str  # sentence id
    support: tuple[str, ...]  # sentence ids, lead first, at most MAX_SUPPORT (the ones shown and translated)
    carried_by: int  # independent publishers that report it (all of them, not only those shown)
    score: float
    cost: int  # estimated English words on the page
    differs: tuple[str, ...] = ()  # sentences of other publishers on the same fact whose figures or dates disagree


@dataclass(frozen=True)
class Heading:
    """What a story is called: an article's real headline, or failing that a short early sentence."""

    article_id: str
    original: str


@dataclass(frozen=True)
class Selection:
    """What the page prints of one story."""

    story: Story
    heading: Heading
    facts: tuple[Fact, ...]  # in print order: the first ``bottom`` make the bottom line, the rest are points
    bottom: int
    timeline: tuple[Event, ...] = ()  # dated events in date order (three dates or more), cites still unnumbered


@dataclass(frozen=True)
class Noted:
    """A story that gets one line under "Also noted"."""

    story: Story
    heading: Heading


@dataclass(frozen=True)
class Plan:
    """The page: sections, also-noted lines, and the stories left out for lack of room."""

    sections: tuple[Selection, ...]
    also_noted: tuple[Noted, ...]
    left_out: tuple[Story, ...]
    budget: int

    def needed(self, pile: Pile) -> list[tuple[str, str]]:
        """(language, original) of every text the page prints or shows, in print order: what to translate.

        Headings, printed sentences with the support the JSON shows, also-noted headlines, and the headline of
        every cited source (the source list prints it).
        """
        wanted: list[tuple[str, str]] = []
        cited: list[str] = []
        for section in self.sections:
            wanted.append(_text_of(pile, section.heading))
            for fact in section.facts:
                for sid in (*fact.support, *fact.differs):
                    article, index = pile.locate(sid)
                    wanted.append((article.language, article.sentences[index]))
                    cited.append(article.id)
            for event in section.timeline:
                article, index = pile.locate(event.sentence_id)
                wanted.append((article.language, article.sentences[index]))
                cited += [pile.locate(sid)[0].id for sid in event.sentence_ids]
        for noted in self.also_noted:
            wanted.append(_text_of(pile, noted.heading))
            cited.append(noted.heading.article_id)
        for article_id in dict.fromkeys(cited):
            article = pile.by_id[article_id]
            if headline := real_headline(article):
                wanted.append((article.language, headline))
        return list(dict.fromkeys(wanted))


def _text_of(pile: Pile, heading: Heading) -> tuple[str, str]:
    return pile.by_id[heading.article_id].language, heading.original


def english_words(text: str, language: str) -> int:
    """The words a text will likely take in English."""
    return math.ceil(word_count(text) * ENGLISH_PER_WORD.get(language, DEFAULT_ENGLISH_PER_WORD))


def heading_of(story: Story, pile: Pile, avoid: frozenset[str] = frozenset()) -> Heading | None:
    """The story's best real headline: the most central article's that has one; else its shortest early sentence.

    None when every candidate is in ``avoid`` (texts whose translation came out degenerate).
    """
    articles = [pile.by_id[i] for i in story.article_ids]
    for article in articles:
        if (headline := real_headline(article)) and headline not in avoid:
            return Heading(article.id, headline)
    lead = articles[0]
    candidates = [s for s in lead.sentences[:3] if MIN_WORDS <= word_count(s) <= MAX_POINT_WORDS] or list(lead.sentences[:1])
    candidates = [s for s in candidates if s not in avoid]
    return Heading(lead.id, min(candidates, key=word_count)) if candidates else None


def fragment(article: Article, index: int) -> bool:
    """A line that is not a fact on its own: it introduces what follows, or is an item of a list torn from it."""
    text = article.sentences[index].strip()
    if text.endswith((":", "：")):
        return True
    if re.match(r"^\s*(?:[-•*–·]|\d+[.)-]|[a-z\u0621-\u064a][.)])\s", text):
        return True
    # An item under a line that announced a list ("ومن المتوقع أن يتضمن التعاون بين الطرفين:").
    return index > 0 and article.sentences[index - 1].rstrip().endswith((":", "："))


def story_timeline(
    story: Story, pile: Pile, points: Sequence[Fact], room: int, avoid: frozenset[str] = frozenset()
) -> tuple[tuple[Event, ...], list[Fact]]:
    """The story's dated events (``timeline.timeline``) that fit ``room`` words, and the ``points`` they tell.

    Read from the originals of the same sentences ``rank_facts`` compares, each against its own article's date,
    the story's ranked points first (so on ties their events are kept); a point whose lead an event is written
    from is printed in the timeline instead. When the events do not fit, those the fewest sources tell go
    first, down to three dates; below that there is no timeline.
    """
    leads = [f.lead for f in points]
    first = {sid: k for k, sid in enumerate(leads)}
    sentences = [
        DatedSentence(sentence_id(article.id, index), text, None, article.date, k + 1)
        for k, article in enumerate(pile.by_id[i] for i in story.article_ids[:MAX_STORY_ARTICLES])
        for index, text in enumerate(article.sentences[:MAX_ARTICLE_SENTENCES])
        if text not in avoid
    ]
    sentences.sort(key=lambda d: first.get(d.id, len(first)))
    for most in range(MAX_TIMELINE, 2, -1):
        events = _one_line_per_sentence(find_timeline(sentences, max_events=most))
        if len({(e.date, e.precision) for e in events}) < 3:
            return (), []
        told = {sid for e in events for sid in e.sentence_ids}
        moved = [f for f in points if f.lead in told]
        if timeline_cost(events, pile) <= room:
            return tuple(events), moved
    return (), []


def _one_line_per_sentence(events: Sequence[Event]) -> list[Event]:
    """A sentence listing several dates ("after cuts on 17 April, 10 July and 28 August") is printed once, at the
    latest of its dates (the nearest to the news); the others would repeat the same line."""
    latest: dict[str, Event] = {}
    for e in events:
        if e.sentence_id not in latest or e.date > latest[e.sentence_id].date:
            latest[e.sentence_id] = e
    return [e for e in events if latest[e.sentence_id] is e]


def timeline_cost(events: Sequence[Event], pile: Pile) -> int:
    """Estimated English words of a timeline: its label and one line per event."""
    lines = 0
    for event in events:
        article, index = pile.locate(event.sentence_id)
        lines += english_words(article.sentences[index], article.language) + TIMELINE_LINE_WORDS
    return 1 + lines if events else 0


def rank_facts(story: Story, pile: Pile, avoid: frozenset[str] = frozenset()) -> list[Fact]:
    """Every fact of a story worth printing, in the order the page should take them (none of the texts in
    ``avoid``, whose translation came out degenerate, printed or shown as support)."""
    articles = [pile.by_id[i] for i in story.article_ids]
    group_of_article = independent_groups(articles)
    if len(articles) > MAX_STORY_ARTICLES:
        # A big story: one article per independent publisher first (the most central), then the next most central.
        first = {g: k for k, g in reversed(list(enumerate(group_of_article)))}
        keep = sorted(sorted(range(len(articles)), key=lambda k: (first[group_of_article[k]] != k, k))[:MAX_STORY_ARTICLES])
        articles = [articles[k] for k in keep]
        group_of_article = [group_of_article[k] for k in keep]
    ids: list[str] = []
    group: list[int] = []
    article_of: list[Article] = []
    for article, g in zip(articles, group_of_article):
        for index in range(min(len(article.sentences), MAX_ARTICLE_SENTENCES)):
            ids.append(sentence_id(article.id, index))
            group.append(g)
            article_of.append(article)
    if not ids:
        return []
    n = len(ids)
    originals = [pile.text(i) for i in ids]
    indexes = [int(i.rpartition(":")[2]) for i in ids]
    vectors = pile.vectors(ids)
    sims = vectors @ vectors.T
    words = [content_words(t) for t in originals]
    shared = np.zeros((n, n), dtype=int)
    overlap = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            common = len(words[i] & words[j])
            shared[i, j] = shared[j, i] = common
            overlap[i, j] = overlap[j, i] = common / max(1, min(len(words[i]), len(words[j])))
    wordy = sims >= SAME_FACT_COS_WITH_WORDS
    same = (sims >= SAME_FACT_COS) | (wordy & (overlap >= SAME_FACT_OVERLAP) & (shared >= SAME_FACT_SHARED))
    duplicate = (sims >= DUPLICATE_COS) | (wordy & (overlap >= DUPLICATE_OVERLAP))
    # Numbers tie two tellings of one fact that word overlap misses ("300 دينار بدلا من 260" / "من 260 دينارا إلى
    # 300"): close, sharing a number, and one adding no number the other lacks. ``within[i, j]``: i's numbers
    # are all in j, so i says nothing j does not (a sentence that adds a number is never merely a restatement).
    numbers = [frozenset(numbers_in(t)) for t in originals]
    within = np.array([[numbers[i] <= numbers[j] for j in range(n)] for i in range(n)])
    common_number = np.array([[bool(numbers[i] & numbers[j]) for j in range(n)] for i in range(n)])
    tied = wordy & common_number & (overlap >= SAME_FACT_NUMBER_OVERLAP) & (within | within.T)
    strict, same = same, same | tied

    groups = sorted(set(group))
    g_arr = np.array(group)
    # For each sentence and each other group: does that group report the same fact, and with which sentence?
    carried = np.ones(n, dtype=int)
    best_in: list[dict[int, int]] = [{} for _ in range(n)]
    centrality = np.zeros(n)
    for i in range(n):
        others = [g for g in groups if g != group[i]]
        tops = []
        for g in others:
            cols = np.flatnonzero(g_arr == g)
            tops.append(float(sims[i, cols].max()))
            matching = cols[same[i, cols]]
            if len(matching):
                carried[i] += 1
                best_in[i][g] = int(matching[np.argmax(sims[i, matching])])
        centrality[i] = np.mean(tops) if tops else float(np.mean(sims[i]))
    n_groups = len(groups)
    agreement = (carried - 1) / max(n_groups - 1, 1)
    position = np.array([1.0 / (1.0 + k / 2.0) for k in indexes])  # the lede says what happened
    quantity = np.array([min(len(numbers[i]), 3) / 3 + 0.5 * has_quantity(t) for i, t in enumerate(originals)])
    leaning = np.array([bool(_ANAPHORIC.match(normalise_for_matching(t))) for t in originals])
    size = np.array([word_count(t) for t in originals])
    eligible = (size >= MIN_WORDS) & (size <= MAX_POINT_WORDS)
    eligible &= np.array([not fragment(a, k) and t not in avoid for a, k, t in zip(article_of, indexes, originals)])
    score = 1.0 * agreement + 2.0 * (centrality - centrality.mean()) + 0.5 * position + 0.2 * quantity - 0.2 * leaning
    order = [i for i in np.argsort(-score, kind="stable") if eligible[i]]

    chosen: list[int] = []

    def redundant(i: int) -> bool:
        for c in chosen:
            if i == c or duplicate[i, c] or strict[i, c] or (tied[i, c] and within[i, c]):
                return True
            # Restates a chosen sentence: nearly all its content words, and all its numbers, are already there.
            if within[i, c] and len(words[i]) >= SUBSUMED_MIN_WORDS and len(words[i] & words[c]) / len(words[i]) >= RESTATES:
                return True
        return False

    def take(i: int) -> None:
        chosen.append(i)

    for i in order:
        if len(chosen) >= TOP_FIRST:
            break
        if not redundant(i):
            take(i)
    # Every independent publisher that adds a distinct fact gets one, strongest first.
    voiced = {group[c] for c in chosen} | {g for c in chosen for g in best_in[c]}
    offers = []
    for g in groups:
        if g in voiced:
            continue
        best = next((i for i in order if group[i] == g and not redundant(i)), None)
        if best is not None:
            offers.append(best)
    for i in sorted(offers, key=lambda k: -score[k]):
        if not redundant(i):
            take(i)
    for i in order:
        if not redundant(i):
            take(i)

    def _differs(i: int, support: list[str]) -> tuple[str, ...]:
        # Sources that disagree on a figure are not "the same fact" by the tests above (their numbers differ), so
        # the closest sentence of each other publisher is asked too; ``compare`` aligns figures by unit and role,
        # so only a figure of the same kind about the same thing counts as a disagreement.
        kin = [
            int(cols[np.argmax(sims[i, cols])])
            for g in groups
            if g != group[i] and len(cols := np.flatnonzero(g_arr == g))
        ]
        kin = [j for j in kin if sims[i, j] >= DIFFER_COS and overlap[i, j] >= DIFFER_OVERLAP and ids[j] not in support
               and originals[j] not in avoid]
        if not kin:
            return ()
        claims = [Claim(ids[k], originals[k], None, group[k], article_of[k].date) for k in [i, *kin]]
        return tuple(dict.fromkeys(sid for d in compare(claims) for sid in d.sentence_ids if sid not in support))

    facts = []
    for i in chosen:
        others = sorted(best_in[i].items(), key=lambda kv: -sims[i, kv[1]])
        support = [ids[i], *(ids[j] for _, j in others if originals[j] not in avoid)][:MAX_SUPPORT]
        cost = english_words(originals[i], article_of[i].language) + CITATION_WORDS + len(support)
        facts.append(Fact(ids[i], tuple(support), int(carried[i]), float(score[i]), cost, _differs(i, support)))
    return facts


def plan(stories: Sequence[Story], pile: Pile, budget_words: int, avoid: frozenset[str] = frozenset()) -> Plan:
    """Fill the page within ``budget_words``: the one place the word budget is applied.

    Stories with two or more independent publishers get a section (when there is none, the first
    SECTIONS_WITHOUT_COVERAGE stories do), in
    coverage order, while a heading and a
    bottom line fit; single-article stories (and sections that found no room) get an "Also noted" line while
    ALSO_NOTED_SHARE of the budget lasts, lowest-ranked dropped first; the rest of the room goes to key points,
    shared among the sections by their number of publishers.

    Nothing in ``avoid`` (originals whose translation came out degenerate) is chosen: the next fact, headline or
    event takes its place, and a story with no headline left is left out.
    """
    headings = {s.id: h for s in stories if (h := heading_of(s, pile, avoid)) is not None}
    usable = [s for s in stories if s.id in headings]
    multi = [s for s in usable if s.publishers >= 2]
    if not multi:  # a pile of unrelated articles (or one article): no coverage to rank by, so the first get sections
        multi = list(usable[:SECTIONS_WITHOUT_COVERAGE])
    singles = [s for s in usable if s not in multi]

    def line_cost(s: Story) -> int:
        h = headings[s.id]
        return english_words(h.original, pile.by_id[h.article_id].language) + CITATION_WORDS

    lead_title = headings[(multi or singles)[0].id] if usable else None
    room = budget_words - DATE_LINE_WORDS
    if lead_title is not None:
        room -= line_cost((multi or singles)[0])

    # Sections first: each needs its heading and the first fact of its bottom line.
    ranked = {s.id: rank_facts(s, pile, avoid) for s in multi}
    sections: list[Story] = []
    spill: list[Story] = []
    for s in multi:
        facts = ranked[s.id]
        need = line_cost(s) + (facts[0].cost if facts else 0)
        if facts and need <= room:
            sections.append(s)
            room -= need
        else:
            spill.append(s)
    # Then the short list, from what is left but never more than its share.
    noted: list[Story] = []
    share = int(budget_words * ALSO_NOTED_SHARE) - 2  # the "Also noted" heading
    for s in [*spill, *singles]:
        cost = line_cost(s)
        if cost <= min(share, room - 2):
            noted.append(s)
            share -= cost
            room -= cost
    if noted:
        room -= 2
    # Then a timeline for each section whose story has three or more dated events, within its share of the page.
    # A dated fact it tells is printed there, as a dated line, and not again as a key point.
    timelines: dict[str, tuple[Event, ...]] = {}
    for s in sections:
        facts = ranked[s.id]
        found, moved = story_timeline(s, pile, facts[1:], min(room, int(budget_words * TIMELINE_SHARE)), avoid)
        if found:
            timelines[s.id] = found
            room -= timeline_cost(found, pile)
            ranked[s.id] = [f for f in facts if f not in moved]
    # Then the rest of each story's facts, in turns weighted by publishers (most-covered story first on ties).
    taken = {s.id: 1 for s in sections}
    queue = [(1 / s.publishers, k, s) for k, s in enumerate(sections)]
    heapq.heapify(queue)
    while queue:
        _, k, s = heapq.heappop(queue)
        facts = ranked[s.id]
        if taken[s.id] >= len(facts):
            continue
        cost = facts[taken[s.id]].cost
        if cost > room:
            # Try the story's next (shorter) facts before giving up on it.
            rest = [f for f in facts[taken[s.id] :] if f.cost <= room]
            if not rest:
                continue
            facts = ranked[s.id] = [*facts[: taken[s.id]], *rest]
            cost = facts[taken[s.id]].cost
        room -= cost
        taken[s.id] += 1
        heapq.heappush(queue, (taken[s.id] / s.publishers, k, s))
    chosen = []
    for s in sections:
        facts = list(ranked[s.id][: taken[s.id]])
        # A one-to-two-sentence bottom line: the second fact joins when it is also corroborated.
        bottom = 2 if len(facts) > 2 and facts[1].carried_by >= 2 else 1
        # The bottom line tells what happened first: the sentence nearer the top of its article leads.
        facts[:bottom] = sorted(facts[:bottom], key=lambda f: int(f.lead.rpartition(":")[2]))
        chosen.append(
            Selection(story=s, heading=headings[s.id], facts=tuple(facts), bottom=bottom, timeline=timelines.get(s.id, ()))
        )
    left = tuple(s for s in stories if s not in sections and s not in noted)
    return Plan(
        sections=tuple(chosen),
        also_noted=tuple(Noted(s, headings[s.id]) for s in noted),
        left_out=left,
        budget=budget_words,
    )
