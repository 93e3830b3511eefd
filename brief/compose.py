"""Compose: turn the plan (chosen in the original) and the English of what it prints into the brief's sections.

Per section: the heading (the story's best real headline, translated), a bottom line of one or two sentences and
the key points. A summariser may rewrite them; every rewrite is checked against the English of its support, each
check is kept on the printed sentence, and a rewrite that fails is kept under ``rejected`` with its problems while
the translated source sentence stands in for it. Sources are numbered here, by first use in print order.

A relative date ("tomorrow") gets a note ("tomorrow: 31 October 2025") only when it is certain: the sentence's own
article is dated, the printed English says it, and no supporting sentence resolves it to another date.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from brief import names
from brief.clean import split_sentences
from brief.differences import Claim, Difference, across, compare
from brief.models.base import Rewriter
from brief.pile import Pile, numbers_in
from brief.records import (
    AlsoNoted,
    Article,
    BriefSentence,
    Check,
    DateNote,
    Rejected,
    Section,
    SourceEntry,
    SourceSentence,
    Story,
)
from brief.select import Fact, Noted, Plan, Selection
from brief.stories import publisher_key, real_headline
from brief.timeline import Event, with_english
from brief.translate import Translations, date_notes
from brief.words import checks, content_words

REWRITE_SUPPORT = 3  # supporting sentences a point's rewrite reads


@dataclass(frozen=True)
class Composition:
    """What compose makes: everything of the Brief that depends on the selection."""

    title: str
    sections: tuple[Section, ...]
    also_noted: tuple[AlsoNoted, ...]
    sources: tuple[SourceEntry, ...]
    stories: tuple[Story, ...]


class _Numbering:
    """Citation numbers by first use."""

    def __init__(self) -> None:
        self.order: dict[str, int] = {}

    def __call__(self, article_id: str) -> int:
        return self.order.setdefault(article_id, len(self.order) + 1)


def translation_checks(english: str, original: str) -> tuple[Check, ...]:
    """What a translated source sentence is checked for: that it carries the original's numbers, and no others."""
    theirs, ours = set(numbers_in(original)), set(numbers_in(english))
    lost, added = sorted(theirs - ours), sorted(ours - theirs)
    why = "; ".join([*(f"the English lacks {n}" for n in lost), *(f"the English adds {n}" for n in added)])
    return (Check("numbers", not why, why or f"{len(theirs)} number(s) of the original, none added"),)


def certain_notes(text: str, lead: SourceSentence, support: Sequence[SourceSentence]) -> tuple[DateNote, ...]:
    """The lead's relative-date notes that are certain and agree with the printed ``text``.

    ``lead.dates`` exist only when its own article is dated. A note is dropped when the printed English does not
    say the phrase it explains, or when another supporting sentence resolves a phrase of the same precision to a
    different date (then nothing can be said for sure).
    """
    lower = text.lower()
    kept = []
    for note in lead.dates:
        if note.english.lower() not in lower:
            continue
        if any(
            other.date != note.date and other.precision == note.precision
            for s in support
            if s != lead
            for other in s.dates
        ):
            continue
        kept.append(note)
    return tuple(dict.fromkeys(kept))


def compose(plan: Plan, pile: Pile, translations: Translations, rewriter: Rewriter | None) -> Composition:
    """Sections, also-noted lines, sources numbered by first use, and the title (the lead story's headline)."""
    composer = _Composer(plan, pile, one_spelling(translations))
    # Rewrites first, in two batched calls (bottom lines, points), before anything is numbered.
    bottom_out, point_out = composer.rewrites(rewriter)
    # Sources are numbered by first use, so sections are built in print order, then the also-noted lines.
    sections = [composer.section(k, sel, bottom_out[k], point_out) for k, sel in enumerate(plan.sections)]
    also = [composer.also_noted(noted) for noted in plan.also_noted]
    sources = tuple(
        _source_entry(pile.by_id[article_id], n, composer.translations)
        for article_id, n in composer.number.order.items()
    )
    if sections:
        title = sections[0].heading or ""
    elif also:
        title = also[0].text
    else:
        title = "Brief"
    stories = tuple([*(s.story for s in plan.sections), *(n.story for n in plan.also_noted), *plan.left_out])
    stories = tuple(sorted(stories, key=lambda s: int(s.id[1:])))
    return Composition(title=title, sections=tuple(sections), also_noted=tuple(also), sources=sources, stories=stories)


