"""The translation stage: which texts need English, and putting only those through any ``Translator``.

The backends (Opus-MT, NLLB, CTranslate2, the reference file) are behind ``brief.models``; this stage sees them
only through ``brief.models.base.Translator``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from brief.clean.dates import english_gloss, relative_dates
from brief.models.base import NLLB_CODES, ProgressFn, Translator, degenerate
from brief.records import Article, DateNote, Skipped

_ARABIC_LETTER = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")

# English names for the messages of a skipped article.
LANGUAGE_NAMES = {
    "ar": "Arabic", "en": "English", "fa": "Persian", "ur": "Urdu", "ku": "Kurdish", "tr": "Turkish",
    "he": "Hebrew", "fr": "French", "de": "German", "es": "Spanish", "ru": "Russian", "zh": "Chinese",
    "ja": "Japanese", "it": "Italian", "pt": "Portuguese", "id": "Indonesian", "hi": "Hindi",
}  # fmt: skip

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
    retranslated: int = 0  # texts whose first English was degenerate, decoded again against repetition
    failed: frozenset[tuple[str, str]] = frozenset()  # (language, original) still degenerate: not to print

    def merged(self, more: Translations) -> Translations:
        """These and ``more`` (a later call for the texts a new plan needs) as one."""
        return Translations(
            english={**self.english, **more.english},
            texts=self.texts + more.texts,
            cached=self.cached + more.cached,
            retranslated=self.retranslated + more.retranslated,
            failed=self.failed | more.failed,
        )

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
    again: dict[str, list[str]] = {}
    for language, texts in by_language.items():
        if translator is None:
            raise ValueError(f"{len(texts)} text(s) in {language!r} need a translator")
        for text, out in zip(texts, translator.translate(texts, language, progress)):
            english[(language, text)] = out
            if degenerate(text, out):
                again.setdefault(language, []).append(text)
    cached = getattr(translator, "hits", 0) - hits_before
    failed: set[tuple[str, str]] = set()
    for language, texts in again.items():
        assert translator is not None
        for text, out in zip(texts, translator.translate_again(texts, language)):
            if degenerate(text, out):
                failed.add((language, text))
                del english[(language, text)]
            else:
                english[(language, text)] = out
    return Translations(
        english=english,
        texts=sum(len(t) for t in by_language.values()),
        cached=cached,
        retranslated=sum(len(t) for t in again.values()),
        failed=frozenset(failed),
    )


def count_texts(wanted: Sequence[tuple[str, str]]) -> int:
    """How many distinct texts ``translate_texts`` will process (for a progress bar)."""
    return len({(lang, t) for lang, t in wanted if t and needs_translation(t, lang)})


def _unreadable(language: str, translator: Translator | None) -> str:
    """Why an article in ``language`` is skipped, and what would read it."""
    if language == "und":
        return "language could not be identified (too little text?)"
    can = ", ".join(sorted(translator.languages)) if translator else "none"
    name = LANGUAGE_NAMES.get(language)
    said = f"language {language!r}" + (f" ({name})" if name else "")
    multilingual = (translator is not None and translator.multilingual) or language not in NLLB_CODES
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
