"""Clean stage: one ``RawDocument`` in, one ``Article`` out.

A scraped news page, once it is text, is a column of lines in three zones:

    header   navigation, site logo, headline (often repeated), dateline, share buttons, photo + caption
    body     the article's paragraphs, with subheadings and "see also" links in between
    tail     related news, comments, menus: everything from the first related-news heading on

Each line is judged by its shape (length, punctuation, repetition, position) and a short table of
well-known Arabic boilerplate phrases. Lines that do not go on to translation are kept in
``Article.dropped`` with a short reason, so ``brief inspect`` can show why. HTML is first turned into lines
by an extractor from ``HTML_EXTRACTORS`` (trafilatura by default), which also reads the metadata the markup
declares; a text or Markdown file may declare its metadata in a front-matter block. The same line cleaner
then runs on every kind of input (``extract_lines`` is the step before it).

    text.py         normalisation for translation and for matching; sentence splitting
    masthead.py     the outlet's name at the top of a text dump (often bilingual), over the date line
    dates.py        month names, date finding (Gregorian and Hijri), datelines, relative dates
    boilerplate.py  reasons a line is dropped; rules that judge one line on its own
    lines.py        the line cleaner: passes over one page's lines (header, title, body, tail)
    markup.py       HTML extractors (``HTML_EXTRACTORS``) and Markdown, turned into plain lines
    frontmatter.py  the ``---`` metadata block at the top of a text or Markdown file
    language.py     language identification

This module is the stage itself (``clean_document``) and the public API; the names are re-exported here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from urllib.parse import urljoin, urlsplit

from brief.clean.boilerplate import (
    ADVERT,
    BYLINE,
    CAPTION,
    COMMENT,
    COOKIE,
    COPYRIGHT,
    DATELINE,
    DISCLAIMER,
    DUPLICATE_HEADLINE,
    DUPLICATE_LINE,
    IMAGE,
    LINK_LIST,
    LOADING,
    LOGO,
    MENU,
    NAVIGATION,
    NEWSLETTER,
    PROMO,
    PUBLISHER,
    RELATED,
    REPEATED,
    SEE_ALSO,
    SEPARATOR,
    SHARE,
    SIGN_OFF,
    SLOGAN,
    SOCIAL,
    SOURCE,
    SUBHEADING,
    TAGS,
    TEASER,
    TITLE,
)
from brief.clean.dates import DateMention, find_date, news_date, relative_dates, today_in_lead
from brief.clean.frontmatter import FRONT_MATTER, FrontMatter, split_front_matter
from brief.clean.language import identify_language
from brief.clean.lines import _clean_lines, _Meta
from brief.clean.markup import (
    HTML_EXTRACTORS,
    OUTSIDE_MAIN,
    TABLE,
    Extracted,
    _markdown_lines,
    extract_html_lxml,
    extract_html_trafilatura,
)
from brief.clean.text import collapse_space, normalise_for_matching, prepare_for_translation, split_sentences
from brief.errors import UnknownNameError
from brief.records import Article, Dropped, RawDocument
from brief.urls import redact, split_url

__all__ = [
    "HTML_EXTRACTORS",
    "DateMention",
    "Extracted",
    "FrontMatter",
    "article_id",
    "clean_document",
    "date_leads_in_folder",
    "extract_html_lxml",
    "extract_html_trafilatura",
    "extract_lines",
    "find_date",
    "identify_language",
    "normalise_for_matching",
    "prepare_for_translation",
    "relative_dates",
    "split_front_matter",
    "split_sentences",
    # reasons a line is dropped
    "ADVERT",
    "BYLINE",
    "CAPTION",
    "COMMENT",
    "COOKIE",
    "COPYRIGHT",
    "DATELINE",
    "DISCLAIMER",
    "DUPLICATE_HEADLINE",
    "DUPLICATE_LINE",
    "FRONT_MATTER",
    "IMAGE",
    "LINK_LIST",
    "LOADING",
    "LOGO",
    "MENU",
    "NAVIGATION",
    "NEWSLETTER",
    "OUTSIDE_MAIN",
    "PROMO",
    "PUBLISHER",
    "RELATED",
    "REPEATED",
    "SEE_ALSO",
    "SEPARATOR",
    "SHARE",
    "SIGN_OFF",
    "SLOGAN",
    "SOCIAL",
    "SOURCE",
    "SUBHEADING",
    "TABLE",
    "TAGS",
    "TEASER",
    "TITLE",
]


# --- the stage ---------------------------------------------------------------------------------------------


def extract_lines(doc: RawDocument, *, html_extractor: str = "trafilatura") -> tuple[list[str], _Meta, list[Dropped]]:
    """A document as plain lines for the line cleaner, the metadata it declares, and lines already dropped.

    HTML goes through the named extractor; a text or Markdown file may open with a front-matter block. The
    user-declared publisher (``doc.publisher``) wins over the page's; the canonical URL is made absolute
    against the address the page was fetched from, which stands in when the page names none.
    """
    if html_extractor not in HTML_EXTRACTORS:
        raise UnknownNameError("HTML extractor", html_extractor, HTML_EXTRACTORS)
    if doc.kind == "html":
        extracted = HTML_EXTRACTORS[html_extractor](doc.text)
        meta = _Meta(extracted.title, extracted.publisher, extracted.date, extracted.url, extracted.byline)
        raw_lines, pre_dropped = extracted.text.split("\n"), list(extracted.dropped)
    else:
        front, raw_lines, pre_dropped = split_front_matter(doc.text)
        if front is not None:
            meta = _Meta(front.title, front.publisher, front.date, front.url, front.byline)
        else:
            meta = _Meta()
        if doc.kind == "md":
            raw_lines, markdown_dropped = _markdown_lines("\n".join(raw_lines))
            pre_dropped += markdown_dropped
    meta.publisher = doc.publisher or meta.publisher
    meta.url = _absolute(meta.url, doc.url) or doc.url
    return raw_lines, meta, pre_dropped


def clean_document(
    doc: RawDocument,
    *,
    html_extractor: str = "trafilatura",
    repeated: frozenset[str] = frozenset(),
    extracted: tuple[list[str], _Meta, list[Dropped]] | None = None,
    closing_masthead: bool = False,
) -> Article:
    """Turn one decoded document into an Article: metadata, sentences to translate, and what was dropped.

    ``repeated`` holds the normalised keys of lines this publisher prints on many pages (see ``extract_lines``).
    ``extracted`` is what ``extract_lines`` already gave for this document, so a page is not extracted twice.
    ``closing_masthead`` says the page's folder closes each page's opening block with the masthead
    (``masthead.folder_layout``).
    What the page says comes first (for the date, the lead saying "today" is a date with its year counts too);
    then the feed item's headline and date (``doc.title``, ``doc.date``); then, for the date only, one written in
    the URL's path (``/2024/06/20/``). ``date_leads_in_folder`` reads a lead's yearless "today" afterwards.
    """
    raw_lines, meta, pre_dropped = extracted or extract_lines(doc, html_extractor=html_extractor)
    # The metadata is read into a copy: the same extraction may be cleaned again with what the folder showed.
    meta = dataclasses.replace(meta)
    cleaned = _clean_lines(raw_lines, meta, pre_dropped, repeated=repeated, closing_masthead=closing_masthead)
    meta = cleaned.meta
    body = " ".join(cleaned.sentences)
    return Article(
        id=article_id(body),
        location=doc.location,
        publisher=_tidy(doc.publisher or meta.publisher),  # the user's name for it wins, whatever the text says
        title=_tidy(meta.title) or _tidy(doc.title),
        date=meta.date or _today_in_lead(cleaned.sentences) or doc.date or _date_in_url(meta.url),
        language=identify_language(body),
        sentences=tuple(cleaned.sentences),
        dropped=tuple(cleaned.dropped),
        url=meta.url,
        byline=_tidy(meta.byline),
        credit=_tidy(meta.credit),
    )


def _today_in_lead(sentences: list[str] | tuple[str, ...], near: dt.date | None = None) -> dt.date | None:
    """The date the lead's first sentence gives as today's (``dates.today_in_lead``), or None."""
    return today_in_lead(sentences[0], near) if sentences else None


def date_leads_in_folder(articles: list[Article]) -> list[Article]:
    """Undated articles whose lead says "اليوم الجمعة 28 آذار" dated in the year the folder's other dates fix.

    A lead's "today, Friday 28 March" states the day of publication but not its year; the weekday picks the year
    near the middle of the dates the folder's other articles show. A folder with no dated article fixes none.
    """
    dates = sorted(a.date for a in articles if a.date is not None)
    if not dates:
        return articles
    near = dates[len(dates) // 2]
    return [
        dataclasses.replace(a, date=found)
        if a.date is None and (found := _today_in_lead(a.sentences, near)) is not None
        else a
        for a in articles
    ]


def _absolute(url: str | None, base: str | None) -> str | None:
    """An absolute http(s) URL, resolved against base when relative; None when it cannot be made one."""
    if not url:
        return None
    try:
        url = urljoin(base, url.strip()) if base else url.strip()
    except ValueError:  # "http://[::1": a page's markup is not to be trusted
        return None
    parts = split_url(url)  # None for "http://news.test:99999/story" too
    return redact(url) if parts is not None and parts.scheme in ("http", "https") and parts.netloc else None


_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?=[/_.-]|$)")


def _date_in_url(url: str | None) -> dt.date | None:
    """A date written in a URL's path, e.g. ``/2024/06/20/``: the last resort, after everything the page says."""
    try:
        found = _URL_DATE.search(urlsplit(url).path) if url else None
    except ValueError:  # a malformed URL
        return None
    return news_date(*map(int, found.groups())) if found else None  # None for 2024/02/31


def _tidy(value: str | None) -> str | None:
    return prepare_for_translation(value) or None if value else None


def article_id(body: str) -> str:
    """Stable id of an article: the first 12 hex digits of the SHA-256 of its normalised text."""
    return hashlib.sha256(collapse_space(body).encode("utf-8")).hexdigest()[:12]
