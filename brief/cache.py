"""The translation cache: a wrapper with the ``Translator`` interface that remembers every translation.

The same sentence comes back morning after morning (a story followed for days, a feed re-read), and
translating it is the slow part of a brief. ``CachedTranslator`` looks each text up in the store by a key that
changes whenever anything that shapes the English changes (model, weights, params, language, the text), and
sends only the misses to the real translator, in one call so they still go in full batches.

The cache is a help, never a requirement: when the store cannot be read or written, the texts are translated
as if there were no cache and the failure is counted in ``errors`` for the run record.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

from brief.clean.text import collapse_space
from brief.errors import StoreError
from brief.models import ModelSpec
from brief.seq2seq import Seq2SeqModel
from brief.store import Store
from brief.translate import ProgressFn, Translator

# Bump when a change to brief's own translation code (splitting, joining) changes the English a model gives,
# so translations made the old way are not reused.
KEY_FORMAT = 1
# Params that change how fast a text is translated, not what it becomes.
_NOT_IN_KEY = frozenset({"batch_size"})


def normalise_text(text: str) -> str:
    """NFC and single spaces, trimmed: spellings of one text that must share a cache entry."""
    return collapse_space(text)


def cache_key(spec: ModelSpec, ref: str, language: str, text: str) -> str:
    """SHA-256 of canonical JSON of everything that shapes the English: model, weights, params, language, text."""
    params = {k: v for k, v in spec.params.items() if k not in _NOT_IN_KEY}
    identity = {
        "format": KEY_FORMAT,
        "model": spec.name,
        "backend": spec.backend,
        "ref": ref,
        "params": params,
        "language": language,
        "text": normalise_text(text),
    }
    canonical = json.dumps(identity, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class CachedTranslator(Translator):
    """A translator that answers from the store what it has translated before, and translates the rest.

    ``hits`` and ``misses`` count distinct texts (as progress does); ``errors`` holds one line per cache
    read or write that failed (the brief is made all the same).
    """

    def __init__(self, inner: Translator, store: Store) -> None:
        self.inner = inner
        self.store = store
        self.hits = 0
        self.misses = 0
        self.errors: list[str] = []

    # The wrapped translator's identity, so the wrapper can stand wherever a Translator is expected.
    @property
    def spec(self) -> ModelSpec:  # type: ignore[override]
        """The inner translator's registry entry."""
        return self.inner.spec

    @property
    def model(self) -> Seq2SeqModel:  # type: ignore[override]
        """The inner translator's model."""
        return self.inner.model

    @property
    def languages(self) -> frozenset[str]:  # type: ignore[override]
        """The languages the inner translator reads."""
        return self.inner.languages

    @property
    def batch_size(self) -> int:  # type: ignore[override]
        """The inner translator's batch size."""
        return self.inner.batch_size

    @property
    def ref(self) -> str:
        """What the footer names: the inner translator's weights."""
        return self.inner.ref

    def translate_batch(self, texts: Sequence[str], language: str) -> list[str]:
        """One batch straight through the inner translator (uncached: ``translate`` is the cached way in)."""
        return self.inner.translate_batch(texts, language)

    def split_long(self, text: str) -> list[str]:
        """As the inner translator splits."""
        return self.inner.split_long(text)

    def translate(self, texts: Sequence[str], language: str, progress: ProgressFn | None = None) -> list[str]:
        """Translate many texts, taking from the cache what it holds and translating the rest in one call."""
        unique = list(dict.fromkeys(texts))
        if not unique:
            return []
        ref = self.inner.ref
        keys = {text: cache_key(self.inner.spec, ref, language, text) for text in unique}
        try:
            cached = self.store.cached_translations(list(dict.fromkeys(keys.values())))
        except StoreError as err:
            self.errors.append(f"translation cache not read: {err}")
            cached = {}
        english = {text: cached[keys[text]] for text in unique if keys[text] in cached}
        missing = [text for text in unique if text not in english]
        self.hits += len(english)
        self.misses += len(missing)
        if english and progress:
            progress(len(english))
        if missing:
            fresh = self.inner.translate(missing, language, progress)
            english.update(zip(missing, fresh))
            try:
                self.store.save_translations(
                    {keys[text]: out for text, out in zip(missing, fresh)},
                    model=self.inner.spec.name,
                    language=language,
                )
            except StoreError as err:
                self.errors.append(f"translation cache not written: {err}")
        return [english[text] for text in texts]

    def counts(self) -> dict[str, int]:
        """The figures a run record keeps: cache hits, misses and errors."""
        return {"cache_hits": self.hits, "cache_misses": self.misses, "cache_errors": len(self.errors)}
