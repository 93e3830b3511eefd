"""Text normalisation (for translation and for matching) and sentence splitting."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator

# --- characters -----------------------------------------------------------------------------------------

_TATWEEL = "\u0640"
# Bidi marks and embeddings, zero-width characters, soft hyphen, BOM, C0/C1 controls (newline and tab are
# whitespace and get collapsed instead).
_INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫٬", "01234567890123456789.,")
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]")
_LETTER_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})


def prepare_for_translation(text: str) -> str:
    """Text as it goes to the translator: spelling kept; tatweel and control/bidi characters gone, digits ASCII."""
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text).replace(_TATWEEL, "").translate(_DIGITS)
    return " ".join(text.split())


def collapse_space(text: str) -> str:
    """NFC with runs of whitespace made one space and the ends trimmed: one spelling per text, for ids and keys."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def normalise_for_matching(text: str) -> str:
    """Fold Arabic spelling variants (alef, ya, ta marbuta, diacritics), digits and case, for comparing only."""
    text = _DIACRITICS.sub("", prepare_for_translation(text))
    return " ".join(text.translate(_LETTER_FOLD).casefold().split())


# --- sentences --------------------------------------------------------------------------------------------

_TERMINATORS = ".!?؟…۔‼⁉"
_CLOSERS = "\"'”’»)]›"
_PAIRS = {"«": "»", "“": "”", "(": ")", "‹": "›"}
_CLOSING = frozenset(_PAIRS.values())
# Latin abbreviations that take a full stop; single letters (Arabic "د." "أ." "م." or initials) are general.
_LAST_WORD = re.compile(r"[^\s\"'“”«»(\[]*$")
_NEXT_CHAR = re.compile(r"\s*(\S)")
_ABBREVIATIONS = frozenset(
    "dr mr mrs ms prof st jr sr vs gen col lt sgt capt gov sen rep inc ltd co corp no mt ft approx".split()
)


# No sentence a person writes runs this long; text that does (a page with no punctuation, a hostile line of
# 200,000 characters) is cut at spaces into pieces of at most this many characters, so what follows (embedding,
# splitting for the translator) costs what a normal article of that length does.
MAX_SENTENCE_CHARS = 1000


def split_sentences(text: str) -> list[str]:
    """Split Arabic or English text into sentences at . ! ? ؟ …, never inside quotes or after an abbreviation;
    in linear time, and none longer than MAX_SENTENCE_CHARS."""
    sentences: list[str] = []
    for paragraph in text.split("\n"):
        for sentence in _split_paragraph(paragraph):
            sentences.extend(_capped(sentence))
    return [s for s in sentences if any(ch.isalnum() for ch in s)]


def _capped(sentence: str, cap: int = MAX_SENTENCE_CHARS) -> Iterator[str]:
    """The sentence in pieces of at most ``cap`` characters, cut at the last space before the cap (or at the cap,
    in a run with no space)."""
    start, n = 0, len(sentence)
    while n - start > cap:
        cut = sentence.rfind(" ", start + 1, start + cap + 1)
        end = cut if cut > start else start + cap
        yield sentence[start:end].strip()
        start = end
    yield sentence[start:].strip()


def _split_paragraph(text: str) -> Iterator[str]:
    # covered[i]: the furthest close of any quotation opened before i, so "inside a quote" is one lookup.
    n = len(text)
    opened_at = [-1] * (n + 1)
    for s, e in _quote_spans(text):
        opened_at[s + 1] = max(opened_at[s + 1], e)
    covered = list(itertools.accumulate(opened_at, max))
    start, i = 0, 0
    while i < n:
        if text[i] not in _TERMINATORS:
            i += 1
            continue
        j = i
        while j < n and text[j] in _TERMINATORS:
            j += 1
        k = j
        while k < n and text[k] in _CLOSERS:
            k += 1
        # A quote that closes right after the full stop ends the sentence with it; one still open does not.
        inside = covered[i] >= k
        if (k == n or text[k].isspace()) and not inside and not _abbreviation(text, i, j, k):
            yield text[start:k].strip()
            start = k
        i = k
    yield text[start:].strip()


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """(open, close) index pairs of the quotations and brackets in text; unmatched marks are ignored."""
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    straight: list[int] = []
    for i, ch in enumerate(text):
        if ch in _PAIRS:
            stack.append((ch, i))
        elif ch == '"':
            straight.append(i)
        elif ch in _CLOSING and stack:  # only a closing mark looks down the stack: linear in the text
            for depth in range(len(stack) - 1, -1, -1):
                if _PAIRS[stack[depth][0]] == ch:
                    spans.append((stack[depth][1], i))
                    del stack[depth:]
                    break
    # Straight quotes pair up in order; an odd last one is a stray and protects nothing.
    spans.extend(zip(straight[0::2], straight[1::2]))
    return spans


def _abbreviation(text: str, i: int, j: int, k: int) -> bool:
    """True when the full stop at i belongs to an abbreviation, an initial or a lower-case continuation."""
    if text[i:j] != ".":
        return False
    word = _LAST_WORD.search(text, max(0, i - 40), i)
    token = (word.group(0) if word else "").replace(_TATWEEL, "")
    if (len(token) == 1 and token.isalpha()) or re.fullmatch(r"(?:[^\W\d_]\.)+[^\W\d_]", token):
        return True
    if token.casefold() in _ABBREVIATIONS:
        return True
    following = _NEXT_CHAR.match(text, k)
    return following is not None and following.group(1).islower()  # "e.g. something", "U.S. officials"
