"""A story's timeline: the dated events its sentences tell, in date order, one cited line each.

Dates are read from the original (Arabic) text, never from the English, so a translation slip cannot move an event:

    absolute   "8 ديسمبر/كانون الأول 2024", "15 رمضان 1446 هـ", "نوفمبر 2024", "عام 2011" (via brief.clean.dates)
    day-month  "13 آب", "الثلاثاء 18 مارس": the year is the article's own only when that is certain (below)
    relative   "أمس", "اليوم", "الأحد الماضي", "الشهر الماضي": resolved against the article's date

A day and month without a year take the article's year only when the date that gives is not after the article
date by more than ``SLACK_DAYS`` (an article dated 24 October saying "13 آب" means this August; one dated
5 January saying "25 ديسمبر" could mean either December, so it is left out). A weekday written with it ("الثلاثاء
18 مارس") settles the year outright: the year, of the article's and the two around it, whose 18 March is a Tuesday.
A qualifier settles it too ("13 آب الماضي", "1 تشرين الأول المقبل"), and so does "هذا العام" in the sentence.
A bare weekday ("يوم الخميس") and a week ("الأسبوع الماضي") are never resolved: which one is meant is a guess.

A sentence is placed at its most precise date, written dates before relative ones, then the first. A date that
bounds something ("بعد", "قبل", "حتى", "منذ أواخر نوفمبر") is not when the sentence's event happened, and "this
year" frames a sentence rather than dating it; neither places it. A list of dates ("في 17 أبريل و10 يوليو و28
أغسطس") is a chronology: the sentence gives an event for each. Two sentences on the same date that tell the same
event (by ``same``, default a word-overlap test on the originals) are one event with both citations.

    events(sentences)    every dated event, merged and in date order
    timeline(sentences)  the same, but only when there are at least three distinct dates (else [])
    with_english(events, english)  the lines, once the sentences the events need are translated
    dates_in(text, published), sentence_date(...)  the dates one text gives (brief.differences uses them)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from brief.clean.dates import (
    _MONTHS,
    _OF_MONTH,
    _QUALIFIERS,
    _WEEKDAYS,
    _alternation,
    _find_dates,
    _normalise_with_offsets,
    relative_dates,
)
from brief.clean.text import normalise_for_matching

Precision = Literal["day", "month", "year"]
_RANK: dict[str, int] = {"day": 0, "month": 1, "year": 2}

SLACK_DAYS = 3  # a day-month read in the article's year may be this far after the article date (time zones, typos)
MIN_DATES = 3  # a timeline needs events on at least this many distinct dates


@dataclass(frozen=True)
class DatedSentence:
    """What the timeline needs of one sentence: its id, original text, English (if translated), article date, cite."""

    id: str  # f"{article_id}:{index}"
    original: str
    english: str | None
    published: dt.date | None  # the article's own date; without it only fully written dates are read
    cite: int


@dataclass(frozen=True)
class FoundDate:
    """A date one text gives: the day it names (1st of the month or year for coarser ones), as written."""

    date: dt.date
    precision: Precision
    phrase: str  # the words as written in the text
    start: int  # offsets in the text
    end: int
    relative: bool  # True for "أمس", "الشهر الماضي": worked out from the article date
    hijri: bool = False  # written on the Hijri calendar ("15 رمضان 1446 هـ")
    bound: bool = False  # a start, end or limit ("منذ عام 2011", "حتى 8 ديسمبر", "بعد 13 آب"), not when it happened


@dataclass(frozen=True)
class Event:
    """One line of a timeline: a date, the sentence that tells it, and every source that tells the same."""

    date: dt.date
    precision: Precision
    sentence_id: str  # the sentence the line is written from
    cites: tuple[int, ...]
    sentence_ids: tuple[str, ...]  # all sentences merged into this event, sentence_id first
    phrase: str  # the date as the original wrote it
    english: str | None = None  # the English of sentence_id, when it was given

    @property
    def when(self) -> str:
        """The date in English at its precision: "18 March 2025", "March 2025", "2025"."""
        return english_date(self.date, self.precision)

    @property
    def text(self) -> str | None:
        """The printed line, "18 March 2025 — Turkey and Syria signed ...", or None before translation."""
        return None if self.english is None else line(self.date, self.precision, self.english)

    def to_json(self) -> dict[str, Any]:
        """The contract's timeline entry."""
        return {
            "date": self.date.isoformat(),
            "precision": self.precision,
            "text": self.text,
            "cites": list(self.cites),
            "sentence_id": self.sentence_id,
        }


