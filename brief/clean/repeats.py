"""Lines a publisher prints on every page (slogans, menus, footers, app prompts), found by comparing its pages.

One page on its own cannot tell a site's furniture from the article: "بوابة النيل.. نافذتك على مصر والعالم" is a
short line like a subheading. Several pages of the same site can: the furniture is on all of them, the article's
text on one. So the corpus-level entry point ``clean_documents`` groups documents by publisher, finds the lines
that repeat across at least ``min_pages`` pages of a group, and cleans each document with those lines marked.

A line that reads like a sentence is never taken as furniture by repetition alone. When the same sentence is on
several pages of one publisher it is usually a republished wire paragraph or a stock background paragraph
("ويعيش المغرب على وقع جفاف متواصل ..."), which is the article's text; site-wide sentences (cookie notices,
disclaimers, copyright) are caught by the phrase rules in ``boilerplate.py`` instead. Clauses with commas (a
paragraph that lost its full stop), lists of figures and colon-ended lead-ins ("وأضاف:") are kept likewise.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from brief.clean.boilerplate import _BULLET, _TERMINAL
from brief.clean.lines import prepare_lines
from brief.clean.masthead import closes_block, folder_layout
from brief.clean.text import _CLOSERS, normalise_for_matching, prepare_for_translation
from brief.records import Article, RawDocument

_DIGIT = re.compile(r"\d")


def repeated_lines(pages: Sequence[tuple[str, Sequence[str]]], *, min_pages: int = 3) -> frozenset[str]:
    """Normalised keys of the non-sentence lines found on at least ``min_pages`` pages of the same group."""
    if min_pages < 2:
        raise ValueError(f"min_pages must be at least 2, not {min_pages}")
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for group, lines in pages:
        # A set per page: a line printed twice on one page (a menu at the top and bottom) is one page's worth.
        counts[group].update({normalise_for_matching(line) for line in prepare_lines(list(lines)) if _may_repeat(line)})
    return frozenset(key for group in counts.values() for key, n in group.items() if n >= min_pages and key)


def _may_repeat(line: str) -> bool:
    """A line that may be site furniture when it repeats: not a sentence, a lead-in or an item in a list of figures."""
    text = prepare_for_translation(line)
    if not any(ch.isalnum() for ch in text):
        return False
    words = len(text.split())
    if words >= 4 and _TERMINAL.search(text):
        return False  # reads like a sentence
    if words >= 8 and any(ch in "،,؛;" for ch in text):
        return False  # running text whose full stop the site left off
    if text.rstrip(_CLOSERS + " ").endswith(":"):
        return False  # a lead-in to a quote or a list
    if _DIGIT.search(text) and (_BULLET.match(text) or ":" in text):
        return False  # "- البنزين 92: 15.25 جنيه": a figure, and weekly price lists repeat honestly
    return True


def group_key(doc: RawDocument) -> str:
    """Which publisher a document belongs to: the user's name for it, else the web host, else its folder."""
    if doc.publisher:
        return f"publisher:{normalise_for_matching(doc.publisher)}"
    if doc.url and (host := urlsplit(doc.url).hostname):
        return f"host:{host.removeprefix('www.')}"
    if "://" in doc.location and (host := urlsplit(doc.location).hostname):
        return f"host:{host.removeprefix('www.')}"
    # Pages saved from one site tend to sit in one folder; a folder of mixed sites only makes a group where a
    # line must repeat on more pages of different sites, which furniture rarely does.
    return f"folder:{posixpath.dirname(doc.location.replace(chr(92), '/'))}"


def clean_documents(
    docs: Sequence[RawDocument], *, html_extractor: str | None = None, min_pages: int = 3
) -> list[Article]:
    """Clean several documents at once, so lines a publisher repeats on its pages are dropped; order is kept."""
    from brief.clean import clean_document, date_leads_in_folder, extract_lines  # the stage imports this module

    options: dict[str, Any] = {} if html_extractor is None else {"html_extractor": html_extractor}
    keys = [group_key(doc) for doc in docs]
    # Every line of a page counts, also those the HTML extractor already set aside as outside the article:
    # a text dump of the same site has them all, and they are what marks the site's furniture.
    extracted = [extract_lines(d, **options) for d in docs]
    lines = [raw + [d.line for d in dropped] for raw, _meta, dropped in extracted]
    repeated: dict[str, frozenset[str]] = {}
    for key in set(keys):
        members = [(key, page) for k, page in zip(keys, lines) if k == key]
        repeated[key] = repeated_lines(members, min_pages=min_pages) if len(members) >= min_pages else frozenset()
    articles = [
        clean_document(doc, repeated=repeated[key], extracted=found, **options)
        for doc, key, found in zip(docs, keys, extracted)
    ]
    # The folder's layout, read off the pages whose masthead was found: where they close the block each page opens
    # with, a bare name in that place on the others is their masthead (masthead.folder_layout). Only text pages
    # count: an HTML page's lines are what its extractor made of the markup, not how the page was saved.
    text = [i for i, doc in enumerate(docs) if doc.kind != "html"]
    votes: dict[str, list[bool | None]] = defaultdict(list)
    for i in text:
        votes[keys[i]].append(closes_block(prepare_lines(extracted[i][0]), articles[i].publisher))
    for i in text:
        if articles[i].publisher is None and folder_layout(votes[keys[i]]):
            articles[i] = clean_document(
                docs[i], repeated=repeated[keys[i]], extracted=extracted[i], closing_masthead=True, **options
            )
    return date_leads_in_folder(articles)  # a lead's yearless "today" takes its year from the folder's dates
