"""The brief as a small, self-contained HTML document, made from the ``Brief`` record: inline styles only,
everything escaped.

The page is the one render.fit keeps (what the Markdown shows), laid out with render's own pieces (the sentence
with its date notes, the coverage line, the source parts, the signature). Arabic runs are marked right-to-left
(``<bdi dir="rtl">``), and the Unicode isolates the brief carries become ``<bdi>`` elements, so a mail client lays
out mixed English and Arabic as the Markdown does.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote

from brief import render
from brief.records import Brief, BriefSentence, Section, SourceEntry
from brief.urls import split_url

_ARABIC = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
# A run of Arabic words with the spaces, digits and punctuation between them, so a whole phrase is one RTL island.
_ARABIC_RUN = re.compile(rf"[{_ARABIC}](?:[{_ARABIC}\s\d.,:;!?«»\"'()\-]*[{_ARABIC}])?")
_ISOLATE_DIR = {"\u2066": "ltr", "\u2067": "rtl", "\u2068": "auto"}
# In text from the record: a Unicode isolate the brief set (render.isolate), or a web address to link.
_INLINE = re.compile(
    r"(?P<isolate>[\u2066\u2067\u2068](?P<isolated>[^\u2066-\u2069]*)\u2069)"
    r"|(?P<url>https?://[^\s<>\"\u2066-\u2069]*[^\s<>\"\u2066-\u2069.,;:!?)\]'])"
)
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


def _plain_text(raw: str, *, mark_arabic: bool) -> str:
    """Escape text; mark Arabic runs right-to-left unless the caller already did."""
    if not mark_arabic:
        return html.escape(raw)
    out, pos = [], 0
    for m in _ARABIC_RUN.finditer(raw):
        out += [html.escape(raw[pos : m.start()]), f'<bdi dir="rtl" lang="ar">{html.escape(m.group())}</bdi>']
        pos = m.end()
    out.append(html.escape(raw[pos:]))
    return "".join(out)


def text(raw: str, *, mark_arabic: bool = True) -> str:
    """Text from the brief as HTML: escaped (never markup), isolates as ``<bdi>``, Arabic right-to-left, links."""
    out, pos = [], 0
    for m in _INLINE.finditer(raw):
        out.append(_plain_text(raw[pos : m.start()], mark_arabic=mark_arabic))
        pos = m.end()
        if m.group("isolate") is not None:
            direction = _ISOLATE_DIR[m.group("isolate")[0]]
            inner = m.group("isolated")
            lang = ' lang="ar"' if direction == "rtl" and re.search(f"[{_ARABIC}]", inner) else ""
            out.append(f'<bdi dir="{direction}"{lang}>{text(inner, mark_arabic=False)}</bdi>')
        else:
            url = m.group("url")
            out.append(
                f'<a href="{html.escape(url)}" title="{html.escape(url)}" style="{_STYLE["a"]}">'
                f"{html.escape(short_url(url))}</a>"
            )
    out.append(_plain_text(raw[pos:], mark_arabic=mark_arabic))
    return "".join(out)


def cites(numbers: Sequence[int]) -> str:
    """'[1][3]', each linked to its line in the source list."""
    links = "".join(f'<a href="#source-{n}" style="{_STYLE["cite_a"]}">[{n}]</a>' for n in numbers)
    return f'<span style="{_STYLE["cite"]}">{links}</span>'


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


def _sentence(s: BriefSentence, *, one_source: bool = False) -> str:
    return f"{text(render.sentence_text(s, one_source=one_source))} {cites(s.cites)}"


def _tag(name: str, inner: str, style: str | None = None) -> str:
    return f'<{name} style="{_STYLE[style or name]}">{inner}</{name}>'


def _list(items: Sequence[str], style: str = "li") -> str:
    return _tag("ul", "".join(_tag("li", item, style) for item in items))


def _lines(lines: Sequence[str], style: str = "p") -> list[str]:
    """Lines in italics (marks, "Previously ..."), one paragraph."""
    return [_tag("p", "<br>\n".join(f"<em>{text(line)}</em>" for line in lines), style)] if lines else []


def _update(update: dict[str, Any]) -> str:
    """As render's "Latest figure" line: the latest value, its day, and what it was before."""
    latest, day, went, earlier = render.update_parts(update)
    before = ", ".join(f"{text(v['value'])} {cites(v['cites'])}" for v in earlier)
    return f"<em>Latest figure:</em> {text(latest['value'])} {cites(latest['cites'])}{text(day)}, {went} from {before}"