def _failed(found: Sequence[Check]) -> tuple[str, ...]:
    """The problems of the checks that failed, one per item."""
    return tuple(p for c in found if not c.passed for p in c.why.split("; "))


class _Composer:
    """One composition's state: the pile, its English, and the citation numbers given so far (by first use)."""

    def __init__(self, plan: Plan, pile: Pile, translations: Translations) -> None:
        self.plan = plan
        self.pile = pile
        self.translations = translations
        self.number = _Numbering()
        # Figures are compared across every sentence of a story, most never printed: a claim carries a stand-in
        # cite for its article, and only the sources of a difference that is printed get their number
        # (``_renumbered``).
        self.stand_in = {a.id: _STAND_IN + k for k, a in enumerate(pile.articles)}

    def source(self, sid: str) -> SourceSentence:
        """A sentence as printed support, numbering its article if this is its first use."""
        article, index = self.pile.locate(sid)
        original = article.sentences[index]
        return SourceSentence(
            source=self.number(article.id),
            index=index,
            original=original,
            english=self.translations.get(original, article.language),
            dates=date_notes(original, article.date),
            article_id=article.id,
        )

    def english(self, sid: str) -> str:
        """A sentence's English, without numbering anything."""
        article, index = self.pile.locate(sid)
        return self.translations.get(article.sentences[index], article.language)

    def claim(self, sid: str) -> Claim:
        """A sentence as a claim for the differences, cited by its article's stand-in number."""
        article, index = self.pile.locate(sid)
        return Claim(sid, article.sentences[index], self.english(sid), self.stand_in[article.id], article.date)

    def rewrites(self, rewriter: Rewriter | None) -> tuple[list[list[str]], dict[tuple[int, int], str]]:
        """The rewriter's bottom lines (per section, up to two sentences) and points (by section and fact)."""
        sections = self.plan.sections
        bottom_out: list[list[str]] = [[] for _ in sections]
        point_out: dict[tuple[int, int], str] = {}
        if rewriter is None or not sections:
            return bottom_out, point_out
        joined = [" ".join(self.english(f.lead) for f in sel.facts[: sel.bottom]) for sel in sections]
        for k, out in enumerate(rewriter.summarise_batch(joined)):
            bottom_out[k] = split_sentences(out)[:2]
        keys = [(k, m) for k, sel in enumerate(sections) for m in range(sel.bottom, len(sel.facts))]
        inputs = [" ".join(self.english(s) for s in sections[k].facts[m].support[:REWRITE_SUPPORT]) for k, m in keys]
        if inputs:
            for key, out in zip(keys, rewriter.summarise_batch(inputs)):
                point_out[key] = (split_sentences(out) or [""])[0]
        return bottom_out, point_out

    def alone(self, facts: Sequence[Fact], story: Story) -> bool:
        """Whether only one source tells these facts (the sentence is marked "one source")."""
        return all(f.carried_by == 1 and not told_elsewhere(self.pile, f.lead, story) for f in facts)

    def extractive(self, fact: Fact, rejected: tuple[Rejected, ...] = (), story: Story | None = None) -> BriefSentence:
        """The fact printed as its lead sentence's translation."""
        support = tuple(self.source(s) for s in fact.support)
        lead = support[0]
        return BriefSentence(
            text=lead.english,
            cites=tuple(sorted({s.source for s in support})),
            generated=False,
            support=support,
            checks=translation_checks(lead.english, lead.original),
            rejected=rejected,
            single_source=story is not None and self.alone([fact], story),
            notes=certain_notes(lead.english, lead, support),
        )

    def rewritten(self, text: str, facts: Sequence[Fact], found: Sequence[Check], story: Story) -> BriefSentence:
        """A rewrite that passed its checks, cited by the support of the facts it draws on."""
        support = tuple(dict.fromkeys(self.source(s) for f in facts for s in f.support))
        notes = tuple(n for f in facts for n in certain_notes(text, self.source(f.lead), support))
        return BriefSentence(
            text=text,
            cites=tuple(sorted({s.source for s in support})),
            generated=True,
            support=support,
            checks=tuple(found),
            single_source=self.alone(facts, story),
            notes=tuple(dict.fromkeys(notes)),
        )

    def bottom_line(self, sel: Selection, generated_out: Sequence[str]) -> list[BriefSentence]:
        """The section's bottom line: the rewrite when all of it passes, else the top facts (the first carrying
        the rejected rewrite)."""
        top = sel.facts[: sel.bottom]
        rejected: list[Rejected] = []
        generated = [g for g in generated_out if g.strip()]
        if generated:
            union = [self.english(s) for f in top for s in f.support]
            verdicts = [checks(g, union) for g in generated]
            if all(not _failed(v) for v in verdicts):
                return [
                    self.rewritten(text, _drawn(text, top, self.english), found, sel.story)
                    for text, found in zip(generated, verdicts)
                ]
            rejected = [Rejected(g, _failed(v)) for g, v in zip(generated, verdicts) if _failed(v)]
        return [self.extractive(f, tuple(rejected) if m == 0 else (), sel.story) for m, f in enumerate(top)]

    def points(self, k: int, sel: Selection, point_out: Mapping[tuple[int, int], str]) -> list[BriefSentence]:
        """The section's key points: each rewrite that passes its checks, else the fact's own sentence."""
        points: list[BriefSentence] = []
        for m in range(sel.bottom, len(sel.facts)):
            fact = sel.facts[m]
            out = point_out.get((k, m), "").strip()
            if not out:
                points.append(self.extractive(fact, story=sel.story))
                continue
            found = checks(out, [self.english(s) for s in fact.support[:REWRITE_SUPPORT]])
            if not _failed(found):
                points.append(self.rewritten(out, [fact], found, sel.story))
            else:
                points.append(self.extractive(fact, (Rejected(out, _failed(found)),), sel.story))
        return points

    def section(
        self, k: int, sel: Selection, bottom_out: Sequence[str], point_out: Mapping[tuple[int, int], str]
    ) -> Section:
        """One story's section, its sources numbered in print order: bottom line, points, timeline, differences."""
        pile = self.pile
        bottom = self.bottom_line(sel, bottom_out)
        points = self.points(k, sel, point_out)
        heading = sel.heading
        language = pile.by_id[heading.article_id].language
        every = [f"{a}:{i}" for a in sel.story.article_ids for i in range(len(pile.by_id[a].sentences))]
        timeline = _timeline(sel.timeline, pile, self.number, self.english)
        differ = [_renumbered(d, pile, self.number) for d in _differences(sel.facts, self.claim, every)]
        return Section(
            story=sel.story.id,
            heading=self.translations.get(heading.original, language),
            heading_original=heading.original if language != "en" else None,
            bottom_line=tuple(bottom),
            points=tuple(points),
            timeline=timeline,
            differences=tuple(d for d in differ if d.kind != "update"),
            updates=tuple(d for d in differ if d.kind == "update"),
        )

    def also_noted(self, noted: Noted) -> AlsoNoted:
        """A story too small for a section: its headline's English, cited."""
        article = self.pile.by_id[noted.heading.article_id]
        return AlsoNoted(
            story=noted.story.id,
            text=self.translations.get(noted.heading.original, article.language),
            cites=(self.number(article.id),),
        )


