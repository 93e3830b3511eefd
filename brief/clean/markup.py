"""HTML and Markdown turned into plain lines for the line cleaner; HTML extractors are named in a table.

Two HTML extractors, both one paragraph per line (blank lines between, as between blocks of a text file):

    trafilatura  (default) the page's main content, as trafilatura finds it (favouring recall: the line cleaner
                 drops what is left over). Where trafilatura merges blocks into one line, the page's own block
                 boundaries are put back. When the markup names no headline or no date, the few short lines
                 just above the article (headline, dateline) are put back too, so the line cleaner can find them.
                 Lines of the page that do not make it are kept as dropped ("outside main content"); tables
                 of data are dropped as "table" (a table whose cells hold running text is a page laid out in
                 a table, and its cells are text). When trafilatura finds nothing, or fails, the lxml
                 extractor's lines are used.
    lxml         every block of the page except scripts, menus, headers, footers, asides, forms and figures.

Both read the page's declared metadata the same way (``_page_metadata``): headline, site name, publication
date, canonical URL and author from meta tags, Open Graph, JSON-LD, ``<link rel=canonical>`` and ``<time>``.
Only declared dates count: never one guessed from the URL, the text or today's date (the line cleaner's
dateline rules and the caller's fallbacks come after). No page makes an extractor raise: broken, truncated,
empty or binary-looking HTML gives what text it has, and nesting deeper than the parser allows is flattened.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import logging
import re
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from brief.clean.boilerplate import IMAGE
from brief.clean.dates import find_date, news_date
from brief.clean.text import _CLOSERS, normalise_for_matching
from brief.errors import MissingExtraError
from brief.records import Dropped

# Reasons a line is dropped before the line cleaner sees it.
OUTSIDE_MAIN = "outside main content"
TABLE = "table"


@dataclass(frozen=True)
class Extracted:
    """What an HTML extractor hands the line cleaner: text lines, the metadata the markup declared, lines dropped."""

    text: str
    title: str | None = None
    publisher: str | None = None
    date: dt.date | None = None
    url: str | None = None  # canonical address as the page gives it (may be relative)
    byline: str | None = None  # the author(s) the markup names
    dropped: tuple[Dropped, ...] = ()


# --- parsing -----------------------------------------------------------------------------------------------

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")  # lxml refuses str input that declares an encoding
# Lone surrogates (from a lossy decode) make libxml2 discard the whole document; NUL and other C0 controls
# are never text.
_UNPARSABLE = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f]")
_BLOCK_TAGS = frozenset(
    "p div section article main header footer nav aside form figure figcaption h1 h2 h3 h4 h5 h6 li ul ol dl dt "
    "dd blockquote pre table tr td th br hr address center body caption".split()
)
# Tags kept when a page nested too deep for the parser is flattened: none of them can nest without bound.
_FLAT_KEEP = "html|head|body|title|meta|link|script|style|p|br|h[1-6]|li|time"
_ANY_TAG = re.compile(rf"<(/?)(?!(?:{_FLAT_KEEP})\b)([a-zA-Z][\w:-]*)[^>]*>")
_BREAKS = re.compile(r"(?:<br>\s*){2,}")


def _parse(html: str) -> Any | None:
    """The page as an lxml tree, or None when there is no document at all."""
    from lxml import etree
    from lxml import html as lxml_html

    html = _UNPARSABLE.sub("", _XML_DECLARATION.sub("", html, count=1))
    for attempt in range(2):
        parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True)
        try:
            root = lxml_html.document_fromstring(html, parser=parser)
        except (etree.ParserError, ValueError):  # "Document is empty", nothing but a comment
            return None
        too_deep = any(e.type_name == "ERR_RESOURCE_LIMIT" and "depth" in e.message for e in parser.error_log)
        if not too_deep or attempt:
            return root
        # libxml2 stops reading at 256 levels and silently loses the rest of the page; containers carry no
        # text of their own, so replace them with line breaks (blocks) or nothing (inline) and read again.
        html = _ANY_TAG.sub(lambda m: "<br>" if m.group(2).lower() in _BLOCK_TAGS else "", html)
        html = _BREAKS.sub("<br>", html)  # thousands of empty lines would only slow the extractors down
    return None  # not reached


# --- declared metadata -------------------------------------------------------------------------------------

_ARTICLE_TYPES = frozenset(
    "Article NewsArticle ReportageNewsArticle AnalysisNewsArticle OpinionNewsArticle BackgroundNewsArticle "
    "ReviewNewsArticle BlogPosting LiveBlogPosting Report".split()
)
_SITE_TYPES = frozenset("WebSite Organization NewsMediaOrganization".split())
_LOWER = "translate({}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
# Page furniture: a <time> or <h1> inside these is another article's.
_OUTSIDE_FURNITURE = "[not(ancestor::aside or ancestor::footer or ancestor::nav)]"
_DATE_META = (
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate", "publish-date",
    "publication_date", "date", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.created", "sailthru.date",
    "parsely-pub-date", "article.published",
)


def _page_metadata(root: Any) -> Extracted:
    """Headline, publisher, publication date, canonical URL and author as the markup declares them."""
    ld = list(_json_ld(root.xpath("//script[contains(@type, 'ld+json')]/text()")))
    article = next((d for d in ld if _types(d) & _ARTICLE_TYPES), None) or next(
        (d for d in ld if "datePublished" in d or "headline" in d), {}
    )
    title, publisher = _title_and_publisher(root, article, ld)
    return Extracted(
        "", title=title, publisher=publisher, date=_page_date(root, article), url=_page_url(root, article),
        byline=_byline(root, article),
    )


def _meta(root: Any, *names: str) -> Iterator[str]:
    """The content of the page's <meta> tags of these names (property, name or itemprop), in order, squashed."""
    for name in names:
        attrs = " or ".join(f"{_LOWER.format(a)}=$name" for a in ("@property", "@name", "@itemprop"))
        for value in root.xpath(f"//meta[{attrs}]/@content", name=name):
            if value.strip():
                yield " ".join(value.split())


