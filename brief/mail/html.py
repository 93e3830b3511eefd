"""The brief's Markdown as a small, self-contained HTML document: inline styles only, everything escaped.

Arabic runs are marked right-to-left (``<bdi dir="rtl">``), and the Unicode isolates the brief already carries
become ``<bdi>`` elements, so a mail client lays out mixed English and Arabic as the Markdown intends.
"""

from __future__ import annotations

import html
import re
from urllib.parse import unquote

from brief.urls import split_url

_ARABIC = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
# A run of Arabic words with the spaces, digits and punctuation between them, so a whole phrase is one RTL island.
_ARABIC_RUN = re.compile(rf"[{_ARABIC}](?:[{_ARABIC}\s\d.,:;!?«»\"'()\-]*[{_ARABIC}])?")
_ISOLATE_DIR = {"\u2066": "ltr", "\u2067": "rtl", "\u2068": "auto"}
_INLINE = re.compile(
    r"(?P<isolate>[\u2066\u2067\u2068](?P<isolated>[^\u2066-\u2069]*)\u2069)"
    r"|(?P<url>https?://[^\s<>\"\u2066-\u2069]*[^\s<>\"\u2066-\u2069.,;:!?)\]'])"
    r"|(?P<cites>(?:\[\d{1,4}\])+)"
    r"|\*\*(?P<bold>[^\s*](?:.*?[^\s*])?)\*\*"
    r"|(?<![\w*])\*(?P<em>[^\s*](?:[^*]*?[^\s*])?)\*(?![\w*])"
    r"|(?<![\w_])_(?P<em_>[^\s_](?:.*?[^\s_])?)_(?![\w_])"
)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")  # "# C#" keeps its "#"; "# x ##" does not
_BULLET = re.compile(r"^\s{0,3}[-*+]\s+(.*)$")
_SOURCE = re.compile(r"^\[(\d{1,4})\]\s+(.*)$")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")

_FONT = "font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif"
_STYLE = {
    # overflow-wrap:anywhere (not break-word) also narrows the text's smallest width, so a 200-character token
    # (a hash, a serial number) wraps even where a webmail client lays the message out inside its own table.
    "body": f"margin:0;padding:0;background:#ffffff;color:#1a1a1a;overflow-wrap:anywhere;word-break:break-word;{_FONT}",
    "wrap": (
        "max-width:680px;margin:0 auto;padding:16px;font-size:16px;line-height:1.5;"
        f"overflow-wrap:anywhere;word-wrap:break-word;word-break:break-word;{_FONT}"
    ),
    "h1": "font-size:22px;line-height:1.3;margin:0 0 4px 0;overflow-wrap:anywhere",
    "h2": "font-size:17px;margin:22px 0 8px 0;padding-bottom:2px;border-bottom:1px solid #dddddd",
    "h3": "font-size:16px;margin:18px 0 6px 0",
    "p": "margin:0 0 12px 0",
    "ul": "margin:0 0 12px 0;padding-left:22px",
    "li": "margin:0 0 6px 0",
    "cite": "color:#666666;font-size:13px;white-space:nowrap",
    "cite_a": "color:#666666;text-decoration:none",
    "a": "color:#1a55a0",
    "table": "border-collapse:collapse;width:100%;table-layout:fixed;margin:0 0 12px 0;font-size:14px",
    "num": "vertical-align:top;width:34px;padding:3px 6px 3px 0;white-space:nowrap;color:#666666",
    "src": "vertical-align:top;padding:3px 0;overflow-wrap:anywhere;word-break:break-word",
    "hr": "border:0;border-top:1px solid #dddddd;margin:22px 0 12px 0",
    "small": "margin:0 0 8px 0;font-size:12px;color:#666666",
    "small_li": "margin:0 0 4px 0;font-size:12px;color:#666666",
}


# The Markdown's backslash escapes (render.escape: article text never becomes markup) read as their character.
_BACKSLASHED = re.compile(r"\\([\\<>\[\]])")


def _plain_text(raw: str, *, mark_arabic: bool) -> str:
    """Escape text; mark Arabic runs right-to-left unless the caller already did."""
    raw = _BACKSLASHED.sub(r"\1", raw)
    if not mark_arabic:
        return html.escape(raw)
    out, pos = [], 0
    for m in _ARABIC_RUN.finditer(raw):
        out += [html.escape(raw[pos : m.start()]), f'<bdi dir="rtl" lang="ar">{html.escape(m.group())}</bdi>']
        pos = m.end()
    out.append(html.escape(raw[pos:]))
    return "".join(out)


