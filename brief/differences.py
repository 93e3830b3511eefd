"""Where sources differ: figures and dates that disagree among sentences stating the same fact.

The selection decides which sentences state the same fact (its same-fact test); this module only compares what
they say, on the original text:

    figures  a number with its unit ("5 كيلومترات", "21.00%", "2,5 مليون دولار", "ثلاث سنوات", "مقتل 7 أشخاص"),
             normalised (Arabic-Indic digits, "بالمئة"/"في المئة"/"%", "21" = "21.00", "1,500", "ألف"/"مليون"
             scaling) and aligned by unit and role: kilometres with kilometres, the dead with the dead
    dates    the date each sentence places the fact at (brief.timeline.sentence_date), compared at the coarser
             precision of the two, so "March 2025" agrees with "18 March 2025"

A sentence giving two figures of one unit ("5 قتلى ثم 7 قتلى") is left out of that comparison: which one is meant
is a guess. "نحو 5" (about) allows 5% either way; "أكثر من 1000" (more than) agrees with 1200. Two sources differ
when some pair of them cannot both be right; the brief then prints every value with its citations:
"5 km [3] vs 30 km [4]".

    differences(groups)  every disagreement in the groups of same-fact sentences
    compare(claims)      the disagreements within one group
    across(claims)       the disagreements among every sentence of a story (stricter: see its docstring)
    quantities(text)     the figures one text gives (for tests and other checks)
    single_source(cites) True when one source alone reports a fact
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Literal

from brief.clean.dates import _normalise_with_offsets
from brief.timeline import FoundDate, dates_in, english_date, sentence_date

# --- records ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """One sentence the selection judged to state a fact: id, original, English (if translated), cite, article date."""

    id: str  # f"{article_id}:{index}"
    original: str
    english: str | None
    cite: int
    published: dt.date | None = None  # needed to compare relative dates ("أمس"); absolute ones need nothing


Qualifier = Literal["exact", "about", "over", "under"]


@dataclass(frozen=True)
class Quantity:
    """A figure in a text: its value, unit and role, and how it is written in English."""

    value: Decimal
    unit: str | None  # "km", "percent", "dollar", "person", "year" ...; a generic noun as "word:<arabic>"
    role: str | None  # "dead", "wounded", "arrested", "displaced" or None
    qualifier: Qualifier
    scale: str | None  # "thousand", "million", "billion" when the text wrote one
    phrase: str  # as written in the original
    english: str  # "5 km", "about 2.5 million dollars", "21%"
    subject: frozenset[str] = frozenset()  # stems of the words around the figure: what it is a figure of

    def same_thing(self, other: Quantity) -> bool:
        """Both figures count the same thing: the same role and unit, and words around them in common.

        "21.5% discount rate" and "1% cut" share the unit, not the subject; two sentences that say neither what
        their figures are of are not compared at all.
        """
        if self.key != other.key:
            return False
        # Two sums of money in sentences that state one fact are its price or value, however each words it
        # ("باستثمارات تبلغ", "بقيمة"); rates and counts need words in common.
        return bool(self.subject & other.subject) or self.unit in _CURRENCIES

    @property
    def key(self) -> tuple[str | None, str | None]:
        """What the figure counts: figures are compared only with the same key."""
        return self.role, self.unit

    def agrees(self, other: Quantity) -> bool:
        """True when both figures can be right at once."""
        lo1, hi1 = self._interval()
        lo2, hi2 = other._interval()
        return lo1 <= hi2 and lo2 <= hi1

    def _interval(self) -> tuple[float, float]:
        v = float(self.value)
        if self.qualifier == "about":  # "نحو 2.2 مليون" and "نحو 2.5 مليون" are two estimates, not one
            return v * 0.95, v * 1.05
        if self.qualifier == "over":
            return v, math.inf
        if self.qualifier == "under":
            return -math.inf, v
        return v, v


@dataclass(frozen=True)
class Value:
    """One side of a disagreement: the value in English and the sources giving it."""

    value: str
    cites: tuple[int, ...]
    sentence_ids: tuple[str, ...]
    date: dt.date | None = None  # for the latest value of an update: the day its sources reported it

    def to_json(self) -> dict[str, Any]:
        """The contract's value entry."""
        return {"value": self.value, "cites": list(self.cites), **({"date": self.date.isoformat()} if self.date else {})}


@dataclass(frozen=True)
class Difference:
    """Sources stating the same fact with figures or dates that cannot all be right."""

    kind: Literal["number", "date", "update"]
    values: tuple[Value, ...]  # in the order the group gives them; for an update, the latest first

    @property
    def text(self) -> str:
        """"5 km [3] vs 30 km [4]"; for an update "1,644 dead [2] (29 March 2025), up from 1,000 [3]"."""
        if self.kind != "update":
            return " vs ".join(f"{v.value} {_cited(v.cites)}" for v in self.values)
        latest, *earlier = self.values
        day = f" ({english_date(latest.date, 'day')})" if latest.date else ""
        before = ", ".join(f"{v.value} {_cited(v.cites)}" for v in earlier)
        return f"{latest.value} {_cited(latest.cites)}{day}, {'up' if self.rose else 'revised'} from {before}"

    @property
    def sentence_ids(self) -> tuple[str, ...]:
        """Every sentence behind the values, in order."""
        return tuple(dict.fromkeys(i for v in self.values for i in v.sentence_ids))

    @property
    def cites(self) -> tuple[int, ...]:
        """Every source behind the values, in order."""
        return tuple(dict.fromkeys(c for v in self.values for c in v.cites))

    @property
    def rose(self) -> bool:
        """For an update: the latest value is the highest (the count went up, not down)."""
        latest, *earlier = self.values
        return all(_leading(latest.value) >= _leading(v.value) for v in earlier)

    def to_json(self) -> dict[str, Any]:
        """The contract's differences entry (an update's also says whether it ``rose``)."""
        return {
            "text": self.text,
            "values": [v.to_json() for v in self.values],
            "sentence_ids": list(self.sentence_ids),
            **({"rose": self.rose} if self.kind == "update" else {}),
        }


