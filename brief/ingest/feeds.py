"""RSS and Atom feeds in: each recent item's link fetched as a page, with the item's title and date as hints.

The feed is parsed by feedparser from the bytes ``web.download`` already fetched; feedparser never fetches
anything itself. One item that fails becomes a ``Skipped`` (at the item's link) and the others go on.

Items are fetched on the feed's say-so, so their links are held to the rules for addresses the user did not
name (``web.download``'s ``named_by``): no internal hosts except the feed's own, and robots.txt. With a
``FeedMemory`` (the store, for a daily job) a feed is fetched conditionally (ETag, Last-Modified) and items
the memory already knows are not fetched again.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import html
import io
import re
import urllib.parse
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from brief.clean.dates import news_date
from brief.ingest.web import FEED_TYPES, FetchError, Response, WebSettings, fetch
from brief.records import RawDocument, Skipped
from brief.urls import redact

# What may come before a feed's root element: a byte-order mark, white space, the XML declaration,
# processing instructions (stylesheets), comments and a doctype.
_FEED_START = re.compile(
    rb"(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*<(?:rss|feed|(?:[a-z]+:)?rdf)[\s>/]",
    re.IGNORECASE | re.DOTALL,
)
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed, as much of it as brief uses."""

    link: str | None  # absolute http(s) address of the article, if the item has one
    title: str | None
    date: dt.date | None
    timestamp: float | None  # seconds since the epoch (UTC), for ordering
    content: str | None  # full HTML content (content:encoded, atom:content), used only when there is no link


class FeedMemory(Protocol):
    """What earlier runs remember about feeds: their last answer, and which item links need no fetching."""

    def cached_feed(self, url: str) -> Response | None:
        """The feed's last answer (with its ETag/Last-Modified), or None."""

    def remember_feed(self, url: str, response: Response) -> None:
        """Keep a feed's answer for a conditional GET next time."""

    def known_links(self, links: Sequence[str]) -> set[str]:
        """Those links that need not be fetched again (already briefed, or seen too long ago)."""

    def count(self, name: str, amount: int = 1) -> None:
        """Add to one of the run's counts ("feed_items_known", "feeds_not_modified")."""


def is_feed(response: Response) -> bool:
    """Whether a fetched body is an RSS or Atom feed: by its media type, or by how it starts."""
    if response.content_type in FEED_TYPES - {"application/xml", "text/xml"}:
        return True
    # Generic XML may be anything, and some servers send feeds as text/html: look at the root element.
    head = response.body[:4096]
    codec = _xml_codec(head)
    if codec is not None:
        head = head.decode(codec, errors="ignore").encode("utf-8", errors="ignore")
    return _FEED_START.match(head) is not None


