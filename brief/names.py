"""One spelling per name in a brief: the variant map, and rewriting English sentences with it.

Different articles, translated separately, spell one name differently ("Akturk", "Aktürk", "Ak Turk";
"Mohammed", "Muhammad"; "Abu Qasra", "Abu Kasra"). The Arabic side is one spelling (أكتورك), so the map is built
from both sides, without word alignment:

1. Candidate names are the capitalised words of the English sentences (and a pair of them, "Ak Turk", when
   written together it is another candidate's spelling).
2. Two candidates are spellings of one name when their folded forms are equal and (for any difference beyond
   accents, case, spaces, hyphens and apostrophes) the Arabic sentences they come from share a name-like word:
   one found in at least half the sentences of each spelling whose consonants both spellings
   render (مرهف is m-r-h-f, as "Murhaf" and "Marhaf" are; قصرة and قسرة count as one word). Folding strips accents,
   lowercases, drops spaces, hyphens and apostrophes and a leading "al-", and evens out transliteration
   (ou/oo/o -> u, e -> a, ee/y -> i, q -> k, sh -> s, doubled letters once, a final h after a vowel; the French
   soft g, "Hage" and "Gemayel", is j). Folded forms
   one or two letters apart also count, unless one is the other plus an English ending ("Syria", "Syrian").
3. Each name's spelling is the one used most often, ties going to the first used.

    entities(pairs)         the names spelled more than one way, with their spellings
    variant_map(pairs)      {variant: chosen spelling}
    apply(text, mapping)    an English sentence with every variant rewritten
    equivalent(a, b, mapping)  whether two spellings name the same thing (for the faithfulness check)
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from brief.clean.text import normalise_for_matching

MIN_SHARE = 0.5  # the share of a spelling's sentences an Arabic word must be in to be taken as the name it renders


@dataclass(frozen=True)
class Entity:
    """A name spelled more than one way in a brief: the spelling chosen, every spelling seen, the Arabic behind it."""

    canonical: str
    variants: tuple[str, ...]  # canonical first, then by first use
    arabic: tuple[str, ...]  # normalised Arabic words both sides share (empty when only accents or spacing differ)

    def to_json(self) -> dict[str, Any]:
        """Plain-JSON form."""
        return {"canonical": self.canonical, "variants": list(self.variants), "arabic": list(self.arabic)}


# --- folding ----------------------------------------------------------------------------------------------

_SPECIAL = str.maketrans({"ı": "i", "İ": "I", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "ß": "ss", "æ": "ae"})
_ARTICLE = re.compile(r"^(?:al|el|ul)[-\s‐]+", re.IGNORECASE)
_LOOSE = [
    (re.compile(r"g(?=[ei])"), "j"),  # French: "Hage" (الحاج), "Gemayel" (الجميل), "Geagea" (جعجع)
    (re.compile(r"(?<=j)e$"), ""),  # and its silent final e: "Hage" is "Haj"
    (re.compile(r"ou|oo|o"), "u"),
    (re.compile(r"ee"), "i"),
    (re.compile(r"e"), "a"),
    (re.compile(r"(?<=.)y"), "i"),
    (re.compile(r"q|ck|c(?!h)"), "k"),
    (re.compile(r"sh|ch"), "s"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"(.)\1+"), r"\1"),
    (re.compile(r"(?<=[aiu])h$"), ""),
]


def strict_fold(name: str) -> str:
    """Accents, case, spaces, hyphens and apostrophes gone: "Ak Türk" and "Akturk" both give "akturk"."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_SPECIAL))
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch)).casefold()


def fold(name: str) -> str:
    """A transliteration-blind key: "Mohammed" and "Muhammad" both give "muhamad", "al-Sharaa" gives "shara"."""
    folded = strict_fold(_ARTICLE.sub("", name.strip()))
    for pattern, replacement in _LOOSE:
        folded = pattern.sub(replacement, folded)
    return folded


_ENDINGS = ("n", "an", "ian", "i", "is", "s", "es", "as", "ese", "asa", "ish", "is", "ans", "ians")


