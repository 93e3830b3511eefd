"""Dates written in Arabic or English: calendar dates (Gregorian and Hijri), datelines, and relative dates.

Calendar dates are found in ``normalise_for_matching`` text, so alef, ya and ta marbuta variants, diacritics,
tatweel and Arabic-Indic or Persian digits need no patterns of their own. Month names cover the Egyptian/Gulf
set (يناير ...), the Levantine/Iraqi set (كانون الثاني ...), the Algerian/Tunisian set (جانفي ... جويلية,
أوت) and the Moroccan one (يوليوز, غشت, شتنبر, نونبر, دجنبر), and English. A date with a Hijri month name
or a هـ mark is converted to Gregorian on the Umm al-Qura calendar; when a text has both, the Gregorian
date wins, because it is the one the publisher's other dates are in.

Relative dates ("أمس", "الأحد الماضي", "10 مارس الجاري", "last Tuesday") are found by ``relative_dates`` and
resolved against the publication date when it is known.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from brief.clean.text import normalise_for_matching, prepare_for_translation

# --- calendar dates ---------------------------------------------------------------------------------------

_MONTHS = {
    **dict.fromkeys(["يناير", "كانون الثاني", "كانون ثاني", "جانفي", "january", "jan"], 1),
    **dict.fromkeys(["فبراير", "شباط", "فيفري", "february", "feb"], 2),
    **dict.fromkeys(["مارس", "اذار", "march", "mar"], 3),
    **dict.fromkeys(["ابريل", "افريل", "نيسان", "april", "apr"], 4),
    **dict.fromkeys(["مايو", "ماي", "ايار", "may"], 5),
    **dict.fromkeys(["يونيو", "يونيه", "حزيران", "جوان", "june", "jun"], 6),
    **dict.fromkeys(["يوليو", "يوليه", "يوليوز", "تموز", "جويليه", "july", "jul"], 7),
    **dict.fromkeys(["اغسطس", "غشت", "اب", "اوت", "august", "aug"], 8),
    **dict.fromkeys(["سبتمبر", "شتنبر", "ايلول", "september", "sept", "sep"], 9),
    **dict.fromkeys(["اكتوبر", "تشرين الاول", "تشرين اول", "october", "oct"], 10),
    **dict.fromkeys(["نوفمبر", "نونبر", "تشرين الثاني", "تشرين ثاني", "november", "nov"], 11),
    **dict.fromkeys(["ديسمبر", "دجنبر", "كانون الاول", "كانون اول", "december", "dec"], 12),
}
_HIJRI_MONTHS = {
    **dict.fromkeys(["محرم", "المحرم"], 1),
    "صفر": 2,
    **dict.fromkeys(["ربيع الاول", "ربيع اول"], 3),
    **dict.fromkeys(["ربيع الثاني", "ربيع الاخر", "ربيع ثاني", "ربيع اخر"], 4),
    **dict.fromkeys(["جمادي الاولي", "جمادي الاول", "جمادي اولي"], 5),
    **dict.fromkeys(["جمادي الاخره", "جمادي الثانيه", "جمادي الاخر", "جمادي الثاني", "جمادي اخره"], 6),
    "رجب": 7,
    "شعبان": 8,
    "رمضان": 9,
    "شوال": 10,
    **dict.fromkeys(["ذو القعده", "ذي القعده", "ذو القعده", "ذي القعده"], 11),
    **dict.fromkeys(["ذو الحجه", "ذي الحجه"], 12),
}


def _alternation(names: Iterable[str]) -> str:
    """A regex matching any of names as a whole word: longest first, so "مايو" is not read as "ماي"."""
    return "(?:" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")(?!\w)"


_MONTH = _alternation(_MONTHS)
_HIJRI_MONTH = _alternation(_HIJRI_MONTHS)
_HIJRI_MARK = r"(?:ه|هجري(?:ه)?|للهجره)(?!\w)"  # هـ once tatweel is gone; هجرية; للهجرة
# "20 من شهر يونيو": the day may be followed by these before the month.
_OF_MONTH = r"(?:(?:من|of)\s+)?(?:شهر\s+)?"
_NO_DIGIT_BEFORE = r"(?<![\d.,])"
# Patterns run on normalise_for_matching() text. "ديسمبر/كانون الأول" and "ديسمبر (كانون الأول)" are one month.
# An English ordinal day ("30th, March 2025", as some Arabic sites print their publication date) is a day.
_GREGORIAN = (
    re.compile(
        rf"{_NO_DIGIT_BEFORE}(?P<d>\d{{1,2}})(?:(?:st|nd|rd|th)\b,?)?[\s\-/.]*{_OF_MONTH}(?P<m>{_MONTH})"
        rf"(?:\s*[/(\-–]\s*{_MONTH}\s*\)?)?[\s,،\-/.]+(?P<y>\d{{4}})(?!\d)"
    ),
    re.compile(rf"(?<!\w)(?P<m>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})(?!\d)"),
    re.compile(r"(?<![\d.,])(?P<y>\d{4})[-/.](?P<n>\d{1,2})[-/.](?P<d>\d{1,2})(?![\d/])"),
    re.compile(r"(?<![\d.,/])(?P<d>\d{1,2})[-/.](?P<n>\d{1,2})[-/.](?P<y>\d{4})(?!\d)"),
)
_DAY_FIRST = _GREGORIAN[3]
_HIJRI = (
    re.compile(
        rf"{_NO_DIGIT_BEFORE}(?P<d>\d{{1,2}})\s*{_OF_MONTH}(?P<m>{_HIJRI_MONTH})[\s,،]*(?P<y>\d{{4}})(?!\d)"
        rf"(?:\s*{_HIJRI_MARK})?"
    ),
    re.compile(rf"(?<![\d.,])(?P<y>\d{{4}})[-/.](?P<n>\d{{1,2}})[-/.](?P<d>\d{{1,2}})(?!\d)\s*{_HIJRI_MARK}"),
    re.compile(rf"(?<![\d.,/])(?P<d>\d{{1,2}})[-/.](?P<n>\d{{1,2}})[-/.](?P<y>\d{{4}})\s*{_HIJRI_MARK}"),
)
_YEARS = range(1900, 2101)  # a four-digit number outside this is not a news date (a Hijri year, a count)


@dataclass(frozen=True)
class _Hit:
    date: dt.date
    start: int
    end: int
    hijri: bool


def find_date(text: str) -> dt.date | None:
    """The first calendar date written in text (Gregorian preferred over Hijri), or None when there is none."""
    return _preferred(_find_dates(normalise_for_matching(text)))


def _preferred(hits: list[_Hit]) -> dt.date | None:
    """The first Gregorian date, else the first Hijri one: a line giving both names the same day twice."""
    return next((hit.date for hit in hits if not hit.hijri), hits[0].date if hits else None)


def _find_dates(norm: str) -> list[_Hit]:
    """Every valid date in normalised text, in order and without overlaps; a Hijri reading beats a numeric one."""
    hits: list[_Hit] = []
    for pattern in _HIJRI:
        for m in pattern.finditer(norm):
            month = _HIJRI_MONTHS[m.group("m")] if "m" in m.groupdict() else int(m.group("n"))
            found = _hijri_to_gregorian(int(m.group("y")), month, int(m.group("d")))
            if found is not None:
                hits.append(_Hit(found, m.start(), m.end(), hijri=True))
    for pattern in _GREGORIAN:
        for m in pattern.finditer(norm):
            day, year = int(m.group("d")), int(m.group("y"))
            month = _MONTHS[m.group("m")] if "m" in m.groupdict() else int(m.group("n"))
            if pattern is _DAY_FIRST and month > 12 >= day:
                day, month = month, day  # 03/18/2025: an American month-first date, the only valid reading
            found = news_date(year, month, day)
            if found is not None:
                hits.append(_Hit(found, m.start(), m.end(), hijri=False))
    hits.sort(key=lambda h: (h.start, -h.end))
    result: list[_Hit] = []
    for hit in hits:
        if not result or hit.start >= result[-1].end:
            result.append(hit)
    return result


def news_date(year: int, month: int, day: int) -> dt.date | None:
    """The Gregorian date, or None for nonsense (31 February, a CMS's 0000-00-00) and years no news is dated in.

    Every date a publisher declares (feeds, pages, front matter, addresses) goes through here: a date that cannot be
    a news date is no date, never an error.
    """
    if year not in _YEARS:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _hijri_to_gregorian(year: int, month: int, day: int) -> dt.date | None:
    """A Hijri date on the Umm al-Qura calendar as a Gregorian date; None when it is invalid or out of range."""
    from hijridate import Hijri  # imported here: importing brief loads nothing it does not need yet

    try:
        converted = Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError):  # day 30 of a 29-day month; outside 1343-1500 AH
        return None
    found = dt.date(converted.year, converted.month, converted.day)
    return found if found.year in _YEARS else None


# --- datelines --------------------------------------------------------------------------------------------

# Words a dateline carries besides the date: weekday, "published", "updated", time zone, era marks.
_DATELINE_WORDS = frozenset(
    "الاحد الاثنين الاتنين الثلاثاء الاربعاء الخميس الجمعه السبت نشر في تاريخ النشر اخر تحديث التحديث بتاريخ "
    "بتوقيت مكه المكرمه القدس دمشق غرينتش ص م ه الموافق sunday monday tuesday wednesday thursday "
    "friday saturday published updated on at gmt utc am pm".split()
)
_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")


def _dateline(text: str) -> tuple[dt.date, str] | None:
    """(date, what else the line says) when a line is mostly a date, e.g. "● أخبار سورية ٢٤ أكتوبر ٢٠٢٥"."""
    words = [w for w in prepare_for_translation(text).split() if normalise_for_matching(w)]
    # Punctuation-only words ("-", "|") do not count towards the length: a Hijri date with its Gregorian
    # equivalent ("الأحد 15 رمضان 1445 هـ - الموافق 24 مارس 2024 م") is still a dateline.
    if not words or sum(1 for w in words if any(ch.isalnum() for ch in w)) > 12:
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
        if any(hit.start <= start < hit.end for hit in found) or _TIME.fullmatch(key.strip(":")):
            continue
        bare = key.strip("-–|,،:•●·()[]")
        if not any(ch.isalnum() for ch in bare) or bare in _DATELINE_WORDS:
            continue
        rest.append(word)
    if len(rest) > 4:
        return None
    date = _preferred(found)
    assert date is not None
    return date, " ".join(rest)


# --- relative dates ---------------------------------------------------------------------------------------

Precision = Literal["day", "week", "month", "year"]


@dataclass(frozen=True)
class DateMention:
    """A relative date in a text: the phrase as written, where it is, and the date it names if that is known.

    ``date`` is None when the publication date is unknown or the phrase names no single day, month or year.
    For precision "month" it is the first of the month, for "year" the 1st of January. Weeks ("الأسبوع
    الماضي", "last week") are never resolved: where a week starts differs by country (Saturday, Sunday or
    Monday) and news usage often means "the past seven days", so any date would be a guess.
    """

    phrase: str
    start: int
    end: int
    date: dt.date | None
    precision: Precision


_WEEKDAYS = {  # Monday is 0, as in datetime.weekday()
    **dict.fromkeys(["الاثنين", "الاتنين", "monday"], 0),
    **dict.fromkeys(["الثلاثاء", "tuesday"], 1),
    **dict.fromkeys(["الاربعاء", "wednesday"], 2),
    **dict.fromkeys(["الخميس", "thursday"], 3),
    **dict.fromkeys(["الجمعه", "friday"], 4),
    **dict.fromkeys(["السبت", "saturday"], 5),
    **dict.fromkeys(["الاحد", "sunday"], 6),
}
# Which one, counted from the publication date: -1 the one before, 0 the current one, +1 the next.
_QUALIFIERS = {
    **dict.fromkeys("الماضي الماضيه المنصرم المنصرمه الفائت الفائته".split(), -1),
    **dict.fromkeys("الجاري الجاريه الحالي الحاليه".split(), 0),
    **dict.fromkeys("المقبل المقبله القادم القادمه".split(), 1),
    **dict.fromkeys(["last", "past", "previous"], -1),
    "this": 0,
    **dict.fromkeys(["next", "coming"], 1),
}
_DAY_OFFSETS = {
    "اول امس": -2, "اول من امس": -2, "امس الاول": -2, "بعد غد": 2, "يوم بعد غد": 2,
    "امس": -1, "بالامس": -1, "البارحه": -1, "يوم امس": -1, "يوم البارحه": -1,
    "اليوم": 0, "غدا": 1, "يوم غد": 1, "صباح غد": 1, "مساء غد": 1,
    "the day before yesterday": -2, "yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1,
    "the day after tomorrow": 2,
}


def _names(names: Iterable[str], ascii_only: bool) -> str:
    return _alternation(n for n in names if n.isascii() == ascii_only)


_AR_WEEKDAY, _EN_WEEKDAY = _names(_WEEKDAYS, False), _names(_WEEKDAYS, True)
_AR_MONTH = _names(_MONTHS, False)
_EN_MONTH = _alternation(n for n in _MONTHS if n.isascii() and (len(n) > 3 or n == "may"))
_AR_WHICH, _EN_WHICH = _names(_QUALIFIERS, False), r"(?:last|next|this|past|previous|coming)(?!\w)"
_AR_DAY_WORDS = _alternation(n for n in _DAY_OFFSETS if not n.isascii() and n != "اليوم")
# After a space, or after the conjunction و / ف written onto the word (which stays out of the phrase).
_START = r"(?:(?<!\w)|(?<=(?<!\w)[وف]))"
# "مطلع الشهر", "أواخر العام الماضي", "early this month": part of the phrase, the precision stays the period's.
_PART_OF = r"(?:(?:مطلع|اوائل|بدايه|مستهل|منتصف|اواسط|اواخر|نهايه|اخر)\s+)"
_EN_PART_OF = r"(?:(?:earlier|later|early|late|mid|the\s+end\s+of|the\s+start\s+of)\s+)"
# "اليوم الوطني", "اليوم التالي", "اليوم نفسه" are a day, not today; "اليوم الأحد" (today, Sunday) is today.
_TODAY = rf"اليوم(?!\w|\s+(?!{_AR_WEEKDAY})ال\w|\s+(?:نفسه|ذاته)(?!\w))"
_THE = r"(?:ال|لل|بال)"  # "العام", "للعام الثاني", "بالشهر"


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    precision: Precision
    resolve: str  # how a match becomes a date: see _resolve


def _rule(pattern: str, precision: Precision, resolve: str) -> _Rule:
    return _Rule(re.compile(pattern), precision, resolve)


# Tried together; where two overlap, the one starting first (then the longer) is kept.
_RULES = (
    _rule(rf"{_START}(?:{_AR_DAY_WORDS}|{_TODAY})", "day", "offset"),
    _rule(rf"{_START}(?:يوم\s+)?(?P<wd>{_AR_WEEKDAY})\s+(?P<q>{_AR_WHICH})", "day", "weekday"),
    _rule(rf"{_START}(?:{_PART_OF}(?:هذا\s+)?{_THE}اسبوع|(?:هذا\s+)?{_THE}اسبوع\s+{_AR_WHICH}|هذا\s+الاسبوع)(?!\w)",
          "week", "none"),
    _rule(rf"{_START}(?P<d>\d{{1,2}})\s+(?:من\s+)?(?:الشهر\s+(?P<q>{_AR_WHICH})|هذا\s+الشهر(?!\w))",
          "day", "day_of_month"),
    _rule(rf"{_START}(?:(?P<d>\d{{1,2}})\s+(?:من\s+)?)?{_PART_OF}?(?:شهر\s+)?(?P<m>{_AR_MONTH})\s+"
          rf"(?:(?P<q>{_AR_WHICH})|(?:من\s+)?(?:العام|السنه|عام)\s+(?P<yq>{_AR_WHICH}))", "month", "named_month"),
    _rule(rf"{_START}(?:{_PART_OF}(?:هذا\s+)?{_THE}شهر(?:\s+(?P<q>{_AR_WHICH}))?(?!\w)|"
          rf"(?:هذا\s+)?{_THE}شهر\s+(?P<q2>{_AR_WHICH})|هذا\s+الشهر(?!\w))", "month", "month"),
    _rule(rf"{_START}(?:{_PART_OF}(?:هذا\s+|هذه\s+)?{_THE}(?:عام|سنه)(?:\s+(?P<q>{_AR_WHICH}))?(?!\w)|"
          rf"{_THE}(?:عام|سنه)\s+(?P<q2>{_AR_WHICH})|هذا\s+العام(?!\w)|هذه\s+السنه(?!\w))", "year", "year"),
    _rule(r"(?<!\w)(?:the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|yesterday|today|tonight|tomorrow)"
          r"(?!\w)", "day", "offset"),
    _rule(rf"(?<!\w)(?P<q>last|next|this\s+past|this\s+coming)\s+(?P<wd>{_EN_WEEKDAY})", "day", "weekday"),
    _rule(rf"(?<!\w){_EN_PART_OF}?(?P<q>{_EN_WHICH})\s+week(?!\w)", "week", "none"),
    _rule(rf"(?<!\w){_EN_PART_OF}?(?P<q>{_EN_WHICH})\s+month(?!\w)", "month", "month"),
    _rule(rf"(?<!\w){_EN_PART_OF}?(?P<q>{_EN_WHICH})\s+year(?!\w)", "year", "year"),
    _rule(rf"(?<!\w){_EN_PART_OF}?(?P<q>last|next)\s+(?P<m>{_EN_MONTH})", "month", "named_month"),
)
# "العام" is also the adjective "general, public": "الأمين العام الحالي" is the current secretary-general, not
# this year. These are the nouns it most often qualifies (normalised, without "ال").
_GENERAL_NOUNS = frozenset(
    "امين مدير نائب مدعي راي قطاع اضراب مؤتمر امن نقل دين مال شان وضع اتحاد تيار اطار مفتش مراقب قائد مفوض "
    "منسق حاكم طابع سياق جمهور مستوي ادعاء اتجاه نظام تعليم صالح نفع خط عفو صعيد مزاج انطباع ذوق مشهد مناخ "
    "مجلس موقف توجه عرض قنصل رقيب سكرتير مصلحه امانه اداره هيئه نيابه".split()
)
_WORD_BEFORE = re.compile(r"(?:^|(?<=\s))(?:[وفبلك])?(?:ال|ل)(?P<noun>\w+)\s+$")


def relative_dates(text: str, published: dt.date | None) -> list[DateMention]:
    """Relative dates in text ("أمس", "الأحد الماضي", "10 مارس الجاري", "last week"), resolved against published."""
    norm, offsets = _normalise_with_offsets(text)
    found = sorted(
        ((m, rule) for rule in _RULES for m in rule.pattern.finditer(norm)), key=lambda f: (f[0].start(), -f[0].end())
    )
    mentions: list[DateMention] = []
    last_end = 0
    for m, rule in found:
        first, last = offsets[m.start()], offsets[m.end() - 1] + 1
        while last < len(text) and not _fold_char(text[last]):
            last += 1  # a diacritic or tatweel after the last letter ("غداً") belongs to the phrase
        if m.start() < last_end or not _plausible(m, rule, norm, text[first:last]):
            continue  # inside a longer mention already taken ("10 مارس الجاري" before "مارس الجاري")
        last_end = m.end()
        precision: Precision = "day" if m.groupdict().get("d") else rule.precision
        date = _resolve(rule.resolve, m, published) if published is not None else None
        mentions.append(DateMention(text[first:last], first, last, date, precision))
    return mentions


def _plausible(m: re.Match[str], rule: _Rule, norm: str, phrase: str) -> bool:
    """False for look-alikes: "العام" as an adjective, an English month name written in lower case ("may")."""
    if rule.resolve == "year" and re.match(rf"{_THE}عام", m.group(0)):
        before = _WORD_BEFORE.search(norm, max(0, m.start() - 30), m.start())
        if before is not None and before.group("noun") in _GENERAL_NOUNS:
            return False
    if rule.resolve == "named_month" and m.group("m").isascii():
        return phrase.split()[-1][:1].isupper()  # "last March", not "the last march"
    return True


def _resolve(how: str, m: re.Match[str], published: dt.date) -> dt.date | None:
    """The date a relative phrase names, counted from the publication date (None when it names no date)."""
    groups = m.groupdict()
    which = _which(groups.get("q") or groups.get("q2"))
    if how == "offset":
        return published + dt.timedelta(days=_DAY_OFFSETS[" ".join(m.group(0).split())])
    if how == "weekday":
        weekday = _WEEKDAYS[groups["wd"]]
        if which < 0:
            return published - dt.timedelta(days=(published.weekday() - weekday) % 7 or 7)
        return published + dt.timedelta(days=(weekday - published.weekday()) % 7 or 7)
    if how == "month":
        return _add_months(published.replace(day=1), which)
    if how == "year":
        return dt.date(published.year + which, 1, 1)
    if how == "day_of_month":
        month = _add_months(published.replace(day=1), which)
        return _day_or_none(month.year, month.month, int(groups["d"]))
    if how == "named_month":
        named = _MONTHS[groups["m"]]
        if groups.get("yq"):
            year = published.year + _which(groups["yq"])  # "مارس من العام الماضي": the year is said outright
        elif which < 0:
            # "فبراير الماضي" written in March is this February; written in February, it is last year's.
            year = published.year if named < published.month else published.year - 1
        elif which > 0:
            year = published.year if named > published.month else published.year + 1
        else:
            year = published.year
        return _day_or_none(year, named, int(groups["d"])) if groups.get("d") else dt.date(year, named, 1)
    return None  # weeks: see DateMention


def _which(qualifier: str | None) -> int:
    """-1, 0 or +1 for a qualifier ("الماضي", "this past"); no qualifier ("مطلع الشهر") means the current one."""
    return _QUALIFIERS[qualifier.split()[-1]] if qualifier else 0


def _add_months(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _day_or_none(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None  # "31 فبراير الجاري" names no day


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    # Newlines are kept so a check can stay within one line; other whitespace becomes a space.
    return ch if ch == "\n" else " " if ch.isspace() else normalise_for_matching(ch)


def _normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """normalise_for_matching(text), one character at a time, with the index in text of every output character."""
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        for out in _fold_char(ch):
            if out == " " and (not chars or chars[-1] in " \n"):
                continue
            chars.append(out)
            offsets.append(i)
    return "".join(chars), offsets


# English for the relative phrases a brief explains; weekday phrases are worked out from the date.
_GLOSS = {
    "اليوم": "today", "امس": "yesterday", "البارحه": "yesterday", "اول امس": "the day before yesterday",
    "امس الاول": "the day before yesterday", "غدا": "tomorrow", "بعد غد": "the day after tomorrow",
    "الشهر الجاري": "this month", "الشهر الحالي": "this month", "الشهر الماضي": "last month",
    "الشهر المنصرم": "last month", "الشهر الفائت": "last month", "الشهر المقبل": "next month",
    "الشهر القادم": "next month", "العام الجاري": "this year", "العام الحالي": "this year",
    "العام الماضي": "last year", "العام المنصرم": "last year", "العام المقبل": "next year",
    "السنه الجاريه": "this year", "السنه الماضيه": "last year",
}  # fmt: skip


def english_gloss(mention: DateMention) -> str:
    """The relative phrase in English ("yesterday", "last Sunday", "this month"); the phrase itself if unknown."""
    key = normalise_for_matching(mention.phrase)
    if key in _GLOSS:
        return _GLOSS[key]
    if mention.precision == "day" and mention.date is not None:
        words = key.split()
        if words and words[0] in _WEEKDAYS:
            return mention.date.strftime("%A")
        if any(ch.isdigit() for ch in key):
            return mention.phrase  # "10 مارس الجاري": the date itself says it
    return key if key.isascii() else f"“{mention.phrase}”"


# --- today's date, said in the lead -----------------------------------------------------------------------

# "اليوم الجمعة 28 آذار", "اليوم الجمعة (28 آذار 2025)": the lead says which day it is reporting on as today.
_TODAY_DATE = re.compile(
    rf"(?<!\w)اليوم[\s,،]+(?:(?P<wd>{_AR_WEEKDAY})[\s,،(]*)?(?P<d>\d{{1,2}})\s+{_OF_MONTH}(?P<m>{_MONTH})"
    rf"(?:[\s,،]+(?P<y>\d{{4}})(?!\d))?"
)
_NEAR_DAYS = 183  # a yearless date is read in the year that puts it within half a year of the folder's dates


def today_in_lead(sentence: str, near: dt.date | None = None) -> dt.date | None:
    """The date a lead's sentence gives as today's ("اليوم الجمعة 28 آذار 2025"), or None.

    With a year the weekday, when given, must agree. Without one the weekday fixes the year: the one, among those
    within half a year of ``near`` (the folder's other dates), in which that day falls on that weekday; without
    ``near`` or a weekday the year is unknown and so is the date.
    """
    found = _TODAY_DATE.search(normalise_for_matching(sentence))
    if found is None:
        return None
    day, month = int(found.group("d")), _MONTHS[found.group("m")]
    weekday = _WEEKDAYS[found.group("wd")] if found.group("wd") else None
    if found.group("y"):
        date = news_date(int(found.group("y")), month, day)
        return date if date is not None and weekday in (None, date.weekday()) else None
    if weekday is None or near is None:
        return None
    years = (near.year - 1, near.year, near.year + 1)
    fits = [d for y in years if (d := news_date(y, month, day)) and d.weekday() == weekday]
    fits = [d for d in fits if abs((d - near).days) <= _NEAR_DAYS]
    return min(fits, key=lambda d: abs((d - near).days), default=None)