def _title_and_publisher(root: Any, article: dict[str, Any], ld: list[dict[str, Any]]) -> tuple[str | None, str | None]:
    """The page's headline (the site's name taken off it) and its publisher."""
    publisher = next(_meta(root, "og:site_name"), None) or _name(article.get("publisher"))
    publisher = publisher or next((n for d in ld if _types(d) & _SITE_TYPES and (n := _name(d))), None)
    publisher = publisher or next(_meta(root, "application-name", "publisher", "dc.publisher"), None)

    h1 = next((_squash(el.text_content()) for el in root.xpath(f"//h1{_OUTSIDE_FURNITURE}")), None)
    titles = root.xpath("//title/text()")
    title = (
        next(_meta(root, "og:title", "twitter:title"), None)
        or _text(article.get("headline"))
        or h1
        or (_squash(titles[0]) if titles else None)
    )
    if publisher is None and titles:  # no site name declared: "headline | site" in <title> still says it
        headline = next(_meta(root, "og:title", "twitter:title"), None) or _text(article.get("headline")) or h1
        publisher = _site_in_title(_squash(titles[0]), headline)
    if title and publisher:  # "headline | site" or "site - headline"; the site's name alone is no headline
        escaped = re.escape(publisher)
        title = re.sub(rf"^{escaped}\s*[|\-–—:»]\s*|\s*[|\-–—:«]\s*{escaped}$", "", title) or title
        title = None if normalise_for_matching(title) == normalise_for_matching(publisher) else title
    return title, publisher


def _page_date(root: Any, article: dict[str, Any]) -> dt.date | None:
    """The first publication date the page declares: meta tags, JSON-LD, then <time> in the article first."""
    declared = [*_meta(root, *_DATE_META[:2]), _text(article.get("datePublished")), *_meta(root, *_DATE_META[2:])]
    declared += root.xpath("//*[@itemprop='datePublished']/@datetime")
    for scope in ("//article", "//main", ""):
        declared += root.xpath(f"{scope}//time{_OUTSIDE_FURNITURE}/@datetime")
    declared += [_squash(t.text_content()) for t in root.xpath(f"//time{_OUTSIDE_FURNITURE}")]
    return next((found for value in declared if value and (found := _declared_date(value))), None)


def _page_url(root: Any, article: dict[str, Any]) -> str | None:
    """The page's own address as it declares it: canonical link, Open Graph, then JSON-LD."""
    canonical = root.xpath("//link[@rel='canonical' or @rel='Canonical']/@href")
    entity = article.get("mainEntityOfPage")
    return next(
        (u.strip() for u in [*canonical, *_meta(root, "og:url"), _text(article.get("url")), _name(entity, "@id"), _text(entity)]
         if u and u.strip()),
        None,
    )


