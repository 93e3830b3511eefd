"""Render a Brief as one page of Markdown, or as JSON with full provenance.

Layout only: what goes on the page was chosen within the word budget by ``select.plan``. Render guards the
budget (the English can run longer than estimated): while the page is over it drops the last "Also noted" line,
then the last key point of the section that has the most, then whole sections, lowest-ranked first (named in the
footer), so the page keeps its budget whatever the translations are.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from brief.records import AlsoNoted, Brief, BriefSentence, Section, SourceEntry

SOURCES_HEADING = "## Sources"
# Unicode isolates keep an Arabic headline right-to-left inside an English line without reordering its neighbours.
_RLI, _PDI = "\u2067", "\u2069"
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


def isolate(text: str) -> str:
    """Text holding Arabic wrapped in a right-to-left isolate, so it cannot turn its line's direction."""
    return f"{_RLI}{text}{_PDI}" if _ARABIC.search(text) else text


# What would make article text into markup: raw HTML (<script>), links and link definitions ([x](javascript:..)).
_MARKUP = re.compile(r"([\\<>\[\]])")


def escape(text: str) -> str:
    """Text from an article as literal Markdown: backslash before ``\\ < > [ ]``, so no tag or link survives."""
    return _MARKUP.sub(r"\\\1", text)


def human_date(day: dt.date) -> str:
    """'24 October 2025'."""
    return f"{day.day} {day.strftime('%B')} {day.year}"


def date_range(brief: Brief) -> str:
    """The span the sources cover, saying how many are undated."""
    undated = sum(1 for s in brief.sources if s.date is None)
    if brief.date_from is None or brief.date_to is None:
        return "undated"
    span = human_date(brief.date_from)
    if brief.date_to != brief.date_from:
        span += f" – {human_date(brief.date_to)}"
    if undated:
        span += f" ({undated} undated)"
    return span


def coverage(brief: Brief) -> str:
    """'3 sources · 22 October 2025 – 24 October 2025', the line under the title."""
    n = len(brief.sources)
    return f"{n} source{'s' if n != 1 else ''} · {date_range(brief)}"


def shows_heading(brief: Brief, k: int) -> bool:
    """Whether section ``k`` is headed on the page: the lead story's heading is the page's title."""
    section = sections_of(brief)[k]
    return section.heading is not None and (k > 0 or section.heading != brief.title)


def citations(cites: Sequence[int]) -> str:
    """'[1][3]'."""
    return "".join(f"[{n}]" for n in cites)


def sentence_text(s: BriefSentence, *, one_source: bool = False) -> str:
    """A printed sentence as plain text, with its date notes and "(one source)" mark, without its citations."""
    text = s.text.strip()
    # A relative date means little a day later: say which day it was, when compose found it certain.
    notes = dict.fromkeys(note.text() for note in s.notes)
    if notes:
        text += f" ({'; '.join(notes)})"
    if one_source:
        text += " (one source)"
    return text


def _sentence(s: BriefSentence, *, one_source: bool = False) -> str:
    return f"{escape(sentence_text(s, one_source=one_source))} {citations(s.cites)}"


def one_source_mark(section: Section, point: BriefSentence) -> bool:
    """Whether a key point is marked "(one source)"."""
    # "one source" only means something where other sources were there to agree.
    several = len({c for s in (*section.bottom_line, *section.points) for c in s.cites}) > 1
    return several and point.single_source


def update_parts(update: dict[str, Any]) -> tuple[dict[str, Any], str, str, list[dict[str, Any]]]:
    """A "Latest figure" entry's parts, for the Markdown and the mail alike: the latest value, its day (" (29
    March 2025)" or ""), "up" or "revised", and the earlier values."""
    latest, *earlier = update["values"]
    day = f" ({human_date(dt.date.fromisoformat(latest['date']))})" if latest.get("date") else ""
    return latest, day, "up" if update.get("rose", True) else "revised", earlier


def _update_line(update: dict[str, Any]) -> str:
    """"1,644 dead [2] (29 March 2025), up from 1,000 [3]": the latest value, its day, and what it was before."""
    latest, day, went, earlier = update_parts(update)
    before = ", ".join(f"{escape(v['value'])} {citations(v['cites'])}" for v in earlier)
    return f"{escape(latest['value'])} {citations(latest['cites'])}{day}, {went} from {before}"


def entry(item: Any) -> dict[str, Any]:
    """A timeline or difference entry as CONTRACT.md's dict (records carry ``to_json``; plain dicts pass)."""
    return item.to_json() if hasattr(item, "to_json") else dict(item)


_WEB = re.compile(r"^https?://\S+$")


def is_web_address(location: str) -> bool:
    """Whether a source's location is a web address (which a reader elsewhere can open), not a local file."""
    return bool(_WEB.match(location.strip()))


