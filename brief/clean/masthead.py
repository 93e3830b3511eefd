"""The masthead at the top of a text dump: the outlet's name, often bilingual, printed over the date line.

A page copied from a browser or a reader view opens as a human reads it:

    مصراوي (Masrawy)               the masthead: the outlet's name, here with its Latin name in brackets
    2025-10-02                     the date line
    (a headline, or none)          a headline-less excerpt goes straight on to the first paragraph

or with the headline first and the masthead and date under it (``التقارب التركي السوري …`` / ``وكالة أنباء
آسيا`` / ``2025.03.18 - 01:41``). The masthead is the publisher, never the headline. Its forms:

    bilingual      ``مصراوي (Masrawy)``, ``هسبريس Hespress``, ``عنب بلدي – Enab Baladi``,
                   ``Asharq Al-Awsat | الشرق الأوسط``: the Arabic name is the publisher
    with its site  ``الشروق | shorouknews.com``: the name without the address
    plain          ``الوطن نيوز``, ``Sky News عربية``, ``▪ الميادين نت``: a short name-like line, taken as a
                   masthead only when the date line is right under it (or under the slogan below it); a
                   description after a bar (``الأنباء | صحيفة كويتية يومية``) is not part of the name

    address        ``lebrawad.net``, ``www.alwasat-news.com.lb``, ``برلمان.كوم``: the site's address alone on the
                   line, first on the page, over the date line or under the headline: the address is the name

Only the very top of the page counts (its first two lines, once separators, share buttons and menus are set
aside): lower down, a short line over a date is a byline or a section label, and an address a photo credit.

A folder read as a whole tells more than one page. Pages saved by one hand or one tool share a layout: where
the pages whose masthead is certain (an address, a bilingual name, a name over its date line) all print it last
in the block of lines the page opens with (above the date line, if any), a bare short name in that place on
another page of the folder is its masthead too (``folder_layout``), though alone on one page it could be a
short headline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from brief.clean.dates import _dateline
from brief.clean.text import normalise_for_matching

_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LATIN = re.compile(r"[A-Za-z]")
# "shorouknews.com", "www.al-ayyam.ps", "elbalad.news": a site's address printed beside its name.
_ADDRESS = re.compile(r"^(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,6}/?$", re.IGNORECASE)
# "برلمان.كوم": an address written in Arabic letters.
_ARABIC_ADDRESS = re.compile(r"^[\u0621-\u064a0-9-]+\.(?:كوم|نت|اورغ|أورغ|انفو)$")
_BRACKETED = re.compile(r"^(?P<a>[^()]+?)\s*\((?P<b>[^()]+)\)$")
_SEPARATED = re.compile(r"^(?P<a>.+?)\s+[|\-–—]\s+(?P<b>.+)$")
_MAX_NAME_WORDS = 5


def _arabic_only(text: str) -> bool:
    return bool(_ARABIC.search(text)) and not _LATIN.search(text)


def _latin_only(text: str) -> bool:
    return bool(_LATIN.search(text)) and not _ARABIC.search(text)


def bilingual_name(text: str) -> str | None:
    """The Arabic name in a masthead that also gives a Latin name or the site's address; None for other lines.

    ``مصراوي (Masrawy)`` and ``الشروق | shorouknews.com`` give ``مصراوي`` and ``الشروق``; ``Asharq Al-Awsat |
    الشرق الأوسط`` gives ``الشرق الأوسط``; ``هسبريس Hespress`` (the Latin name after the Arabic, no mark between)
    gives ``هسبريس``. A bracket in Arabic (``وكالة الأنباء السعودية (واس)``) is part of the name: not bilingual.
    """
    text = _LEADING_SYMBOLS.sub("", " ".join(text.split()))
    if (m := _BRACKETED.match(text)) and _arabic_only(m["a"]) and _latin_only(m["b"]):
        return _name_or_none(m["a"])
    if m := _SEPARATED.match(text):
        return _separated_name(m["a"].strip(), m["b"].strip())
    return _side_by_side_name(text.split())


def _separated_name(a: str, b: str) -> str | None:
    """"الشروق | shorouknews.com", "Asharq Al-Awsat | الشرق الأوسط": the Arabic side, when the other is Latin."""
    if _arabic_only(a) and (_latin_only(b) or _ADDRESS.match(b)):
        return _name_or_none(a)
    if (_latin_only(a) or _ADDRESS.match(a)) and _arabic_only(b):
        return _name_or_none(b)
    return None


def _side_by_side_name(words: list[str]) -> str | None:
    """"هسبريس Hespress", "سودان تربيون Sudan Tribune": Arabic words, then the same name in Latin letters."""
    split = next((i for i, w in enumerate(words) if _LATIN.search(w)), len(words))
    arabic, latin = words[:split], words[split:]
    if not (arabic and latin and len(arabic) <= 3 and len(latin) <= 3 and latin[0][:1].isupper()):
        return None
    if all(_arabic_only(w) or w.isdigit() for w in arabic) and all(_latin_only(w) or w.isdigit() for w in latin):
        return _name_or_none(" ".join(arabic))
    return None


def _name_or_none(name: str) -> str | None:
    name = name.strip(" -–—|:")
    return name if 1 <= len(name.split()) <= _MAX_NAME_WORDS else None


# "📰 البوابة نيوز", "▪ الميادين نت": a symbol before the name is not part of it.
_LEADING_SYMBOLS = re.compile(r"^[^\w\"«“'(\[#]+")
# Only after a bar: "تونس - الترفيع في أسعار الحليب" over a date line is a headline, not "تونس" described.
_DESCRIPTOR = re.compile(r"^\s*(?P<name>[^|]+?)\s+\|\s+(?P<rest>(?:\S+\s*){1,5})$")


def plain_name(text: str) -> str:
    """The name in a monolingual masthead: without a leading symbol, and without the description after a bar.

    ``الأنباء | صحيفة كويتية يومية`` is ``الأنباء``: the first part of such a line is the name, the rest says
    what it is.
    """
    text = _LEADING_SYMBOLS.sub("", " ".join(text.split()))
    found = _DESCRIPTOR.match(text)
    return found.group("name") if found and name_like(found.group("name")) else text


def name_like(text: str) -> bool:
    """A short line that can be an outlet's name: a few words, no sentence or label punctuation, no year at the end.

    "صوت الشعب منذ 1967" (a slogan) and "Économie" (a section) are told apart by the caller, which knows the
    date line; here only the shape is judged.
    """
    words = text.split()
    return (
        1 <= len(words) <= _MAX_NAME_WORDS
        and not any(ch in ".!?؟:؛;«»\"“”" for ch in text)
        and not re.search(r"(?<!\d)\d{4}$", text)  # "منذ 1967", "2025": not a name's last word
        and not any(w.isdigit() for w in words[:-1])  # "القاهرة 24", "عربي21", "Le360 عربي", not "12 يناير"
    )


def site_address(text: str) -> bool:
    """A line that is only a web site's address: ``lebrawad.net``, ``www.alwasat-news.com.lb``, ``برلمان.كوم``."""
    text = text.strip()
    return bool(_ADDRESS.match(text) or _ARABIC_ADDRESS.match(text))