# --- dates in one text ------------------------------------------------------------------------------------

# "ديسمبر/كانون الأول" and "آب (أغسطس)" are one month; ASCII "may" and three-letter abbreviations are left out of
# the year-less patterns ("5 may have died" is no date).
_YEARLESS_MONTH = _alternation(n for n in _MONTHS if not n.isascii() or len(n) > 3)
_SECOND_NAME = rf"(?:\s*[/(\-–]\s*{_YEARLESS_MONTH}(?:\s*\))?)?"
_WEEKDAY = _alternation(_WEEKDAYS)
_AR_QUALIFIER = _alternation(q for q in _QUALIFIERS if not q.isascii())
# "الثلاثاء 18 مارس", "1 تشرين الأول/أكتوبر المقبل": a weekday before, a qualifier after, no year.
_DAY_MONTH = re.compile(
    rf"(?:(?<!\w)(?:يوم\s+)?(?P<wd>{_WEEKDAY})[\s,،]+(?:الموافق\s+)?)?"
    rf"(?<![\d.,/])(?P<d>\d{{1,2}})[\s\-/.]*{_OF_MONTH}(?P<m>{_YEARLESS_MONTH}){_SECOND_NAME}"
    rf"(?:\s+(?P<q>{_AR_QUALIFIER}))?(?![\s,،\-/.]*\d{{4}})"
)
_MONTH_YEAR = re.compile(rf"(?<![\w\d])(?P<m>{_YEARLESS_MONTH}){_SECOND_NAME}[\s,،]+(?P<y>\d{{4}})(?!\d)")
_YEAR = re.compile(r"(?<!\w)(?:[وفب]?(?:ال|لل)?(?:عام|سنه))\s+(?P<y>\d{4})(?!\d)")
_YEARS = range(1900, 2101)
# Words before a date that make it a bound: since, until, by, before, after, from (then "late", "the year" ...).
# "بعد تخفيضات في 17 أبريل" (after cuts on 17 April) too: one word and "في" may come between. "اعتبارا من 1 نيسان"
# (with effect from) is when the sentence's change happens, and "منذ 15 كانون الثاني" (since a given day) when its
# state began: both are events. "منذ أواخر نوفمبر" (since late November), a period, is background.
_BOUND = re.compile(
    r"(?<!\w)[وف]?(?P<word>منذ|حتي|لغايه|بحلول|قبل|بعد|مع\s+نهايه)(?:\s+(?:من|الي|حتي))?"
    r"(?:\s+\S+\s+في)?"
    r"(?:\s+(?:اواخر|مطلع|اوائل|منتصف|اواسط|بدايه|نهايه|مستهل|اخر|يوم|شهر|عام|العام|سنه|تاريخ|الثلاثاء|الاربعاء|"
    r"الخميس|الجمعه|السبت|الاحد|الاثنين|الاتنين|في))*\s*$"
)