def source_parts(s: SourceEntry, *, for_mail: bool = False) -> tuple[list[str], list[str]]:
    """A source line's parts as text (publisher, headlines, date, location, URL) and the places it was also found.

    For the mail (``for_mail``) the local files are left out: a path on the machine that made the brief means
    nothing to a reader elsewhere (the saved brief, its JSON and the store keep them).
    """
    original = f"{_RLI}{s.title_original}{_PDI}" if s.title_original and s.language == "ar" else s.title_original
    parts = [
        isolate(s.publisher or "Unknown publisher"),
        s.title_en or "(no headline)",
        *([original] if original and original != s.title_en else []),
        s.date.isoformat() if s.date else "undated",
        *([s.location] if not for_mail or is_web_address(s.location) else []),
        *([s.url] if s.url else []),
    ]
    also = [a for a in s.also_at if not for_mail or is_web_address(a)]
    return parts, also


def source_line(s: SourceEntry, *, for_mail: bool = False) -> str:
    """'[n] Publisher — English headline — original headline — date or "undated" — location — URL (also found at: …)'."""
    parts, also = source_parts(s, for_mail=for_mail)
    line = f"[{s.n}] " + " — ".join(escape(part) for part in parts)  # [n] is ours
    if also:
        line += f" (also found at: {escape('; '.join(also))})"
    return line


def signature(brief: Brief) -> str:
    """How the brief was made: version, models with revisions, texts translated, key settings."""
    models = "; ".join(
        f"{m.kind} {m.name} ({m.ref}" + (f", beams {m.params['num_beams']}" if "num_beams" in m.params else "") + ")"
        for m in brief.models
    )
    # What is on the page: the page guard may have left points or whole sections off.
    page = fit(brief)
    printed = [
        s
        for k, (section, points) in enumerate(zip(sections_of(brief), page.points))
        if k not in page.dropped
        for s in (*section.bottom_line, *points)
    ]
    generated = sum(s.generated for s in printed)
    made = brief.made_at.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    cached = f", {brief.translated_cached} from the cache" if brief.translated_cached else ""
    return (
        f"Made by brief {brief.version} on {made} · {models} · "
        + (
            f"{generated} of {len(printed)} sentences rewritten by the summariser, the rest are source sentences as translated · "
            if any(m.kind == "summariser" for m in brief.models)
            else "extractive: every sentence is a source sentence as translated · "
        )
        + f"{brief.translated} texts translated{cached} · "
        + f"budget {brief.word_budget} words"
    )


def sections_of(brief: Brief) -> tuple[Section, ...]:
    """The brief's sections; a brief made without stories is one unheaded (and empty) section."""
    if brief.sections:
        return brief.sections
    return (Section(story="", heading=None, heading_original=None, bottom_line=(), points=()),)


@dataclass(frozen=True)
class Page:
    """What fits the word budget: the key points kept per section and the also-noted lines kept."""

    points: tuple[tuple[BriefSentence, ...], ...]  # one tuple per section
    also_noted: tuple[AlsoNoted, ...]
    dropped: tuple[int, ...] = ()  # sections left off whole (indexes), when their bottom lines alone overran

    def note(self, brief: Brief) -> str | None:
        """The footer's line naming the sections the guard left off, or None."""
        if not self.dropped:
            return None
        shown = sections_of(brief)
        headings = "; ".join(f"“{escape(shown[k].heading or 'Bottom line')}”" for k in self.dropped)
        n = len(self.dropped)
        return f"{n} section{'s' if n != 1 else ''} did not fit the {brief.word_budget}-word page: {headings}"


def body_markdown(brief: Brief, page: Page) -> str:
    """Everything before the source list (what the word budget counts)."""
    lines = [f"# {escape(brief.title)}", "", f"*{coverage(brief)}*", ""]
    for k, (section, points) in enumerate(zip(sections_of(brief), page.points)):
        if k in page.dropped:
            continue
        if section.heading is None:  # a brief without stories: its parts are labelled
            lines += _unheaded_lines(section, points)
        else:
            lines += _section_lines(section, points, shows_heading(brief, k))
    if page.also_noted:
        lines += ["## Also noted", ""]
        for a in page.also_noted:
            lines += [f"- {escape(a.text.strip())} {citations(a.cites)}", *(f"  *{escape(line)}*" for line in a.previously)]
        lines += [""]
    return "\n".join(lines)


def _block(lines: list[str]) -> list[str]:
    """Lines followed by a blank one, or nothing when there are none."""
    return [*lines, ""] if lines else []


def _bottom(section: Section) -> str:
    return " ".join(_sentence(s) for s in section.bottom_line) or "_Nothing to report._"