def _inline(raw: str, *, mark_arabic: bool = True) -> str:
    """Inline Markdown (emphasis, citations, links, isolates) to HTML; everything else is escaped text."""
    out, pos = [], 0
    for m in _INLINE.finditer(raw):
        out.append(_plain_text(raw[pos : m.start()], mark_arabic=mark_arabic))
        pos = m.end()
        if m.group("isolate") is not None:
            direction = _ISOLATE_DIR[m.group("isolate")[0]]
            inner = m.group("isolated")
            lang = ' lang="ar"' if direction == "rtl" and re.search(f"[{_ARABIC}]", inner) else ""
            out.append(f'<bdi dir="{direction}"{lang}>{_inline(inner, mark_arabic=False)}</bdi>')
        elif m.group("url") is not None:
            url = m.group("url")
            out.append(
                f'<a href="{html.escape(url)}" title="{html.escape(url)}" style="{_STYLE["a"]}">'
                f"{html.escape(short_url(url))}</a>"
            )
        elif m.group("cites") is not None:
            links = "".join(
                f'<a href="#source-{n}" style="{_STYLE["cite_a"]}">[{n}]</a>' for n in re.findall(r"\d+", m.group("cites"))
            )
            out.append(f'<span style="{_STYLE["cite"]}">{links}</span>')
        elif m.group("bold") is not None:
            out.append(f"<strong>{_inline(m.group('bold'), mark_arabic=mark_arabic)}</strong>")
        else:
            inner = m.group("em") if m.group("em") is not None else m.group("em_")
            out.append(f"<em>{_inline(inner, mark_arabic=mark_arabic)}</em>")
    out.append(_plain_text(raw[pos:], mark_arabic=mark_arabic))
    return "".join(out)


_SHORT_URL = 36  # characters of host and path shown for a link; the whole address is its target


def short_url(url: str) -> str:
    """'example.org/news/2025/…': the host and as much of the (decoded) path as fits, for the text of a link.

    A percent-encoded Arabic path runs to hundreds of characters that no phone can wrap; the reader needs to
    know where a link goes, and the link itself keeps the whole address.
    """
    parts = split_url(url)
    host = (parts.hostname or "").removeprefix("www.") if parts is not None else ""
    if parts is None or not host:  # not an address at all, or "http://news.test:99999/": shown as written
        return url[:_SHORT_URL] + ("…" if len(url) > _SHORT_URL else "")
    if parts.port:
        host += f":{parts.port}"
    shown = host
    segments = [unquote(seg) for seg in parts.path.split("/") if seg]
    for seg in segments:
        if len(shown) + 1 + len(seg) > _SHORT_URL or not seg.isascii() or _BIDI_CONTROLS.search(seg):
            return shown + "/…"
        shown += "/" + seg
    if parts.query or parts.fragment:
        shown += "?…" if parts.query else "#…"
    return shown


def _source_row(n: str, rest: str) -> str:
    publisher, sep, tail = rest.partition(" — ")
    body = f"<strong>{_inline(publisher)}</strong>{sep}{_inline(tail)}" if sep else _inline(rest)
    return (
        f'<tr id="source-{html.escape(n)}"><td style="{_STYLE["num"]}"><a name="source-{html.escape(n)}"></a>'
        f"[{html.escape(n)}]</td>"
        f'<td style="{_STYLE["src"]}">{body}</td></tr>'
    )


def markdown_to_html(markdown: str) -> str:
    """The brief's Markdown as a small, self-contained HTML document: inline styles only, everything escaped."""
    body: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    rows: list[str] = []
    section = ""
    after_rule = False
    title = ""

    def flush_paragraph() -> None:
        if paragraph:
            style = _STYLE["small"] if after_rule else _STYLE["p"]
            body.append(f'<p style="{style}">' + "\n".join(_inline(line) for line in paragraph) + "</p>")
            paragraph.clear()

    def flush_list() -> None:
        if items:
            body.append(f'<ul style="{_STYLE["ul"]}">' + "".join(items) + "</ul>")
            items.clear()

    def flush_rows() -> None:
        if rows:
            body.append(
                f'<table role="presentation" cellpadding="0" cellspacing="0" style="{_STYLE["table"]}">'
                + "".join(rows)
                + "</table>"
            )
            rows.clear()

    def flush_all() -> None:
        flush_paragraph()
        flush_list()
        flush_rows()

    for raw_line in markdown.splitlines():
        line = raw_line.rstrip()
        if not line.strip():
            flush_paragraph()  # a blank line ends a paragraph; lists and the source table run on across it
            continue
        heading = _HEADING.match(line)
        bullet = _BULLET.match(line)
        source = _SOURCE.match(line) if section == "sources" else None
        if heading:
            flush_all()
            level = min(len(heading.group(1)), 3)
            text = heading.group(2)
            if not title and level == 1:
                title = _BACKSLASHED.sub(r"\1", _BIDI_CONTROLS.sub("", text))
            section = _BIDI_CONTROLS.sub("", text).strip().lower()
            body.append(f'<h{level} style="{_STYLE[f"h{level}"]}">{_inline(text)}</h{level}>')
        elif _RULE.match(line):
            flush_all()
            body.append(f'<hr style="{_STYLE["hr"]}">')
            after_rule, section = True, ""
        elif bullet:
            flush_paragraph()  # as in CommonMark, a list may interrupt a paragraph
            flush_rows()
            style = _STYLE["small_li"] if after_rule else _STYLE["li"]
            items.append(f'<li style="{style}">{_inline(bullet.group(1))}</li>')
        elif source:
            flush_paragraph()
            flush_list()
            rows.append(_source_row(source.group(1), source.group(2)))
        else:
            if not paragraph:
                flush_list()
                flush_rows()
            paragraph.append(line.strip())
    flush_all()

    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title or 'Brief')}</title>\n</head>\n"
        f'<body style="{_STYLE["body"]}">\n<div style="{_STYLE["wrap"]}">\n'
        + "\n".join(body)
        + "\n</div>\n</body>\n</html>\n"
    )
