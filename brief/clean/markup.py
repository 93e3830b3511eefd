"""HTML and Markdown turned into plain lines for the line cleaner; HTML extractors are named in a table."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from brief.clean.boilerplate import IMAGE
from brief.clean.dates import find_date
from brief.records import Dropped

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