def _cited(cites: Iterable[int]) -> str:
    return "".join(f"[{c}]" for c in cites)


def _leading(value: str) -> Decimal:
    """The number an English value starts with ("about 2.5 million dead" -> 2500000), for saying which way it went."""
    found = re.search(r"(\d[\d,]*(?:\.\d+)?)(?:\s+(million|billion))?", value)
    if found is None:
        return Decimal(0)
    scale = {"million": 10**6, "billion": 10**9}.get(found.group(2) or "", 1)
    return Decimal(found.group(1).replace(",", "")) * scale


# --- single source ----------------------------------------------------------------------------------------


def single_source(cites: Iterable[int], publishers: Mapping[int, str | None] | None = None) -> bool:
    """True when one source alone reports a fact: one cite, or (given each cite's publisher) one publisher.

    Two articles of one outlet are one source; a cite whose publisher is unknown counts on its own.
    """
    distinct = set(cites)
    if publishers is None:
        return len(distinct) <= 1
    return len({publishers.get(c) or f"#{c}" for c in distinct}) <= 1


# --- figures in one text ----------------------------------------------------------------------------------

# Normalised (brief.clean.text.normalise_for_matching) spellings: alef, ya and ta marbuta folded.
_UNITS: dict[str, tuple[str, str, str]] = {}  # word -> (unit, English singular, English plural)


def _unit(unit: str, singular: str, plural: str, words: str) -> None:
    for w in words.split():
        _UNITS[w] = (unit, singular, plural)