_MAX_BLOCK = 4  # headline, masthead, date and a slogan or time: an opening block longer than that is text


def opening_block(lines: Sequence[str]) -> list[str]:
    """The lines a page opens with, up to its first blank line; empty when the page has no such short block."""
    block: list[str] = []
    for line in lines:
        if line.strip():
            block.append(line.strip())
        elif block:
            return block if len(block) <= _MAX_BLOCK else []
    return []  # no blank line after the block: the page runs on, nothing sets its top apart


def closing_line(block: Sequence[str]) -> int | None:
    """Where the opening block ends, above the date line(s) that may close it: the index of its last other line."""
    for i in range(len(block) - 1, -1, -1):
        found = _dateline(block[i])
        if found is None or len(found[1].split()) > 2:
            return i
    return None


def closes_block(lines: Sequence[str], publisher: str | None) -> bool | None:
    """Whether a page's masthead closes its opening block (True), sits elsewhere in it (False), or is not in it."""
    if not publisher or not (name := normalise_for_matching(publisher)):
        return None
    block = opening_block(lines)
    named = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
    at = [i for i, line in enumerate(block) if named.search(normalise_for_matching(line))]
    if not at:
        return None
    return at[0] == closing_line(block)


_MIN_PAGES_SHOWING = 3  # one or two pages are a coincidence, three a layout


def folder_layout(votes: Iterable[bool | None]) -> bool:
    """Whether a folder's pages close their opening block with the masthead: three or more pages show it, and
    (nearly) none of the pages whose masthead is certain puts it elsewhere (``closes_block`` per page)."""
    shown = [v for v in votes if v is not None]
    closing = sum(shown)
    return closing >= _MIN_PAGES_SHOWING and len(shown) - closing <= closing // 5
