"""The pile: the articles of one brief and the embeddings of their original text, indexed by sentence id.

Embedding is the one cost that grows with every sentence read, so it is paid only where it is used: the
stories stage embeds one text per article (headline and lead), and selection embeds the sentences of the stories
that reach the page, each once (vectors are kept by sentence id). Only originals are embedded: the multilingual
embedder puts Arabic and English in one space, and nothing is translated before it is chosen.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import yaml

from brief.clean import normalise_for_matching
from brief.models.base import Embedder
from brief.records import Article, sentence_id
from brief.words import NUMBER

LEAD_SENTENCES = 2  # sentences of the lead that join the headline to say what an article reports

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Words that make an amount, rate or count in Arabic text without a digit ("ألف", "مليون", "بالمئة").
_NUMBER_WORDS = re.compile(r"(?:ألف|آلاف|الف|الاف|مليون|ملايين|مليار|مليارات|بالمئة|بالمائة|في المئة|في المائة|%|٪)")


COUNTRIES = Path(__file__).with_name("countries.yaml")
# A country is named by its name or its adjective (إسبانيا, الإسباني, الإسبانية): the name less a final -يا/-ا/-ه,
# plus one of these endings (normalised spelling: ta marbuta as ha). The stem alone names the people (الإسبان)
# when it is long enough not to be a common word (ترك "left", روس "heads").
_NISBA = ("ي", "يه", "يين", "يون", "يان", "يتين")
MIN_PEOPLE_STEM = 4
# Clitics written onto a word: a conjunction, then a preposition, then the article (للسعودية is ل + ال + ...).
_CLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "لل", "ولل", "فلل")
_ARABIC_WORD = re.compile(r"[\u0600-\u06ff]+")


def numbers_in(text: str) -> list[str]:
    """The numbers written in digits (Arabic-Indic digits read as ASCII), thousands separators removed."""
    return [n.replace(",", "").replace("٫", ".") for n in NUMBER.findall(text.translate(_DIGITS))]


def has_quantity(text: str) -> bool:
    """True when the text states an amount, rate, count or date (a digit, or a word like "مليون", "%")."""
    return bool(NUMBER.search(text.translate(_DIGITS)) or _NUMBER_WORDS.search(text))


def _bare(word: str) -> str:
    """A word without the article: every leading ال (ألمانيا and الألمانية are both read from مانيا)."""
    while word.startswith("ال") and len(word) > 4:
        word = word[2:]
    return word


@functools.cache
def _country_forms() -> dict[str, str]:
    """Every written form of every country (normalised, article removed) and the country's code."""
    data = yaml.safe_load(COUNTRIES.read_text(encoding="utf-8"))
    forms: dict[str, str] = {}
    for code, names in data.items():
        for name in names:
            base = _bare(normalise_for_matching(name))
            stem = base[:-2] if base.endswith(("يا", "يه")) else base[:-1] if base.endswith(("ا", "ه")) else base
            forms[base] = code
            forms.update((stem + ending, code) for ending in _NISBA)
            if stem != base and len(stem) >= MIN_PEOPLE_STEM:
                forms[stem] = code
    return forms


def places_in(text: str) -> Counter[str]:
    """The countries an Arabic text names, by name or adjective, with how often (CLDR codes: "ES", "KR")."""
    forms = _country_forms()
    found: Counter[str] = Counter()
    for word in _ARABIC_WORD.findall(normalise_for_matching(text)):
        for clitic in _CLITICS:
            if word.startswith(clitic) and len(word) - len(clitic) >= 3:
                code = forms.get(_bare(word[len(clitic) :]))
                if code:
                    found[code] += 1
                    break
    return found


class Pile:
    """Articles plus lazily computed, cached embeddings of their originals."""

    def __init__(self, articles: Sequence[Article], embedder: Embedder) -> None:
        self.articles = tuple(articles)
        self.by_id = {a.id: a for a in self.articles}
        self.embedder = embedder
        self._vectors: dict[str, np.ndarray] = {}  # by text: a sentence copied into many articles is embedded once
        self._heads: np.ndarray | None = None
        self._places: dict[str, tuple[Counter[str], frozenset[str]]] = {}
        self.embedded = 0  # texts sent to the embedder, for the run record

    def sentence_ids(self, article: Article) -> list[str]:
        """Ids of an article's sentences, in order."""
        return [sentence_id(article.id, i) for i in range(len(article.sentences))]

    def locate(self, sid: str) -> tuple[Article, int]:
        """The article and index of a sentence id."""
        article_id, _, index = sid.rpartition(":")
        return self.by_id[article_id], int(index)

    def text(self, sid: str) -> str:
        """A sentence's original text."""
        article, index = self.locate(sid)
        return article.sentences[index]

    def vectors(self, ids: Iterable[str]) -> np.ndarray:
        """Embeddings of the originals of these sentences (one row each, in order); each text embedded once."""
        texts = [self.text(i) for i in ids]
        missing = list(dict.fromkeys(t for t in texts if t not in self._vectors))
        if missing:
            found = np.asarray(self.embedder.embed(missing), dtype=np.float32)
            self.embedded += len(missing)
            self._vectors.update(zip(missing, found))
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([self._vectors[t] for t in texts])

    def lead_text(self, article: Article, headline: str | None) -> str:
        """What an article reports, in its own words: its headline (when it has a real one) and lead."""
        parts = [headline] if headline else []
        return " ".join([*parts, *article.sentences[:LEAD_SENTENCES]])

    def heads(self, headlines: Sequence[str | None]) -> np.ndarray:
        """One embedding per article of headline and lead (``headlines`` in article order), computed once."""
        if self._heads is None:
            texts = [self.lead_text(a, h) for a, h in zip(self.articles, headlines)]
            unique = list(dict.fromkeys(texts))
            found = np.asarray(self.embedder.embed(unique), dtype=np.float32).reshape(len(unique), -1)
            self.embedded += len(unique)
            row = {t: k for k, t in enumerate(unique)}
            self._heads = found[[row[t] for t in texts]]
        return self._heads

    def places(self, article: Article, headline: str | None) -> tuple[Counter[str], frozenset[str]]:
        """The countries an article's headline and lead name (with counts), and all its text names; read once."""
        if article.id not in self._places:
            lead = places_in(self.lead_text(article, headline))
            whole = places_in(" ".join([headline or "", *article.sentences]))
            self._places[article.id] = (lead, frozenset(whole))
        return self._places[article.id]