def _section(brief: Brief, k: int, section: Section, points: Sequence[BriefSentence]) -> list[str]:
    """One section as render.body_markdown lays it out."""
    bottom = " ".join(_sentence(s) for s in section.bottom_line) or "<em>Nothing to report.</em>"
    if section.heading is None:  # a brief without stories: its parts are labelled
        out = [_tag("h2", "Bottom line"), _tag("p", bottom), *_lines(section.previously)]
        if points:
            out += [_tag("h2", "Key points"), _list([_sentence(s) for s in points])]
        return out
    out = [_tag("h2", text(section.heading))] if render.shows_heading(brief, k) else []
    out += [*_lines(section.marks), _tag("p", bottom), *_lines(section.previously)]
    if points:
        out.append(_list([_sentence(s, one_source=render.one_source_mark(section, s)) for s in points]))
    events = [render.entry(e) for e in section.timeline]
    if events:
        out += [_tag("p", "<strong>Timeline</strong>"), _list([f"{text(e['text'])} {cites(e['cites'])}" for e in events])]
    out += [_tag("p", _update(render.entry(u))) for u in section.updates]
    for d in map(render.entry, section.differences):
        values = " vs ".join(f"{text(v['value'])} {cites(v['cites'])}" for v in d["values"])
        out.append(_tag("p", f"<em>Sources differ:</em> {values}"))
    return out


def _source_row(s: SourceEntry) -> str:
    """One line of the source list as a table row (the mail leaves local files out: render.source_parts)."""
    (publisher, *rest), also = render.source_parts(s, for_mail=True)
    body = f"<strong>{text(publisher)}</strong>" + "".join(f" — {text(part)}" for part in rest)
    if also:
        body += f" (also found at: {'; '.join(text(a) for a in also)})"
    return (
        f'<tr id="source-{s.n}"><td style="{_STYLE["num"]}"><a name="source-{s.n}"></a>[{s.n}]</td>'
        f'<td style="{_STYLE["src"]}">{body}</td></tr>'
    )


def _footer(brief: Brief, page: render.Page) -> list[str]:
    """The signature, the inputs skipped and what was left out, in small print under a rule."""
    out = [f'<hr style="{_STYLE["hr"]}">', _tag("p", f"<em>{text(render.signature(brief))}</em>", "small")]
    if brief.skipped:
        out.append(_tag("p", f"<strong>Skipped {len(brief.skipped)} input(s):</strong>", "small"))
        out.append(_list([f"{text(s.location)} — {text(s.reason)}" for s in brief.skipped], "small_li"))
    for note in [*brief.left_out, *filter(None, [page.note(brief)])]:
        out.append(_tag("p", f"<em>{text(note[:1].upper() + note[1:])}.</em>", "small"))
    return out


def to_html(brief: Brief) -> str:
    """The brief as a small, self-contained HTML document (its page, as render.fit keeps it): inline styles only,
    everything escaped, citations linked to the source list, no local file paths."""
    page = render.fit(brief)
    body = [_tag("h1", text(brief.title)), _tag("p", f"<em>{text(render.coverage(brief))}</em>")]
    for k, (section, points) in enumerate(zip(render.sections_of(brief), page.points)):
        if k not in page.dropped:
            body += _section(brief, k, section, points)
    if page.also_noted:
        items = [
            f"{text(a.text.strip())} {cites(a.cites)}" + "".join(f"<br>\n<em>{text(line)}</em>" for line in a.previously)
            for a in page.also_noted
        ]
        body += [_tag("h2", "Also noted"), _list(items)]
    if brief.sources:
        rows = "".join(_source_row(s) for s in brief.sources)
        body += [
            _tag("h2", "Sources"),
            f'<table role="presentation" cellpadding="0" cellspacing="0" style="{_STYLE["table"]}">{rows}</table>',
        ]
    else:
        body.append(_tag("h2", "Sources"))
    body += _footer(brief, page)
    title = _BIDI_CONTROLS.sub("", brief.title)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title or 'Brief')}</title>\n</head>\n"
        f'<body style="{_STYLE["body"]}">\n<div style="{_STYLE["wrap"]}">\n'
        + "\n".join(body)
        + "\n</div>\n</body>\n</html>\n"
    )
