"""The brief as it is mailed: the source list without local file paths, and a plain text that reads left to right.

``for_mail`` drops what means nothing to a reader of the mail: the local file a source was read from (a path on the
machine that made the brief; the JSON brief and the store keep it). ``isolate_plain`` makes the plain-text part read
left to right in every reader: each run of Arabic is wrapped in a right-to-left isolate (RLI ... PDI), and each line
that holds Arabic starts with a LEFT-TO-RIGHT MARK, so even a reader that predates the isolates (Unicode 6.3) takes
the line's direction from an English letter rather than from an Arabic publisher's name.
"""

from __future__ import annotations

import re

_ARABIC = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
# As in html.py: a run of Arabic words with the spaces, digits and punctuation between them, as one island.
_ARABIC_RUN = re.compile(rf"[{_ARABIC}](?:[{_ARABIC}\s\d.,:;!?«»\"'()\-]*[{_ARABIC}])?")
_HAS_ARABIC = re.compile(f"[{_ARABIC}]")
_OPEN, _CLOSE = "\u2066\u2067\u2068", "\u2069"
RLI, PDI, LRM = "\u2067", "\u2069", "\u200e"

_SOURCES_HEADING = re.compile(r"^##\s+Sources\s*$")
_SOURCE_LINE = re.compile(r"^\[\d{1,4}\]\s")
_DATE_PART = re.compile(r"^(?:\d{4}-\d{2}-\d{2}|undated)$")
_URL = re.compile(r"^https?://\S+$")
_ALSO = re.compile(r" \(also found at: (.*)\)$")
_SEP = " — "


def _is_url(part: str) -> bool:
    return bool(_URL.match(part.strip()))


def source_line_for_mail(line: str) -> str:
    """A source line without the local file it was read from (the parts after its date that are not URLs)."""
    also = _ALSO.search(line)
    head = line[: also.start()] if also else line
    parts = head.split(_SEP)
    dated = [i for i, part in enumerate(parts) if _DATE_PART.match(part.strip())]
    if dated:
        cut = dated[-1] + 1
        parts = parts[:cut] + [p for p in parts[cut:] if _is_url(p)]
    out = _SEP.join(parts)
    if also:
        urls = [u for u in also.group(1).split("; ") if _is_url(u)]
        if urls:
            out += f" (also found at: {'; '.join(urls)})"
    return out


def for_mail(markdown: str) -> str:
    """The brief's Markdown with its source list fit for a reader elsewhere: no local file paths."""
    out, in_sources = [], False
    for line in markdown.split("\n"):
        if _SOURCES_HEADING.match(line):
            in_sources = True
        elif line.startswith("#") or line.strip() == "---":
            in_sources = False
        elif in_sources and _SOURCE_LINE.match(line):
            line = source_line_for_mail(line)
        out.append(line)
    return "\n".join(out)


def _isolate_line(line: str) -> str:
    out, pos, depth = [], 0, 0
    # Arabic already inside an isolate (the brief isolates original headlines and publishers) is left as it is.
    spans: list[tuple[int, int]] = []
    start = None
    for i, ch in enumerate(line):
        if ch in _OPEN:
            if depth == 0:
                start = i
            depth += 1
        elif ch == _CLOSE and depth:
            depth -= 1
            if depth == 0 and start is not None:
                spans.append((start, i + 1))
    if depth and start is not None:  # an isolate left open runs to the end of its paragraph
        spans.append((start, len(line)))

    def inside(at: int) -> bool:
        return any(a <= at < b for a, b in spans)

    for m in _ARABIC_RUN.finditer(line):
        if inside(m.start()):
            continue
        out += [line[pos : m.start()], RLI, m.group(), PDI]
        pos = m.end()
    out.append(line[pos:])
    text = "".join(out)
    if _HAS_ARABIC.search(text) and not text.startswith(LRM):
        text = LRM + text
    return text


def isolate_plain(text: str) -> str:
    """Every Arabic run direction-isolated, and every line holding Arabic marked left-to-right at its start."""
    return "\n".join(_isolate_line(line) for line in text.split("\n"))
