"""The line cleaner: passes over one page's lines that sort them into metadata, article text and boilerplate."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from brief.clean.boilerplate import (
    _BULLET,
    _BYLINE,
    _BYLINE_WORD,
    _LOGO,
    _PUBLISHER_WORDS,
    _QUOTE_OPEN,
    _RELATED,
    _SECTION,
    _TEASER,
    _TERMINAL,
    ADVERT,
    BYLINE,
    CAPTION,
    DATELINE,
    DUPLICATE_HEADLINE,
    DUPLICATE_LINE,
    LINK_LIST,
    LOGO,
    NAVIGATION,
    PUBLISHER,
    RELATED,
    REPEATED,
    SLOGAN,
    SOURCE,
    SUBHEADING,
    TAGS,
    TEASER,
    TITLE,
    _context_free_reason,
)
from brief.clean.dates import _dateline, find_date
from brief.clean.masthead import (
    bilingual_name,
    closing_line,
    name_like,
    opening_block,
    plain_name,
    site_address,
)
from brief.clean.text import _CLOSERS, _TERMINATORS, normalise_for_matching, prepare_for_translation, split_sentences
from brief.records import Dropped

# A sentence's end with more text after it on the line: "... المقبل. وأضاف ...".
_SENTENCE_INSIDE = re.compile(rf"[{re.escape(_TERMINATORS)}][{re.escape(_CLOSERS)}]*\s+\S")

# --- the line cleaner ------------------------------------------------------------------------------------


@dataclass
class _Line:
    index: int  # position in the document, so "directly above" means no blank line between
    raw: str
    text: str = ""
    key: str = ""
    reason: str | None = None
    content: bool = False
    tight: bool = False  # printed directly under the line before it, with no blank line between

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
    def running(self) -> bool:
        """A paragraph, or one that lost its last full stop yet holds sentences ("... قال. وأضاف ... بالفقراء")."""
        if self.paragraph:
            return True
        # Longer than any headline, with a sentence ending inside: a headline is never two sentences that long.
        return self.words > _MAX_HEADLINE_WORDS and _SENTENCE_INSIDE.search(self.text) is not None

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


def _clean_lines(
    raw_lines: list[str],
    meta: _Meta,
    pre_dropped: list[Dropped] | None = None,
    repeated: frozenset[str] = frozenset(),
    closing_masthead: bool = False,
) -> _Cleaned:
    """Sort the lines of one page into metadata, article text and dropped boilerplate.

    ``repeated`` holds the normalised keys of lines the publisher prints on many pages (``repeats.py``);
    ``closing_masthead`` says the page's folder closes each page's opening block with the masthead.
    """
    raw_lines = prepare_lines(raw_lines)
    lines = [
        _Line(i, raw.strip(), tight=i > 0 and bool(raw_lines[i - 1].strip()))
        for i, raw in enumerate(raw_lines)
        if raw.strip()
    ]
    page = _Page(lines, meta, closing_masthead)
    page.mark_link_list()
    _judge_each_alone(page, repeated)
    page.mark_tag_lists()
    page.mark_masthead()
    free = [ln for ln in page.lines if ln.reason is None]
    first_para = next(
        (ln.index for ln in free if ln.running and not page.above_caption(ln) and not _lone_question(ln)),
        len(raw_lines),
    )
    page.mark_meta_lines(first_para)
    page.mark_tail(first_para)
    _read_header(page, first_para)
    page.judge_body()
    if meta.date is None:
        meta.date = _wire_dateline(page.by_index.get(first_para))
    return _kept(page, pre_dropped)


def _judge_each_alone(page: _Page, repeated: frozenset[str]) -> None:
    """Each line judged on its own (menus, share bars, captions ...), and the lines a publisher repeats across
    pages; a logo or a repeated site name is the publisher, and bylines and credits are taken."""
    meta = page.meta
    for line in page.lines:
        if line.reason is not None:
            continue
        line.reason = _context_free_reason(line.text, line.key)
        if line.reason == LOGO and meta.publisher is None:
            meta.publisher = _group(_LOGO.match(line.text), "name", "name2")
        elif line.reason is None and line.key in repeated and not _place_dateline(line):
            # Every article of one day shows the same date line: it repeats across pages yet is each page's date,
            # so it is left for the dateline passes below to read (and drop).
            line.reason = REPEATED
            if meta.publisher is None and _looks_like_publisher(line, strict=True):
                meta.publisher = line.text  # the site's name is on every page: still its name
        page.take_byline_and_credit(line)


def _read_header(page: _Page, first_para: int) -> None:
    """The lines above the first paragraph: datelines, navigation, the headline, the site's name, the rest."""
    meta = page.meta
    header = [ln for ln in page.lines if ln.index < first_para and ln.reason is None]
    # A page copied whole starts with the site's name ("السودان الآن"); find it before the menu below it is
    # taken for navigation, and name it once the headline is known (the headline itself is never the site).
    site = next((ln for ln in page.lines[:3] if _site_name(ln)), None)
    datelines = page.mark_datelines(header)
    page.mark_navigation([ln for ln in header if ln.reason is None])
    title_at = page.mark_title([ln for ln in header if ln.reason is None])
    if meta.publisher is None and site is not None and site.index < title_at and site.reason != TITLE:
        meta.publisher, site.reason = site.text, PUBLISHER
    page.mark_header_rest([ln for ln in header if ln.reason is None], title_at, datelines)
    if meta.publisher is None:
        teaser = next((ln for ln in page.lines if ln.reason == TEASER), None)
        if teaser is not None:
            words = len(_group(_TEASER.search(teaser.key), "site").split())
            meta.publisher = " ".join(teaser.text.rstrip(".!").split()[-words:])


