"""Clean stage: one ``RawDocument`` in, one ``Article`` out.

A scraped news page, once it is text, is a column of lines in three zones:

    header   navigation, site logo, headline (often repeated), dateline, share buttons, photo + caption
    body     the article's paragraphs, with subheadings and "see also" links in between
    tail     related news, comments, menus: everything from the first related-news heading on

Each line is judged by its shape (length, punctuation, repetition, position) and a short table of
well-known Arabic boilerplate phrases. Lines that do not go on to translation are kept in
``Article.dropped`` with a short reason, so ``brief inspect`` can show why. HTML is first turned into lines
by an extractor from ``HTML_EXTRACTORS``; the same line cleaner then runs on its output.

    text.py         normalisation for translation and for matching; sentence splitting
    dates.py        month names, date finding, datelines
    boilerplate.py  reasons a line is dropped; rules that judge one line on its own
    lines.py        the line cleaner: passes over one page's lines (header, title, body, tail)
    markup.py       HTML extractors (``HTML_EXTRACTORS``) and Markdown, turned into plain lines
    language.py     language identification

This module is the stage itself (``clean_document``) and the public API; the names are re-exported here.
"""

from __future__ import annotations

import hashlib
import unicodedata

from brief.clean.boilerplate import (
    BYLINE,
    CAPTION,
    COMMENT,
    DATELINE,
    DUPLICATE_HEADLINE,
    DUPLICATE_LINE,
    IMAGE,
    LOADING,
    LOGO,
    MENU,
    NAVIGATION,
    PUBLISHER,
    RELATED,
    SEE_ALSO,
    SEPARATOR,
    SHARE,
    SOURCE,
    SUBHEADING,
    TEASER,
    TITLE,
)
from brief.clean.dates import find_date
from brief.clean.language import identify_language
from brief.clean.lines import _Meta, _clean_lines
from brief.clean.markup import HTML_EXTRACTORS, Extracted, _markdown_lines, extract_html_lxml
from brief.clean.text import normalise_for_matching, prepare_for_translation, split_sentences
from brief.errors import UnknownNameError
from brief.records import Article, Dropped, RawDocument

__all__ = [
    "HTML_EXTRACTORS",
    "Extracted",
    "article_id",
    "clean_document",
    "extract_html_lxml",
    "find_date",
    "identify_language",
    "normalise_for_matching",
    "prepare_for_translation",
    "split_sentences",
    # reasons a line is dropped
    "BYLINE",
    "CAPTION",
    "COMMENT",
    "DATELINE",
    "DUPLICATE_HEADLINE",
    "DUPLICATE_LINE",
    "IMAGE",
    "LOADING",
    "LOGO",
    "MENU",
    "NAVIGATION",
    "PUBLISHER",
    "RELATED",
    "SEE_ALSO",
    "SEPARATOR",
    "SHARE",
    "SOURCE",
    "SUBHEADING",
    "TEASER",
    "TITLE",
]


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