TOLD_ELSEWHERE = 0.5  # share of a sentence's content words in another publisher's article: it tells the fact too


def told_elsewhere(pile: Pile, sid: str, story: Story) -> bool:
    """Another publisher's article has most of the sentence's content words: the fact is not one source's alone,
    though no single sentence there matched it (selection's same-fact test is strict).

    Every article of the pile is asked, not only the story's: "(one source)" tells the reader no other source
    in the folder has the fact, and a report the grouping put in another story still has it.
    """
    article, index = pile.locate(sid)
    words = content_words(article.sentences[index])
    if not words:
        return False
    mine = publisher_key(article)
    for other in pile.by_id.values():
        if other.id == article.id or publisher_key(other) == mine:
            continue
        if len(words & content_words(" ".join(other.sentences))) >= TOLD_ELSEWHERE * len(words):
            return True
    return False


def _drawn(text: str, facts: Sequence[Fact], english: Callable[[str], str]) -> list[Fact]:
    """The facts a rewritten bottom-line sentence draws on: those whose English shares most of its words."""
    words = content_words(text)
    scores = [len(words & content_words(" ".join(english(s) for s in f.support))) for f in facts]
    best = max(scores, default=0)
    return [f for f, s in zip(facts, scores) if best and s >= best / 2] or list(facts[:1])