_unit("km", "km", "km", "كم كلم كيلومتر كيلومترا كيلومترات")
_unit("m", "m", "m", "متر مترا امتار")
_unit("mm", "mm", "mm", "ملم مم مليمتر مليمترا مليمترات ملليمتر")
_unit("km2", "km²", "km²", "كم2 كم²")
_unit("kg", "kg", "kg", "كغ كيلوغرام كيلوغراما كيلوجرام كيلوجراما")
_unit("ton", "tonne", "tonnes", "طن طنا اطنان")
_unit("dollar", "dollar", "dollars", "دولار دولارا دولارات $")
_unit("euro", "euro", "euros", "يورو")
_unit("pound", "pound", "pounds", "جنيه جنيها جنيهات")
_unit("lira", "lira", "liras", "ليره ليرات")
_unit("riyal", "riyal", "riyals", "ريال ريالا ريالات")
_unit("dinar", "dinar", "dinars", "دينار دينارا دنانير")
_unit("dirham", "dirham", "dirhams", "درهم درهما دراهم")
_unit("barrel", "barrel", "barrels", "برميل برميلا براميل")
_unit("dead", "dead", "dead", "قتيل قتيلا قتلي شهيد شهيدا شهداء ضحيه ضحايا")
_unit("wounded", "wounded", "wounded", "جريح جريحا جرحي مصاب مصابا مصابين")
_unit("person", "person", "people", "شخص شخصا اشخاص مواطن مواطنا مواطنين فرد افراد نسمه")
_unit("soldier", "soldier", "soldiers", "جندي جنديا جنود عسكري عسكريا عسكريين")
_unit("child", "child", "children", "طفل طفلا اطفال")
_unit("year", "year", "years", "عام عاما اعوام سنه سنوات سنين")
_unit("month", "month", "months", "شهر شهرا اشهر شهور")
_unit("week", "week", "weeks", "اسبوع اسبوعا اسابيع")
_unit("day", "day", "days", "يوم يوما ايام")
_unit("hour", "hour", "hours", "ساعه ساعات")
_unit("village", "village", "villages", "قريه قري")
_unit("building", "building", "buildings", "مبني مبان مباني")
_unit("drone", "drone", "drones", "مسيره مسيرات")
_unit("missile", "missile", "missiles", "صاروخ صاروخا صواريخ")
_unit("seat", "seat", "seats", "مقعد مقعدا مقاعد")
_unit("vote", "vote", "votes", "صوت صوتا اصوات")
_unit("minute", "minute", "minutes", "دقيقه دقائق")
_unit("degree", "degree", "degrees", "درجه درجات")
# Duals: one word for two of a unit ("عامين", "لمدة يومين").
_DUALS = {
    **dict.fromkeys("عامين عامان سنتين سنتان".split(), "عام"),
    **dict.fromkeys("شهرين شهران".split(), "شهر"),
    **dict.fromkeys("اسبوعين اسبوعان".split(), "اسبوع"),
    **dict.fromkeys("يومين يومان".split(), "يوم"),
    **dict.fromkeys("ساعتين ساعتان".split(), "ساعه"),
    **dict.fromkeys("دقيقتين دقيقتان".split(), "دقيقه"),
    **dict.fromkeys("مقعدين مقعدان".split(), "مقعد"),
}
_CURRENCIES = frozenset({"dollar", "euro", "pound", "lira", "riyal", "dinar", "dirham"})
_PERCENT = re.compile(r"\s*(?:%|٪|(?:ب|في\s+)(?:ال)?(?:مئه|مائه|ميه)(?!\w))")
_SYMBOLS = {"dollar": "$", "euro": "€"}
# A dead or wounded count is a count of people: "5 قتلى" and "مقتل 5 أشخاص" are the same figure.
_ROLE_UNITS = {"dead", "wounded"}
_ROLES = {
    **dict.fromkeys("قتل مقتل قتلي استشهاد استشهد مصرع وفاه توفي حصيله".split(), "dead"),
    **dict.fromkeys("اصابه اصيب جرح جرحي اصابات".split(), "wounded"),
    **dict.fromkeys("اعتقال اعتقل توقيف اوقف احتجاز".split(), "arrested"),
    **dict.fromkeys("نزوح نزح تهجير تشريد".split(), "displaced"),
}
_ROLE_ENGLISH = {"dead": "killed", "wounded": "wounded", "arrested": "arrested", "displaced": "displaced"}
_SCALES = {
    **dict.fromkeys("الف الاف الفا".split(), ("thousand", 1000)),
    **dict.fromkeys("مليون ملايين مليونا".split(), ("million", 10**6)),
    **dict.fromkeys("مليار مليارات مليارا بليون".split(), ("billion", 10**9)),
}
# Number words, taken only with a unit after them ("ثلاث سنوات"): alone, "ست" or "عشر" are other words too.
_NUMBER_WORDS = {
    **dict.fromkeys("واحد واحده".split(), 1),
    **dict.fromkeys("اثنان اثنين اثنتان اثنتين".split(), 2),
    **dict.fromkeys("ثلاث ثلاثه".split(), 3),
    **dict.fromkeys("اربع اربعه".split(), 4),
    **dict.fromkeys("خمس خمسه".split(), 5),
    **dict.fromkeys("ست سته".split(), 6),
    **dict.fromkeys("سبع سبعه".split(), 7),
    **dict.fromkeys("ثماني ثمانيه ثمان".split(), 8),
    **dict.fromkeys("تسع تسعه".split(), 9),
    **dict.fromkeys("عشر عشره".split(), 10),
    **dict.fromkeys("عشرون عشرين".split(), 20),
    **dict.fromkeys("مئه مائه".split(), 100),
    **dict.fromkeys("الف".split(), 1000),
    **dict.fromkeys("الفان الفين".split(), 2000),
    **dict.fromkeys("مليون".split(), 10**6),
    **dict.fromkeys("مليونان مليونين".split(), 2 * 10**6),
    **dict.fromkeys("مليار".split(), 10**9),
}
_QUALIFIERS: list[tuple[re.Pattern[str], Qualifier]] = [
    (
        re.compile(
            r"(?:اكثر|ازيد)\s+من\s*$|ما\s+يزيد\s+(?:عن|علي)\s*$|يزيد\s+(?:عن|علي)\s*$|يفوق\s*$"
            r"|(?:قد\s+)?(?:تجاوز|تجاوزت|يتجاوز|تتجاوز|تخطي|تخطت|يتخطي|تتخطي)\s*(?:ال)?(?:عتبه\s+)?$"
        ),
        "over",
    ),
    (re.compile(r"(?:اقل)\s+من\s*$|ما\s+يقل\s+(?:عن|علي)\s*$|دون\s*$"), "under"),
    (re.compile(r"(?:نحو|حوالي|حوالى|قرابه|زهاء|ما\s+يقارب|يقارب|ما\s+يناهز|يناهز|تقريبا|قرابه)\s*$"), "about"),
]
_ENGLISH_QUALIFIERS = {"about": "about ", "over": "more than ", "under": "fewer than "}
# A digit may follow a one-letter prefix ("ب5 آلاف", "و30"), not a longer word ("كم2").
_NUMBER = re.compile(r"(?<![\d.,A-Za-z_])(?<!\w\w)(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)(?![\d])")
_PREFIX = re.compile(r"^(?:[وفبلك]|ال|وال|بال|لل|فال)")


# Words after a figure that are not what it counts ("5 بينهم طفلان", "30 في المدينة").
_NOT_NOUNS = frozenset(
    "في من الي علي عن مع ان او ثم قد كان كانت هذا هذه ذلك تلك التي الذي الذين حيث بعد قبل خلال منذ بين عند كما "
    "لا لم لن ما هو هي هم بينهم منهم منها منه عليها عليهم عليه لها لهم له فيها فيهم فيه بها بهم به اخرين اخري اخر "
    "فقط حتي اي كل اما وفق نحو حوالي مقابل".split()
)


def _generic_noun(token: str) -> str | None:
    """The word after a figure as its unit ("5 منازل"), when it is a word and not a function word."""
    word = token.strip(".,،؛:!?؟\"'«»()“”")
    if not word or not all(ch.isalpha() for ch in word) or word.isascii():
        return None
    noun = _PREFIX.sub("", word) if len(_PREFIX.sub("", word)) >= 3 else word
    if word in _NOT_NOUNS or noun in _NOT_NOUNS or len(noun) < 3:
        return None
    return noun.removesuffix("ا") if len(noun) > 3 else noun


def _decimal(written: str) -> Decimal:
    """ "1,500" is 1500, "2,5" and "2.5" are 2.5, "21.00" is 21."""
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", written):
        written = written.replace(",", "")
    return Decimal(written.replace(",", "."))


