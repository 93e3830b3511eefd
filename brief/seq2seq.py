"""Glue to Hugging Face transformers encoder-decoder models, shared by the translators and the summariser.

torch and transformers are imported here, only when a model is built.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from brief.errors import ConfigError, MissingExtraError, ModelError, UnknownNameError
from brief.models import ModelSpec, resolved_revision

# Settings passed straight to ``model.generate``.
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
