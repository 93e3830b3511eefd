"""The transformers backends: Opus-MT (MarianMT) and NLLB translators and the BART/T5 summariser.

torch and transformers are imported here, only when a model is built. A backend class answers for itself: the
file its folder must hold (``MARKER``), the languages it reads from the registry alone (``registry_languages``),
and the weights it will run (``expected_ref``), so nothing outside this module tests its name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from brief.errors import ConfigError, MissingExtraError, ModelError
from brief.models.base import NLLB_CODES, GenerateModel, ModelSpec, Translator, resolved_revision, split_params

_TRANSLATOR_KEYS = frozenset({"batch_size", "max_input_tokens", "src_lang", "tgt_lang"})
_SUMMARISER_KEYS = frozenset({"batch_size", "max_input_tokens", "prefix"})


class _FolderModel:
    """A backend whose weights are a transformers checkpoint folder (config.json beside the weights)."""

    MARKER = "config.json"
    ENGINE = "transformers"  # what `brief doctor` says it runs on (until converted to CTranslate2)
    CONVERTS_AS: str | None = None  # the CTranslate2 model kind a conversion of it is, when it can be converted
    CONVERTED = False  # a CTranslate2 model already (nothing to optimise)

    @classmethod
    def expected_ref(cls, spec: ModelSpec, folder: Path | None) -> str | None:
        """The ref the built backend will report, without building it."""
        return resolved_revision(spec, folder)

    @classmethod
    def registry_languages(cls, spec: ModelSpec) -> frozenset[str] | None:
        """The languages it reads, from its params alone (None: only the model knows)."""
        return None


class Seq2SeqModel:
    """A tokenizer and an encoder-decoder model loaded from one local folder."""

    def __init__(self, spec: ModelSpec, folder: Path, model_class: str, max_input_tokens: int) -> None:
        try:
            import torch
            import transformers
        except ImportError as err:
            raise MissingExtraError(f"{spec.kind} {spec.name!r} needs torch and transformers ({err})") from None
        self.spec = spec
        self.folder = folder
        self._torch = torch
        cls = getattr(transformers, model_class)
        # Weights and tokenizer come from the local folder only: fetching is models.fetch's job.
        try:
            self.tokenizer = transformers.AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
            self.model = cls.from_pretrained(str(folder), local_files_only=True)
        except (OSError, ValueError, KeyError, RuntimeError) as err:
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise ModelError(f"{spec.kind} {spec.name!r} could not be loaded from {folder}: {first}") from None
        self.model.eval()
        # Lengths come from our params (max_new_tokens / min_new_tokens); the checkpoint's own max_length and
        # min_length (BART-CNN: 142 / 56) would otherwise fight them and warn on every call.
        self.model.generation_config.max_length = None
        self.model.generation_config.min_length = None
        limit = int(getattr(self.model.config, "max_position_embeddings", 512) or 512)
        if max_input_tokens > limit:
            raise ConfigError(
                f"{spec.kind} {spec.name!r}: max_input_tokens {max_input_tokens} exceeds the model's limit {limit}"
            )
        self.max_input_tokens = max_input_tokens

    @property
    def ref(self) -> str:
        """The exact weights loaded, as the footer names them."""
        return resolved_revision(self.spec, self.folder)

    def count_tokens(self, text: str) -> int:
        """How many tokens the encoder sees for ``text`` (special tokens included)."""
        return len(self.tokenizer(text, add_special_tokens=True)["input_ids"])

    def generate(self, texts: Sequence[str], generation: Mapping[str, Any]) -> list[str]:
        """Run ``generate`` on one batch and decode."""
        torch = self._torch
        batch = self.tokenizer(
            list(texts), return_tensors="pt", padding=True, truncation=True, max_length=self.max_input_tokens
        )
        settings = dict(generation)
        if "max_new_tokens" not in settings:
            # Translations run a little longer than their source; never past the model's window.
            longest = int(batch["input_ids"].shape[1])
            settings["max_new_tokens"] = min(self.max_input_tokens, 2 * longest + 16)
        with torch.inference_mode():
            output = self.model.generate(**batch, **settings)
        return [text.strip() for text in self.tokenizer.batch_decode(output, skip_special_tokens=True)]


class MarianTranslator(_FolderModel, Translator):
    """Helsinki-NLP Opus-MT models (MarianMTModel): one source language, here Arabic."""

    CONVERTS_AS = "marian"
    model: GenerateModel

    @classmethod
    def registry_languages(cls, spec: ModelSpec) -> frozenset[str] | None:
        """One language: ``src_lang`` (Arabic unless the registry says otherwise)."""
        return frozenset({str(spec.params.get("src_lang", "ar"))})

    def __init__(self, spec: ModelSpec, folder: Path) -> None:
        own, self.generation = split_params(spec, _TRANSLATOR_KEYS)
        self.spec = spec
        self.batch_size = int(own.get("batch_size", 16))
        self.model = Seq2SeqModel(spec, folder, "MarianMTModel", int(own.get("max_input_tokens", 400)))
        self.languages = frozenset({own.get("src_lang", "ar")})

    def translate_batch(self, texts: Sequence[str], language: str) -> list[str]:
        """Translate one batch of Arabic sentences."""
        return self.model.generate(texts, self.generation)


class NllbTranslator(_FolderModel, Translator):
    """NLLB-200 (M2M100 class): many source languages, target chosen with a forced first token."""

    CONVERTS_AS = "nllb"
    multilingual = True
    model: GenerateModel

    def __init__(self, spec: ModelSpec, folder: Path) -> None:
        own, self.generation = split_params(spec, _TRANSLATOR_KEYS)
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


class Seq2SeqSummariser(_FolderModel):
    """BART / PEGASUS / T5 summarisers through transformers."""

    CONVERTS_AS: str | None = "seq2seq"
    model: GenerateModel

    def __init__(self, spec: ModelSpec, folder: Path) -> None:
        own, self.generation = split_params(spec, _SUMMARISER_KEYS)
        self.spec = spec
        self.prefix = str(own.get("prefix", ""))
        self.batch_size = int(own.get("batch_size", 8))
        self.model = Seq2SeqModel(spec, folder, "AutoModelForSeq2SeqLM", int(own.get("max_input_tokens", 512)))

    @property
    def ref(self) -> str:
        """What the footer names."""
        return self.model.ref

    def summarise_batch(self, texts: Sequence[str]) -> list[str]:
        """Rewrite each text as a short summary."""
        out: list[str] = []
        for start in range(0, len(texts), self.batch_size):
            batch = [self.prefix + t for t in texts[start : start + self.batch_size]]
            out.extend(self.model.generate(batch, self.generation))
        return out
