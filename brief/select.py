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
from brief.differences import Claim, compare
from brief.pile import Pile, has_quantity, numbers_in
from brief.records import Article, Story, sentence_id
from brief.stories import independent_groups, publisher_key, real_headline
from brief.timeline import DatedSentence, Event
from brief.timeline import timeline as find_timeline
from brief.words import (
    _ANAPHORIC,
    DUPLICATE_COS,
    DUPLICATE_OVERLAP,
    MAX_POINT_WORDS,
    MIN_FACT_WORDS,
    SAME_FACT_COS,
    SAME_FACT_COS_WITH_WORDS,
    SAME_FACT_OVERLAP,
    SAME_FACT_SHARED,
    content_words,
    word_count,
)

# English words per word of the original. Arabic attaches articles, prepositions and pronouns to the word, so its
# English runs longer: measured 1.19 on the 200 sentences of the evaluation sets with their human translations
# (tests/eval/*/translations.jsonl: 2,150 Arabic words, 2,559 English). Rounded up: a longer estimate only leaves
# room, a shorter one makes render drop a point.
ENGLISH_PER_WORD = {"ar": 1.2, "fa": 1.2, "ur": 1.1, "en": 1.0}
DEFAULT_ENGLISH_PER_WORD = 1.2
CITATION_WORDS = 2  # "- " and "[1][2]" as the page's word count sees them
DATE_LINE_WORDS = 8  # "*5 sources · 2 November 2026 – 4 November 2026*"
ALSO_NOTED_SHARE = 0.2  # of the budget, at most, for single-article stories
ALSO_NOTED_RESERVE = 0.1  # of the budget kept for them while every section gets its second fact
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
    """The story's best real headline: the newest article's that has one; else a short heading cut from the
    most central article's lead (never a whole sentence, a list item or a sentence leaning on another).

    None when every candidate is in ``avoid`` (texts whose translation came out degenerate).
    """
    articles = [pile.by_id[i] for i in story.article_ids]
    # The newest report's headline says where the story stands (a toll that rose); centrality breaks ties.
    newest = sorted(articles, key=lambda a: -(a.date.toordinal() if a.date else 0))
    for article in newest:
        if (headline := real_headline(article)) and headline not in avoid:
            return Heading(article.id, headline)
    cut = short_heading(lead_sentence(articles[0]))
    return Heading(articles[0].id, cut) if cut not in avoid else None


def noted_heading(story: Story, pile: Pile, avoid: frozenset[str] = frozenset()) -> Heading | None:
    """An "Also noted" line: the article's real headline, else its lead sentence as it stands (issue 17); None
    when both are in ``avoid``."""
    articles = [pile.by_id[i] for i in story.article_ids]
    for article in articles:
        if (headline := real_headline(article)) and headline not in avoid:
            return Heading(article.id, headline)
    lead = lead_sentence(articles[0])
    return Heading(articles[0].id, lead) if lead not in avoid else None


def lead_sentence(article: Article) -> str:
    """The article's lead: its first sentence that is not a fragment (a list item or a line ending in a colon)."""
    for index in range(min(len(article.sentences), 3)):
        if not fragment(article, index) and word_count(article.sentences[index]) >= MIN_FACT_WORDS:
            return article.sentences[index]
    return article.sentences[0]


# A wire dateline or credit before the news: "مقديشو (قراءات صومالية)- ", "مرايا – ", "القاهرة (ضاد) -".
_DATELINE = re.compile(r"^[^\s،,.:]+(?:\s+[^\s،,.:]+)?\s*(?:\([^)]{1,40}\))?\s*[-–—]\s+")
_CLAUSE = re.compile(r"[،,;:؛]|\s[-–—]\s")
_ATTRIBUTION = re.compile(
    r"^(?:و|ف)?(?:ذكرت|ذكر|أفادت|افادت|أفاد|قالت|قال|أعلنت|أعلن|نقلت|أكدت|أكد|كشفت|كشف|أوردت)\s[^.]{0,80}?\s(?:أن|بأن|ان|بان)\s"
)
HEADING_WORDS = 14  # a heading cut from a lead keeps at most this many words
HEADING_MIN_WORDS = 5  # ... and cuts at a clause boundary only after this many


