"""Frozen records that flow between the pipeline stages.

ingest -> RawDocument -> clean -> Article -> (embed: Pile) -> stories -> Story -> select -> (translate only what
is printed) -> compose -> Section of BriefSentences -> render (Brief)

A sentence is known by its id, ``f"{article_id}:{index}"`` (``sentence_id``): the article id is a hash of its
text, so the id is the same on every run.

Every record is immutable and JSON-friendly through ``to_json``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

_ARABIC = re.compile(r"[\u0600-\u06FF]")


@dataclass(frozen=True)
class RawDocument:
    """One input as read from disk (or later the web), decoded but not yet cleaned."""

    location: str  # the path (or URL) exactly as the user can find it again
    text: str  # decoded text (HTML stays HTML)
    kind: str  # "txt", "md" or "html"
    encoding: str  # the encoding it was decoded from, e.g. "utf-8", "utf-16", "cp1256"
    url: str | None = None  # the address it was fetched from, after redirects (web documents only)
    publisher: str | None = None  # named by the user (sources file): wins over what the page says
    title: str | None = None  # from the feed item that led here: used when the page names no headline
    date: dt.date | None = None  # likewise, the feed item's date


@dataclass(frozen=True)
class Skipped:
    """An input that yielded no article, and why."""

    location: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {"location": self.location, "reason": self.reason}


@dataclass(frozen=True)
class Dropped:
    """A line that cleaning removed, and why (shown by ``brief inspect``)."""

    line: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {"line": self.line, "reason": self.reason}


@dataclass(frozen=True)
class Article:
    """A cleaned article: metadata plus the sentences that go on to translation."""

    id: str  # stable: a hash of the article's text, the same on every run
    location: str
    publisher: str | None
    title: str | None
    date: dt.date | None
    language: str  # ISO 639-1 code ("ar", "en", ...) or "und"
    sentences: tuple[str, ...]
    dropped: tuple[Dropped, ...] = ()
    url: str | None = None  # canonical address (page metadata, front matter, or where it was fetched)
    byline: str | None = None  # "بقلم ..." / "By ...": metadata, not article text
    credit: str | None = None  # "المصدر: ..." (the agency a story is credited to)
    also_at: tuple[str, ...] = ()  # other places the same article was found (duplicates merged into this one)

    def to_json(self) -> dict[str, Any]:
        """The form ``brief inspect`` prints."""
        return {
            "id": self.id,
            "path": self.location,
            "also_at": list(self.also_at),
            "url": self.url,
            "publisher": self.publisher,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "byline": self.byline,
            "credit": self.credit,
            "language": self.language,
            "sentences": list(self.sentences),
            "dropped": [d.to_json() for d in self.dropped],
        }


@dataclass(frozen=True)
class DateNote:
    """A relative date in a source sentence ("أمس", "الشهر الجاري") and the date it names, from the article's date."""

    phrase: str  # as written in the original
    english: str  # what it says in English ("yesterday", "this month")
    date: dt.date
    precision: str  # "day", "month" or "year"

    def text(self) -> str:
        """'yesterday: 19 June 2024', 'this month: June 2024'."""
        if self.precision == "year":
            named = str(self.date.year)
        elif self.precision == "month":
            named = f"{self.date.strftime('%B')} {self.date.year}"
        else:
            named = f"{self.date.day} {self.date.strftime('%B')} {self.date.year}"
        return f"{self.english}: {named}"

    def to_json(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {"phrase": self.phrase, "english": self.english, "date": self.date.isoformat(), "precision": self.precision}


def sentence_id(article_id: str, index: int) -> str:
    """The stable id of sentence ``index`` of an article."""
    return f"{article_id}:{index}"


@dataclass(frozen=True)
class SourceSentence:
    """One sentence of a source, in its own language and in English."""

    source: int  # citation number of the article (numbered by first use in the brief)
    index: int  # position of the sentence in the article
    original: str
    english: str
    dates: tuple[DateNote, ...] = ()  # relative dates in it, resolved against the article's publication date
    article_id: str = ""

    @property
    def sentence_id(self) -> str:
        """``f"{article_id}:{index}"``."""
        return sentence_id(self.article_id, self.index)

    def to_json(self) -> dict[str, Any]:
        """Provenance form used in the JSON brief; ``arabic`` is set when the original is Arabic."""
        arabic = self.original if _ARABIC.search(self.original) else None
        return {
            "source": self.source,
            "sentence_id": self.sentence_id,
            "index": self.index,
            "original": self.original,
            "arabic": arabic,
            "english": self.english,
            "dates": [d.to_json() for d in self.dates],
        }


@dataclass(frozen=True)
class Check:
    """One faithfulness check a printed sentence passed or failed, and why."""

    name: str  # "numbers", "names", "dates", "overlap", "length"
    passed: bool
    why: str

    def to_json(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {"name": self.name, "passed": self.passed, "why": self.why}


@dataclass(frozen=True)
class Rejected:
    """A rewrite the checks refused to print, with what they found wrong."""

    text: str
    problems: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {"text": self.text, "problems": list(self.problems)}


@dataclass(frozen=True)
class BriefSentence:
    """A sentence of the brief with the sources behind it."""

    text: str
    cites: tuple[int, ...]
    generated: bool
    support: tuple[SourceSentence, ...]
    checks: tuple[Check, ...] = ()  # what the printed text was checked for (against its support)
    rejected: tuple[Rejected, ...] = ()  # rewrites that were not printed, and why
    single_source: bool = False  # only one independent publisher carries the fact
    notes: tuple[DateNote, ...] = ()  # relative dates it says, resolved with certainty (printed after it)

    def to_json(self) -> dict[str, Any]:
        """Provenance form used in the JSON brief."""
        return {
            "text": self.text,
            "cites": list(self.cites),
            "generated": self.generated,
            "checks": [c.to_json() for c in self.checks],
            "single_source": self.single_source,
            "rejected": [r.to_json() for r in self.rejected],
            "date_notes": [n.to_json() for n in self.notes],
            "support": [s.to_json() for s in self.support],
        }


@dataclass(frozen=True)
class Story:
    """Articles that report the same event, and how many independent publishers carry it."""

    id: str  # "s1", "s2" ... in coverage order
    article_ids: tuple[str, ...]  # the most central first
    publishers: int  # independent publishers: copies of one wire story count once

    def to_json(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {"id": self.id, "article_ids": list(self.article_ids), "publishers": self.publishers}


@dataclass(frozen=True)
class Section:
    """One story of the brief: a heading, a bottom line and key points (and later a timeline, differences)."""

    story: str  # the Story's id
    heading: str | None  # English headline; None: the parts are labelled instead ("Bottom line", "Key points")
    heading_original: str | None
    bottom_line: tuple[BriefSentence, ...]
    points: tuple[BriefSentence, ...]
    timeline: tuple[Any, ...] = ()  # entries with ``to_json()`` (or plain dicts), CONTRACT.md's shape
    differences: tuple[Any, ...] = ()  # likewise
    updates: tuple[Any, ...] = ()  # counts that changed over the days, latest first (not disagreements); likewise
    previously: tuple[str, ...] = ()  # "Previously (20 November 2026): ..." lines for this story
    marks: tuple[str, ...] = ()  # why the story is on the page ahead of others ("Watched: Hakan Fidan")

    def to_json(self, points: tuple[BriefSentence, ...] | None = None) -> dict[str, Any]:
        """Plain-JSON form; ``points`` overrides the section's own (the ones that fit the page)."""
        return {
            "story": self.story,
            "heading": self.heading,
            "heading_original": self.heading_original,
            "bottom_line": [s.to_json() for s in self.bottom_line],
            "points": [s.to_json() for s in (self.points if points is None else points)],
            "timeline": [_plain(t) for t in self.timeline],
            "differences": [_plain(d) for d in self.differences],
            "updates": [_plain(d) for d in self.updates],
            "previously": list(self.previously),
            "marks": list(self.marks),
        }


@dataclass(frozen=True)
class AlsoNoted:
    """A story one article reports: one line, its translated headline and citation."""

    story: str
    text: str
    cites: tuple[int, ...]
    previously: tuple[str, ...] = ()  # the story in an earlier brief, as for a section

    def to_json(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {"story": self.story, "text": self.text, "cites": list(self.cites), "previously": list(self.previously)}


def _plain(item: Any) -> Any:
    return item.to_json() if hasattr(item, "to_json") else item


@dataclass(frozen=True)
class SourceEntry:
    """One line of the brief's numbered source list."""

    n: int
    article_id: str
    publisher: str | None
    title_en: str | None
    title_original: str | None
    language: str
    date: dt.date | None
    location: str
    url: str | None = None  # the article's canonical web address, when known and not already the location
    also_at: tuple[str, ...] = ()  # other places the same article was found

    def to_json(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {
            "n": self.n,
            "id": self.article_id,
            "publisher": self.publisher,
            "title_en": self.title_en,
            "title_ar": self.title_original if self.language == "ar" else None,
            "title_original": self.title_original,
            "language": self.language,
            "date": self.date.isoformat() if self.date else None,
            "location": self.location,
            "url": self.url,
            "also_at": list(self.also_at),
        }


@dataclass(frozen=True)
class ModelUse:
    """Which model did a job, for the signature footer."""

    kind: str  # "translator", "summariser", "embedder"
    name: str
    ref: str  # repo@revision or the local path
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Brief:
    """The finished brief, ready to render."""

    title: str
    date_from: dt.date | None
    date_to: dt.date | None
    sources: tuple[SourceEntry, ...]
    skipped: tuple[Skipped, ...]
    models: tuple[ModelUse, ...]
    version: str
    made_at: dt.datetime
    word_budget: int
    left_out: tuple[str, ...] = ()  # why articles that were read are not in this brief (already briefed, limit)
    # One section per story with two or more independent publishers, in coverage order (a story-less pile: one
    # section without a heading).
    sections: tuple[Section, ...] = ()
    also_noted: tuple[AlsoNoted, ...] = ()
    stories: tuple[Story, ...] = ()
    translated: int = 0  # texts the brief needed in English (sent to the translator or served by its cache)
    translated_cached: int = 0  # of which the cache served

    @classmethod
    def from_json(cls, text: str) -> Brief:
        """The brief ``render.to_json`` wrote, read back (what its page held: it renders the same Markdown).

        Raises ValueError (with what is wrong) for text that is not a brief in JSON.
        """
        import json

        try:
            data = json.loads(text)
            if not isinstance(data, dict) or "signature" not in data or "sections" not in data:
                raise ValueError("it is JSON, but not a brief (no sections, no signature)")
            return _brief_from(data)
        except (KeyError, TypeError, AttributeError) as err:
            raise ValueError(f"it is not a brief in JSON ({type(err).__name__}: {err})") from None


# ------------------------------------------------------------------------------ reading a JSON brief back


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _date_note(d: dict[str, Any]) -> DateNote:
    return DateNote(d["phrase"], d["english"], dt.date.fromisoformat(d["date"]), d["precision"])


def _support(d: dict[str, Any]) -> SourceSentence:
    article_id = d["sentence_id"].rpartition(":")[0] if d.get("sentence_id") else ""
    return SourceSentence(
        source=d["source"], index=d["index"], original=d["original"], english=d["english"],
        dates=tuple(_date_note(n) for n in d.get("dates", ())), article_id=article_id,
    )  # fmt: skip


def _sentence(d: dict[str, Any]) -> BriefSentence:
    return BriefSentence(
        text=d["text"],
        cites=tuple(d["cites"]),
        generated=bool(d["generated"]),
        support=tuple(_support(s) for s in d.get("support", ())),
        checks=tuple(Check(c["name"], c["passed"], c["why"]) for c in d.get("checks", ())),
        rejected=tuple(Rejected(r["text"], tuple(r["problems"])) for r in d.get("rejected", ())),
        single_source=bool(d.get("single_source", False)),
        notes=tuple(_date_note(n) for n in d.get("date_notes", ())),
    )


def _section(d: dict[str, Any]) -> Section:
    # Timeline, differences and updates stay the plain dicts CONTRACT.md describes: render reads them as such.
    return Section(
        story=d["story"],
        heading=d["heading"],
        heading_original=d.get("heading_original"),
        bottom_line=tuple(_sentence(s) for s in d["bottom_line"]),
        points=tuple(_sentence(s) for s in d["points"]),
        timeline=tuple(d.get("timeline", ())),
        differences=tuple(d.get("differences", ())),
        updates=tuple(d.get("updates", ())),
        previously=tuple(d.get("previously", ())),
        marks=tuple(d.get("marks", ())),
    )


def _source(d: dict[str, Any]) -> SourceEntry:
    return SourceEntry(
        n=d["n"], article_id=d["id"], publisher=d["publisher"], title_en=d["title_en"],
        title_original=d["title_original"], language=d["language"], date=_day(d["date"]), location=d["location"],
        url=d.get("url"), also_at=tuple(d.get("also_at", ())),
    )  # fmt: skip


def _brief_from(data: dict[str, Any]) -> Brief:
    translated = data.get("translated") or {}
    return Brief(
        title=data["title"],
        date_from=_day(data["date_from"]),
        date_to=_day(data["date_to"]),
        sources=tuple(_source(s) for s in data["sources"]),
        skipped=tuple(Skipped(s["location"], s["reason"]) for s in data.get("skipped", ())),
        models=tuple(ModelUse(m["kind"], m["name"], m["ref"], dict(m.get("params") or {})) for m in data["models"]),
        version=data["version"],
        made_at=dt.datetime.fromisoformat(data["made_at"]),
        word_budget=data["word_budget"],
        # The JSON's left_out already names any section the page guard left off.
        left_out=tuple(data.get("left_out", ())),
        sections=tuple(_section(s) for s in data["sections"]),
        also_noted=tuple(
            AlsoNoted(a["story"], a["text"], tuple(a["cites"]), tuple(a.get("previously", ())))
            for a in data.get("also_noted", ())
        ),
        stories=tuple(Story(s["id"], tuple(s["article_ids"]), s["publishers"]) for s in data.get("stories", ())),
        translated=int(translated.get("texts", 0)),
        translated_cached=int(translated.get("cached", 0)),
    )