def _kept(page: _Page, pre_dropped: list[Dropped] | None) -> _Cleaned:
    """The article's sentences (an advert glued to a line's end cut off) and every dropped line with its reason."""
    sentences: list[str] = []
    tails: list[Dropped] = []
    for line in page.lines:
        if line.content:
            text, tail = _split_advert_tail(line.unbulleted)
            sentences += split_sentences(text)
            tails += [Dropped(tail, ADVERT)] if tail else []
    dropped = list(pre_dropped or []) + [Dropped(ln.raw, ln.reason) for ln in page.lines if ln.reason] + tails
    return _Cleaned(page.meta, sentences, dropped)


def _group(match: re.Match[str] | None, *names: str) -> str:
    """The first non-empty named group of a match the caller knows succeeded."""
    assert match is not None
    return next(value for name in names if (value := match.group(name)))


@dataclass
class _Page:
    """The non-blank lines of one page and what has been learnt about it; each pass marks lines with reasons."""

    lines: list[_Line]
    meta: _Meta
    closing_masthead: bool = False  # the folder's pages close their opening block with the masthead (masthead.py)
    by_index: dict[int, _Line] = field(init=False)
    declared_date: dt.date | None = field(init=False)  # the date the markup or front matter declared
    labelled_date: bool = field(init=False, default=False)  # a line labelled "تاريخ النشر" gave the date

    def __post_init__(self) -> None:
        self.by_index = {line.index: line for line in self.lines}
        self.declared_date = self.meta.date

    def next_free(self, line: _Line) -> _Line | None:
        """The next line below this one that no rule has dropped yet."""
        return next((ln for ln in self.lines if ln.index > line.index and ln.reason is None and not ln.content), None)

    def above_caption(self, line: _Line) -> bool:
        """The line just above a photo caption (no blank line between) describes the photo."""
        below = self.by_index.get(line.index + 1)
        return below is not None and below.reason == CAPTION and not line.ends_with_colon

    def mark_link_list(self) -> None:
        """lynx ends a dump with the addresses of the page's links ("References"): none of it is the article."""
        for line in self.lines:
            if line.text == "References" and _is_lynx_reference_list(self.lines, line):
                for later in self.lines:
                    if later.index >= line.index:
                        later.reason = LINK_LIST
                return

    def take_byline_and_credit(self, line: _Line) -> None:
        """A byline (often printed with the date) or a source credit becomes metadata, not text."""
        if line.reason is None and _BYLINE_LOOSE.match(line.key) and not _TERMINAL.search(line.text):
            _, date = _split_byline(line.text)
            # "كتبت ريتا خوري | الثلاثاء 14 كانون الثاني 2025": a byline label and a date, and little else.
            if date is not None and len(re.split(r"\d", line.text, maxsplit=1)[0].split()) <= 10:
                line.reason = BYLINE
        if line.reason == BYLINE:
            name, date = _split_byline(line.text)
            self.meta.byline = self.meta.byline or name
            self.meta.date = self.meta.date or date
        elif line.reason == SOURCE and self.meta.credit is None:
            self.meta.credit = line.text.split(":", 1)[1].strip() or None

    def mark_masthead(self) -> None:
        """The outlet's name at the very top of a text dump, over the date line: the publisher, never the headline.

        See ``masthead.py``. A slogan printed between the name and the date line ("صوت الشعب منذ 1967") goes
        with the masthead when a headline follows the date line; without one, that line is the headline.
        """
        # A site's address is taken for a photo credit on its own; at the top of the page it is the masthead.
        top = [ln for ln in self.lines if ln.reason in (None, REPEATED) or _address(ln)][:4]
        dated = [i for i, ln in enumerate(top) if (found := _dateline(ln.raw)) and len(found[1].split()) <= 2]
        date_at = dated[0] if dated else None
        masthead, name = self._named_masthead(top, date_at)
        slogan: _Line | None = None
        if masthead is None:
            masthead, slogan = self._plain_over_date(top, date_at)
        if masthead is None and self.closing_masthead:
            masthead = self._closing_masthead()
        if masthead is None or (self.meta.title and masthead.key == normalise_for_matching(self.meta.title)):
            return  # the headline the markup declares, short and over its date, is not the outlet's name
        masthead.reason = PUBLISHER
        if self.meta.publisher is None:
            self.meta.publisher = name or plain_name(masthead.unbulleted)
        if slogan is not None:
            slogan.reason = SLOGAN

    @staticmethod
    def _plain_over_date(top: list[_Line], date_at: int | None) -> tuple[_Line | None, _Line | None]:
        """A plain name right over the date line; or, two lines over it, a name with a slogan between them when a
        headline follows the date line. (masthead, slogan), each None when not found."""
        if date_at in (1, 2) and _plain_masthead(top[date_at - 1]):
            return top[date_at - 1], None
        if date_at == 2 and _plain_masthead(top[0]) and len(top) > 3:
            between, below = top[1], top[3]
            if between.words <= 8 and not _TERMINAL.search(between.text) and _headline_shaped(below):
                return top[0], between
        return None, None

    def _named_masthead(self, top: list[_Line], date_at: int | None) -> tuple[_Line | None, str | None]:
        """A masthead that says it is one: a bilingual name or a site's address, first on the page or over the
        date line; an address also right under the headline."""
        for i, line in enumerate(top[:2]):
            found_name = bilingual_name(line.unbulleted)
            if found_name and (i == 0 or date_at == i + 1):  # the second line only when the date line is under it
                return line, found_name
            under_headline = i == 1 and line.tight and _headline_shaped(top[0]) and top[0].index == self.lines[0].index
            if _address(line) and (i == 0 or date_at == i + 1 or under_headline):
                return line, line.unbulleted
        return None, None

    def _closing_masthead(self) -> _Line | None:
        """The folder's layout (``masthead.folder_layout``): a name-shaped line closing the opening block."""
        # The page's lines with its blank lines back: a line not printed tight under the one before had one above.
        page = [raw for i, ln in enumerate(self.lines) for raw in ([] if ln.tight or i == 0 else [""]) + [ln.raw]]
        block = opening_block(page)
        at = closing_line(block)
        if at is None:
            return None
        line = self.lines[at]
        return line if line.reason in (None, REPEATED) and _plain_masthead(line) else None

    def mark_meta_lines(self, first_para: int) -> None:
        """Lines of page metadata run together: "مسقط - العمانية نشر في: 4 مارس 2025 المشاهدات: 1,245".

        Their date is the article's only above the article: below it, such lines belong to other stories.
        """
        for line in self.lines:
            if line.reason is not None or line.words > 16 or _TERMINAL.search(line.text):
                continue
            if not _META_WORDS.search(line.key) or (date := find_date(line.text)) is None:
                continue
            line.reason = DATELINE
            if line.index < first_para:
                # A date labelled as the publication date wins over one the page showed unlabelled (a crawl
                # timestamp "2025-04-01@12:32:48 GMT" above it, a byline's date); the markup's declared one stays.
                if _PUBLISHED_LABEL.search(line.key) and not self.labelled_date and self.declared_date is None:
                    self.meta.date, self.labelled_date = date, True
                self.meta.date = self.meta.date or date
                for part in re.split(r"\s[|•·]\s", line.text):
                    if _BYLINE.match(normalise_for_matching(part)) and self.meta.byline is None:
                        self.meta.byline = _split_byline(part)[0]

    def mark_tag_lists(self) -> None:
        """A tags label alone on its line ("الوسوم:") is followed by the tags, one short line each."""
        after_label = False
        for line in self.lines:
            if line.reason == TAGS:
                after_label = line.words <= 3
            elif after_label and line.reason is None and line.words <= 4 and not _TERMINAL.search(line.text):
                line.reason = TAGS
            else:
                after_label = False

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
        # "• 00:00", "• 1": a time and counts under a headline are not labels of a menu.
        labels = {
            ln.unbulleted.casefold()
            for ln in header
            if ln.bullet and ln.words <= 8 and not _TERMINAL.search(ln.text) and any(ch.isalpha() for ch in ln.text)
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
            title_line = _headline_of(header)
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
                # Above the headline: the site's name if it says so ("وكالة أنباء الضاد"), else navigation.
                if self.meta.publisher is None and _looks_like_publisher(line, strict=True):
                    self.meta.publisher, line.reason = line.text, PUBLISHER
                else:
                    line.reason = NAVIGATION
            elif self.meta.publisher is None and _looks_like_publisher(line):
                self.meta.publisher, line.reason = line.text, PUBLISHER

    def judge_body(self) -> None:
        """Mark each line not yet judged as article text, or as a subheading, caption, dateline or repeat."""
        seen: set[str] = set()
        previous: _Line | None = None
        in_list = False  # the content lines just before were a lead-in ("كما يلي:") or items of its list
        last_item: _Line | None = None  # the lead-in or list item just judged, which the next item must match
        for line in self.lines:
            if line.reason is not None:
                continue
            found = _dateline(line.raw) if line.words <= 8 else None
            after_colon = previous is not None and previous.ends_with_colon
            if found and not found[1]:
                self.meta.date, line.reason = self.meta.date or found[0], DATELINE
            elif self.above_caption(line):
                line.reason = CAPTION  # the picture's description, just above its credit line
            elif line.key in seen:
                line.reason = DUPLICATE_LINE
            elif _heading_shaped(line, after_colon, in_list and _list_item(line, last_item)) or _question_heading(
                line, self.next_free(line), after_colon
            ):
                line.reason = SUBHEADING  # short, no sentence punctuation: a section heading, not a sentence
            else:
                line.content = True
                seen.add(line.key)
                previous = line
            continues_list = (in_list or after_colon) and _list_item(line, last_item)
            in_list = line.content and (line.ends_with_colon or continues_list)
            last_item = line if in_list else None


def _headline_of(header: list[_Line]) -> _Line | None:
    """The headline among the header's lines: a few words, not a sentence, not a dateline ("عمّان – 8 أيار 2025"),
    never a masthead (marked before this) and never the first paragraph that lost its full stop."""
    candidates = [ln for ln in header if _headline_shaped(ln) and not _place_dateline(ln)]
    keys = [ln.key for ln in header]
    # A headline printed twice at the top; a two-word section label ("أخبار لبنان") printed twice is not one.
    repeated = [ln for ln in candidates if keys.count(ln.key) > 1 and ln.words >= 3]
    # Not a site name or section label above it: headlines run to a few words.
    named = [ln for ln in candidates if ln.words >= 4 and not _looks_like_publisher(ln)]
    return next(iter(repeated or named or candidates), None)


def _heading_shaped(line: _Line, after_colon: bool, list_item: bool) -> bool:
    """Short, no sentence punctuation, not a quote, a list item or a lead-in: a section heading, not a sentence."""
    return (
        not line.bullet
        and not line.text.startswith(tuple(_QUOTE_OPEN))
        and not after_colon
        and not list_item
        and line.words <= 12
        and not line.ends_with_colon
        and not any(ch in _TERMINATORS for ch in line.text)
        and not _running_text(line)
    )


def _list_item(line: _Line, before: _Line | None) -> bool:
    """The next item of a list: short, with a figure or a "label: value" shape, or shaped like the item before.

    A list ends where its style does: a line without the bullet the items had, or a gap after items that were
    printed one under the other.
    """
    if line.words > 15 or line.ends_with_colon:
        return False
    if before is None or before.ends_with_colon:
        return True  # the first line under the lead-in opens the list
    if before.bullet and not line.bullet:
        return False
    if before.tight and line.index > before.index + 1:
        return False
    like_before = (
        before.words / 2 <= line.words <= before.words * 2
        and bool(_TERMINAL.search(before.text)) == bool(_TERMINAL.search(line.text))
    )
    return any(ch.isdigit() for ch in line.text) or ":" in line.text or like_before


_QA_LABEL = re.compile(r"^(?:س|سؤال|ج|جواب|q|a|question|answer)\s*[:\-–]")


def _question_heading(line: _Line, following: _Line | None, after_colon: bool) -> bool:
    """An explainer's section heading put as a question ("What are the fines?"), answered by the paragraph below.

    Interview questions are kept: they carry a label ("س:", "Q:") or run longer than a heading does.
    """
    text = line.text.rstrip(_CLOSERS + " ")
    return (
        text.endswith(("?", "؟"))
        and line.words <= 4
        and len(split_sentences(line.text)) == 1
        and not after_colon
        and not line.text.startswith(tuple(_QUOTE_OPEN))
        and not _QA_LABEL.match(line.key)
        and following is not None
        and following.paragraph
        and not following.text.rstrip(_CLOSERS + " ").endswith(("?", "؟"))
    )


def _running_text(line: _Line) -> bool:
    """A clause with commas is running text even without a full stop (many sites drop the last one)."""
    return line.words >= 6 and any(ch in "،,؛;" for ch in line.text)


# Words that mark a line as the page's metadata rather than a sentence, when a date comes with them.
_META_WORDS = re.compile(
    r"(?<!\w)(?:نشر في|نشر بتاريخ|تاريخ النشر|اخر تحديث|تم التحديث|المشاهدات|عدد القراءات|عدد المشاهدات|القراءات|"
    r"published|updated|posted|views|publié le|mis à jour)(?!\w)"
)
_PUBLISHED_LABEL = re.compile(r"(?<!\w)(?:نشر في|نشر بتاريخ|تاريخ النشر|published|posted|publié le)(?!\w)")
_BYLINE_LOOSE = re.compile(rf"^{_BYLINE_WORD}(?:\s*[:\-–—]|\s)\s*\S")  # the label without a colon, e.g. "كتبت ريتا"
_BYLINE_TAIL = re.compile(
    r"(?:\s*(?:الأحد|الاحد|الإثنين|الاثنين|الثلاثاء|الأربعاء|الاربعاء|الخميس|الجمعة|الجمعه|السبت|"
    r"(?<![^\W\d_])(?:published|updated|posted|on|mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?)\s*[:,،|\-–]?)+\s*$",
    re.IGNORECASE,
)


def _split_byline(text: str) -> tuple[str | None, dt.date | None]:
    """A byline's name and the date printed with it: "كتب - محمد عليالجمعة، 18 أكتوبر 2024" -> name, date."""
    date = find_date(text)
    head = re.split(r"\d", text, maxsplit=1)[0] if date else text
    head = _BYLINE_TAIL.sub("", head.rstrip(" |-–—:,،"))  # the weekday and "Published:" before the date
    label = re.match(rf"{_BYLINE_WORD}\s*[:\-–—]?\s*", normalise_for_matching(head))
    name = head[len(label.group(0)) :] if label else head  # normalising keeps the length of these labels
    name = name.strip(" -–—:|").split(",")[0].split("،")[0].strip()
    return name or None, date


def _is_lynx_reference_list(lines: list[_Line], heading: _Line) -> bool:
    """"References" followed by lynx's numbered addresses, not a heading of the article."""
    after = [ln.text for ln in lines if ln.index > heading.index][:2]
    return bool(after) and all(_LYNX_REFERENCE.match(text) for text in after)


# --- text dumps: lynx link numbers and hard-wrapped paragraphs ---------------------------------------------

_LYNX_LINK = re.compile(r"\[(\d{1,4})\](?=\S)")
_LYNX_REFERENCE = re.compile(r"^(?:(?:Visible|Hidden) links:|\d{1,4}\. (?:[a-z][a-z0-9+.-]*:|/)\S*)$")


def prepare_lines(raw_lines: list[str]) -> list[str]:
    """Undo what a text dump did to a page: lynx's "[12]" before each link, paragraphs hard-wrapped to a width."""
    lines = _unwrap(raw_lines)  # first: the wrapping was done with the link numbers in place
    numbers = [int(n) for line in lines for n in _LYNX_LINK.findall(line)]
    # lynx numbers links 1, 2, 3 ... in order; a footnote "[1]" in an article is not that.
    if len(numbers) >= 3 and numbers == list(range(1, len(numbers) + 1)):
        lines = [_LYNX_LINK.sub("", line) for line in lines]
    return lines


def _unwrap(raw_lines: list[str]) -> list[str]:
    """Join the lines of paragraphs that a text dump wrapped at a fixed width (lynx, "save as text")."""
    # lynx's list of link addresses at the end is not wrapped text; it would blur the measure.
    end = next((i for i, line in enumerate(raw_lines) if line.strip() == "References"), len(raw_lines))
    width = _wrap_width(raw_lines[:end])
    if width is None:
        return raw_lines
    out: list[str] = []
    last = ""  # the last physical line, which decides whether the next one continues it
    for line in raw_lines:
        if out and last.strip() and line.strip() and _continues(last, line, width):
            out[-1] = f"{out[-1].rstrip()} {line.strip()}"
        else:
            out.append(line)
        last = line
    return out


def _wrap_width(lines: list[str]) -> int | None:
    """The width a dump was wrapped at, or None when its lines were not wrapped."""
    lengths = [len(line.rstrip()) for line in lines if line.strip()]
    fitting = [n for n in lengths if n <= 100]
    # Wrapped text has almost no line past the width (only an unbreakable address); pasted text has many.
    if len(fitting) < 5 or len(lengths) - len(fitting) > max(2, len(lengths) // 20):
        return None
    width = max(fitting)
    # Lines that run on into the next one: in wrapped text nearly all of them stop close to the width.
    running = [
        len(line.rstrip())
        for line, following in zip(lines, lines[1:])
        if line.strip() and following.strip() and _continues(line, following, 0) and len(line.rstrip()) > width / 2
    ]
    full = [n for n in running if n >= width - 15]
    if width < 50 or len(full) < 3 or len(full) < len(running) / 2:
        return None
    return width


def _continues(previous: str, line: str, width: int) -> bool:
    """The line is the rest of the previous one: the next word would not have fitted after it."""
    before, text = previous.rstrip(), line.strip()
    if _TERMINAL.search(before) or _BULLET.match(text):
        return False  # a wrap after a full stop changes nothing the sentence splitter needs; a bullet starts anew
    if len(line) - len(line.lstrip()) < len(previous) - len(previous.lstrip()):
        return False  # lynx indents a paragraph's lines alike; less indent is a heading or a new block
    return len(before) + 1 + len(text.split()[0]) > width


# "… حتى الآن أضف إعلان", "… كيلومترا. إضافة إعلان": the label of an advert slot run into the paragraph above it.
_ADVERT_TAIL = re.compile(r"\s*(?<!\w)(?:[أاإ]ضف|[إا]ضاف[ةه])\s+[إا]علان\s*[.:]?\s*$")


def _split_advert_tail(text: str) -> tuple[str, str | None]:
    """(the paragraph, the advert label run into its end) or (text, None)."""
    found = _ADVERT_TAIL.search(text)
    if found is None or not text[: found.start()].strip():
        return text, None
    return text[: found.start()].rstrip(), found.group(0).strip()


def _lone_question(line: _Line) -> bool:
    """A headline put as a question or exclamation ("هل تنجح خطة …؟"), not the first paragraph, though shaped so."""
    text = line.text.rstrip(_CLOSERS + " ")
    return (
        text.endswith(("?", "؟", "!"))
        and line.words <= _MAX_HEADLINE_WORDS
        and len(split_sentences(line.text)) == 1
        and not _QA_LABEL.match(line.key)
    )


# "الخرطوم 4 يونيو 2025 — قالت …", "القاهرة (أ ش أ) 12 مارس 2025 - أعلن …", "بوابة اوكرانيا – كييف 29 ديسمبر
# 2024 – ستغادر …", "الإيطالية نيوز، الجمعة 5 يوليو 2024 - بدأت …": a wire dateline opening the lead. The head may
# itself hold a dash (outlet – place) or a comma after the outlet's name; each dash is tried as its end.
_WIRE_HEAD = re.compile(r"^[^.!?؟,;؛]{6,76}")
_WIRE_DASH = re.compile(r"\s+[—–-]{1,2}\s+(?=\S)")


def _wire_dateline(line: _Line | None) -> dt.date | None:
    """The date of a wire dateline (a place, maybe an agency, and a date) that opens the first paragraph."""
    found = _WIRE_HEAD.match(line.text) if line is not None and line.content else None
    for dash in _WIRE_DASH.finditer(found.group(0) if found else ""):
        head = found.group(0)[: dash.start()] if found else ""
        dateline = _dateline(head) if 6 <= len(head) <= 70 else None
        if dateline and len(dateline[1].split()) <= 4:
            return dateline[0]
    return None


_MAX_HEADLINE_WORDS = 20  # the longest headline in the cleaning gate has 13; a longer line is running text


def _headline_shaped(line: _Line) -> bool:
    """Could be a headline: two to twenty words, not ending in a full stop or in an advert slot's label."""
    return (
        2 <= line.words <= _MAX_HEADLINE_WORDS
        and not line.text.endswith(".")
        and not line.ends_with_colon  # "القاهرة - مصراوي:": a lead-in to the text, not its headline
        and _ADVERT_TAIL.search(line.text) is None  # a paragraph the page put an advert after
    )


def _place_dateline(line: _Line) -> bool:
    """A date with at most a place beside it: "عمّان – 8 أيار 2025", "الخرطوم - ١٩ تشرين الأول ٢٠٢٥"."""
    found = _dateline(line.raw)
    return found is not None and len(found[1].split()) <= 2


def _address(line: _Line) -> bool:
    """A line that is only a site's address (``masthead.site_address``), not yet dropped for another reason."""
    return line.reason in (None, REPEATED, CAPTION) and site_address(line.unbulleted)


def _plain_masthead(line: _Line) -> bool:
    """A line that can be an outlet's name on its own: short, name-shaped, not a section label or a date.

    Three words at most ("جريدة الرأي الأردنية", "Sky News عربية"), five when it says it is a paper or agency:
    a four-word line over a date is more often a short headline than a name.
    """
    text = plain_name(line.unbulleted)
    words = text.split()
    sections = _SECTION.findall(normalise_for_matching(text))
    return (
        name_like(text)
        and (len(words) <= 3 or bool(_PUBLISHER_WORDS.search(line.key)))
        and len(sections) < len(words)
        and _dateline(line.raw) is None
    )


def _looks_like_publisher(line: _Line, *, strict: bool = False) -> bool:
    """A short line naming a news organisation, e.g. "وكالة أنباء آسيا".

    ``strict`` is for lines among menus: there "أخبار السودان" is a section, so "news" words do not count.
    """
    words = _STRONG_PUBLISHER_WORDS if strict else _PUBLISHER_WORDS
    return (
        line.words <= 5
        and not _TERMINAL.search(line.text)
        and not any(ch.isdigit() for ch in line.text)
        and bool(words.search(line.key))
        and not _RELATED.match(line.key)
    )


def _site_name(line: _Line) -> bool:
    """A short line that can be a site's name: a few words, no punctuation, not a section label or a date."""
    words = line.text.split()
    return (
        line.reason in (None, REPEATED)
        and not line.bullet
        and 1 <= len(words) <= 4
        and not any(ch in _TERMINATORS + ":|»>" for ch in line.text)
        and not any(ch.isdigit() for ch in " ".join(words[:-1]))  # "الرافدين 24", not "12 يناير"
        and not _SECTION.search(line.key)
        and _dateline(line.raw) is None
    )


_STRONG_PUBLISHER_WORDS = re.compile(
    r"(?<!\w)(?:وكاله|صحيفه|جريده|موقع|قناه|شبكه|مجله|اذاعه|تلفزيون|بوابه|agency|times|post|journal|herald|"
    r"gazette)(?!\w)"
)
