"""A toy translator backend, outside the package: proof that a new backend is one module plus one table row.

It "translates" by naming each Arabic word's length, so its English is recognisable in a brief and needs no
weights. It implements only what ``brief.models.base.Translator`` asks of a backend.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from brief.models.base import ModelSpec, Translator


class _Words:
    """The toy's input window: words, not tokens."""

    max_input_tokens = 200
    ref = "toy translator 1"

    def count_tokens(self, text: str) -> int:
        return len(text.split())


class ToyTranslator(Translator):
    """Every text becomes "Toy English of N words."."""

    def __init__(self, spec: ModelSpec, folder: Path | None) -> None:
        self.spec = spec
        self.model = _Words()
        self.languages = frozenset({"ar"})
        self.batch_size = 8

    def translate_batch(self, texts: Sequence[str], language: str) -> list[str]:
        return [f"Toy English of {len(t.split())} words." for t in texts]