def _word(token: str, table: Mapping[str, Any]) -> str | None:
    """The table's key for token, with a prefix ("و", "ب", "ال", "لل") taken off if that is what makes it one."""
    token = token.strip(".,،؛:!?؟\"'«»()“”")
    if token in table:
        return token
    bare = _PREFIX.sub("", token)
    return bare if bare in table else None


def quantities(text: str, english: str | None = None, published: dt.date | None = None) -> list[Quantity]:
    """The figures in an original text, in order; dates ("18 مارس 2025", "عام 2011") are not figures.

    ``english`` (the sentence's translation) only names a figure whose unit has no English of its own.
    """
    norm, offsets = _normalise_with_offsets(text)
    spans = [(f.start, f.end) for f in dates_in(text, published)]
    if spans:  # blank the dates out, keeping positions
        norm = "".join(" " if any(s <= offsets[i] < e for s, e in spans) else ch for i, ch in enumerate(norm))
    found: list[tuple[int, Quantity]] = []
    for clock in _CLOCK.finditer(norm):
        found.append((clock.start(), _clock(clock, norm, text, offsets)))
        norm = norm[: clock.start()] + " " * (clock.end() - clock.start()) + norm[clock.end() :]
    consumed = 0  # "16 مليونا و384 ألفا و403 أصوات" is one figure: its parts are not figures of their own
    for m in _NUMBER.finditer(norm):
        if m.start() < consumed:
            continue
        quantity, consumed = _quantity(norm, text, offsets, m.start(), m.end(), _decimal(m.group("n")), english)
        found.append((m.start(), quantity))
    words = list(re.finditer(r"\S+", norm))
    for k, w in enumerate(words):
        if (dual := _word(w.group(0), _DUALS)) is not None:  # "لعامين": two years, in one word
            start = w.start() + w.group(0).index(dual)
            unit = _UNITS[_DUALS[dual]]
            end = start + len(dual)
            found.append((start, _quantity_of(text, offsets, start, end, Decimal(2), unit, norm, english)))
            continue
        key = _word(w.group(0), _NUMBER_WORDS)
        previous = words[k - 1].group(0) if k > 0 else ""
        if key is None or k + 1 == len(words) or _word(previous, _NUMBER_WORDS) or previous[-1:].isdigit():
            continue  # "أحد عشر", "5 آلاف": part of a longer number
        if _word(words[k + 1].group(0), _UNITS) is None:
            continue
        value = Decimal(_NUMBER_WORDS[key])
        found.append((w.start(), _quantity(norm, text, offsets, w.start(), w.end(), value, english)[0]))
    return [q for _, q in sorted(found, key=lambda f: f[0])]


def _quantity(
    norm: str, text: str, offsets: list[int], start: int, end: int, value: Decimal, english: str | None
) -> tuple[Quantity, int]:
    """The figure at norm[start:end], with its scale, unit, qualifier and role; and where it ends in norm."""
    value, scale, end = _scaled(norm, end, value)
    unit, end, named = _unit_after(norm, start, end)
    before = norm[max(0, start - 40) : start]
    qualifier = _qualifier(before)
    if qualifier == "exact" and _AT_LEAST.match(norm, end):
        qualifier = "over"  # "20 شخصا على الأقل": at least twenty
    role, unit_name = _role_and_unit(before, unit)
    return Quantity(
        value=value,
        unit=unit_name,
        role=role,
        qualifier=qualifier,
        scale=scale,
        phrase=text[offsets[start] : offsets[end - 1] + 1],
        english=_english(value, scale, unit, role, qualifier, english),
        subject=_subject(norm, start, max(end, named), role),
    ), end


def _scaled(norm: str, end: int, value: Decimal) -> tuple[Decimal, str | None, int]:
    """The figure ending at norm[end] times the scale word after it ("3 ملايين"), that word's name, and the end."""
    rest = norm[end:]
    after = rest.split()
    first = after[0] if after else ""
    if (key := _word(first, _SCALES)) is None or not rest[:1].isspace():
        return value, None, end
    scale: str | None
    scale, factor = _SCALES[key]
    value *= factor
    end += rest.index(first) + len(first)
    # "16 مليونا و384 ألفا و403": a total written out in parts is one number, not a number in millions
    if (more := _WRITTEN_OUT.match(norm, end)) is not None and more.end() > end:
        value += Decimal(more["thousands"] or 0) * 1000 + Decimal(more["units"] or 0)
        scale, end = None, more.end()
    return value, scale, end


def _unit_after(norm: str, start: int, end: int) -> tuple[tuple[str, str, str] | None, int, int]:
    """The unit of the figure at norm[start:end] (None: none), where the figure ends with it, and where what it
    is of may begin (past a generic noun that is its unit)."""
    rest = norm[end:]
    after = rest.split()
    named = end
    percent = _PERCENT.match(rest)
    if _MATCH_MINUTE.search(norm[max(0, start - 20) : start]):
        return ("match-minute", "minute", "minute"), end, named  # "في الدقيقة 89": a moment of a match, not a duration
    if percent:
        return ("percent", "%", "%"), end + percent.end(), named
    if after and (key := _word(after[0], _UNITS)) is not None:
        # "مقعدا،": the comma after the unit ends the figure's clause, and is no part of the figure
        return _UNITS[key], end + rest.index(after[0]) + len(after[0].rstrip(_PUNCTUATION)), named
    if after and (noun := _generic_noun(after[0])) is not None:
        # The noun is the figure's unit, not its subject: what the figure is of lies around the two.
        return (f"word:{noun}", "", ""), end, end + rest.index(after[0]) + len(after[0].rstrip(_PUNCTUATION))
    return None, end, named


