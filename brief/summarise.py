"""Summarise translated articles: extractive selection, then abstractive rewriting that must stay faithful.

Extractive: every source sentence is embedded (multilingual, so the original Arabic is compared directly and
translation errors do not steer the choice). A sentence ranks high when other sources report the same fact,
when it is central to the pile and when it comes early in its article. Selection walks the ranking, skips
near-duplicates, and makes sure every source that adds something gets a say.

Abstractive: a seq2seq summariser rewrites each selected fact (with the sentences that support it) into one
fluent sentence, and the top facts into a bottom line. A generated sentence whose numbers, names or dates are
not in its supporting sentences, or that strays from their words, is not printed: the extractive sentence
stands in for it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from brief.clean import normalise_for_matching, split_sentences
from brief.models import ModelSpec
from brief.records import BriefSentence, Check, SourceSentence, TranslatedArticle
from brief.seq2seq import Seq2SeqModel, split_params

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
MIN_WORDS = 6  # shorter sentences (in the original) are rarely a fact worth a bullet
MAX_POINT_WORDS = 60  # a longer sentence makes a poor bullet
MAX_NEW_WORDS = 0.34  # share of a rewrite's content words its support may lack

_OWN_KEYS = frozenset({"batch_size", "max_input_tokens", "prefix"})
# Openers that lean on the sentence before ("This comes after ...", "In the same context ..."): such a sentence
# reads poorly out of its article, so it ranks lower.
# The Arabic patterns are in normalise_for_matching's spelling (no hamza on alef, ta marbuta as ha, no diacritics).
_ANAPHORIC = re.compile(
    r"^\W*(?:و(?:بين|اوضح|اضاف|اشار|تابع|اكد) (?:ان|الي)|و?ياتي ذلك|و?جاء ذلك|و?في السياق (?:ذاته|نفسه)|و?في سياق متصل|و?من جهه اخري|و?اعقب ذلك"
    r"|(?:this|that|these|it|he|she|they|meanwhile|in the same context|on the other hand)\b)"
)


class Seq2SeqSummariser:
    """BART / PEGASUS / T5 summarisers through transformers."""

    def __init__(self, spec: ModelSpec, folder: Path) -> None:
        own, self.generation = split_params(spec, _OWN_KEYS)
        self.spec = spec
        self.prefix = str(own.get("prefix", ""))
        self.batch_size = int(own.get("batch_size", 8))
        self.model = Seq2SeqModel(spec, folder, "AutoModelForSeq2SeqLM", int(own.get("max_input_tokens", 512)))

    @property
    def ref(self) -> str:
        """What the footer names."""
        return self.model.ref

    def summarise_batch(self, texts: Sequence[str]) -> list[str]:
        """Rewrite each text as a short summary."""
        out: list[str] = []
        for start in range(0, len(texts), self.batch_size):
            batch = [self.prefix + t for t in texts[start : start + self.batch_size]]
            out.extend(self.model.generate(batch, self.generation))
        return out


@dataclass(frozen=True)
class Summary:
    """What the summariser made: the bottom line, the key points, and how many sentences were generated."""

    bottom_line: tuple[BriefSentence, ...]
    points: tuple[BriefSentence, ...]


@dataclass(frozen=True)
class _Fact:
    """A selected sentence and the sentences of other sources that report the same."""

    lead: int  # index into the candidate list
    support: tuple[int, ...]  # lead first, then one sentence per other supporting source
    score: float


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


def relations(
    docs: Sequence[TranslatedArticle], vectors: np.ndarray, english_vectors: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(similarity, same-fact, near-duplicate) matrices over all sentences of all docs, in order.

    Two sentences in one language are compared as written; across languages (an Arabic and an English
    article), by their English, since cross-lingual similarity runs lower than any same-language threshold.
    """
    language = np.array([d.article.language for d in docs for _ in d.sentences])
    same_language = language[:, None] == language[None, :]
    sims = np.where(same_language, vectors @ vectors.T, english_vectors @ english_vectors.T)
    sentences = [s for d in docs for s in d.sentences]
    originals = [content_words(s.original) for s in sentences]
    english = [content_words(s.english) for s in sentences]
    n = len(sentences)
    overlap = np.zeros((n, n))
    shared = np.zeros((n, n), dtype=int)
    for i in range(n):
        for j in range(i + 1, n):
            a, b = (originals[i], originals[j]) if same_language[i, j] else (english[i], english[j])
            common = len(a & b)
            shared[i, j] = shared[j, i] = common
            overlap[i, j] = overlap[j, i] = common / max(1, min(len(a), len(b)))
    wordy = sims >= SAME_FACT_COS_WITH_WORDS
    same = (sims >= SAME_FACT_COS) | (wordy & (overlap >= SAME_FACT_OVERLAP) & (shared >= SAME_FACT_SHARED))
    duplicate = (sims >= DUPLICATE_COS) | (wordy & (overlap >= DUPLICATE_OVERLAP))
    return sims, same, duplicate