def _near(a: str, b: str) -> bool:
    """Folded forms one letter apart (two for long names), and not a word and its derived form ("Syria"/"Syrian")."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if long_.startswith(short) and long_[len(short) :] in _ENDINGS:
        return False
    allowed = 2 if len(short) >= 8 else 1 if len(short) >= 5 else 0
    return allowed > 0 and abs(len(a) - len(b)) <= allowed and _distance(a, b, allowed) <= allowed


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, stopping early once it is above limit."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


# --- candidates -------------------------------------------------------------------------------------------

# A name word: a capital, or a lower-case article glued on ("al-Sharaa"); letters, apostrophes, inner hyphens.
# "Al Musafri" (with a space) is one word: its "Musafri" is not a spelling of its own.
_TOKEN = re.compile(
    r"(?<![\w'’-])(?:(?:al|el|ul|bin|ibn|abu)[-‐]|(?:[Aa]l|[Ee]l) (?=[A-Z]))?[A-ZÀ-ÖØ-ÞĀ-ſ][\w'’]*(?:[-‐][\w'’]+)*"
)
_NOT_NAMES = frozenset(
    "the a an in on at for from to by with after before as but and or if when while this that these those it its "
    "he she they we i his her their there here according however meanwhile also mr mrs ms dr since during under "
    "january february march april may june july august september october november december monday tuesday "
    "wednesday thursday friday saturday sunday".split()
)


@dataclass
class _Candidate:
    surface: str
    count: int
    first: tuple[int, int]  # (sentence, offset) of first use
    sentences: set[int]
    words: int  # how many words the spelling has


def _candidates(english: Sequence[str]) -> dict[str, _Candidate]:
    found: dict[str, _Candidate] = {}

    def add(surface: str, where: tuple[int, int], words: int) -> None:
        c = found.setdefault(surface, _Candidate(surface, 0, where, set(), words))
        c.count += 1
        c.sentences.add(where[0])

    for i, text in enumerate(english):
        tokens = [m for m in _TOKEN.finditer(text) if m.group(0).casefold() not in _NOT_NAMES]
        for k, m in enumerate(tokens):
            name = _POSSESSIVE.sub("", m.group(0))  # "Chefchaouen's" is "Chefchaouen"
            if name.casefold() in _NOT_NAMES:
                continue
            add(_key(name), (i, m.start()), 1)
            # "Jaber-Nassib" names two places: each part is a spelling of its own ("Jabir", "Nasib" elsewhere).
            parts = re.split(r"[-‐]", name)
            if len(parts) > 1 and not _ARTICLE.match(name) and all(p[:1].isupper() for p in parts):
                offset = m.start()
                for part in parts:
                    add(part, (i, offset), 1)
                    offset += len(part) + 1
            if name == m.group(0) and k + 1 < len(tokens) and text[m.end() : tokens[k + 1].start()] == " ":
                add(_key(f"{name} {_POSSESSIVE.sub('', tokens[k + 1].group(0))}"), (i, m.start()), 2)
    return found


_POSSESSIVE = re.compile(r"['’]s$")


def _key(surface: str) -> str:
    """The spelling with the case of a leading article evened out: "Al-Sharaa" at a sentence start is "al-Sharaa"."""
    return _ARTICLE.sub(lambda m: m.group(0).lower(), surface) if _ARTICLE.match(surface) else surface


# --- the Arabic side --------------------------------------------------------------------------------------

_AR_PREFIX = re.compile(r"^(?:وال|بال|فال|كال|لل|ال|و|ف|ب|ل)")
_AR_FUNCTION = frozenset(
    "في من الي علي عن مع ان او ثم قد لقد كان كانت هذا هذه ذلك تلك التي الذي الذين قال اضاف حيث بعد قبل "
    "خلال منذ بين عند كما لا لم لن ما هو هي هم يوم امس اليوم انه انها وقال واضاف".split()
)


def _arabic_words(text: str) -> set[str]:
    """Name-like words of an Arabic sentence, normalised, with and without a prefix ("وأكتورك" gives "اكتورك")."""
    words: set[str] = set()
    for raw in normalise_for_matching(text).split():
        word = raw.strip(".,،؛:!?؟\"'«»()“”[]-–")
        if len(word) < 3 or word in _AR_FUNCTION or not word.isalpha():
            continue
        words.add(word)
        bare = _AR_PREFIX.sub("", word)
        if len(bare) >= 3:
            words.add(bare)
    return words


# Consonants as a Latin transliteration writes them: a spelling and the Arabic word it renders share a skeleton
# ("Murhaf" and مرهف are m-r-h-f; "Akturk" and أكتورك k-t-r-k). Vowels, alef, waw, ya and ain are left out.
_AR_CONSONANTS = str.maketrans(
    {
        "ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "h", "خ": "k", "د": "d", "ذ": "z", "ر": "r", "ز": "z",
        "س": "s", "ش": "s", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "غ": "g", "ف": "f", "ق": "k", "ك": "k",
        "ل": "l", "م": "m", "ن": "n", "ه": "h", "پ": "b", "چ": "j", "گ": "g", "ڤ": "f",
        "ا": None, "و": None, "ي": None, "ع": None, "ء": None, "ئ": None, "ؤ": None,
    }
)  # fmt: skip
_EN_DIGRAPHS = [(re.compile(p), r) for p, r in [("kh", "k"), ("gh", "g"), ("th", "t"), ("dh", "z"), ("ts", "s")]]


def _arabic_skeleton(word: str) -> str:
    word = word[:-1] if len(word) > 2 and word.endswith("ه") else word  # ta marbuta, folded to ه, is no h
    return re.sub(r"(.)\1+", r"\1", word.translate(_AR_CONSONANTS))


def _latin_skeleton(folded: str) -> str:
    for pattern, replacement in _EN_DIGRAPHS:
        folded = pattern.sub(replacement, folded)
    folded = folded.replace("p", "b").replace("v", "f").replace("x", "ks").replace("c", "k")
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[aeiouyw]", "", folded))


def _renders(arabic_word: str, folded: str) -> bool:
    """True when a folded Latin spelling could be a transliteration of the Arabic word (skeletons at most 1 apart)."""
    a, b = _arabic_skeleton(arabic_word), _latin_skeleton(folded)
    if not a or not b:
        return False
    return a == b or (min(len(a), len(b)) >= 4 and abs(len(a) - len(b)) <= 1 and _distance(a, b, 1) <= 1)


# --- the map ----------------------------------------------------------------------------------------------


def entities(pairs: Iterable[tuple[str, str | None]]) -> list[Entity]:
    """The names spelled more than one way in (original, English) sentence pairs, in order of first use."""
    pairs = list(pairs)
    found = _candidates([e or "" for _, e in pairs])
    arabic = [_arabic_words(o or "") for o, _ in pairs]
    unigram_folds = {fold(c.surface) for c in found.values() if c.words == 1}
    # A pair of words is a candidate only as another candidate's spelling ("Ak Turk" for "Akturk").
    names = [c for c in found.values() if c.words == 1 or fold(c.surface) in unigram_folds]
    names.sort(key=lambda c: c.first)
    groups, shared = _spellings_of_one_name(names, arabic)
    result = []
    for members in groups:
        best = max(members, key=lambda c: (c.count, [-x for x in c.first]))
        spellings = [best.surface] + [c.surface for c in members if c is not best]
        words = sorted({w for key, ws in shared.items() if key <= set(spellings) for w in ws})
        result.append((min(c.first for c in members), Entity(best.surface, tuple(spellings), tuple(words))))
    return [e for _, e in sorted(result, key=lambda r: r[0])]


def _spellings_of_one_name(
    names: list[_Candidate], arabic: Sequence[set[str]]
) -> tuple[list[list[_Candidate]], dict[frozenset[str], set[str]]]:
    """The candidates grouped into names of two or more spellings, and the Arabic words each joined pair shares."""
    folds = {c.surface: fold(c.surface) for c in names}
    strict = {c.surface: strict_fold(c.surface) for c in names}
    anchors = {c.surface: _anchors(c.sentences, arabic) for c in names}
    # The Arabic spellings a candidate could render, as keys: two candidates without one in common are two names.
    keys = {c.surface: {_arabic_key(w) for w in anchors[c.surface] if _renders(w, folds[c.surface])} for c in names}
    parent = {c.surface: c.surface for c in names}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    shared: dict[frozenset[str], set[str]] = {}
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            sa, sb = a.surface, b.surface
            if sa.casefold() == sb.casefold():
                continue  # a case difference is grammar (a sentence start), not a spelling
            if strict[sa] == strict[sb]:
                parent[root(sa)] = root(sb)
            elif keys[sa] & keys[sb] and _near(folds[sa], folds[sb]):
                if common := _shared_name(anchors[sa], folds[sa], anchors[sb], folds[sb]):
                    parent[root(sa)] = root(sb)
                    shared[frozenset((sa, sb))] = common
    groups: dict[str, list[_Candidate]] = {}
    for c in names:
        groups.setdefault(root(c.surface), []).append(c)
    return [members for members in groups.values() if len(members) >= 2], shared


def _anchors(sentences: set[int], arabic: Sequence[set[str]]) -> set[str]:
    """Arabic words going with a spelling: found in at least MIN_SHARE of its sentences.

    Not a Dice score: the Arabic word of a name spelled three ways is in three times the sentences of each
    spelling (نصيب as "Nassib", "Nasib" and "Naseeb"), which is the very case to catch. What keeps a common word
    out is that the spellings must render it (``_renders``).
    """
    counts: dict[str, int] = {}
    for i in sentences:
        for w in arabic[i]:
            counts[w] = counts.get(w, 0) + 1
    return {w for w, n in counts.items() if n / len(sentences) >= MIN_SHARE}


def _shared_name(anchors_a: set[str], folded_a: str, anchors_b: set[str], folded_b: str) -> set[str]:
    """The Arabic words behind both spellings: one word (or two spelled alike, قصرة/قسرة) each spelling renders."""
    rendering_a = {w for w in anchors_a if _renders(w, folded_a)}
    rendering_b = {w for w in anchors_b if _renders(w, folded_b)}
    keys_b = {_arabic_key(w) for w in rendering_b}
    found = {w for w in rendering_a if _arabic_key(w) in keys_b}
    return found | {w for w in rendering_b if _arabic_key(w) in {_arabic_key(x) for x in found}}


def _arabic_key(word: str) -> str:
    """An Arabic word with letters that sound alike made one (ص/س, ط/ت, ذ/ز), long vowels and ain kept:
    قصرة and قسرة are one spelling, حامد and حمد are two names."""
    return "".join(ch if ch in "اويعءئؤ" else ch.translate(_AR_CONSONANTS) for ch in word)


def variant_map(pairs: Iterable[tuple[str, str | None]]) -> dict[str, str]:
    """{spelling: chosen spelling} for every name spelled more than one way in the (original, English) pairs."""
    return {v: e.canonical for e in entities(pairs) for v in e.variants if v != e.canonical}


def _pattern(variants: Iterable[str]) -> re.Pattern[str] | None:
    # "al-Sharaa" is also written "Al-Sharaa" at a sentence start; other names only as spelled ("Said", not "said").
    alternatives = [
        f"[{re.escape(v[0].upper())}{re.escape(v[0].lower())}]{re.escape(v[1:])}" if _ARTICLE.match(v) else re.escape(v)
        for v in sorted(variants, key=len, reverse=True)
        if v
    ]
    if not alternatives:
        return None
    # Not inside a word, nor after an article's hyphen ("al-Musafri") or before a lower-case suffix ("Nasib-based");
    # a part of a compound of names ("Jaber-Nassib") is matched.
    return re.compile(
        rf"(?<![\w'’])(?<![AaEeUu]l[-‐])(?<![-‐][a-z])(?:{'|'.join(alternatives)})(?![\w])(?![-‐][a-z])"
    )


def apply(text: str, mapping: Mapping[str, str]) -> str:
    """text with every variant spelling in mapping replaced by its chosen one.

    A chosen spelling with an article ("al-Sharaa") is capitalised at a sentence start only. The chosen spellings
    are matched too, so a variant inside one ("Musafri" in "al Musafri") is left alone.
    """
    if not mapping:
        return text
    lookup, pattern = _compiled(tuple(sorted(mapping.items())))

    def replace(m: re.Match[str]) -> str:
        chosen = lookup[_first_lower(m.group(0))]
        if not _ARTICLE.match(chosen):
            return chosen
        starts = m.start() == 0 or re.search(r"[.!?؟:]\W*\s$|^\W*$", text[max(0, m.start() - 4) : m.start()])
        return chosen[:1].upper() + chosen[1:] if starts else chosen[:1].lower() + chosen[1:]

    return pattern.sub(replace, text)


@functools.lru_cache(maxsize=8)
def _compiled(items: tuple[tuple[str, str], ...]) -> tuple[dict[str, str], re.Pattern[str]]:
    """The lookup and the pattern for a map, built once per map (a brief applies one map to every sentence)."""
    lookup = {_first_lower(c): c for _, c in items} | {_first_lower(v): c for v, c in items}
    pattern = _pattern(list(lookup.values()) + [v for v, _ in items])
    assert pattern is not None
    return lookup, pattern


def _first_lower(name: str) -> str:
    return name[:1].lower() + name[1:] if _ARTICLE.match(name) else name


def canonical(name: str, mapping: Mapping[str, str]) -> str:
    """The chosen spelling of name (name itself when it has no other)."""
    return apply(name, mapping)


def equivalent(a: str, b: str, mapping: Mapping[str, str]) -> bool:
    """True when a and b are one spelling once the map is applied (first-letter case aside)."""
    ca, cb = canonical(a, mapping), canonical(b, mapping)
    return ca[:1].lower() + ca[1:] == cb[:1].lower() + cb[1:]


def renders(arabic_word: str, spelling: str) -> bool:
    """True when a Latin spelling ("al-Sharaa", "Shara'a") could transliterate an Arabic word (الشرع): the glossary's
    alignment of a term's Arabic words with the translator's spelling of them."""
    bare = _AR_PREFIX.sub("", normalise_for_matching(arabic_word))
    folded = fold(spelling)
    return _renders(bare, folded) or _renders(normalise_for_matching(arabic_word), folded)