def short_heading(sentence: str) -> str:
    """A short heading from a lead sentence: without its dateline, cut at its first clause boundary after a few
    words, at most HEADING_WORDS words, without the final full stop."""
    text = _DATELINE.sub("", sentence.strip(), count=1).strip()
    # "ذكرت وكالة يونهاب، أن ..." says who reported: the heading is what they reported.
    if (said := _ATTRIBUTION.match(text)) and word_count(text[said.end() :]) >= HEADING_MIN_WORDS:
        text = text[said.end() :]
    for match in _CLAUSE.finditer(text):
        if word_count(text[: match.start()]) >= HEADING_MIN_WORDS:
            text = text[: match.start()]
            break
    words = text.split()
    if len(words) > HEADING_WORDS:
        words = words[:HEADING_WORDS]
    return " ".join(words).rstrip(" .،,؛;:-–—")


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


@dataclass(frozen=True)
class _Sentences:
    """The sentences of a story that ``rank_facts`` compares, with what it reads of each."""

    ids: list[str]
    group: list[int]  # independent publisher group of the sentence's article
    article_of: list[Article]
    originals: list[str]
    indexes: list[int]  # position in its article
    words: list[frozenset[str]]  # content words
    numbers: list[frozenset[str]]


def _story_sentences(story: Story, pile: Pile) -> _Sentences:
    """The top of each article of a story (of at most MAX_STORY_ARTICLES articles), with its publisher group."""
    articles = [pile.by_id[i] for i in story.article_ids]
    group_of_article = independent_groups(articles)
    if len(articles) > MAX_STORY_ARTICLES:
        # A big story: one article per independent publisher first (the most central), then the next most central.
        first = {g: k for k, g in reversed(list(enumerate(group_of_article)))}
        keep = sorted(sorted(range(len(articles)), key=lambda k: (first[group_of_article[k]] != k, k))[:MAX_STORY_ARTICLES])
        articles = [articles[k] for k in keep]
        group_of_article = [group_of_article[k] for k in keep]
    where = [
        (article, g, index)
        for article, g in zip(articles, group_of_article)
        for index in range(min(len(article.sentences), MAX_ARTICLE_SENTENCES))
    ]
    originals = [a.sentences[k] for a, _, k in where]
    return _Sentences(
        ids=[sentence_id(a.id, k) for a, _, k in where],
        group=[g for _, g, _ in where],
        article_of=[a for a, _, _ in where],
        originals=originals,
        indexes=[k for _, _, k in where],
        words=[content_words(t) for t in originals],
        numbers=[frozenset(numbers_in(t)) for t in originals],
    )


@dataclass(frozen=True)
class _Relations:
    """How each pair of a story's sentences relate: the same fact, a duplicate, one restating the other."""

    sims: np.ndarray
    overlap: np.ndarray
    same: np.ndarray  # one fact, by meaning, words or a shared number
    strict: np.ndarray  # one fact by meaning or words alone
    duplicate: np.ndarray
    tied: np.ndarray  # one fact tied by a number
    within: np.ndarray  # within[i, j]: i's numbers are all in j


def _relations(found: _Sentences, pile: Pile) -> _Relations:
    """Compare every pair of a story's sentences (embeddings of the originals and content-word overlap)."""
    n, words, numbers = len(found.ids), found.words, found.numbers
    vectors = pile.vectors(found.ids)
    sims = vectors @ vectors.T
    shared = np.zeros((n, n), dtype=int)
    overlap = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            common = len(words[i] & words[j])
            shared[i, j] = shared[j, i] = common
            overlap[i, j] = overlap[j, i] = common / max(1, min(len(words[i]), len(words[j])))
    wordy = sims >= SAME_FACT_COS_WITH_WORDS
    strict = (sims >= SAME_FACT_COS) | (wordy & (overlap >= SAME_FACT_OVERLAP) & (shared >= SAME_FACT_SHARED))
    duplicate = (sims >= DUPLICATE_COS) | (wordy & (overlap >= DUPLICATE_OVERLAP))
    # Numbers tie two tellings of one fact that word overlap misses ("300 دينار بدلا من 260" / "من 260 دينارا إلى
    # 300"): close, sharing a number, and one adding no number the other lacks. ``within[i, j]``: i's numbers
    # are all in j, so i says nothing j does not (a sentence that adds a number is never merely a restatement).
    within = np.array([[numbers[i] <= numbers[j] for j in range(n)] for i in range(n)])
    common_number = np.array([[bool(numbers[i] & numbers[j]) for j in range(n)] for i in range(n)])
    tied = wordy & common_number & (overlap >= SAME_FACT_NUMBER_OVERLAP) & (within | within.T)
    return _Relations(sims, overlap, strict | tied, strict, duplicate, tied, within)


