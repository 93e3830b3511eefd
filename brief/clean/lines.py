"""The line cleaner: passes over one page's lines that sort them into metadata, article text and boilerplate."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from brief.clean.boilerplate import (
    CAPTION,
    DATELINE,
    DUPLICATE_HEADLINE,
    DUPLICATE_LINE,
    LOGO,
    NAVIGATION,
    PUBLISHER,
    RELATED,
    SUBHEADING,
    TEASER,
    TITLE,
    _BULLET,
    _LOGO,
    _PUBLISHER_WORDS,
    _QUOTE_OPEN,
    _RELATED,
    _TEASER,
    _TERMINAL,
    _context_free_reason,
)
from brief.clean.dates import _dateline
from brief.clean.text import _CLOSERS, _TERMINATORS, normalise_for_matching, prepare_for_translation, split_sentences
from brief.records import Dropped

# --- the line cleaner ------------------------------------------------------------------------------------


@dataclass
class _Line:
    index: int  # position in the document, so "directly above" means no blank line between
    raw: str
    text: str = ""
    key: str = ""
    reason: str | None = None
    content: bool = False

    def __post_init__(self) -> None:
        self.text = prepare_for_translation(self.raw)
        self.key = normalise_for_matching(self.raw)

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def bullet(self) -> bool:
        return bool(_BULLET.match(self.text))

    @property
    def unbulleted(self) -> str:
        return _BULLET.sub("", self.text)

    @property
    def paragraph(self) -> bool:
        """Looks like running text: several words ending in sentence punctuation."""
        return self.words >= 6 and (bool(_TERMINAL.search(self.text)) or self.ends_with_colon)

    @property
    def ends_with_colon(self) -> bool:
        return self.text.rstrip(_CLOSERS + " ").endswith(":")


@dataclass
class _Meta:
    title: str | None = None
    publisher: str | None = None
    date: dt.date | None = None
    url: str | None = None  # canonical address, from the markup or front matter
    byline: str | None = None  # "بقلم ..." kept as metadata rather than text
    credit: str | None = None  # "المصدر: ..." likewise


@dataclass
class _Cleaned:
    meta: _Meta
    sentences: list[str] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)


def _clean_lines(raw_lines: list[str], meta: _Meta, pre_dropped: list[Dropped] | None = None) -> _Cleaned:
    """Sort the lines of one page into metadata, article text and dropped boilerplate."""
    page = _Page([_Line(i, raw.strip()) for i, raw in enumerate(raw_lines) if raw.strip()], meta)
    for line in page.lines:
        line.reason = _context_free_reason(line.text, line.key)
        if line.reason == LOGO and meta.publisher is None:
            meta.publisher = _group(_LOGO.match(line.text), "name", "name2")
    free = [ln for ln in page.lines if ln.reason is None]
    first_para = next((ln.index for ln in free if ln.paragraph and not page.above_caption(ln)), len(raw_lines))
    page.mark_tail(first_para)
    header = [ln for ln in page.lines if ln.index < first_para and ln.reason is None]
    datelines = page.mark_datelines(header)
    page.mark_navigation([ln for ln in header if ln.reason is None])
    title_at = page.mark_title([ln for ln in header if ln.reason is None])
    page.mark_header_rest([ln for ln in header if ln.reason is None], title_at, datelines)
    if meta.publisher is None:
        teaser = next((ln for ln in page.lines if ln.reason == TEASER), None)
        if teaser is not None:
            words = len(_group(_TEASER.search(teaser.key), "site").split())
            meta.publisher = " ".join(teaser.text.rstrip(".!").split()[-words:])
    page.judge_body()

    sentences = [s for ln in page.lines if ln.content for s in split_sentences(ln.unbulleted)]
    dropped = list(pre_dropped or []) + [Dropped(ln.raw, ln.reason) for ln in page.lines if ln.reason]
    return _Cleaned(meta, sentences, dropped)


def _group(match: re.Match[str] | None, *names: str) -> str:
    """The first non-empty named group of a match the caller knows succeeded."""
    assert match is not None
    return next(value for name in names if (value := match.group(name)))


@dataclass
class _Page:
    """The non-blank lines of one page and what has been learnt about it; each pass marks lines with reasons."""

    lines: list[_Line]
    meta: _Meta
    by_index: dict[int, _Line] = field(init=False)

    def __post_init__(self) -> None:
        self.by_index = {line.index: line for line in self.lines}

    def above_caption(self, line: _Line) -> bool:
        """The line just above a photo caption (no blank line between) describes the photo."""
        below = self.by_index.get(line.index + 1)
        return below is not None and below.reason == CAPTION and not line.ends_with_colon

    def mark_tail(self, first_para: int) -> None:
        """From the first related-news heading after the article has begun, everything goes."""
        cut = next((ln.index for ln in self.lines if ln.index > first_para and _RELATED.match(ln.key)), None)
        if cut is None:
            return
        for line in self.lines:
            if line.index >= cut and (line.reason is None or line.index == cut):
                line.reason = RELATED

    def mark_datelines(self, header: list[_Line]) -> dict[int, tuple[dt.date, str]]:
        """Drop header lines that are only a date (or a date and the site's name); return every dated line."""
        datelines = {ln.index: found for ln in header if (found := _dateline(ln.raw))}
        for line in header:
            found = datelines.get(line.index)
            # A line that is only a date, or a date and the site's name, cannot be the headline.
            if found and (not found[1] or _PUBLISHER_WORDS.search(normalise_for_matching(found[1]))):
                line.reason = DATELINE
                self.meta.date = self.meta.date or found[0]
                if self.meta.publisher is None and found[1]:
                    self.meta.publisher = found[1]
        return datelines

    def mark_navigation(self, header: list[_Line]) -> None:
        """A navigation list at the top: short bullet labels, the labels repeated, and everything above them."""
        labels = {
            ln.unbulleted.casefold() for ln in header if ln.bullet and ln.words <= 8 and not _TERMINAL.search(ln.text)
        }
        if len(labels) < 2:
            return
        nav_end = max(ln.index for ln in header if ln.unbulleted.casefold() in labels)
        for line in header:
            if line.index <= nav_end:
                line.reason = NAVIGATION

    def mark_title(self, header: list[_Line]) -> int:
        """Choose the headline (unless the markup named it), mark it and its repeats; return its position or -1."""
        title_line: _Line | None = None
        if self.meta.title is None:
            candidates = [ln for ln in header if ln.words >= 2 and not ln.text.endswith(".")]
            keys = [ln.key for ln in header]
            repeated = [ln for ln in candidates if keys.count(ln.key) > 1]  # a headline printed twice at the top
            # Not a site name or section label above it: headlines run to a few words.
            named = [ln for ln in candidates if ln.words >= 4 and not _looks_like_publisher(ln)]
            title_line = (repeated or named or candidates or [None])[0]
            if title_line is None:
                return -1
            self.meta.title = title_line.text
        title_key = normalise_for_matching(self.meta.title)
        for line in self.lines:
            if line.reason is None and line.key == title_key:
                title_line = title_line or line
                line.reason = TITLE if line is title_line else DUPLICATE_HEADLINE
        return title_line.index if title_line is not None else -1

    def mark_header_rest(self, header: list[_Line], title_at: int, datelines: dict[int, tuple[dt.date, str]]) -> None:
        """Header lines left over: a place-and-date line, navigation above the headline, the site's name below it."""
        for line in header:
            if line.reason is not None:
                continue
            if line.index in datelines and len(datelines[line.index][1].split()) <= 2:
                line.reason = DATELINE  # e.g. "القاهرة - 12 مارس 2025"
                self.meta.date = self.meta.date or datelines[line.index][0]
            elif line.index < title_at:
                line.reason = NAVIGATION
            elif self.meta.publisher is None and _looks_like_publisher(line):
                self.meta.publisher, line.reason = line.text, PUBLISHER

    def judge_body(self) -> None:
        """Mark each line not yet judged as article text, or as a subheading, caption, dateline or repeat."""
        seen: set[str] = set()
        previous: _Line | None = None
        for line in self.lines:
            if line.reason is not None:
                continue
            found = _dateline(line.raw) if line.words <= 8 else None
            if found and not found[1]:
                self.meta.date, line.reason = self.meta.date or found[0], DATELINE
            elif self.above_caption(line):
                line.reason = CAPTION  # the picture's description, just above its credit line
            elif line.key in seen:
                line.reason = DUPLICATE_LINE
            elif (
                not line.bullet
                and not line.text.startswith(tuple(_QUOTE_OPEN))
                and not (previous is not None and previous.ends_with_colon)
                and line.words <= 12
                and not line.ends_with_colon
                and not any(ch in _TERMINATORS for ch in line.text)
            ):
                line.reason = SUBHEADING  # short, no sentence punctuation: a section heading, not a sentence
            else:
                line.content = True
                seen.add(line.key)
                previous = line


def _looks_like_publisher(line: _Line) -> bool:
    """A short line naming a news organisation, e.g. "وكالة أنباء آسيا"."""
    return (
        line.words <= 5
        and not _TERMINAL.search(line.text)
        and not any(ch.isdigit() for ch in line.text)
        and bool(_PUBLISHER_WORDS.search(line.key))
    )