def select(
    docs: Sequence[TranslatedArticle], vectors: np.ndarray, english_vectors: np.ndarray, budget_words: int
) -> tuple[list[SourceSentence], list[_Fact]]:
    """Rank all sentences and choose facts within ``budget_words`` (English words)."""
    sentences = [s for d in docs for s in d.sentences]
    if not sentences:
        return sentences, []
    sims, same, duplicate = relations(docs, vectors, english_vectors)
    source_of = np.array([s.source for s in sentences])
    sources = sorted(set(source_of.tolist()))
    # best[i, k]: how close the nearest sentence of source k comes to sentence i; agrees[i, k]: whether
    # source k reports the fact of sentence i (then best_at[i, k] is its closest such sentence).
    best = np.full((len(sentences), len(sources)), -1.0)
    best_at = np.zeros((len(sentences), len(sources)), dtype=int)
    agrees = np.zeros((len(sentences), len(sources)), dtype=bool)
    for k, src in enumerate(sources):
        cols = np.flatnonzero(source_of == src)
        best[:, k] = sims[:, cols].max(axis=1)
        matching = np.where(same[:, cols], sims[:, cols], -2.0)
        agrees[:, k] = same[:, cols].any(axis=1)
        best_at[:, k] = np.where(agrees[:, k], cols[matching.argmax(axis=1)], cols[sims[:, cols].argmax(axis=1)])
    own = np.array([sources.index(s) for s in source_of])
    others = best.copy()
    others[np.arange(len(sentences)), own] = np.nan
    agrees[np.arange(len(sentences)), own] = False
    n_others = max(len(sources) - 1, 1)
    agreement = agrees.sum(axis=1) / n_others
    centrality = np.nanmean(others, axis=1) if len(sources) > 1 else sims.mean(axis=1)
    position = np.array([1.0 / (1.0 + s.index / 4.0) for s in sentences])
    words = np.array([word_count(s.english) for s in sentences])
    # Judge length on the original: it is what the source said, whatever the translator made of it.
    original_words = np.array([word_count(s.original) for s in sentences])
    # A sentence that ends in a colon introduces what follows (a list, a quote): it is not a fact on its own.
    introduces = np.array([s.original.rstrip().endswith((":", "：")) for s in sentences])
    eligible = (original_words >= MIN_WORDS) & (original_words <= MAX_POINT_WORDS) & ~introduces
    leaning = np.array(
        [bool(_ANAPHORIC.match(normalise_for_matching(s.original)) or _ANAPHORIC.match(s.english.lower())) for s in sentences]
    )
    score = 1.0 * agreement + 2.0 * (centrality - np.nanmean(centrality)) + 0.3 * position - 0.2 * leaning
    order = [i for i in np.argsort(-score, kind="stable") if eligible[i]]

    chosen: list[_Fact] = []
    used = 0

    def redundant(i: int) -> bool:
        # Already said: it backs a chosen fact, or nearly repeats a sentence that does.
        return any(i == j or duplicate[i, j] for f in chosen for j in f.support)

    def take(i: int) -> bool:
        nonlocal used
        cost = words[i] + 3  # the citations and the bullet
        if used + cost > budget_words or redundant(i):
            return False
        support = [i] + [int(best_at[i, k]) for k in range(len(sources)) if agrees[i, k]]
        chosen.append(_Fact(lead=i, support=tuple(support), score=float(score[i])))
        used += cost
        return True

    # The strongest facts first, up to half the budget; then every source that adds something; then the rest.
    for i in order:
        if used >= budget_words / 2:
            break
        take(i)
    for k in range(len(sources)):
        if any(k == own[f.lead] or k in {own[j] for j in f.support} for f in chosen):
            continue
        for i in order:
            if own[i] == k and take(i):
                break
    for i in order:
        if any(f.lead == i for f in chosen):
            continue
        take(i)
    chosen.sort(key=lambda f: -f.score)
    return sentences, chosen


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_MONTHS = {
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
    found: list[Check] = [Check("length", True, f"{word_count(generated)} words")]
    source_numbers = {n.replace(",", "") for n in _NUMBER.findall(source)}
    numbers = _NUMBER.findall(generated)
    missing = [f"number {n}" for n in numbers if n.replace(",", "") not in source_numbers]
    found.append(Check("numbers", not missing, "; ".join(missing) or f"{len(numbers)} number(s), all in the support"))
    source_words = {w.lower() for w in _WORD.findall(source)}
    source_stems = {_stem(w) for w in source_words}
    dates: list[str] = []
    names: list[str] = []
    for k, word in enumerate(words):
        lower = word.lower()
        if lower in _MONTHS and lower not in source_words:
            dates.append(f"date {word}")
        elif word[0].isupper() and lower not in _STOPWORDS and lower not in source_words and k > 0:
            names.append(f"name {word}")
        elif k == 0 and word[0].isupper() and lower not in _STOPWORDS and _stem(word) not in source_stems:
            names.append(f"name {word}")
    found.append(Check("names", not names, "; ".join(names) or "every name is in the support"))
    found.append(Check("dates", not dates, "; ".join(dates) or "every day and month is in the support"))
    content = [w for w in words if w.lower() not in _STOPWORDS and len(w) > 2]
    new = [w for w in content if _stem(w) not in source_stems]
    share = len(new) / len(content) if content else 0.0
    found.append(
        Check(
            "overlap",
            share <= MAX_NEW_WORDS,
            f"new wording ({len(new)} of {len(content)} content words)" if share > MAX_NEW_WORDS
            else f"{len(content) - len(new)} of {len(content)} content words from the support",
        )
    )
    return found


def unsupported(generated: str, support: Sequence[str]) -> list[str]:
    """What in ``generated`` its support does not back: numbers, names, dates, or too many new words.

    An empty list means the sentence may be printed.
    """
    problems: list[str] = []
    for check in checks(generated, support):
        if not check.passed:
            problems += check.why.split("; ")
    return problems


def summarise(
    docs: Sequence[TranslatedArticle],
    embedder: object,
    summariser: Seq2SeqSummariser | None,
    budget_words: int,
) -> Summary:
    """Choose and write the brief's sentences, each with the sources behind it."""
    sentences = [s for d in docs for s in d.sentences]
    if not sentences:
        return Summary((), ())
    vectors = embedder.embed([s.original for s in sentences])  # type: ignore[attr-defined]
    english_vectors = embedder.embed([s.english for s in sentences])  # type: ignore[attr-defined]
    # The bottom line takes about a fifth of the budget; headings, title and date line about 25 words.
    points_budget = max(int(budget_words * 0.8) - 25, 20)
    sentences, facts = select(docs, vectors, english_vectors, points_budget)
    if not facts:
        return Summary((), ())

    def cites(support: Sequence[int]) -> tuple[int, ...]:
        return tuple(sorted({sentences[j].source for j in support}))

    def extractive(f: _Fact) -> BriefSentence:
        lead = sentences[f.lead]
        return BriefSentence(
            text=lead.english, cites=cites(f.support), generated=False, support=tuple(sentences[j] for j in f.support)
        )

    def faithful(text: str, f: _Fact) -> bool:
        return not unsupported(text, [sentences[j].english for j in f.support])

    # Bottom line: the top facts, rewritten together; else the top two as they stand.
    top = facts[:3]
    bottom: list[BriefSentence] = []
    covered: set[int] = set()
    if summariser is not None:
        joined = " ".join(sentences[f.lead].english for f in top)
        generated = split_sentences(summariser.summarise_batch([joined])[0])[:3]
        support = [j for f in top for j in f.support]
        union = _Fact(lead=top[0].lead, support=tuple(dict.fromkeys(support)), score=0.0)
        if generated and all(faithful(g, union) for g in generated):
            gen_vectors = embedder.embed(generated)  # type: ignore[attr-defined]
            for text, vec in zip(generated, gen_vectors):
                # Cite the facts this sentence actually draws on, not all the bottom line's sources.
                drawn = [f for f in top if float(vec @ english_vectors[f.lead]) >= SAME_FACT_COS_WITH_WORDS] or [
                    max(top, key=lambda f: float(vec @ english_vectors[f.lead]))
                ]
                covered.update(f.lead for f in drawn)
                sup = tuple(dict.fromkeys(j for f in drawn for j in f.support))
                bottom.append(
                    BriefSentence(
                        text=text, cites=cites(sup), generated=True, support=tuple(sentences[j] for j in sup)
                    )
                )
    if not bottom:
        bottom = [extractive(f) for f in facts[:2]]
        covered = {f.lead for f in facts[:2]}

    rest = [f for f in facts if f.lead not in covered]
    points: list[BriefSentence] = [extractive(f) for f in rest]
    if summariser is not None and rest:
        inputs = [" ".join(sentences[j].english for j in f.support[:3]) for f in rest]
        for k, (f, out) in enumerate(zip(rest, summariser.summarise_batch(inputs))):
            first = (split_sentences(out) or [""])[0]
            if faithful(first, f):
                points[k] = BriefSentence(
                    text=first, cites=points[k].cites, generated=True, support=points[k].support
                )
    return Summary(tuple(bottom), tuple(points))