# How an XML document in UTF-16 or UTF-32 starts (XML 1.0, appendix F): its byte-order mark, or without one, the
# "<?" of its declaration (or its first "<") in that encoding. UTF-32 first: its marks begin with UTF-16's.
_XML_STARTS = (
    (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\xfe\xff", "utf-16"), (b"\xff\xfe", "utf-16"),
    (b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"), (b"\x00<", "utf-16-be"), (b"<\x00", "utf-16-le"),
)  # fmt: skip


def _xml_codec(head: bytes) -> str | None:
    """The UTF-16 or UTF-32 codec an XML document's first bytes show, None for any other encoding."""
    return next((codec for start, codec in _XML_STARTS if head.startswith(start)), None)


def parse_feed(response: Response) -> list[FeedItem]:
    """The feed's items, newest first (undated ones last, in feed order); raise FetchError if it is unreadable."""
    import feedparser  # only when a feed is actually read: importing brief stays light

    content_type = response.content_type or "application/xml"
    # text/xml without a charset is US-ASCII to feedparser (RFC 3023), whatever the document declares: a feed in
    # UTF-16 or UTF-32 is given the encoding its first bytes show.
    charset = response.charset or _xml_codec(response.body[:4])
    if charset:
        content_type += f"; charset={charset}"
    # A file-like object, never a string: given a string feedparser may treat it as an address and fetch it.
    parsed = feedparser.parse(
        io.BytesIO(response.body),
        response_headers={"content-location": response.url, "content-type": content_type},
    )
    if not parsed.entries and not parsed.version:
        problem = parsed.get("bozo_exception") if parsed.bozo else "no RSS or Atom root element"
        problem = problem.getMessage() if hasattr(problem, "getMessage") else problem  # SAX errors: no file:line
        raise FetchError(f"not a readable feed ({problem})")
    items = [_item(entry, response.url) for entry in parsed.entries]
    # sorted() is stable, so entries of the same time (or none) keep the order the feed gives them.
    return sorted(items, key=lambda item: item.timestamp if item.timestamp is not None else float("-inf"), reverse=True)


def read_feed(
    location: str,
    response: Response,
    settings: WebSettings,
    *,
    limit: int | None = None,
    memory: FeedMemory | None = None,
) -> tuple[list[RawDocument], list[Skipped]]:
    """Fetch a feed's newest items (at most ``limit``, else ``settings.max_items``), newest first.

    Items whose link ``memory`` already knows are left out before anything is fetched (counted, not skipped).
    """
    try:
        items = parse_feed(response)
    except FetchError as err:
        return [], [Skipped(location, str(err))]
    if not items:
        return [], [Skipped(location, "feed has no items")]
    chosen: list[FeedItem] = []
    seen: set[str] = set()
    for item in items:
        key = item.link or f"#{len(chosen)}"
        if key not in seen:  # the same article listed twice is fetched once
            seen.add(key)
            chosen.append(item)
    chosen = chosen[: limit or settings.max_items]
    if memory is not None:
        known = memory.known_links([item.link for item in chosen if item.link is not None])
        if known:
            chosen = [item for item in chosen if item.link not in known]
            memory.count("feed_items_known", len(known))
        if not chosen:
            return [], []
    # Items are fetched a few at a time: a feed of slow pages takes the time of the slowest few, not their sum.
    pool = ThreadPoolExecutor(max_workers=min(settings.workers, len(chosen)))
    try:
        results = list(pool.map(lambda pair: _read_item(location, pair[0], pair[1], settings), enumerate(chosen, 1)))
    except BaseException:
        # Stopped (a signal, Ctrl-C, in this thread): the fetches in flight end at once (their sockets are shut)
        # and queued ones never start, rather than the pool waiting out every item's deadline.
        settings.session.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    documents = [r for r in results if isinstance(r, RawDocument)]
    skipped = [r for r in results if isinstance(r, Skipped)]
    return documents, skipped


def _read_item(feed: str, n: int, item: FeedItem, settings: WebSettings) -> RawDocument | Skipped:
    if item.link is None:
        where = f"{feed} (item {n})"
        if item.content and _TAG.sub("", item.content).strip():
            return RawDocument(
                location=where, text=item.content, kind="html", encoding="utf-8", title=item.title, date=item.date
            )
        return Skipped(where, "feed item has neither a link nor its text")
    try:
        document = fetch(item.link, settings, named_by=feed)
    except FetchError as err:
        return Skipped(item.link, str(err))
    return dataclasses.replace(document, title=item.title, date=item.date)


def _item(entry: Any, base: str) -> FeedItem:
    link = entry.get("link") or None
    if link is not None:
        link = urllib.parse.urljoin(base, link.strip())
        if urllib.parse.urlsplit(link).scheme.lower() not in ("http", "https"):
            link = None
        else:
            link = redact(link)  # shown and stored as the item's place; never fetched with them
    parsed_time = entry.get("published_parsed") or entry.get("updated_parsed")  # UTC, as feedparser gives it
    # "0000-00-00T00:00:00Z" (a CMS's "no date") comes back as 30 November of year -1: no date, not an error.
    date = news_date(parsed_time.tm_year, parsed_time.tm_mon, parsed_time.tm_mday) if parsed_time else None
    timestamp = calendar.timegm(parsed_time) if date is not None else None
    return FeedItem(link=link, title=_plain(entry.get("title")), date=date, timestamp=timestamp, content=_content(entry))


def _plain(value: str | None) -> str | None:
    """A title as plain text: feeds may carry HTML titles, with tags and entities."""
    if not value:
        return None
    text = " ".join(html.unescape(_TAG.sub(" ", value)).split())
    return text or None


def _content(entry: Any) -> str | None:
    contents: Sequence[Any] = entry.get("content") or ()
    for content in contents:
        value = content.get("value")
        if value and value.strip():
            return str(value)
    return None