def dates_in(text: str, published: dt.date | None, *, slack_days: int = SLACK_DAYS) -> list[FoundDate]:
    """Every date text gives that can be pinned down, in order: written ones; relative ones if published is known."""
    norm, offsets = _normalise_with_offsets(text)

    def span(start: int, end: int) -> tuple[int, int]:
        return offsets[start], offsets[end - 1] + 1

    found: list[FoundDate] = []

    def add(
        date: dt.date, precision: Precision, start: int, end: int, relative: bool = False, hijri: bool = False
    ) -> None:
        if any(start < f.end and f.start < end for f in found):
            return  # inside a date already read ("18 مارس" of "18 مارس 2025")
        before = _BOUND.search(normalise_for_matching(text[max(0, start - 40) : start]))
        bound = before is not None and not (before.group("word") == "منذ" and precision == "day")
        found.append(FoundDate(date, precision, text[start:end], start, end, relative, hijri, bound))

    for hit in _find_dates(norm):
        add(hit.date, "day", *span(hit.start, hit.end), hijri=hit.hijri)
    mentions = relative_dates(text, published) if published is not None else []
    # "هذا العام" in the sentence says which year a day and month without one are in, even after the article.
    this_year = any(m.precision == "year" and m.date and published and m.date.year == published.year for m in mentions)
    for m in _DAY_MONTH.finditer(norm):
        day, month = int(m.group("d")), _MONTHS[m.group("m")]
        date = _yearless(day, month, m.group("wd"), m.group("q"), published, slack_days, this_year)
        if date is not None:
            add(date, "day", *span(m.start(), m.end()), relative=m.group("q") is not None)
    # Relative dates before coarser ones: "أواخر العام الماضي" is one phrase, not "العام" and nothing.
    for mention in mentions:
        if mention.date is not None and mention.precision in _RANK:
            precision: Precision = mention.precision  # type: ignore[assignment]  # weeks are filtered out
            add(mention.date, precision, mention.start, mention.end, relative=True)
    for m in _MONTH_YEAR.finditer(norm):
        if int(m.group("y")) in _YEARS:
            add(dt.date(int(m.group("y")), _MONTHS[m.group("m")], 1), "month", *span(m.start(), m.end()))
    for m in _YEAR.finditer(norm):
        if int(m.group("y")) in _YEARS:
            add(dt.date(int(m.group("y")), 1, 1), "year", *span(m.start(), m.end()))
    return _lists_share_bounds(sorted(found, key=lambda f: f.start), text)


_LIST_GAP = re.compile(r"^[\s,،]*(?:و|او|ثم)?\s*(?:في\s+)?$")


def _lists_share_bounds(found: list[FoundDate], text: str) -> list[FoundDate]:
    """In "بعد تخفيضات في 17 أبريل و10 يوليو و28 أغسطس" every date of the list is a bound, not only the first."""
    result: list[FoundDate] = []
    for f in found:
        gap = normalise_for_matching(text[result[-1].end : f.start]) if result else ""
        if result and result[-1].bound and not f.bound and _LIST_GAP.match(gap):
            f = replace(f, bound=True)
        result.append(f)
    return result


def _yearless(
    day: int,
    month: int,
    weekday: str | None,
    qualifier: str | None,
    published: dt.date | None,
    slack_days: int,
    this_year: bool = False,
) -> dt.date | None:
    """The date "day month" names, when the article date makes the year certain; else None."""
    if published is None:
        return None
    if qualifier is not None:  # "13 آب الماضي": the last 13 August; "1 تشرين الأول المقبل": the next 1 October
        which = _QUALIFIERS[qualifier]
        if which < 0:
            year = published.year if (month, day) < (published.month, published.day) else published.year - 1
        elif which > 0:
            year = published.year if (month, day) > (published.month, published.day) else published.year + 1
        else:
            year = published.year
        return _date_or_none(year, month, day)
    if weekday is not None:
        # The year, of the article's and the two around it, in which that day falls on that weekday (at most one).
        fits = [
            d for y in (published.year, published.year - 1, published.year + 1)
            if (d := _date_or_none(y, month, day)) is not None and d.weekday() == _WEEKDAYS[weekday]
        ]  # fmt: skip
        return fits[0] if fits else None
    date = _date_or_none(published.year, month, day)
    if date is None or (date > published + dt.timedelta(days=slack_days) and not this_year):
        return None  # after the article: this year's (a plan) or last year's (a look back), a guess either way
    return date