def _byline(root: Any, article: dict[str, Any]) -> str | None:
    """The authors' names (JSON-LD, else author meta tags that are not addresses), joined."""
    authors = article.get("author")
    names = [n for a in (authors if isinstance(authors, list) else [authors]) if (n := _name(a) or _text(a))]
    return ", ".join(dict.fromkeys(names)) or next(
        (a for a in _meta(root, "author", "article:author", "dc.creator") if not re.match(r"https?://", a)), None
    )


_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " « ", " » ")


def _site_in_title(page_title: str, headline: str | None) -> str | None:
    """The site's name in a ``<title>`` of the form "headline | site" (or "site - headline"); None if unsure.

    The part that is not the headline the page declares elsewhere (``<h1>``, Open Graph, JSON-LD) is the site.
    With no headline to compare, only "long headline | short name" is read so: a " - " is too common inside
    headlines ("تونس - الترفيع في الأسعار") to split on without that check.
    """
    for separator in _TITLE_SEPARATORS:
        parts = [part.strip() for part in page_title.split(separator)]
        if len(parts) != 2 or not all(parts):
            continue
        first, last = parts
        if headline is not None:
            key = normalise_for_matching(headline)
            site = last if normalise_for_matching(first) == key else first if normalise_for_matching(last) == key else None
        else:
            site = last if separator == " | " and len(first.split()) >= 2 * len(last.split()) + 2 else None
        words = site.split() if site else []
        if site and 1 <= len(words) <= 4 and not any(ch.isdigit() for ch in " ".join(words[:-1])) and not re.search(
            r"[.!?؟:]$", site
        ):
            return site
    return None


def _declared_date(value: str) -> dt.date | None:
    """A machine-written date ("2024-06-20T08:15:00+03:00", "20240620", "Thu, 20 Jun 2024") as the publisher wrote it."""
    compact = re.fullmatch(r"\s*((?:19|20)\d\d)(\d\d)(\d\d)(?:T?\d{4,6}Z?)?\s*", value)
    if compact:
        return news_date(*map(int, compact.groups()))
    return find_date(value)  # the date as written, in the publisher's time zone: no conversion to UTC


def _types(item: dict[str, object]) -> set[str]:
    kind = item.get("@type")
    return {k for k in (kind if isinstance(kind, list) else [kind]) if isinstance(k, str)}


def _text(value: object) -> str | None:
    return _squash(value) or None if isinstance(value, str) else None


def _name(value: object, key: str = "name") -> str | None:
    """The name of a JSON-LD object, or of the first in a list of them."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, dict)), None)
    return _text(value.get(key)) if isinstance(value, dict) else None


def _json_ld(blobs: list[str]) -> Iterator[dict[str, object]]:
    """Every JSON object in the page's JSON-LD blocks, nested ones and @graph members included."""
    queue: deque[object] = deque()  # breadth first: the page's own object comes before nested ones
    for blob in blobs:
        try:
            queue.append(json.loads(blob))
        except (ValueError, RecursionError):
            continue  # broken (or absurdly nested) JSON-LD is common; it only ever adds metadata
    while queue:
        item = queue.popleft()
        if isinstance(item, list):
            queue.extend(item)
        elif isinstance(item, dict):
            yield item
            queue.extend(v for v in item.values() if isinstance(v, (list, dict)))


def _squash(text: str) -> str:
    return " ".join(text.split())


# --- the page's blocks -------------------------------------------------------------------------------------

_NO_TEXT = frozenset("script style noscript template svg canvas iframe object embed select button head".split())
_FURNITURE = frozenset("nav footer aside form figure figcaption picture video audio".split())


@dataclass(frozen=True)
class _Block:
    text: str
    furniture: bool = False  # inside a menu, footer, aside, form, figure or the site's header
    heading: bool = False  # an <h1>, <h2> or <h3>