def _source_entry(article: Article, n: int, translations: Translations) -> SourceEntry:
    headline = real_headline(article)
    return SourceEntry(
        n=n,
        article_id=article.id,
        publisher=article.publisher,
        # A headline whose English came out degenerate is listed by its original alone.
        title_en=translations.get(headline, article.language)
        if headline and (article.language, headline) not in translations.failed else None,
        title_original=headline,
        language=article.language,
        date=article.date,
        location=article.location,
        url=article.url if article.url != article.location else None,
        also_at=article.also_at,
    )


def one_spelling(translations: Translations) -> Translations:
    """The translations with every name spelled one way (``names.variant_map``, built from the Arabic side).

    Different articles' translations spell one name differently (Akturk, Aktürk, Ak Turk); the brief prints the
    most used spelling everywhere. Applied before anything reads the English, so rewrites, their checks and the
    printed sentences all see the same spelling.
    """
    mapping = names.variant_map((original, english) for (_, original), english in translations.english.items())
    if not mapping:
        return translations
    return replace(translations, english={key: names.apply(text, mapping) for key, text in translations.english.items()})


def _timeline(
    events: Sequence[Event], pile: Pile, number: _Numbering, english: Callable[[str], str]
) -> tuple[Event, ...]:
    """The selection's events with their English lines, cited by the numbers of the sources that tell them."""
    lines = with_english(events, {e.sentence_id: english(e.sentence_id) for e in events})
    return tuple(
        replace(e, cites=tuple(sorted({number(pile.locate(sid)[0].id) for sid in e.sentence_ids}))) for e in lines
    )


_STAND_IN = 1_000_000  # above any citation number: stand-in cites of claims before they are printed


def _renumbered(difference: Difference, pile: Pile, number: _Numbering) -> Difference:
    """A difference cited by the numbers of its sources, numbered now (they are printed after the section's points
    and timeline, so first use stays in print order)."""
    values = tuple(
        replace(v, cites=tuple(sorted({number(pile.locate(sid)[0].id) for sid in v.sentence_ids})))
        for v in difference.values
    )
    return replace(difference, values=values)


def _differences(
    facts: Sequence[Fact], claim: Callable[[str], Claim], story: Sequence[str] = ()
) -> tuple[Difference, ...]:
    """Where the sources of a section's facts give different figures or dates, each disagreement once; and the
    counts that changed over the days (kind "update"), each once.

    Figures are compared across a fact's support and the other publishers' sentences select found disagreeing
    (``Fact.differs``); dates only within the support, since two close sentences with different days are more
    often two events ("classes suspended tomorrow, Monday" and "classes resume tomorrow, Tuesday"). Then the
    figures that say what they measure are compared across every sentence of the story (``story``, ids), by the
    stricter ``differences.across``: a disagreement select's groups did not hold, unless one already says it.
    """
    found: dict[frozenset[tuple[str, tuple[int, ...]]], Difference] = {}
    for fact in facts:
        support = set(fact.support)
        for d in compare([claim(sid) for sid in (*fact.support, *fact.differs)]):
            if d.kind == "date" and not set(d.sentence_ids) <= support:
                continue
            found.setdefault(frozenset((v.value, tuple(v.cites)) for v in d.values), d)
    told = {frozenset(v.value for v in d.values) for d in found.values()}
    for d in across([claim(sid) for sid in story]):
        if frozenset(v.value for v in d.values) not in told:
            found.setdefault(frozenset((v.value, tuple(v.cites)) for v in d.values), d)
    return tuple(found.values())
