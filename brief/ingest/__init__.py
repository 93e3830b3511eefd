"""Ingest stage: files, folders, page URLs and feeds in, decoded ``RawDocument``s out (and a ``Skipped`` for each
bad input).

Nothing here writes to disk, and one bad input never stops the others: it becomes a ``Skipped`` with the
reason, and the caller decides what to do when nothing was usable.

    files.py    files and folders on disk; decoding (UTF-8/16/32, cp1256); kind sniffing
    web.py      one page per address: timeouts, deadline, size limit, retries, redirects, charsets
    feeds.py    RSS and Atom feeds: the newest items, each link fetched as a page
    sources.py  the sources file (named folders, files, pages and feeds), reading and checking it
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from brief.ingest import files
from brief.ingest.feeds import FeedMemory, is_feed, read_feed
from brief.ingest.files import DEFAULT_MAX_BYTES, SUFFIX_KINDS, decode, sniff_kind
from brief.ingest.web import FetchError, Response, WebSettings, download, fetch, is_url, to_document
from brief.records import RawDocument, Skipped
from brief.urls import redact

__all__ = [
    "DEFAULT_MAX_BYTES",
    "SUFFIX_KINDS",
    "FeedMemory",
    "FetchError",
    "WebSettings",
    "decode",
    "fetch",
    "is_url",
    "read_inputs",
    "read_url",
    "sniff_kind",
]


def read_inputs(
    inputs: Sequence[str | Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    web: WebSettings | None = None,
    memory: FeedMemory | None = None,
) -> tuple[list[RawDocument], list[Skipped]]:
    """Read paths and http(s) addresses, in the order given; a feed address yields its newest items.

    ``max_bytes`` limits files; addresses follow ``web`` (by default the usual web settings with this limit);
    ``memory`` makes feeds conditional and leaves out items it knows (see ``read_feed``).
    """
    web = web or WebSettings(max_bytes=max_bytes)
    documents: list[RawDocument] = []
    skipped: list[Skipped] = []
    try:
        for given in inputs:
            if str(given) == STDIN:
                found, missed = read_stdin(max_bytes)
            elif is_url(given):
                found, missed = read_url(str(given), web, memory=memory)
            else:
                found, missed = files.read_inputs([given], max_bytes=max_bytes)
            documents.extend(found)
            skipped.extend(missed)
    finally:
        web.session.pool.close()  # the connections kept open between a feed's items
    return documents, skipped


STDIN = "-"  # the input that means: one article on standard input
STDIN_LOCATION = "(standard input)"


def read_stdin(max_bytes: int = DEFAULT_MAX_BYTES, stream=None) -> tuple[list[RawDocument], list[Skipped]]:  # noqa: ANN001
    """One article from standard input (``brief make -``): text, Markdown or HTML, decoded like a file."""
    import sys
    from pathlib import PurePath

    from brief.errors import InputError

    stream = stream if stream is not None else sys.stdin.buffer
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        return [], [Skipped(STDIN_LOCATION, f"too large: more than {max_bytes:,} bytes")]
    if not data.strip():
        return [], [Skipped(STDIN_LOCATION, "empty: nothing on standard input")]
    try:
        text, encoding = decode(data)
    except InputError as err:
        return [], [Skipped(STDIN_LOCATION, str(err))]
    kind = sniff_kind(PurePath("stdin"), text)
    return [RawDocument(location=STDIN_LOCATION, text=text, kind=kind, encoding=encoding)], []


def read_url(
    url: str,
    web: WebSettings,
    *,
    limit: int | None = None,
    feed_only: bool = False,
    memory: FeedMemory | None = None,
) -> tuple[list[RawDocument], list[Skipped]]:
    """Fetch one address: a page gives one document, a feed its newest items; a failure gives a Skipped.

    The address is shown and stored without any ``user:password@`` it holds (which is sent as Basic auth).
    """
    shown = redact(url)
    try:
        cached = _kept_copy(memory.cached_feed(shown) if memory is not None else None, web)
        validators = _validators(cached)
        response = download(url, web, validators=validators or None)
        if response.status == 304 and cached is not None and memory is not None:
            memory.count("feeds_not_modified")
            response = cached  # unchanged since the last run: its items, as then, minus those already read
        elif memory is not None and is_feed(response) and _validators(response):
            memory.remember_feed(shown, response)
        if is_feed(response):
            return read_feed(shown, response, web, limit=limit, memory=memory)
        if feed_only:
            what = response.content_type or "no content type"
            return [], [Skipped(shown, f"not a feed ({what}); for a page, use url: instead of feed:")]
        return [to_document(shown, response)], []
    except FetchError as err:
        return [], [Skipped(shown, str(err))]


def _kept_copy(cached: Response | None, web: WebSettings) -> Response | None:
    """The feed copy the store kept, if it is still within the size limit (a copy kept under a larger limit, or
    grown by damage, is not re-parsed on every 304: the feed is fetched in full instead, and kept anew)."""
    return cached if cached is not None and len(cached.body) <= web.max_bytes else None


_HEADER_VALUE = re.compile(r"[\x20-\x7e\t]{1,1000}")  # visible ASCII: anything else cannot be sent back


def _validators(response: Response | None) -> dict[str, str]:
    """The conditional-GET headers for a feed's copy: only an ETag or date that can be sent back as it is.

    A damaged or odd validator (a newline, non-ASCII) is dropped, so that feed is fetched in full, not broken.
    """
    if response is None:
        return {}
    found = {"If-None-Match": response.etag, "If-Modified-Since": response.last_modified}
    return {name: value for name, value in found.items() if value and _HEADER_VALUE.fullmatch(value)}