def _role_and_unit(before: str, unit: tuple[str, str, str] | None) -> tuple[str | None, str | None]:
    """The figure's role (from the words just before it, or its unit) and its unit's name, made to agree."""
    role = next((_ROLES[k] for t in before.split()[-3:] if (k := _word(t, _ROLES)) is not None), None)
    unit_name = unit[0] if unit else None
    if unit_name in _ROLE_UNITS:
        role, unit_name = unit_name, "person"
    elif role is not None and unit_name is None:
        unit_name = "person"  # "ارتفعت حصيلة القتلى إلى 30": thirty people
    elif role is not None and unit_name is not None and unit_name not in ("person", "soldier", "child"):
        role = None  # "مقتل ... بعد 3 أيام": the role word is about something else
    return role, unit_name


def _quantity_of(
    text: str, offsets: list[int], start: int, end: int, value: Decimal, unit: tuple[str, str, str], norm: str,
    english: str | None,
) -> Quantity:
    """A figure written as one word with its unit (a dual: "عامين")."""
    qualifier = _qualifier(norm[max(0, start - 40) : start])
    return Quantity(
        value=value,
        unit=unit[0],
        role=None,
        qualifier=qualifier,
        scale=None,
        phrase=text[offsets[start] : offsets[end - 1] + 1],
        english=_english(value, None, unit, None, qualifier, english),
        subject=_subject(norm, start, end, None),
    )


# "9:03", "الساعة 4:10 مساء": a time of day, in minutes after midnight. Named with a time zone other than the
# local one ("بالتوقيت الشرقي"), it is kept apart from the local time: the same moment, another figure.
_CLOCK = re.compile(r"(?<![\d:.,/])(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?![\d:])")
_AFTERNOON = re.compile(r"\s*(?:\S+\s+)?(?:مساء|مساءا|ظهرا|بعد\s+الظهر|pm)(?!\w)")
_ZONE = re.compile(r"\s*(?:\S+\s+){0,3}?(?:ب|و)?(?:ال)?توقيت\s+(?P<zone>\S+)")
_MATCH_MINUTE = re.compile(r"(?<!\w)(?:[وفب]?ال|في\s+ال)دقيقه\s*\(?\s*$")
_WRITTEN_OUT = re.compile(
    r"(?:\s+و\s*(?P<thousands>\d{1,3})\s+(?:الفا|الاف|الف)(?!\w))?(?:\s+و\s*(?P<units>\d{1,3})(?![\d.,]))?"
)


def _clock(found: re.Match[str], norm: str, text: str, offsets: list[int]) -> Quantity:
    """A time of day: "9:03" is 543 minutes after midnight, "4:10 مساء" 970."""
    hour, minute = int(found["h"]), int(found["m"])
    if hour < 12 and _AFTERNOON.match(norm, found.end()):
        hour += 12
    zone = _ZONE.match(norm, found.end())
    unit = "clock" if zone is None or zone["zone"] == "المحلي" else f"clock:{zone['zone']}"
    start, end = found.start(), found.end()
    return Quantity(
        value=Decimal(hour * 60 + minute),
        unit=unit,
        role=None,
        qualifier="exact",
        scale=None,
        phrase=text[offsets[start] : offsets[end - 1] + 1],
        english=f"{hour}:{minute:02d}",
        subject=_subject(norm, start, end, None),
    )


_PUNCTUATION = ".,،؛:!?؟\"'«»()“”"
_AT_LEAST = re.compile(r"\s*(?:\S+\s+)?علي\s+الاقل(?!\w)")  # "20 شخصا على الأقل", "20 على الأقل"
# What a figure is of: the words of its clause just before it and just after its unit, as stems. Verbs of saying
# and reaching ("بلغت", "أعلن") and the words of qualifiers tie nothing to anything.
_CLAUSE = re.compile(r"[،,.؛;:!?؟()«»\"“”\n|]")
_SUBJECT_STOP = _NOT_NOUNS | frozenset(
    "بلغ بلغت يبلغ تبلغ وصل وصلت ارتفع ارتفعت ارتفاع سجل سجلت اعلن اعلنت قال قالت افاد افادت اكد اكدت اكثر اقل "
    "ازيد قرابه يقارب يناهز زهاء يزيد يفوق تجاوز تجاوزت الاقل اليوم امس ذكر ذكرت اشار اشارت وفق وفقا اضاف اضافت "
    "الاثنين الثلاثاء الاربعاء الخميس الجمعه السبت الاحد نسبه نسب بنسبه معدل عدد".split()
)
_SUFFIX = re.compile(r"(?:ات|ون|ين|يه|ه|ا)$")


def _stem(token: str) -> str | None:
    """A rough stem for matching what two figures are of: no prefix ("وال", "بال", "لل"), no plural ending."""
    word = token.strip(".,،؛:!?؟\"'«»()“”-–")
    if not word or not all(ch.isalpha() for ch in word) or word in _SUBJECT_STOP:
        return None
    for strip in (_PREFIX, _SUFFIX):
        bare = strip.sub("", word)
        word = bare if len(bare) >= 3 else word
        if word in _SUBJECT_STOP or bare in _SUBJECT_STOP or len(bare) < 2:
            return None
    return None if len(word) < 3 else word


