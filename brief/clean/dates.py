"""Calendar dates written in Arabic or English, and datelines: lines that are mostly a date."""

from __future__ import annotations

import datetime as dt
import re

from brief.clean.text import normalise_for_matching, prepare_for_translation

# --- dates ------------------------------------------------------------------------------------------------

_MONTHS = {
    **dict.fromkeys(["يناير", "كانون الثاني", "جانفي", "january", "jan"], 1),
    **dict.fromkeys(["فبراير", "شباط", "فيفري", "february", "feb"], 2),
    **dict.fromkeys(["مارس", "اذار", "march", "mar"], 3),
    **dict.fromkeys(["ابريل", "افريل", "نيسان", "april", "apr"], 4),
    **dict.fromkeys(["مايو", "ماي", "ايار", "may"], 5),
    **dict.fromkeys(["يونيو", "يونيه", "حزيران", "جوان", "june", "jun"], 6),
    **dict.fromkeys(["يوليو", "يوليه", "يوليوز", "تموز", "جويليه", "july", "jul"], 7),
    **dict.fromkeys(["اغسطس", "غشت", "اب", "اوت", "august", "aug"], 8),
    **dict.fromkeys(["سبتمبر", "شتنبر", "ايلول", "september", "sept", "sep"], 9),
    **dict.fromkeys(["اكتوبر", "تشرين الاول", "october", "oct"], 10),
    **dict.fromkeys(["نوفمبر", "نونبر", "تشرين الثاني", "november", "nov"], 11),
    **dict.fromkeys(["ديسمبر", "دجنبر", "كانون الاول", "december", "dec"], 12),
}
_MONTH = "(?:" + "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True)) + r")(?!\w)"
# Patterns run on normalise_for_matching() text. "ديسمبر/كانون الأول" and "ديسمبر (كانون الأول)" are one month.
_DATE_PATTERNS = (
    re.compile(rf"(?<!\d)(?P<d>\d{{1,2}})\s*(?P<m>{_MONTH})(?:\s*[/(\-–]\s*{_MONTH}\s*\)?)?[\s,،]+(?P<y>\d{{4}})(?!\d)"),
    re.compile(rf"(?<!\w)(?P<m>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?!\d)"),
    re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<n>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(?P<d>\d{1,2})[-/.](?P<n>\d{1,2})[-/.](?P<y>\d{4})(?!\d)"),
)


def find_date(text: str) -> dt.date | None:
    """The first calendar date written in text (Arabic, Levantine or English month names; ISO, dotted, d/m/y)."""
    found = _find_dates(normalise_for_matching(text))
    return found[0][0] if found else None


def _find_dates(norm: str) -> list[tuple[dt.date, int, int]]:
    """Every valid date in normalised text as (date, start, end), in order, without overlaps."""
    hits: list[tuple[dt.date, int, int]] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(norm):
            month = _MONTHS[m.group("m")] if "m" in m.groupdict() else int(m.group("n"))
            year = int(m.group("y"))
            if not 1900 <= year <= 2100:
                continue
            try:
                hits.append((dt.date(year, month, int(m.group("d"))), m.start(), m.end()))
            except ValueError:
                continue
    hits.sort(key=lambda h: h[1])
    result: list[tuple[dt.date, int, int]] = []
    for hit in hits:
        if not result or hit[1] >= result[-1][2]:
            result.append(hit)
    return result


# Words a dateline carries besides the date: weekday, "published", "updated", time zone.
_DATELINE_WORDS = frozenset(
    "الاحد الاثنين الاتنين الثلاثاء الاربعاء الخميس الجمعه السبت نشر في تاريخ النشر اخر تحديث التحديث بتاريخ "
    "بتوقيت مكه المكرمه القدس دمشق غرينتش ص م sunday monday tuesday wednesday thursday friday saturday "
    "published updated on at gmt utc am pm".split()
)
_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")


def _dateline(text: str) -> tuple[dt.date, str] | None:
    """(date, what else the line says) when a line is mostly a date, e.g. "● أخبار سورية ٢٤ أكتوبر ٢٠٢٥"."""
    words = [w for w in prepare_for_translation(text).split() if normalise_for_matching(w)]
    if not words or len(words) > 10:
        return None
    keys = [normalise_for_matching(w) for w in words]
    norm = " ".join(keys)
    found = _find_dates(norm)
    if not found:
        return None
    offsets, pos = [], 0
    for key in keys:
        offsets.append(pos)
        pos += len(key) + 1
    rest = []
    for word, key, start in zip(words, keys, offsets):
        if any(s <= start < e for _, s, e in found) or _TIME.fullmatch(key.strip(":")):
            continue
        bare = key.strip("-–|,،:•●·()[]")
        if not any(ch.isalnum() for ch in bare) or bare in _DATELINE_WORDS:
            continue
        rest.append(word)
    if len(rest) > 4:
        return None
    return found[0][0], " ".join(rest)