def _blocks(root: Any) -> list[_Block]:
    """The text of every block of the page body, in order, one line per block (iterative: no depth limit)."""
    lines: list[_Block] = []
    buffer: list[str] = []
    buffer_kind = (False, False)  # (furniture, heading) where the buffered line's text begins
    furniture = heading = 0  # how many furniture (heading) elements we are inside
    in_article = 0  # inside <article> or <main>, a <header> is the article's own (headline, date), not the site's

    started = False  # the buffer holds more than whitespace

    def add(text: str | None) -> None:
        nonlocal buffer_kind, started
        if text:  # whitespace too: "<a>فيسبوك</a> <a>تويتر</a>" is two words
            if not started and not text.isspace():
                buffer_kind, started = (furniture > 0, heading > 0), True
            buffer.append(text)

    def flush() -> None:
        nonlocal started
        if started:
            lines.append(_Block(_squash("".join(buffer)), *buffer_kind))
        buffer.clear()
        started = False

    body = root.find("body")
    # (element, None) on the way in; (element, (is furniture, is article, is heading)) on the way out
    stack: list[tuple[Any, tuple[bool, bool, bool] | None]] = [(body if body is not None else root, None)]
    while stack:
        el, leaving = stack.pop()
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if leaving is not None:
            if tag in _BLOCK_TAGS:
                flush()
            furniture -= leaving[0]
            in_article -= leaving[1]
            heading -= leaving[2]
            add(el.tail)
        elif not tag or tag in _NO_TEXT:
            add(el.tail)
        else:
            if tag in _BLOCK_TAGS:
                flush()
            is_article = tag in ("article", "main")
            is_furniture = tag in _FURNITURE or (tag == "header" and not in_article)
            is_heading = tag in ("h1", "h2", "h3")
            furniture += is_furniture
            in_article += is_article
            heading += is_heading
            add(el.text)
            stack.append((el, (is_furniture, is_article, is_heading)))
            stack.extend((child, None) for child in reversed(el))
    flush()
    return lines


# --- the extractors ----------------------------------------------------------------------------------------


def extract_html_lxml(html: str) -> Extracted:
    """Text lines and metadata of an HTML page, with lxml: scripts, menus, asides, footers and figures removed."""
    root = _parse(html)
    if root is None:
        return Extracted("")
    lines = [block.text for block in _blocks(root) if not block.furniture]
    return dataclasses.replace(_page_metadata(root), text="\n\n".join(lines))


def extract_html_trafilatura(html: str) -> Extracted:
    """The page's main content with trafilatura, one paragraph per line, and its metadata; lxml when it finds none."""
    root = _parse(html)
    if root is None:
        return Extracted("")
    metadata = _page_metadata(root)
    blocks = _blocks(root)
    main = _trafilatura_lines(root)
    if not main:
        return dataclasses.replace(metadata, text="\n\n".join(b.text for b in blocks if not b.furniture))
    keys = [_key(b.text) for b in blocks]
    main = _resegment([cell for line in main for cell in _layout_cells(line)], blocks, keys)
    rows = [line for line in main if _TABLE_ROW.match(line)]
    main = [line for line in main if not _TABLE_ROW.match(line)]
    if metadata.title is None or metadata.date is None:
        main = _restore_header(main, blocks, keys)
    return dataclasses.replace(metadata, text="\n\n".join(main), dropped=_dropped(main, rows, blocks, keys))


def _dropped(main: list[str], rows: list[str], blocks: list[_Block], keys: list[str]) -> tuple[Dropped, ...]:
    """What the extraction leaves out: the page's blocks outside the main content, and its table rows."""
    kept = {_key(line) for line in main} | {_key(cell) for row in rows for cell in row.split("|")}
    dropped = [Dropped(b.text, OUTSIDE_MAIN) for b, key in zip(blocks, keys) if key not in kept]
    dropped += [Dropped(cells, TABLE) for row in rows if (cells := _table_cells(row))]
    return tuple(dropped)


def _trafilatura_lines(root: Any) -> list[str]:
    """trafilatura's main-content lines for a parsed page; none when it finds nothing or fails."""
    try:
        import trafilatura
    except ImportError as err:
        raise MissingExtraError(
            f"the trafilatura HTML extractor needs the trafilatura package ({err}); install it, or use the lxml one"
        ) from err
    _quiet_trafilatura()
    try:
        # Not target_language: a page whose language detection fails would be dropped whole. Recall over
        # precision: what trafilatura lets through, the line cleaner judges line by line.
        document = trafilatura.bare_extraction(
            root, favor_recall=True, include_comments=False, include_tables=True, include_images=False,
            include_links=False, with_metadata=False,
        )
    except Exception:  # noqa: BLE001 - any failure inside trafilatura means "use the lxml lines instead"
        return []
    text = getattr(document, "text", None) or ""
    return [line for raw in text.split("\n") if (line := _squash(raw))]


@functools.cache
def _quiet_trafilatura() -> None:
    """Keep trafilatura's "discarding data" warnings off the user's terminal (logging's last-resort handler)."""
    logging.getLogger("trafilatura").addHandler(logging.NullHandler())


_TABLE_ROW = re.compile(r"^\|.*\|$")
_TABLE_RULE = re.compile(r"^[|\-:\s]+$")
_BULLET = re.compile(r"^(?:[-*•]|\d{1,2}\.)\s+")