def _subject(norm: str, start: int, end: int, role: str | None) -> frozenset[str]:
    """Stems of the words around a figure (up to four before it in its clause, two after its unit), and its role."""
    before = _CLAUSE.split(norm[max(0, start - 80) : start])[-1].split()[-4:]
    after = _CLAUSE.split(norm[end : end + 60])[0].split()[:2]
    stems = {stem for w in (*before, *after) if (stem := _stem(w)) is not None}
    return frozenset(stems | ({f"role:{role}"} if role else set()))


def _qualifier(before: str) -> Qualifier:
    """"about", "over", "under" when the words just before a figure say so ("نحو", "أكثر من", "أقل من")."""
    return next((q for pattern, q in _QUALIFIERS if pattern.search(before)), "exact")


def _number(value: Decimal, scale: str | None) -> str:
    """A value in English digits: "1,500", "2.5 million", "21"."""
    if scale in ("million", "billion"):  # "2.5 million", but "5,000"
        return f"{_plain(value / (10**6 if scale == 'million' else 10**9))} {scale}"
    return _plain(value)


def _plain(value: Decimal) -> str:
    value = value.normalize()
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return format(value, "f")


def _english(
    value: Decimal,
    scale: str | None,
    unit: tuple[str, str, str] | None,
    role: str | None,
    qualifier: Qualifier,
    english: str | None,
) -> str:
    number = _number(value, scale)
    prefix = _ENGLISH_QUALIFIERS.get(qualifier, "")
    if unit is None:
        return prefix + (f"{number} {role}" if role else number)
    name, singular, plural = unit
    if name == "match-minute":
        return f"{prefix}minute {number}"
    if name == "percent":
        return f"{prefix}{number}%"
    if name in _SYMBOLS:
        return f"{prefix}{_SYMBOLS[name]}{number}"
    if name.startswith("word:"):
        noun = _noun_after(number, value, english)
        return prefix + (f"{number} {noun}" if noun else number)
    if name in _ROLE_UNITS or (role and name == "person"):
        return f"{prefix}{number} {role or name}"
    word = singular if value == 1 and scale is None else plural
    return f"{prefix}{number} {word}" + (f" {_ROLE_ENGLISH[role]}" if role else "")


def _noun_after(number: str, value: Decimal, english: str | None) -> str | None:
    """The English word after the figure in the translation ("5 drones"), if the translation has the figure."""
    if not english:
        return None
    forms = {number, number.replace(",", ""), _plain(value).replace(",", "")}
    for form in sorted(forms, key=len, reverse=True):
        m = re.search(rf"(?<![\d.,]){re.escape(form)}(?![\d])\s+([A-Za-z][a-z-]+)", english)
        if m and m.group(1).lower() not in {"and", "or", "of", "in", "on", "to", "the", "a", "per"}:
            return m.group(1)
    return None


# --- comparing --------------------------------------------------------------------------------------------


def compare(claims: Sequence[Claim]) -> list[Difference]:
    """The figures and dates that disagree among claims of one fact (from at least two different sources).

    Figures are compared only when they count the same thing (``Quantity.same_thing``). A count that changed over
    the days is not a disagreement: it comes back as kind "update", the latest value first (``_changed``).
    """
    found: list[Difference] = []
    per_claim = [quantities(c.original, c.english, c.published) for c in claims]
    keys = dict.fromkeys(q.key for qs in per_claim for q in qs if q.unit is not None or q.role is not None)
    for key in keys:
        # A claim with two figures for one key is left out: which of them the other source's figure answers is a guess.
        said = [(c, same[0]) for c, qs in zip(claims, per_claim) if len(same := [q for q in qs if q.key == key]) == 1]
        found += _figures_differ(said)
    # A date after its own article's ("from January 2027" in a November 2026 article) is when something is due, not
    # when the fact happened: set against the day a decision was taken it would be a false disagreement.
    dated = [(c, d) for c in claims if (d := _only_date(c)) is not None and not _ahead(d, c.published)]
    if _disagree(dated, _dates_agree):
        found.append(Difference("date", _values([(c, english_date(d.date, d.precision), d.date) for c, d in dated])))
    return found


Said = tuple[Claim, Quantity]

# A figure that says it rose ("ارتفعت حصيلة القتلى إلى 30", "حصيلة جديدة"), or one that says it was early or
# partial ("حتى الآن", "حصيلة أولية", "في وقت سابق"): set side by side, the two are one count as it changed.
_RISE = re.compile(
    r"(?<!\w)(?:[وف]?(?:ارتفع|ارتفعت|ارتفاع|يرتفع|ترتفع|قفز|قفزت|تضاعف|تضاعفت)|حصيله\s+(?:جديده|محدثه))(?!\w)"
)
_EARLY = re.compile(
    r"(?<!\w)(?:في\s+البدايه|في\s+بدايه|حصيله\s+اوليه|الحصيله\s+الاوليه|في\s+وقت\s+سابق)(?!\w)"
)
# A count still in progress ("حتى الآن", "مع انتظار نتيجة 12 مقعدا"): whichever side says so, it is not final.
_PARTIAL = re.compile(r"(?<!\w)(?:حتي\s+الان|انتظار\s+(?:نتيجه|نتائج)|مع\s+استمرار\s+(?:الفرز|العد))(?!\w)")


