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


class LoopingTranslator(ToyTranslator):
    """A translator that loops, as neural MT (and the tiny random models) can: every first decoding repeats one
    phrase; decoded again against repetition (``no_repeat_ngram_size`` set), a text of an odd number of words still
    loops and the others come out as the toy's English."""

    def __init__(self, spec: ModelSpec, folder: Path | None) -> None:
        super().__init__(spec, folder)
        self.generation: dict[str, object] = {}

    def translate_batch(self, texts: Sequence[str], language: str) -> list[str]:
        careful = bool(self.generation.get("no_repeat_ngram_size"))
        return [
            f"Toy English of {len(t.split())} words." if careful and len(t.split()) % 2 == 0 else "the army said " * 12
            for t in texts
        ]
