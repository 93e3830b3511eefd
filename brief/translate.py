"""Translate articles to English, sentence by sentence, with MarianMT (Opus-MT) or NLLB.

A backend implements ``translate_batch`` over one batch of one language; ``Translator.translate`` derives the
rest: identical texts translated once, over-long sentences split under the model's input limit, length-sorted
batches, results put back in order.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from brief.errors import ConfigError
from brief.models import ModelSpec
from brief.clean.dates import english_gloss, relative_dates
from brief.records import Article, DateNote, Skipped, SourceSentence, TranslatedArticle
from brief.seq2seq import Seq2SeqModel, split_params

_OWN_KEYS = frozenset({"batch_size", "max_input_tokens", "src_lang", "tgt_lang"})
_ARABIC_LETTER = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")
# Clause boundaries to split an over-long sentence at, best first.
_CLAUSE_BREAK = re.compile(r"(?<=[،؛;,:])\s+")

# ISO 639-1 -> NLLB-200 (FLORES-200) codes for the languages of the press this tool is for.
NLLB_CODES = {
    "ar": "arb_Arab",
    "en": "eng_Latn",
    "fa": "pes_Arab",
    "ur": "urd_Arab",
    "ku": "ckb_Arab",
    "tr": "tur_Latn",
    "he": "heb_Hebr",
    "fr": "fra_Latn",
    "de": "deu_Latn",
    "es": "spa_Latn",
    "ru": "rus_Cyrl",
    "zh": "zho_Hans",
}

# English names for the messages of a skipped article.
LANGUAGE_NAMES = {
    "ar": "Arabic", "en": "English", "fa": "Persian", "ur": "Urdu", "ku": "Kurdish", "tr": "Turkish",
    "he": "Hebrew", "fr": "French", "de": "German", "es": "Spanish", "ru": "Russian", "zh": "Chinese",
    "ja": "Japanese", "it": "Italian", "pt": "Portuguese", "id": "Indonesian", "hi": "Hindi",
}  # fmt: skip

ProgressFn = Callable[[int], None]


class Translator:
    """Base: one batch method to implement; everything else derived."""

    spec: ModelSpec
    model: Seq2SeqModel
    languages: frozenset[str]  # ISO 639-1 codes this translator reads
    batch_size: int

    def translate_batch(self, texts: Sequence[str], language: str) -> list[str]:
        """Translate one batch of texts in ``language`` to English."""
        raise NotImplementedError

    @property
    def ref(self) -> str:
        """What the footer names."""
        return self.model.ref

    def translate(self, texts: Sequence[str], language: str, progress: ProgressFn | None = None) -> list[str]:
        """Translate many texts: deduplicated, split under the input limit, length-sorted batches."""
        unique = list(dict.fromkeys(texts))
        pieces: list[tuple[int, str]] = []  # (index into unique, piece)
        for i, text in enumerate(unique):
            pieces.extend((i, piece) for piece in self.split_long(text))
        order = sorted(range(len(pieces)), key=lambda k: len(pieces[k][1]))
        english = [""] * len(pieces)
        remaining = [0] * len(unique)  # pieces of each text still to translate: a text is done at zero
        for i, _ in pieces:
            remaining[i] += 1
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            for k, out in zip(batch, self.translate_batch([pieces[k][1] for k in batch], language)):
                english[k] = out
                remaining[pieces[k][0]] -= 1
            if progress:
                progress(len({pieces[k][0] for k in batch if remaining[pieces[k][0]] == 0}))
        joined: dict[str, list[str]] = {text: [] for text in unique}
        for (i, _), out in zip(pieces, english):
            joined[unique[i]].append(out)
        # A model that returns nothing for a text (it can happen) leaves the text as it was, never a blank.
        return [" ".join(joined[text]).strip() or text for text in texts]

    def split_long(self, text: str) -> list[str]:
        """Split a sentence into pieces the model can read whole (under max_input_tokens)."""
        limit = self.model.max_input_tokens
        if self.model.count_tokens(text) <= limit:
            return [text]
        pieces: list[str] = []
        for clause in _CLAUSE_BREAK.split(text):
            if self.model.count_tokens(clause) <= limit:
                pieces.append(clause)
                continue
            words, chunk = clause.split(), []
            for word in words:
                if chunk and self.model.count_tokens(" ".join([*chunk, word])) > limit:
                    pieces.append(" ".join(chunk))
                    chunk = []
                chunk.append(word)
            if chunk:
                pieces.append(" ".join(chunk))
        # Merge neighbouring clauses back while they fit, so the model keeps as much context as it can.
        merged: list[str] = []
        for piece in pieces:
            if merged and self.model.count_tokens(f"{merged[-1]} {piece}") <= limit:
                merged[-1] = f"{merged[-1]} {piece}"
            else:
                merged.append(piece)
        return merged


class MarianTranslator(Translator):
    """Helsinki-NLP Opus-MT models (MarianMTModel): one source language, here Arabic."""

    def __init__(self, spec: ModelSpec, folder: Path) -> None:
        own, self.generation = split_params(spec, _OWN_KEYS)
        self.spec = spec
        self.batch_size = int(own.get("batch_size", 16))
        self.model = Seq2SeqModel(spec, folder, "MarianMTModel", int(own.get("max_input_tokens", 400)))
        self.languages = frozenset({own.get("src_lang", "ar")})

    def translate_batch(self, texts: Sequence[str], language: str) -> list[str]:
        """Translate one batch of Arabic sentences."""
        return self.model.generate(texts, self.generation)


class NllbTranslator(Translator):
    """NLLB-200 (M2M100 class): many source languages, target chosen with a forced first token."""

    def __init__(self, spec: ModelSpec, folder: Path) -> None:
        own, self.generation = split_params(spec, _OWN_KEYS)
        self.spec = spec
        self.batch_size = int(own.get("batch_size", 16))
        self.model = Seq2SeqModel(
            spec, folder, "M2M100ForConditionalGeneration", int(own.get("max_input_tokens", 400))
        )
        tokenizer = self.model.tokenizer
        target = own.get("tgt_lang", "eng_Latn")
        self.forced_bos = tokenizer.convert_tokens_to_ids(target)
        if self.forced_bos is None or self.forced_bos == tokenizer.unk_token_id:
            raise ConfigError(f"translator {spec.name!r}: the tokenizer does not know tgt_lang {target!r}")
        self.codes = dict(NLLB_CODES)
        self.codes["ar"] = own.get("src_lang", NLLB_CODES["ar"])
        known = set(tokenizer.get_vocab())
        self.languages = frozenset(iso for iso, code in self.codes.items() if code in known and iso != "en")

    def translate_batch(self, texts: Sequence[str], language: str) -> list[str]:
        """Translate one batch of sentences in one language."""
        self.model.tokenizer.src_lang = self.codes[language]
        return self.model.generate(texts, {**self.generation, "forced_bos_token_id": self.forced_bos})


def needs_translation(text: str, language: str) -> bool:
    """False for English, and for lines in an Arabic-script article that hold no Arabic letters (a URL, a name)."""
    if language == "en":
        return False
    if language in {"ar", "fa", "ur", "ku"}:
        return bool(_ARABIC_LETTER.search(text))
    return True


def texts_to_translate(article: Article) -> list[str]:
    """The headline and sentences of an article that go through the translator."""
    return [t for t in (article.title or "", *article.sentences) if t and needs_translation(t, article.language)]


def readable(articles: Sequence[Article], translator: Translator | None) -> tuple[list[Article], list[Skipped]]:
    """The articles the translator can put into English (English ones always), and the others skipped with why."""
    kept: list[Article] = []
    skipped: list[Skipped] = []
    for article in articles:
        if article.language == "en" or (translator is not None and article.language in translator.languages):
            kept.append(article)
        else:
            skipped.append(Skipped(article.location, _unreadable(article.language, translator)))
    return kept, skipped


@dataclass(frozen=True)
class Translations:
    """The English of the texts a brief prints: a lookup by (language, original)."""

    english: dict[tuple[str, str], str]
    texts: int  # distinct texts that needed English (sent to the translator or served by its cache)
    cached: int = 0  # of which the cache served

    def get(self, text: str, language: str) -> str:
        """The English of ``text`` (itself when it needed no translation)."""
        return self.english.get((language, text), text)


def translate_texts(
    wanted: Sequence[tuple[str, str]], translator: Translator | None, progress: ProgressFn | None = None
) -> Translations:
    """Translate only these (language, text) pairs: each language in one call, so batches stay full.

    English texts, and Arabic-script lines without an Arabic letter, pass through untouched and are not counted.
    """
    by_language: dict[str, list[str]] = {}
    for language, text in dict.fromkeys(wanted):
        if text and needs_translation(text, language):
            by_language.setdefault(language, []).append(text)
    english: dict[tuple[str, str], str] = {}
    hits_before = getattr(translator, "hits", 0)
    for language, texts in by_language.items():
        if translator is None:
            raise ValueError(f"{len(texts)} text(s) in {language!r} need a translator")
        for text, out in zip(texts, translator.translate(texts, language, progress)):
            english[(language, text)] = out
    cached = getattr(translator, "hits", 0) - hits_before
    return Translations(english=english, texts=sum(len(t) for t in by_language.values()), cached=cached)


def count_texts(wanted: Sequence[tuple[str, str]]) -> int:
    """How many distinct texts ``translate_texts`` will process (for a progress bar)."""
    return len({(lang, t) for lang, t in wanted if t and needs_translation(t, lang)})


def translate_articles(
    articles: Sequence[Article],
    translator: Translator | None,
    progress: ProgressFn | None = None,
) -> tuple[list[TranslatedArticle], list[Skipped]]:
    """Number the articles in input order and put every headline and sentence into English.

    Articles in a language the translator cannot read are skipped with the reason; English passes through.
    ``translator`` may be None when every article is English.
    """
    kept, skipped = readable(articles, translator)
    # Gather every text per language, so each language goes through the model in full batches.
    wanted: dict[str, list[str]] = {}
    for article in kept:
        if texts := texts_to_translate(article):  # English articles have none, and need no translator
            wanted.setdefault(article.language, []).extend(texts)
    english: dict[tuple[str, str], str] = {}
    for language, texts in wanted.items():
        assert translator is not None
        for text, out in zip(texts, translator.translate(texts, language, progress)):
            english[(language, text)] = out

    def to_english(text: str, language: str) -> str:
        return english.get((language, text), text)

    result = []
    for n, article in enumerate(kept, start=1):
        sentences = tuple(
            SourceSentence(
                source=n,
                index=i,
                original=s,
                english=to_english(s, article.language),
                dates=date_notes(s, article.date),
            )
            for i, s in enumerate(article.sentences)
        )
        title_en = to_english(article.title, article.language) if article.title else None
        result.append(
            TranslatedArticle(
                n=n, article=article, title_en=title_en, sentences=sentences, translated=article.language != "en"
            )
        )
    return result, skipped


def _unreadable(language: str, translator: Translator | None) -> str:
    """Why an article in ``language`` is skipped, and what would read it."""
    if language == "und":
        return "language could not be identified (too little text?)"
    can = ", ".join(sorted(translator.languages)) if translator else "none"
    name = LANGUAGE_NAMES.get(language)
    said = f"language {language!r}" + (f" ({name})" if name else "")
    multilingual = isinstance(translator, NllbTranslator) or language not in NLLB_CODES
    hint = "" if multilingual else "; a multilingual translator reads it (e.g. --translator nllb-600m)"
    return f"{said} is not one the translator reads ({can}){hint}"


def date_notes(sentence: str, published: dt.date | None) -> tuple[DateNote, ...]:
    """The relative dates in a sentence that its article's publication date resolves ("أمس" -> 19 June 2024)."""
    if published is None:
        return ()
    return tuple(
        DateNote(phrase=m.phrase, english=english_gloss(m), date=m.date, precision=m.precision)
        for m in relative_dates(sentence, published)
        if m.date is not None and m.precision in ("day", "month", "year")
    )


def count_to_translate(articles: Sequence[Article]) -> int:
    """How many distinct texts translation will process (for a progress bar)."""
    return len({(a.language, t) for a in articles for t in texts_to_translate(a)})
