"""The model-output cache: wrappers that remember every translation and every rewrite, and load a model only
when something is missing.

The same sentence comes back morning after morning (a story followed for days, a feed re-read), and
translating it is the slow part of a brief. ``CachedTranslator`` looks each text up in the store by a key that
changes whenever anything that shapes the English changes (model, weights, params, language, the text), and
sends only the misses to the real translator, in one call so they still go in full batches.

``CachedSummariser`` does the same for the summariser's rewrites (kept in the same table, language "rewrite"),
``CachedEmbedder`` for sentence vectors (a table of their own), and ``Deferred`` stands in for a model until a
miss needs it: an unchanged rerun loads no model at all (their refs, for the keys and the footer, come from
``brief.models.expected_ref``).

The cache is a help, never a requirement: when the store cannot be read or written, the texts are translated
as if there were no cache and the failure is counted in ``errors`` for the run record.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any

from brief.clean.text import collapse_space
from brief.errors import StoreError
from brief.models.base import ModelSpec, ProgressFn, TokenModel, Translator
from brief.store import Store

# Bump when a change to brief's own translation code (splitting, joining) changes the English a model gives,
# so translations made the old way are not reused.
KEY_FORMAT = 1
# Params that change how fast a text is translated, not what it becomes.
_NOT_IN_KEY = frozenset({"batch_size"})


def normalise_text(text: str) -> str:
    """NFC and single spaces, trimmed: spellings of one text that must share a cache entry."""
    return collapse_space(text)


def cache_key(spec: ModelSpec, ref: str, language: str, text: str) -> str:  # language "rewrite": a summary
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
    def model(self) -> TokenModel:  # type: ignore[override]
        """The inner translator's model."""
        return self.inner.model

    @property
    def multilingual(self) -> bool:  # type: ignore[override]
        """Whether the inner translator reads many languages."""
        return self.inner.multilingual

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
        return _through_store(
            self, texts, language, "translation", lambda missing: self.inner.translate(missing, language, progress),
            progress,
        )

    def translate_again(self, texts: Sequence[str], language: str) -> list[str]:
        """The second, anti-repetition decoding, cached under its own key: a rerun that meets the same degenerate
        output again is served its second chance from the store, without loading the model."""
        return _through_store(
            self, texts, f"{language}+again", "translation", lambda missing: self.inner.translate_again(missing, language)
        )

    def counts(self) -> dict[str, int]:
        """The figures a run record keeps: cache hits, misses and errors."""
        return {"cache_hits": self.hits, "cache_misses": self.misses, "cache_errors": len(self.errors)}


def _through_store(
    owner: CachedTranslator | CachedSummariser,
    texts: Sequence[str],
    language: str,
    what: str,
    compute: Callable[[list[str]], list[str]],
    progress: ProgressFn | None = None,
) -> list[str]:
    """One output per text: from the store's text cache (translations, and rewrites as language "rewrite") where
    it has one, the distinct rest from ``compute`` in one call and saved. Counts hits and misses on ``owner``;
    a store that fails is noted in its ``errors`` (as "<what> cache not read/written") and the texts computed."""
    unique = list(dict.fromkeys(texts))
    if not unique:
        return []
    ref = owner.inner.ref
    keys = {text: cache_key(owner.inner.spec, ref, language, text) for text in unique}
    try:
        cached = owner.store.cached_translations(list(dict.fromkeys(keys.values())))
    except StoreError as err:
        owner.errors.append(f"{what} cache not read: {err}")
        cached = {}
    out = {text: cached[keys[text]] for text in unique if keys[text] in cached}
    missing = [text for text in unique if text not in out]
    owner.hits += len(out)
    owner.misses += len(missing)
    if out and progress:
        progress(len(out))
    if missing:
        fresh = compute(missing)
        out.update(zip(missing, fresh))
        try:
            owner.store.save_translations(
                {keys[text]: result for text, result in zip(missing, fresh)}, model=owner.inner.spec.name,
                language=language,
            )  # fmt: skip
        except StoreError as err:
            owner.errors.append(f"{what} cache not written: {err}")
    return [out[text] for text in texts]


class Deferred:
    """A model built on first use: ``spec`` and ``ref`` (and ``languages``, when given) without building it.

    ``build`` makes the real backend; every other attribute is the built backend's. ``loaded`` says whether it
    was needed at all.
    """

    def __init__(self, spec: ModelSpec, ref: str, build: Callable[[], Any], languages: frozenset[str] | None = None):
        self.spec = spec
        self._ref = ref
        self._build = build
        self._languages = languages
        self._inner: Any = None

    @property
    def loaded(self) -> bool:
        """Whether the model was built (a miss needed it)."""
        return self._inner is not None

    @property
    def inner(self) -> Any:
        """The real backend, built now if it was not yet."""
        if self._inner is None:
            self._inner = self._build()
        return self._inner

    @property
    def ref(self) -> str:
        """The built backend's ref, or the one it will have."""
        return self._inner.ref if self._inner is not None else self._ref

    @property
    def languages(self) -> frozenset[str]:
        """The languages the model reads (without building it when they are known from the registry)."""
        return self._languages if self._languages is not None and self._inner is None else self.inner.languages

    @property
    def multilingual(self) -> bool:
        """False for a translator whose one language the registry gives; else the built model's answer."""
        return False if self._languages is not None and self._inner is None else bool(self.inner.multilingual)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.inner, name)