def _figures_differ(said: Sequence[Said]) -> list[Difference]:
    """Figures of one key from different sources that count the same thing and cannot both be right.

    A pair that is one count changing (``_changed``) is an update; when no pair is a real disagreement, the
    update comes back instead: kind "update", the latest value first.
    """
    conflicts: list[Said] = []
    changes: list[tuple[Said, Said]] = []
    for i, (a, x) in enumerate(said):
        for b, y in said[i + 1 :]:
            if a.cite == b.cite or x.agrees(y) or not x.same_thing(y):
                continue
            if _changed((a, x), (b, y)):
                changes.append(_in_time((a, x), (b, y)))
            else:
                conflicts += [c for c in ((a, x), (b, y)) if c not in conflicts]
    if conflicts:
        return [Difference("number", _values([(c, q.english, (q.value, q.qualifier)) for c, q in conflicts]))]
    if not changes:
        return []
    latest = max((later for _, later in changes), key=lambda s: (s[0].published or dt.date.min, s[1].value))
    earlier = [e for e, later in changes if later == latest]
    shown = [latest, *dict.fromkeys(earlier)]
    values = _values([(c, q.english, (q.value, q.qualifier)) for c, q in shown])
    dated = (replace(values[0], date=latest[0].published), *values[1:])
    return [Difference("update", dated)]


def _changed(one: Said, other: Said) -> bool:
    """Two figures of one count that differ because it changed: reported on different days (a count of people,
    seats or votes), either says the count is still in progress (``_PARTIAL``), either says it rose to its figure
    or the lower says it was early (``_RISE``, ``_EARLY``)."""
    (a, x), (b, _) = one, other
    counted = x.role is not None or x.unit in ("person", "seat", "vote")
    if counted and a.published and b.published and a.published != b.published:
        return True
    if any(_PARTIAL.search(_norm(c.original)) for c in (a, b)):
        return True
    (low_claim, low), (high_claim, high) = sorted((one, other), key=lambda s: s[1].value)
    # The lower saying it rose to its figure ("ارتفاع عدد الضحايا إلى 177") is a count still climbing: 179 later
    # the same day is that count again, not a source that disagrees.
    return (
        _rose_to(high_claim.original, high)
        or _rose_to(low_claim.original, low)
        or bool(_EARLY.search(_norm(low_claim.original)))
    )


def _rose_to(text: str, figure: Quantity) -> bool:
    """The text says the count rose to this figure ("ارتفعت حصيلة القتلى إلى 1644 قتيلا"), not that something rose
    by it ("ارتفع التضخم بنسبة 21%")."""
    norm = _norm(text)
    digits = re.match(r"[\d.,]+", _norm(figure.phrase))
    rise = _RISE.search(norm)
    if rise is None or digits is None:
        return False
    to = re.compile(rf"(?<!\w)ال[يى]\s+(?:\S+\s+)?{re.escape(digits.group(0))}(?![\d])")
    return to.search(norm, rise.end()) is not None


def _in_time(one: Said, other: Said) -> tuple[Said, Said]:
    """(earlier, later) of two values of a changing count: by the day reported, else the lower first."""
    if one[0].published and other[0].published and one[0].published != other[0].published:
        return (one, other) if one[0].published < other[0].published else (other, one)
    return (one, other) if one[1].value <= other[1].value else (other, one)


def _norm(text: str) -> str:
    return _normalise_with_offsets(text)[0]


# --- across every sentence of a story ----------------------------------------------------------------------

# What is compared across a whole story, not only among the sentences select judged to state one fact: figures
# that say what they measure and are seldom of two things in one story (a share, seats, votes, a time of day, a
# delay in minutes). Measured on d01-d04 of tests/eval/corpus, these were not: counts of the dead and wounded
# (they change by the hour, and reports rarely say which hour), of people (367 passengers and 379 on board),
# magnitudes (the quake and its aftershock, two quakes in one story) and minutes of a match (every goal has one,
# and words like "هدف", "تقدم ... عبر" are shared by all of them).
_ACROSS_UNITS = frozenset({"percent", "seat", "vote", "clock", "minute"})
# Words that name the kind of measure ("قوته", "نسبة", "عدد"), or its unit ("الدقيقة", "الساعة"), not what is
# measured: two figures that share only these may be of two things (a quake and its aftershock).
_MEASURES = frozenset("قو شد نسب عدد حجم قيم مستوي دقيق ساع درج مقعد صو".split())


def across(claims: Sequence[Claim]) -> list[Difference]:
    """Figures that disagree anywhere in a story: every sentence of its articles, from different sources.

    Stricter than ``compare``, which trusts select's same-fact groups: only figures that say what they measure
    (``_ACROSS_UNITS``), with a word of their own clause in common besides the measure's name, where each
    sentence gives one such figure of the other's (a sentence giving Labour's seats and the Conservatives' is
    paired figure by figure), at the same time (the dates the sentences name agree) and not a count that changed
    (``_changed``). Sources giving the same value are cited together.
    """
    figures = [(c, _own_figures(c)) for c in claims]
    pairs: list[tuple[tuple[str, int], tuple[str, int]]] = []
    node: dict[tuple[str, int], Said] = {}
    for i, (a, xs) in enumerate(figures):
        for b, ys in figures[i + 1 :]:
            if a.cite == b.cite or not xs or not ys or not _same_time(a, b):
                continue
            for j, k in _matched(xs, ys):
                x, y = xs[j], ys[k]
                node[(a.id, j)], node[(b.id, k)] = (a, x), (b, y)
                if not x.agrees(y) and not _changed((a, x), (b, y)):
                    pairs.append(((a.id, j), (b.id, k)))
    found = []
    for group in _connected(pairs):
        said = [node[n] for n in group]
        if len({(q.value, q.qualifier) for _, q in said}) > 2:
            continue  # a chain of three or more values is more often figures of several things than one dispute
        said += _seconding(said, figures)
        found.append(Difference("number", _values([(c, q.english, (q.value, q.qualifier)) for c, q in said])))
    return found