def _layout_cells(line: str) -> list[str]:
    """A table row whose cells hold running text (an old site laid out in a <table>) as its cells; else [line]."""
    if not _TABLE_ROW.match(line):
        return [line]
    cells = [cell for c in line.strip("|").split("|") if (cell := c.strip())]
    layout = any(_is_paragraph(cell) or len(cell.split()) >= 25 for cell in cells)
    return cells if layout else [line]


def _table_cells(row: str) -> str:
    """A table row as "cell | cell", or "" for the |---|---| rule under the header."""
    return "" if _TABLE_RULE.match(row) else " | ".join(c.strip() for c in row.strip("|").split("|"))


def _key(line: str) -> str:
    """A line for comparing trafilatura's output with the page's blocks: list marker, spacing, spelling aside."""
    return normalise_for_matching(_BULLET.sub("", unicodedata.normalize("NFC", line))).replace(" ", "")


def _resegment(main: list[str], blocks: list[_Block], keys: list[str]) -> list[str]:
    """Split a line that is several of the page's blocks run together back into those blocks."""
    known = set(keys)
    result: list[str] = []
    for line in main:
        key = _key(line)
        run = _run_spelling(key, keys) if key and key not in known else []
        if run:
            result.extend(blocks[i].text for i in run)
        else:
            result.append(line)
    return result


def _run_spelling(key: str, keys: list[str]) -> list[int]:
    """Indices of consecutive blocks whose keys, joined, are exactly key; [] when there are none."""
    for start, first in enumerate(keys):
        if not first or not key.startswith(first):
            continue
        joined, end = first, start + 1
        while len(joined) < len(key) and end < len(keys) and key.startswith(joined + keys[end]):
            joined += keys[end]
            end += 1
        if joined == key and end - start > 1:
            return list(range(start, end))
    return []


_MAX_HEADER = 4  # short lines taken from just above the article: headline, dateline, a byline, a kicker


def _restore_header(main: list[str], blocks: list[_Block], keys: list[str]) -> list[str]:
    """Put back the short lines at the top of the article (or just above it) that trafilatura left out.

    Only short lines that are not sentences, and not in the page's menus or footers: a headline or dateline
    trafilatura judged "not main content" is what the line cleaner needs when the markup names neither.
    """
    position: dict[str, int] = {}
    for i, key in enumerate(keys):
        position.setdefault(key, i)
    main_keys = [_key(line) for line in main]
    first = next((j for j, line in enumerate(main) if main_keys[j] in position and _is_paragraph(line)), None)
    if first is None:
        return main
    end = position[main_keys[first]]
    start = min((position[k] for k in main_keys[:first] if position.get(k, end) < end), default=end)
    # When trafilatura kept lines above the first paragraph (a headline), it found the article's top: only
    # what it skipped below that comes back. Otherwise the few short lines just above the first paragraph,
    # from the nearest heading on if there is one.
    if start == end:
        above = end
        while above > 0 and end - above < _MAX_HEADER and _is_header_line(blocks[above - 1]):
            above -= 1
        # A heading among them is the headline: what is above it (a news ticker, a section label) is not.
        start = max((i for i in range(above, end) if blocks[i].heading), default=above)
    main_head = set(main_keys[:first])
    head = [blocks[i].text for i in range(start, end) if keys[i] in main_head or _is_header_line(blocks[i])]
    span = set(keys[start:end])
    missing = [line for line, key in zip(main[:first], main_keys[:first]) if key not in span]
    return missing + head + main[first:]


_PARAGRAPH_END = re.compile(rf"[.!?؟…][{re.escape(_CLOSERS)}]*$")
_SENTENCE_END = re.compile(rf"[.…][{re.escape(_CLOSERS)}]*$")  # not ? or !: a headline may ask or exclaim


def _is_paragraph(line: str) -> bool:
    """Running text: several words and a sentence's end."""
    return len(line.split()) >= 6 and bool(_PARAGRAPH_END.search(line))


def _is_header_line(block: _Block) -> bool:
    """Short, not a sentence, not page furniture: a headline, dateline, byline or section label."""
    return not block.furniture and len(block.text.split()) <= 15 and not _SENTENCE_END.search(block.text)


# An extractor turns HTML into Extracted; clean_document picks one by name.
HTML_EXTRACTORS: dict[str, Callable[[str], Extracted]] = {
    "trafilatura": extract_html_trafilatura,
    "lxml": extract_html_lxml,
}

# --- Markdown ----------------------------------------------------------------------------------------------

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