def _date_or_none(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def sentence_date(text: str, published: dt.date | None, *, slack_days: int = SLACK_DAYS) -> FoundDate | None:
    """The one date a sentence is placed at: the most precise, written before relative, then the first.

    A date that bounds something ("منذ أواخر نوفمبر 2024": since; "حتى", "بعد", "قبل") is not when the sentence's
    event happened ("Assad fled to Moscow after an escalation since late November 2024"), so it is not used.

    A Gregorian date wins over a Hijri one, as in brief.clean.dates: a sentence giving both names one day twice,
    and the Gregorian is the calendar the publisher's other dates are in.
    """
    found = [f for f in _event_dates(text, published, slack_days) if not f.bound]
    return min(found, key=_preference, default=None)


def sentence_dates(text: str, published: dt.date | None, *, slack_days: int = SLACK_DAYS) -> list[FoundDate]:
    """The dates a sentence's events are placed at: its ``sentence_date``, or a list of dates if that comes first.

    "بعد تخفيضات في 17 أبريل و10 يوليو و28 أغسطس" (after cuts on 17 April, 10 July and 28 August) is a chronology
    of its own: each date in it is an event the sentence tells, though the list is a bound.
    """
    found = _event_dates(text, published, slack_days)
    runs: list[list[FoundDate]] = []
    for f in found:
        if runs and _LIST_GAP.match(normalise_for_matching(text[runs[-1][-1].end : f.start])):
            runs[-1].append(f)
        else:
            runs.append([f])
    choices = [run for run in runs if len(run) > 1] + [[f] for f in found if not f.bound]
    best = min(choices, key=lambda run: _preference(run[0]), default=[])
    return best


def _event_dates(text: str, published: dt.date | None, slack_days: int) -> list[FoundDate]:
    # "هذا العام", "العام المقبل" are the frame of a sentence, not when something happened.
    return [f for f in dates_in(text, published, slack_days=slack_days) if not (f.relative and f.precision == "year")]


def _preference(f: FoundDate) -> tuple[int, bool, bool, int]:
    return _RANK[f.precision], f.relative, f.hijri, f.start


# --- English ----------------------------------------------------------------------------------------------


def english_date(date: dt.date, precision: Precision) -> str:
    """"18 March 2025", "March 2025" or "2025"."""
    if precision == "year":
        return str(date.year)
    if precision == "month":
        return f"{_MONTH_NAMES[date.month - 1]} {date.year}"
    return f"{date.day} {_MONTH_NAMES[date.month - 1]} {date.year}"


# Not strftime's %B and %A, which follow the process's locale.
_MONTH_NAMES = (
    "January February March April May June July August September October November December".split()
)
_DAY_NAMES = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()


def line(date: dt.date, precision: Precision, english: str) -> str:
    """A timeline line: the date, a dash, the sentence ("18 March 2025 — Turkey and Syria signed ...").

    A sentence opening with the same date ("On 8 December 2024, Syria saw ...") loses it, not to say it twice.
    """
    text = english.strip()
    opening = _opening_date(date, precision).match(text)
    if opening and opening.end() < len(text):
        rest = text[opening.end() :]
        text = rest[0].upper() + rest[1:]
    return f"{english_date(date, precision)} — {text}"


def _opening_date(date: dt.date, precision: Precision) -> re.Pattern[str]:
    """ "On 8 December 2024, ", "On Tuesday, March 18, ", "In November 2024 " for the given date."""
    month, day, year = _MONTH_NAMES[date.month - 1], str(date.day), str(date.year)
    if precision == "year":
        written = [year]
    elif precision == "month":
        written = [f"{month},? {year}"]
    else:
        written = [f"{day}(?:st|nd|rd|th)? {month}(?:,? {year})?", f"{month} {day}(?:st|nd|rd|th)?(?:,? {year})?"]
    weekday = f"(?:{_DAY_NAMES[date.weekday()]},? )?" if precision == "day" else ""
    return re.compile(rf"(?:on|in) (?:the )?{weekday}(?:{'|'.join(written)})(?!\w),? ", re.IGNORECASE)


# --- events -----------------------------------------------------------------------------------------------

_MIN_OVERLAP = 0.3  # share of the shorter sentence's content words the other must have to tell the same event
_FUNCTION_WORDS = frozenset(
    "في من الي علي عن مع ان او ثم قد لقد كان كانت هذا هذه ذلك تلك التي الذي الذين وقال قال واضاف اضاف "
    "حيث بعد قبل خلال منذ بين عند كما وفي ومن ولا لا لم لن ما هو هي هم يوم امس اليوم".split()
)


def same_event_by_words(a: str, b: str) -> bool:
    """Default same-event test: the two originals share at least 30% of the shorter one's content words."""
    wa, wb = _content_words(a), _content_words(b)
    if not wa or not wb:
        return False
    return len(wa & wb) / min(len(wa), len(wb)) >= _MIN_OVERLAP


def _content_words(text: str) -> set[str]:
    words = (w.strip(".,،؛:!?؟\"'«»()“”-") for w in normalise_for_matching(text).split())
    return {w.removeprefix("و") if len(w) > 4 else w for w in words if len(w) > 2 and not w.isdigit()} - _FUNCTION_WORDS


def events(
    sentences: Iterable[DatedSentence],
    *,
    same: Callable[[DatedSentence, DatedSentence], bool] | None = None,
    slack_days: int = SLACK_DAYS,
) -> list[Event]:
    """Every dated event in sentences, one per sentence, same-date same-event ones merged, in date order.

    ``same(a, b)`` says whether two sentences on the same date tell the same event: pass the selection's
    same-fact test where there is one; the default compares the originals' words. The first sentence of a
    merged event (in the order given) writes the line.
    """
    groups: list[tuple[FoundDate, list[DatedSentence]]] = []
    test = same or (lambda a, b: same_event_by_words(a.original, b.original))
    for s in sentences:
        for found in sentence_dates(s.original, s.published, slack_days=slack_days):
            for when, members in groups:
                if (when.date, when.precision) == (found.date, found.precision) and any(test(m, s) for m in members):
                    members.append(s)
                    break
            else:
                groups.append((found, [s]))
    result = [
        Event(
            date=when.date,
            precision=when.precision,
            sentence_id=members[0].id,
            cites=tuple(sorted({m.cite for m in members})),
            sentence_ids=tuple(m.id for m in members),
            phrase=when.phrase,
            english=members[0].english,
        )
        for when, members in groups
    ]
    # A month is placed before the days in it, a year before its months: the coarser date is the wider context.
    return sorted(result, key=lambda e: (e.date, _RANK[e.precision] * -1))


def timeline(
    sentences: Iterable[DatedSentence],
    *,
    minimum: int = MIN_DATES,
    max_events: int | None = None,
    same: Callable[[DatedSentence, DatedSentence], bool] | None = None,
    slack_days: int = SLACK_DAYS,
) -> list[Event]:
    """The story's timeline: its events when they fall on at least ``minimum`` distinct dates, else [].

    With ``max_events``, the events told by the most sources are kept (ties: the earlier in the input, so pass
    sentences in the selection's order), still printed in date order.
    """
    sentences = list(sentences)
    found = events(sentences, same=same, slack_days=slack_days)
    if max_events is not None and len(found) > max_events:
        position = {s.id: i for i, s in enumerate(sentences)}
        ranked = sorted(range(len(found)), key=lambda i: (-len(found[i].cites), position[found[i].sentence_id], i))
        kept = set(ranked[:max_events])
        found = [e for i, e in enumerate(found) if i in kept]
    return found if len({(e.date, e.precision) for e in found}) >= minimum else []


def needs_translation(found: Sequence[Event]) -> list[str]:
    """The sentence ids whose English the lines need (the events not yet given an English sentence)."""
    return [e.sentence_id for e in found if e.english is None]


def with_english(found: Sequence[Event], english: Mapping[str, str]) -> list[Event]:
    """The events with the English of their sentences filled in from {sentence id: English}."""
    return [replace(e, english=english.get(e.sentence_id, e.english)) for e in found]