def _seconding(said: Sequence[Said], figures: Sequence[tuple[Claim, list[Quantity]]]) -> list[Said]:
    """Other sources giving one of a disagreement's values, of the same thing: cited with it, not left out."""
    return [
        (c, q)
        for c, qs in figures
        if all(c.id != d.id for d, _ in said)
        for q in qs
        if any(q.key == x.key and q.value == x.value and q.qualifier == x.qualifier and _one_thing(q, x)
               for _, x in said)
    ]


def _own_figures(claim: Claim) -> list[Quantity]:
    """A sentence's figures that say what they measure, less those of one key whose words overlap: "40% في الشمال
    و30% في الجنوب" gives two shares of one thing, and which one another source's share answers is a guess."""
    found = [q for q in quantities(claim.original, claim.english, claim.published) if q.unit in _ACROSS_UNITS]
    found = [q for q in found if q.role is None]
    return [
        q for q in found if not any(o is not q and o.key == q.key and _canon_set(o) & _canon_set(q) for o in found)
    ]


def _matched(xs: Sequence[Quantity], ys: Sequence[Quantity]) -> list[tuple[int, int]]:
    """Pairs of figures of two sentences that are of one thing, where neither could be of another in the pair."""
    candidates = [(j, k) for j, x in enumerate(xs) for k, y in enumerate(ys) if x.key == y.key and _one_thing(x, y)]
    return [
        (j, k)
        for j, k in candidates
        if sum(1 for jj, _ in candidates if jj == j) == 1 and sum(1 for _, kk in candidates if kk == k) == 1
    ]


def _one_thing(x: Quantity, y: Quantity) -> bool:
    """The words around two figures share one that says what is measured, not only the measure's name."""
    shared = _canon_set(x) & _canon_set(y)
    # ...and at least half the words of the sparer of the two: "زلزال" shared, "ارتدادي" on one side only, is two
    return bool(shared) and 2 * len(shared) >= min(len(_canon_set(x)), len(_canon_set(y)))


def _canon_set(q: Quantity) -> set[str]:
    """The stems around a figure as ``_one_thing`` compares them, without the measure's own name."""
    return {_canon(w) for w in q.subject} - _MEASURES


def _canon(stem: str) -> str:
    """A stem without a leading "ل" or "ال" and a last ta or ha: "قوته" and "بقوة" (stems قوت, قوه) are one word,
    as are "للمحافظين" and "المحافظون" (stems لمحافظ, محافظ)."""
    for prefix in ("ال", "ل"):
        stem = stem[len(prefix) :] if stem.startswith(prefix) and len(stem) - len(prefix) >= 3 else stem
    bare = stem.rstrip("هت")
    return bare if len(bare) >= 2 else stem


def _same_time(a: Claim, b: Claim) -> bool:
    """Nothing says the two sentences are of different times: the dates they name (if both name one) agree."""
    one, other = _only_date(a), _only_date(b)
    return one is None or other is None or _dates_agree(one, other)


def _connected(pairs: Sequence[tuple[Any, Any]]) -> list[list[Any]]:
    """The groups of nodes that pairs link, each in the order first seen."""
    groups: list[list[Any]] = []
    for a, b in pairs:
        hit = [g for g in groups if a in g or b in g]
        merged = [n for g in hit for n in g]
        merged += [n for n in (a, b) if n not in merged]
        groups = [g for g in groups if g not in hit] + [merged]
    return groups


def differences(groups: Iterable[Sequence[Claim]]) -> list[Difference]:
    """Every disagreement in the same-fact groups, group by group."""
    return [d for group in groups for d in compare(group)]


def _disagree(said: Sequence[tuple[Claim, Any]], agree: Any) -> bool:
    """True when two sources (different cites) say things that cannot both be right."""
    return any(
        a.cite != b.cite and not agree(x, y) for i, (a, x) in enumerate(said) for b, y in said[i + 1 :]
    )


def _values(said: Sequence[tuple[Claim, str, Any]]) -> tuple[Value, ...]:
    """One Value per distinct value (in order of first mention), with every source giving it."""
    by_value: dict[Any, tuple[str, list[int], list[str]]] = {}
    for claim, shown, identity in said:
        _, cites, ids = by_value.setdefault(identity, (shown, [], []))
        if claim.cite not in cites:
            cites.append(claim.cite)
        ids.append(claim.id)
    return tuple(Value(shown, tuple(sorted(cites)), tuple(ids)) for shown, cites, ids in by_value.values())


def _only_date(claim: Claim) -> FoundDate | None:
    """The date a claim places its fact at (see brief.timeline.sentence_date)."""
    return sentence_date(claim.original, claim.published)


def _dates_agree(a: FoundDate, b: FoundDate) -> bool:
    """Dates agree at the coarser precision of the two: "March 2025" agrees with "18 March 2025"."""
    coarser = max(a.precision, b.precision, key=["day", "month", "year"].index)
    if coarser == "year":
        return a.date.year == b.date.year
    if coarser == "month":
        return (a.date.year, a.date.month) == (b.date.year, b.date.month)
    return a.date == b.date


def _ahead(found: FoundDate, published: dt.date | None) -> bool:
    """The date lies after the article's own date (at the date's precision): a plan or deadline, not an event."""
    if published is None:
        return False
    if found.precision == "year":
        return found.date.year > published.year
    if found.precision == "month":
        return (found.date.year, found.date.month) > (published.year, published.month)
    return found.date > published
