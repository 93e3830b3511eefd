"""Words, as selection and composition weigh them: the text tests they share.

The summariser backend that rewrites a fact is ``brief.models.transformers.Seq2SeqSummariser``.
``content_words`` is the Arabic-aware word overlap selection uses on originals; ``checks`` / ``unsupported`` say
what in a rewrite its support does not back (numbers, names, dates, new wording): such a rewrite is not printed.
Selection itself is in ``brief.select``, composition in ``brief.compose``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from brief.clean import normalise_for_matching
from brief.records import Check

# Cosine similarities of multilingual-e5-small are compressed: on the seeds, sentences of one story score 0.83
# at the median and up to 0.93 for different facts on the same subject, while a sentence and its translation
# score about 0.9. So similarity alone decides only when it is very high; below that, two sentences state the
# same fact only when they also share most of their content words (light-stemmed, normalised spelling).
SAME_FACT_COS = 0.95  # alone: the same fact
SAME_FACT_COS_WITH_WORDS = 0.92  # with SAME_FACT_OVERLAP of the shorter sentence's content words, at least
SAME_FACT_OVERLAP = 0.6
SAME_FACT_SHARED = 6  # ... and this many shared content words
DUPLICATE_COS = 0.96  # a near-duplicate of a sentence already chosen
DUPLICATE_OVERLAP = 0.7  # or this much word overlap at SAME_FACT_COS_WITH_WORDS
MIN_FACT_WORDS = 6  # shorter sentences (in the original) are rarely a fact worth a bullet
MAX_POINT_WORDS = 60  # a longer sentence makes a poor bullet
MAX_NEW_WORDS = 0.34  # share of a rewrite's content words its support may lack

# Openers that lean on the sentence before ("This comes after ...", "In the same context ..."): such a sentence
# reads poorly out of its article, so it ranks lower.
# The Arabic patterns are in normalise_for_matching's spelling (no hamza on alef, ta marbuta as ha, no diacritics).
_ANAPHORIC = re.compile(
    r"^\W*(?:و(?:بين|اوضح|اضاف|اشار|تابع|اكد) (?:ان|الي)|و?ياتي ذلك|و?جاء ذلك|و?في السياق (?:ذاته|نفسه)|و?في سياق متصل|و?من جهه اخري|و?اعقب ذلك"
    r"|(?:this|that|these|it|he|she|they|meanwhile|in the same context|on the other hand)\b)"
)


def word_count(text: str) -> int:
    """Words as a reader counts them."""
    return len(text.split())


_AR_PREFIXES = ("بال", "كال", "وال", "فال", "لل", "ال")
_AR_SUFFIXES = ("ات", "ون", "ين", "ها", "هم", "ية", "يه", "ه", "ي")
_AR_STOPWORDS = set(
    "في من علي الي عن ان التي الذي الذين مع هذا هذه ذلك تلك قد كان كانت بين بعد قبل حيث او ما لم لا لن كما"
    " ايضا عام يوم خلال اليوم منذ عند ضد حول كل غير وقال قال اكد اضاف".split()
)
_TOKEN = re.compile(r"\w+")


def content_words(text: str) -> frozenset[str]:
    """Light-stemmed content words of an Arabic or English sentence, for matching only."""
    words = set()
    for word in _TOKEN.findall(normalise_for_matching(text)):
        if "\u0600" <= word[0] <= "\u06ff":
            if len(word) > 3 and word[0] in "وف":
                word = word[1:]
            word = next((word[len(p) :] for p in _AR_PREFIXES if word.startswith(p) and len(word) - len(p) >= 3), word)
            word = next((word[: -len(x)] for x in _AR_SUFFIXES if word.endswith(x) and len(word) - len(x) >= 3), word)
            if len(word) >= 3 and word not in _AR_STOPWORDS:
                words.add(word)
        elif len(word) >= 3 and word not in _STOPWORDS:
            words.add(_stem(word))
    return frozenset(words)


# A number as text writes it: digits, with thousands separators or a decimal mark (the Arabic one too). The one
# pattern for "a number in text": selection, composition, the pile and the evaluation all use it.
NUMBER = re.compile(r"\d+(?:[.,٫]\d+)*")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# English month and day names: a rewrite or a printed line that names one its support lacks adds a date.
MONTHS_AND_DAYS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}  # fmt: skip
_STOPWORDS = {
    "the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as",
    "is", "are", "was", "were", "be", "been", "has", "have", "had", "that", "this", "these", "those", "it",
    "its", "he", "she", "they", "their", "his", "her", "we", "our", "which", "who", "will", "would", "also",
    "not", "after", "before", "said", "says", "than", "into", "about", "over", "there", "while", "such",
}  # fmt: skip


def _stem(word: str) -> str:
    return word.lower().strip("'’-")[:6]


def checks(generated: str, support: Sequence[str]) -> list[Check]:
    """Each faithfulness check of a rewrite against the English of its support: numbers, names, dates, wording.

    A rewrite may be printed only when every check passed.
    """
    source = " ".join(support)
    words = _WORD.findall(generated)
    if len(words) < 4:
        return [Check("length", False, "too short")]
    if word_count(generated) > MAX_POINT_WORDS * 2:
        return [Check("length", False, "too long")]
    source_words = {w.lower() for w in _WORD.findall(source)}
    source_stems = {_stem(w) for w in source_words}
    names, dates = _new_names_and_dates(words, source_words, source_stems)
    return [
        Check("length", True, f"{word_count(generated)} words"),
        _numbers_check(generated, source),
        Check("names", not names, "; ".join(names) or "every name is in the support"),
        Check("dates", not dates, "; ".join(dates) or "every day and month is in the support"),
        _overlap_check(words, source_stems),
    ]


def _numbers_check(generated: str, source: str) -> Check:
    """Every number of the rewrite is in its support (thousands separators aside)."""
    source_numbers = {n.replace(",", "") for n in NUMBER.findall(source)}
    numbers = NUMBER.findall(generated)
    missing = [f"number {n}" for n in numbers if n.replace(",", "") not in source_numbers]
    return Check("numbers", not missing, "; ".join(missing) or f"{len(numbers)} number(s), all in the support")


def _new_names_and_dates(
    words: Sequence[str], source_words: set[str], source_stems: set[str]
) -> tuple[list[str], list[str]]:
    """Capitalised words (names) and month names in the rewrite that its support lacks."""
    dates: list[str] = []
    names: list[str] = []
    for k, word in enumerate(words):
        lower = word.lower()
        if lower in MONTHS_AND_DAYS and lower not in source_words:
            dates.append(f"date {word}")
        elif not word[0].isupper() or lower in _STOPWORDS:
            continue
        # The first word is capitalised anyway: it is new only when not even its stem is in the support.
        elif (lower not in source_words) if k > 0 else (_stem(word) not in source_stems):
            names.append(f"name {word}")
    return names, dates


def _overlap_check(words: Sequence[str], source_stems: set[str]) -> Check:
    """At most MAX_NEW_WORDS of the rewrite's content words are new to its support."""
    content = [w for w in words if w.lower() not in _STOPWORDS and len(w) > 2]
    new = [w for w in content if _stem(w) not in source_stems]
    share = len(new) / len(content) if content else 0.0
    return Check(
        "overlap",
        share <= MAX_NEW_WORDS,
        f"new wording ({len(new)} of {len(content)} content words)" if share > MAX_NEW_WORDS
        else f"{len(content) - len(new)} of {len(content)} content words from the support",
    )


def unsupported(generated: str, support: Sequence[str]) -> list[str]:
    """What in ``generated`` its support does not back: numbers, names, dates, or too many new words.

    An empty list means the sentence may be printed.
    """
    problems: list[str] = []
    for check in checks(generated, support):
        if not check.passed:
            problems += check.why.split("; ")
    return problems