def _carried(found: _Sentences, rel: _Relations) -> tuple[np.ndarray, list[dict[int, int]], np.ndarray]:
    """Per sentence: how many independent publishers report its fact, which sentence of each other publisher
    does (group -> sentence), and how central it is (its mean best similarity to the other publishers)."""
    n = len(found.ids)
    groups = sorted(set(found.group))
    g_arr = np.array(found.group)
    carried = np.ones(n, dtype=int)
    best_in: list[dict[int, int]] = [{} for _ in range(n)]
    centrality = np.zeros(n)
    for i in range(n):
        tops = []
        for g in groups:
            if g == found.group[i]:
                continue
            cols = np.flatnonzero(g_arr == g)
            tops.append(float(rel.sims[i, cols].max()))
            matching = cols[rel.same[i, cols]]
            if len(matching):
                carried[i] += 1
                best_in[i][g] = int(matching[np.argmax(rel.sims[i, matching])])
        centrality[i] = np.mean(tops) if tops else float(np.mean(rel.sims[i]))
    return carried, best_in, centrality


def _scores(
    found: _Sentences, carried: np.ndarray, centrality: np.ndarray, avoid: frozenset[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Each sentence's worth as a fact (corroboration, centrality, position, figures) and whether it may print
    (never one in ``avoid``, whose translation came out degenerate)."""
    agreement = (carried - 1) / max(len(set(found.group)) - 1, 1)
    position = np.array([1.0 / (1.0 + k / 2.0) for k in found.indexes])  # the lede says what happened
    quantity = np.array([min(len(found.numbers[i]), 3) / 3 + 0.5 * has_quantity(t) for i, t in enumerate(found.originals)])
    leaning = np.array([bool(_ANAPHORIC.match(normalise_for_matching(t))) for t in found.originals])
    size = np.array([word_count(t) for t in found.originals])
    eligible = (size >= MIN_FACT_WORDS) & (size <= MAX_POINT_WORDS)
    eligible &= np.array(
        [not fragment(a, k) and t not in avoid for a, k, t in zip(found.article_of, found.indexes, found.originals)]
    )
    score = 1.0 * agreement + 2.0 * (centrality - centrality.mean()) + 0.5 * position + 0.2 * quantity - 0.2 * leaning
    return score, eligible


def _redundant(i: int, chosen: Sequence[int], found: _Sentences, rel: _Relations) -> bool:
    """Whether sentence ``i`` says nothing the chosen sentences do not: the same fact, or a restatement."""
    words = found.words
    for c in chosen:
        if i == c or rel.duplicate[i, c] or rel.strict[i, c] or (rel.tied[i, c] and rel.within[i, c]):
            return True
        # Restates a chosen sentence: nearly all its content words, and all its numbers, are already there.
        if rel.within[i, c] and len(words[i]) >= SUBSUMED_MIN_WORDS and len(words[i] & words[c]) / len(words[i]) >= RESTATES:
            return True
    return False


def _choose(found: _Sentences, rel: _Relations, best_in: list[dict[int, int]], score: np.ndarray, order: Sequence[int]) -> list[int]:
    """The story's facts in print order: the TOP_FIRST strongest, then the strongest distinct fact of every
    independent publisher not yet heard (strongest first), then the rest; none redundant with one chosen."""
    chosen: list[int] = []
    for i in order:
        if len(chosen) >= TOP_FIRST:
            break
        if not _redundant(i, chosen, found, rel):
            chosen.append(i)
    voiced = {found.group[c] for c in chosen} | {g for c in chosen for g in best_in[c]}
    offers = [
        best
        for g in sorted(set(found.group) - voiced)
        if (best := next((i for i in order if found.group[i] == g and not _redundant(i, chosen, found, rel)), None))
        is not None
    ]
    for i in [*sorted(offers, key=lambda k: -score[k]), *order]:
        if not _redundant(i, chosen, found, rel):
            chosen.append(i)
    return chosen


def _differs(
    i: int, support: Sequence[str], found: _Sentences, rel: _Relations, avoid: frozenset[str] = frozenset()
) -> tuple[str, ...]:
    """Sentences of other publishers on sentence ``i``'s fact whose figures or dates disagree with it.

    Sources that disagree on a figure are not "the same fact" by ``_relations`` (their numbers differ), so the
    closest sentence of each other publisher is asked too; ``compare`` aligns figures by unit and role, so only a
    figure of the same kind about the same thing counts as a disagreement.
    """
    g_arr = np.array(found.group)
    kin = [
        int(cols[np.argmax(rel.sims[i, cols])])
        for g in sorted(set(found.group))
        if g != found.group[i] and len(cols := np.flatnonzero(g_arr == g))
    ]
    kin = [
        j for j in kin
        if rel.sims[i, j] >= DIFFER_COS and rel.overlap[i, j] >= DIFFER_OVERLAP and found.ids[j] not in support
        and found.originals[j] not in avoid
    ]  # fmt: skip
    if not kin:
        return ()
    claims = [Claim(found.ids[k], found.originals[k], None, found.group[k], found.article_of[k].date) for k in [i, *kin]]
    return tuple(dict.fromkeys(sid for d in compare(claims) for sid in d.sentence_ids if sid not in support))


def rank_facts(story: Story, pile: Pile, avoid: frozenset[str] = frozenset()) -> list[Fact]:
    """Every fact of a story worth printing, in the order the page should take them (none of the texts in
    ``avoid``, whose translation came out degenerate, printed or shown as support)."""
    found = _story_sentences(story, pile)
    if not found.ids:
        return []
    rel = _relations(found, pile)
    carried, best_in, centrality = _carried(found, rel)
    score, eligible = _scores(found, carried, centrality, avoid)
    order = [int(i) for i in np.argsort(-score, kind="stable") if eligible[i]]
    facts = []
    for i in _choose(found, rel, best_in, score, order):
        others = sorted(best_in[i].items(), key=lambda kv: -rel.sims[i, kv[1]])
        support = [found.ids[i], *(found.ids[j] for _, j in others if found.originals[j] not in avoid)][:MAX_SUPPORT]
        cost = english_words(found.originals[i], found.article_of[i].language) + CITATION_WORDS + len(support)
        facts.append(Fact(found.ids[i], tuple(support), int(carried[i]), float(score[i]), cost, _differs(i, support, found, rel, avoid)))
    return facts


def _publisher(pile: Pile, fact: Fact) -> str:
    return publisher_key(pile.locate(fact.lead)[0])


def opening(facts: Sequence[Fact], pile: Pile) -> int:
    """How many of a story's first facts a section needs so that it cites two independent publishers: one when
    the first is corroborated, else two from different publishers (the second moved up); 0 when none can."""
    if not facts:
        return 0
    if facts[0].carried_by >= 2:
        return 1
    first = _publisher(pile, facts[0])
    return 2 if any(_publisher(pile, f) != first for f in facts[1:]) else 0


def _second_facts(sections: Sequence[Story], ranked: dict[str, list[Fact]], taken: dict[str, int], room: int) -> int:
    """Give each section with one fact its next fact that fits ``room`` (moved up to second place), in coverage
    order; returns the words spent."""
    spent = 0
    for s in sections:
        facts = ranked[s.id]
        if taken[s.id] < 2 <= len(facts):
            fits = next((f for f in facts[1:] if f.cost <= room - spent), None)
            if fits is not None:
                ranked[s.id] = [facts[0], fits, *(f for f in facts[1:] if f is not fits)]
                taken[s.id] = 2
                spent += fits.cost
    return spent


def _open_sections(
    multi: Sequence[Story], ranked: dict[str, list[Fact]], cost_of: dict[str, int], pile: Pile, room: int
) -> tuple[list[Story], list[Story], dict[str, int], int]:
    """Sections in coverage order while a heading and a bottom line citing two publishers fit ``room``; the
    stories that found no room; the facts each section takes; the room left."""
    sections: list[Story] = []
    spill: list[Story] = []
    taken: dict[str, int] = {}
    for s in multi:
        facts = ranked[s.id]
        opens = opening(facts, pile) if s.publishers >= 2 else min(len(facts), 1)
        if opens == 2 and facts[1].carried_by < 2:
            other = next(f for f in facts[1:] if _publisher(pile, f) != _publisher(pile, facts[0]))
            facts = ranked[s.id] = [facts[0], other, *(f for f in facts[1:] if f is not other)]
        need = cost_of[s.id] + sum(f.cost for f in facts[:opens])
        if opens and need <= room:
            sections.append(s)
            taken[s.id] = opens
            room -= need
        else:
            spill.append(s)
    return sections, spill, taken, room


def _short_list(candidates: Sequence[Story], cost_of: dict[str, int], share: int, room: int) -> tuple[list[Story], int]:
    """The "Also noted" lines that fit both the short list's ``share`` and ``room``, lowest-ranked dropped first;
    and the room left."""
    noted: list[Story] = []
    share -= 2  # the "Also noted" heading
    for s in candidates:
        cost = cost_of[s.id]
        if cost > min(share, room - 2):
            break  # the lowest-ranked go first: a later, shorter line does not jump the queue
        noted.append(s)
        share -= cost
        room -= cost
    return noted, room - 2 if noted else room


def _timelines(
    sections: Sequence[Story], ranked: dict[str, list[Fact]], taken: dict[str, int], pile: Pile, room: int, most: int,
    avoid: frozenset[str] = frozenset(),
) -> tuple[dict[str, tuple[Event, ...]], int]:
    """A timeline for each section whose story has three or more dated events, each within ``most`` words; a
    dated fact it tells is printed there, as a dated line, and not again as a key point. Returns the room left."""
    timelines: dict[str, tuple[Event, ...]] = {}
    for s in sections:
        facts = ranked[s.id]
        found, moved = story_timeline(s, pile, facts[1:], min(room, most), avoid)
        if found:
            timelines[s.id] = found
            room -= timeline_cost(found, pile)
            # A fact already placed that the timeline now tells gives its room back.
            placed = [f for f in facts[1 : taken[s.id]] if f in moved]
            room += sum(f.cost for f in placed)
            taken[s.id] -= len(placed)
            ranked[s.id] = [f for f in facts if f not in moved]
    return timelines, room


def _key_points(sections: Sequence[Story], ranked: dict[str, list[Fact]], taken: dict[str, int], room: int) -> None:
    """The rest of each story's facts, in turns weighted by publishers (most-covered story first on ties), while
    ``room`` lasts; a story whose next fact does not fit tries its next shorter ones."""
    queue = [(taken[s.id] / s.publishers, k, s) for k, s in enumerate(sections)]
    heapq.heapify(queue)
    while queue:
        _, k, s = heapq.heappop(queue)
        facts = ranked[s.id]
        if taken[s.id] >= len(facts):
            continue
        cost = facts[taken[s.id]].cost
        if cost > room:
            rest = [f for f in facts[taken[s.id] :] if f.cost <= room]
            if not rest:
                continue
            facts = ranked[s.id] = [*facts[: taken[s.id]], *rest]
            cost = facts[taken[s.id]].cost
        room -= cost
        taken[s.id] += 1
        heapq.heappush(queue, (taken[s.id] / s.publishers, k, s))


def _selection(story: Story, heading: Heading, facts: list[Fact], timeline: tuple[Event, ...]) -> Selection:
    """A section's selection: a one-to-two-sentence bottom line (the second fact joins when it is also
    corroborated), the sentence nearer the top of its article first (it tells what happened), then the points."""
    bottom = 2 if len(facts) > 2 and facts[1].carried_by >= 2 else 1
    facts[:bottom] = sorted(facts[:bottom], key=lambda f: int(f.lead.rpartition(":")[2]))
    return Selection(story=story, heading=heading, facts=tuple(facts), bottom=bottom, timeline=timeline)


def plan(
    stories: Sequence[Story],
    pile: Pile,
    budget_words: int,
    first: frozenset[str] = frozenset(),
    avoid: frozenset[str] = frozenset(),
) -> Plan:
    """Fill the page within ``budget_words``: the one place the word budget is applied.

    Stories with two or more independent publishers get a section (when there is none, the first
    SECTIONS_WITHOUT_COVERAGE stories do), in coverage order, while a heading and a bottom line that cites two
    publishers fit; then each section gets a second fact while room lasts (two facts of every story before a
    third of any: a page that covers the day). Single-article stories (and stories that found no room) get an
    "Also noted" line, their headline or lead, while ALSO_NOTED_SHARE of the budget lasts, lowest-ranked dropped
    first; the rest of the room goes to key points, shared among the sections by their number of publishers.

    Nothing in ``avoid`` (originals whose translation came out degenerate) is chosen: the next fact, headline or
    event takes its place, and a story with no headline left is left out.
    """
    noted_as = {s.id: h for s in stories if (h := noted_heading(s, pile, avoid)) is not None}
    stories = [s for s in stories if s.id in noted_as]
    multi, headings = _section_candidates(stories, pile, first, avoid)
    singles = [s for s in stories if s not in multi]

    def line_cost(h: Heading) -> int:
        return english_words(h.original, pile.by_id[h.article_id].language) + CITATION_WORDS

    # Sections first: each needs its heading and a bottom line citing two publishers (the lead section's heading
    # is the page's title, printed once).
    ranked = {s.id: rank_facts(s, pile, avoid) for s in multi}
    heading_cost = {s.id: line_cost(h) for s, h in zip(multi, headings.values())}
    sections, spill, taken, room = _open_sections(multi, ranked, heading_cost, pile, budget_words - DATE_LINE_WORDS)
    # Then a second fact for every section, in coverage order, before the short list takes more than a few lines.
    reserve = int(budget_words * ALSO_NOTED_RESERVE) if [*spill, *singles] else 0
    room -= _second_facts(sections, ranked, taken, room - reserve)
    # Then the short list, from what is left but never more than its share.
    noted_cost = {s.id: line_cost(h) for s, h in zip(stories, noted_as.values())}
    noted, room = _short_list([*spill, *singles], noted_cost, int(budget_words * ALSO_NOTED_SHARE), room)
    timelines, room = _timelines(sections, ranked, taken, pile, room, int(budget_words * TIMELINE_SHARE), avoid)
    _key_points(sections, ranked, taken, room)
    chosen = [_selection(s, headings[s.id], list(ranked[s.id][: taken[s.id]]), timelines.get(s.id, ())) for s in sections]
    left = tuple(s for s in stories if s not in sections and s not in noted)
    return Plan(
        sections=tuple(chosen),
        also_noted=tuple(Noted(s, noted_as[s.id]) for s in noted),
        left_out=left,
        budget=budget_words,
    )


def _section_candidates(
    stories: Sequence[Story], pile: Pile, first: frozenset[str], avoid: frozenset[str]
) -> tuple[list[Story], dict[str, Heading]]:
    """The stories that may get a section, in order, with their headings (a story with no heading left cannot)."""
    # ``first``: stories the reader asked for (watched, on the beat) get a section whatever their coverage
    multi = [s for s in stories if s.publishers >= 2 or s.id in first]
    if not multi:  # a pile of unrelated articles (or one article): no coverage to rank by, so the first get sections
        multi = list(stories[:SECTIONS_WITHOUT_COVERAGE])
    headings = {s.id: h for s in multi if (h := heading_of(s, pile, avoid)) is not None}
    return [s for s in multi if s.id in headings], headings