def _unheaded_lines(section: Section, points: Sequence[BriefSentence]) -> list[str]:
    """The one section of a brief without stories: a labelled bottom line and key points."""
    lines = ["## Bottom line", "", _bottom(section), ""]
    lines += _block([f"*{escape(line)}*" for line in section.previously])
    return lines + _block(["## Key points", "", *(f"- {_sentence(s)}" for s in points)] if points else [])


def _section_lines(section: Section, points: Sequence[BriefSentence], heading: bool) -> list[str]:
    """A story's section: heading (unless it is the page's title), marks, bottom line, earlier briefs, points,
    timeline, latest figures and disagreements."""
    lines = [f"## {escape(section.heading or '')}", ""] if heading else []
    lines += _block([f"*{escape(mark)}*" for mark in section.marks])
    lines += [_bottom(section), ""]
    lines += _block([f"*{escape(line)}*" for line in section.previously])
    lines += _block([f"- {_sentence(s, one_source=one_source_mark(section, s))}" for s in points])
    events = [entry(e) for e in section.timeline]
    lines += _block(["**Timeline**", "", *(f"- {escape(e['text'])} {citations(e['cites'])}" for e in events)] if events else [])
    # A count that changed over the days is given at its latest, dated: it is news, not a disagreement.
    lines += _block([f"*Latest figure:* {_update_line(entry(u))}" for u in section.updates])
    return lines + _block([
        "*Sources differ:* " + " vs ".join(f"{escape(v['value'])} {citations(v['cites'])}" for v in d["values"])
        for d in map(entry, section.differences)
    ])  # fmt: skip


def fit(brief: Brief) -> Page:
    """What fits the word budget: the last also-noted lines go first, then key points, the weakest first, then
    whole sections, the lowest-ranked (last) first."""
    points = [list(section.points) for section in sections_of(brief)]
    also = list(brief.also_noted)
    dropped: list[int] = []

    def page() -> Page:
        return Page(tuple(map(tuple, points)), tuple(also), tuple(sorted(dropped)))

    while len(body_markdown(brief, page()).split()) > brief.word_budget:
        if also:
            also.pop()
        elif any(points):
            longest = max(range(len(points)), key=lambda k: (len(points[k]), k))
            points[longest].pop()
        elif len(dropped) < len(points):
            dropped.append(max(set(range(len(points))) - set(dropped)))
        else:
            break
    return page()


def to_markdown(brief: Brief, *, for_mail: bool = False) -> str:
    """The one-page brief (``for_mail``: its source list without local file paths, as it is mailed)."""
    page = fit(brief)
    body = body_markdown(brief, page)
    lines = [body, SOURCES_HEADING, ""]
    for s in brief.sources:
        lines += [source_line(s, for_mail=for_mail), ""]
    lines += ["---", "", f"_{signature(brief)}_"]
    if brief.skipped:
        lines += ["", f"**Skipped {len(brief.skipped)} input(s):**", ""]
        lines += [f"- {escape(s.location)} — {escape(s.reason)}" for s in brief.skipped]
    left_out = [*brief.left_out, *filter(None, [page.note(brief)])]
    if left_out:
        lines += ["", *(f"_{note[:1].upper()}{note[1:]}._" for note in left_out)]
    return "\n".join(lines).rstrip() + "\n"


def to_json(brief: Brief) -> str:
    """The same brief with full provenance."""
    page = fit(brief)
    data = {
        "title": brief.title,
        "date_from": brief.date_from.isoformat() if brief.date_from else None,
        "date_to": brief.date_to.isoformat() if brief.date_to else None,
        "made_at": brief.made_at.isoformat(),
        "version": brief.version,
        "word_budget": brief.word_budget,
        "words": len(body_markdown(brief, page).split()),
        "models": [{"kind": m.kind, "name": m.name, "ref": m.ref, "params": dict(m.params)} for m in brief.models],
        "signature": signature(brief),
        "sections": [
            section.to_json(points)
            for k, (section, points) in enumerate(zip(brief.sections, page.points))
            if k not in page.dropped
        ],
        "also_noted": [a.to_json() for a in page.also_noted],
        "stories": [s.to_json() for s in brief.stories],
        "translated": {"texts": brief.translated, "cached": brief.translated_cached},
        "sources": [s.to_json() for s in brief.sources],
        "skipped": [s.to_json() for s in brief.skipped],
        "left_out": [*brief.left_out, *filter(None, [page.note(brief)])],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@dataclass(frozen=True)
class Format:
    """An output format: how a brief is rendered in it, and the file suffix a brief in it gets."""

    render: Callable[[Brief], str]
    suffix: str


# The one table of output formats: --format, the files a run writes, `brief send` and the mail all use it.
FORMATS = {"markdown": Format(to_markdown, "md"), "json": Format(to_json, "json")}