class _StoreCached:
    """A model wrapped with the store: its spec and ref, and the counts of what the store served."""

    def __init__(self, inner: Any, store: Store) -> None:
        self.inner = inner
        self.store = store
        self.hits = 0  # texts the store served
        self.misses = 0  # texts the model computed
        self.errors: list[str] = []

    @property
    def spec(self) -> ModelSpec:
        """The inner model's registry entry."""
        return self.inner.spec

    @property
    def ref(self) -> str:
        """What the footer names: the inner model's weights and runtime."""
        return self.inner.ref


class CachedSummariser(_StoreCached):
    """A summariser that answers from the store the rewrites it made before, and rewrites the rest in one call."""

    def summarise_batch(self, texts: Sequence[str]) -> list[str]:
        """One rewrite per text, from the cache where it has one."""
        # A lambda: naming self.inner.summarise_batch here would build a Deferred model even when all is cached.
        return _through_store(self, texts, "rewrite", "rewrite", lambda missing: self.inner.summarise_batch(missing))

    def counts(self) -> dict[str, int]:
        """The figures a run record keeps."""
        return {"rewrite_cache_hits": self.hits, "rewrite_cache_misses": self.misses,
                "rewrite_cache_errors": len(self.errors)}  # fmt: skip


def embedding_key(spec: ModelSpec, ref: str, text: str) -> str:
    """SHA-256 of the embedder (name, backend, weights and runtime) and the text."""
    identity = {"format": KEY_FORMAT, "model": spec.name, "backend": spec.backend, "ref": ref, "text": text}
    canonical = json.dumps(identity, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class CachedEmbedder(_StoreCached):
    """An embedder that keeps every vector in the store: a sentence seen on an earlier run is not embedded again,
    and when every text of a run is there the embedder is not even loaded (``inner`` may be a ``Deferred``).

    Holds the run's vectors in memory too, so the pile, the citation check and the "previously" lines ask the
    store once per text.
    """

    def __init__(self, inner: Any, store: Store) -> None:
        super().__init__(inner, store)
        self._memory: dict[str, Any] = {}

    def embed(self, texts: Sequence[str]) -> Any:
        """Unit-length vectors, one row per text, from the store where it has them."""
        import numpy as np

        new = [t for t in dict.fromkeys(texts) if t not in self._memory]
        if new:
            ref = self.inner.ref
            keys = {t: embedding_key(self.inner.spec, ref, t) for t in new}
            try:
                stored = self.store.cached_embeddings(list(dict.fromkeys(keys.values())))
            except StoreError as err:
                self.errors.append(f"embedding cache not read: {err}")
                stored = {}
            for t in new:
                vector = _stored_vector(stored[keys[t]]) if keys[t] in stored else None
                if vector is not None:
                    self._memory[t] = vector
                elif keys[t] in stored:
                    self.errors.append("embedding cache row damaged: embedded again")
            missing = [t for t in new if t not in self._memory]
            self.hits += len(new) - len(missing)
            self.misses += len(missing)
            if missing:
                vectors = np.asarray(self.inner.embed(missing), dtype=np.float32).reshape(len(missing), -1)
                self._memory.update(zip(missing, vectors))
                try:
                    self.store.save_embeddings(
                        {keys[t]: v.tobytes() for t, v in zip(missing, vectors)}, model=self.inner.spec.name
                    )
                except StoreError as err:
                    self.errors.append(f"embedding cache not written: {err}")
        if not texts:
            from brief.models.base import DIM

            return np.zeros((0, DIM), dtype=np.float32)
        return np.stack([self._memory[t] for t in texts])

    def counts(self) -> dict[str, int]:
        """The figures a run record keeps (with the embedder's own, when it was loaded)."""
        inner = self.inner._inner if isinstance(self.inner, Deferred) else self.inner  # never built for this
        own = inner.counts() if inner is not None and hasattr(inner, "counts") else {}
        return {**own, "embed_store_hits": self.hits, "embed_store_misses": self.misses,
                "embed_store_errors": len(self.errors)}  # fmt: skip


def _stored_vector(data: bytes) -> Any:
    """A stored vector as float32, or None when the row is damaged: not a whole vector of this embedder's size,
    not finite, or not unit length. A damaged row is embedded again rather than trusted (or crashing the run)."""
    import numpy as np

    from brief.models.base import DIM

    if len(data) != DIM * 4:
        return None
    vector = np.frombuffer(data, dtype=np.float32)
    if not np.isfinite(vector).all() or abs(float(np.dot(vector, vector)) - 1.0) > 1e-3:
        return None
    return vector
