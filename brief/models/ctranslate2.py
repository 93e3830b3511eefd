"""CTranslate2 backend: the same Opus-MT, NLLB, BART and T5 weights, converted once to int8, about 3-4x less CPU.

A main dependency: the default path whenever it is installed. Two ways in:

- ``brief models pull NAME`` (``--no-optimize`` skips it), or the first ``brief make`` that finds the model not
  converted, converts the cached model once into ``$HF_HOME/brief-ct2/`` (a folder per
  model and snapshot, the tokenizer files kept beside the weights in ``tokenizer/``). From then on the pipeline
  loads the converted model whenever it is there and ``ctranslate2`` is installed, and says so in the footer and
  in ``brief logs show`` (the model's ref ends in "CTranslate2 int8").
- A registry entry can name a converted folder directly::

      translators:
        tc-big-int8:
          backend: ctranslate2
          path: /models/opus-mt-tc-big-ar-en-ct2     # model.bin + config.json, tokenizer files beside or in tokenizer/
          params: {model: marian, languages: [ar], num_beams: 4}

  ``model`` says which tokenizer and conventions apply: ``marian``, ``nllb`` (target language by a target prefix)
  or ``seq2seq`` (a BART or T5 summariser, under ``summarisers``).

The conversion also writes an English shortlist (``english_pieces``; CTranslate2's vocabulary map): the decoder
scores only the output tokens an English translation can use, not the whole vocabulary at every beam step
(``shortlist: false`` turns it off).

Threads come from the machine (inter-op: two batches at once on two or more cores; intra-op: the usable cores
shared between them; ``inter_threads`` and ``intra_threads`` set them), batches are cut by a token budget
(``batch_tokens``, default 2048 source tokens, split between the parallel batches) rather than a count, and the
model is loaded once per run. The backends keep the interface of brief.translate (``translate_batch(texts,
language)``) and of the summariser (``Ct2Summariser`` is a ``Seq2SeqSummariser`` on a converted model), so the
rest of the pipeline does not change.
"""

from __future__ import annotations

import errno
import hashlib
import importlib.util
import json
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from brief.errors import ConfigError, MissingExtraError, ModelError, UnknownNameError
from brief.models.base import NLLB_CODES, ModelSpec, Translator, machine_threads, resolved_revision, split_params
from brief.models.table import conversion_kind
from brief.models.transformers import Seq2SeqSummariser

__all__ = [
    "Ct2Model", "Ct2Summariser", "Ct2Translator", "available", "conversion_estimate", "convert", "find_optimized",
    "machine_threads",
]  # fmt: skip

QUANTIZATION = "int8"
MODEL_KINDS = ("marian", "nllb", "seq2seq")
_OWN_KEYS = frozenset(
    {
        "model", "languages", "batch_size", "batch_tokens", "max_input_tokens", "src_lang", "tgt_lang", "prefix",
        "compute_type", "intra_threads", "inter_threads", "shortlist",
    }
)  # fmt: skip
_TOKENIZER_DIR = "tokenizer"
# Generation defaults of a checkpoint that transformers applies unless the params override them.
_DEFAULTS_READ = ("num_beams", "no_repeat_ngram_size", "length_penalty", "repetition_penalty")
_WEIGHTS = ("*.safetensors", "*.bin", "*.msgpack", "*.h5", "*.ot")
_INSTALL = 'the CTranslate2 backend needs the package ctranslate2 (pip install "brief[fast]")'
# CTranslate2's vocabulary map (read with use_vmap): a line "<TAB>piece piece ..." lists output tokens that are
# always candidates, and with no other line they are the only ones (with <unk>, <s>, </s> and the target prefix).
SHORTLIST = "vmap.txt"


def available() -> bool:
    """True when ``ctranslate2`` can be imported (without importing it)."""
    return importlib.util.find_spec("ctranslate2") is not None


def optimized_root() -> Path:
    """Where converted models are kept: beside the Hugging Face cache, ``$HF_HOME/brief-ct2``."""
    from huggingface_hub import constants

    return Path(constants.HF_HOME) / "brief-ct2"


def optimized_folder(spec: ModelSpec, folder: Path) -> Path:
    """The converted model's folder for these weights (one per model, snapshot and quantization)."""
    weights = resolved_revision(spec, folder)
    digest = hashlib.sha256(f"{weights}\n{folder.resolve()}".encode()).hexdigest()[:12]
    return optimized_root() / f"{spec.name}-{QUANTIZATION}-{digest}"


def find_optimized(spec: ModelSpec, folder: Path | None) -> Path | None:
    """The converted folder for a registry model whose weights are at ``folder``, when it has been made."""
    kind = conversion_kind(spec)
    if folder is None or kind is None:
        return None
    converted = optimized_folder(spec, folder)
    if not _complete(converted):
        return None
    ensure_shortlist(converted, kind)
    return converted


def _complete(converted: Path) -> bool:
    return (converted / "model.bin").is_file() and (converted / "config.json").is_file()


def convert(spec: ModelSpec, folder: Path, *, quantization: str = QUANTIZATION, output: Path | None = None) -> Path:
    """Convert the transformers model in ``folder`` once (int8); the tokenizer files are copied beside it.

    An existing conversion is reused. Written to a temporary folder and renamed, so an interrupted conversion
    never looks finished.
    """
    kind = conversion_kind(spec)
    if kind is None:
        raise ConfigError(
            f"{spec.kind} {spec.name!r} (backend {spec.backend}) cannot be optimised; "
            f"CTranslate2 converts the {', '.join(MODEL_KINDS)} backends"
        )
    if not available():
        raise MissingExtraError(_INSTALL)
    target = output or optimized_folder(spec, folder)
    if _complete(target):
        ensure_shortlist(target, kind)
        return target
    from ctranslate2.converters import TransformersConverter

    class _Converter(TransformersConverter):
        def load_model(self, model_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            model = super().load_model(model_class, model_name_or_path, **kwargs)
            # transformers 5 dropped BartConfig.normalize_before, which the converter reads: BART is post-norm.
            if not hasattr(model.config, "normalize_before"):
                model.config.normalize_before = False
            return model

    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        partial.parent.mkdir(parents=True, exist_ok=True)
        _Converter(str(folder)).convert(str(partial), quantization=quantization, force=True)
        _finish(spec, folder, partial, kind, quantization)
        shutil.rmtree(target, ignore_errors=True)
        partial.rename(target)
    except Exception as err:  # noqa: BLE001 - damaged weights raise safetensors', torch's or pickle's own errors
        # Every write of the conversion is here, so a disk that fills at any of them (the weights, the tokenizer
        # copies, the shortlist, the record) leaves no half-made folder and is a model error (exit 5).
        shutil.rmtree(partial, ignore_errors=True)
        raise ModelError(_conversion_failed(spec, target, err)) from None
    return target


def _finish(spec: ModelSpec, folder: Path, partial: Path, kind: str, quantization: str) -> None:
    """Copy the tokenizer files beside the converted weights, write the shortlist and the record."""
    tokenizer = partial / _TOKENIZER_DIR
    tokenizer.mkdir()
    for item in folder.iterdir():
        if item.is_file() and not any(item.match(p) for p in _WEIGHTS):
            shutil.copy2(item, tokenizer / item.name)  # tokenizer files, config.json, generation_config.json
    made: dict[str, Any] = {
        "source": resolved_revision(spec, folder),
        "backend": spec.backend,
        "quantization": quantization,
    }
    made["shortlist"] = write_shortlist(partial, kind)
    (partial / "brief.json").write_text(json.dumps(made, indent=2), encoding="utf-8")


def _conversion_failed(spec: ModelSpec, target: Path, err: Exception) -> str:
    """The message for a conversion that failed: a full disk says where and what to do."""
    # CTranslate2's own writer reports a full disk as a RuntimeError carrying the C library's words.
    full = getattr(err, "errno", None) in (errno.ENOSPC, errno.EDQUOT) or "No space left on device" in str(err)
    if full:
        return (
            f"{spec.kind} {spec.name!r} could not be converted to CTranslate2: no space left on the disk of "
            f"{target.parent} (nothing was kept; free some space and run `brief models pull {spec.name}` again, "
            "or skip the conversion with --no-optimize)"
        )
    first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return f"{spec.kind} {spec.name!r} could not be converted to CTranslate2: {first}"


# Seconds a conversion takes per MB of transformers weights: the synthetic tc-big (956 MB of float32) took 23.8 s
# on 2 cores under load (README, "Fast by default"). The estimate the first run's progress line gives.
CONVERT_SECONDS_PER_MB = 0.025


def conversion_estimate(folder: Path) -> float:
    """About how many seconds converting the weights in ``folder`` takes (from their size)."""
    size = sum(f.stat().st_size for f in folder.iterdir() if f.is_file() and any(f.match(p) for p in _WEIGHTS))
    return max(1.0, size / 1e6 * CONVERT_SECONDS_PER_MB)


def english_pieces(kind: str, converted: Path) -> list[str] | None:
    """The output tokens an English translation can need, in vocabulary order; None when all of them can.

    The decoder scores every token of its vocabulary at every step, and the last matmul (1024 x 61,109 at
    tc-big) costs nearly as much as the six decoder layers together. Half of those rows are of no use:

    - Marian (Opus-MT): ``vocab.json`` joins the source and target SentencePiece models (``source.spm``,
      ``target.spm``), but the model learnt to write only pieces of ``target.spm``, the segmentation of every
      training target; the Arabic source pieces are never the right output. The shortlist is ``target.spm``'s
      pieces.
    - NLLB: one vocabulary for 200 languages (256,206 pieces). An English sentence needs none with a character
      of another script (an Arabic comma or digit included): the shortlist is the pieces made of Latin letters,
      their accents, and the common digits, punctuation and symbols.
    - BART/T5 summarisers read and write English: no shortlist.
    """
    tokenizer = converted / _TOKENIZER_DIR if (converted / _TOKENIZER_DIR).is_dir() else converted
    vocabulary = converted_vocabulary(converted)
    if vocabulary is None:
        return None
    if kind == "marian":
        if not (tokenizer / "target.spm").is_file() or not (tokenizer / "source.spm").is_file():
            return None
        import sentencepiece as spm

        target = spm.SentencePieceProcessor(model_file=str(tokenizer / "target.spm"))
        wanted = {target.id_to_piece(i) for i in range(target.get_piece_size())}
        keep = [token for token in vocabulary if token in wanted]
    elif kind == "nllb":
        keep = [token for token in vocabulary if all(_latin_or_common(c) for c in token)]
    else:
        return None
    keep = [token for token in keep if token and not any(c.isspace() for c in token)]
    # A shortlist of nearly the whole vocabulary saves nothing and costs the lookup.
    return keep if keep and len(keep) <= 0.9 * len(vocabulary) else None


# Unicode blocks of Latin letters and of characters every script shares: Basic Latin to the combining accents,
# Latin Extended Additional, general punctuation to miscellaneous symbols (dashes, quotes, currency, arrows; the
# SentencePiece word mark U+2581), Latin Extended C and D, Latin ligatures.
_LATIN_OR_COMMON = ((0x0000, 0x036F), (0x1E00, 0x1EFF), (0x2000, 0x2BFF), (0x2C60, 0x2C7F), (0xA720, 0xA7FF),
                    (0xFB00, 0xFB06))  # fmt: skip


def _latin_or_common(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _LATIN_OR_COMMON)


def converted_vocabulary(converted: Path) -> list[str] | None:
    """The output vocabulary of a converted model, in id order; None when the folder has none."""
    for name in ("shared_vocabulary.json", "target_vocabulary.json"):
        if (converted / name).is_file():
            return [str(token) for token in json.loads((converted / name).read_text(encoding="utf-8"))]
    for name in ("shared_vocabulary.txt", "target_vocabulary.txt"):
        if (converted / name).is_file():
            return (converted / name).read_text(encoding="utf-8").splitlines()
    return None


def write_shortlist(converted: Path, kind: str) -> int:
    """Write the English shortlist (``english_pieces``) as the converted model's vocabulary map; its size, or 0."""
    keep = english_pieces(kind, converted)
    if not keep:
        return 0
    partial = converted / (SHORTLIST + ".partial")
    partial.write_text("\t" + " ".join(keep) + "\n", encoding="utf-8")
    partial.replace(converted / SHORTLIST)
    return len(keep)


def ensure_shortlist(converted: Path, kind: str) -> None:
    """Give a model brief converted before it wrote shortlists its shortlist, once (``brief.json`` records the
    size, 0 when the model has none), so an upgrade speeds up conversions already made; a shortlist found empty
    or damaged is written again. A folder brief cannot write to keeps running over the whole vocabulary."""
    record = converted / "brief.json"
    try:
        made = json.loads(record.read_text(encoding="utf-8"))
        if not isinstance(made, dict):
            return
        problem = shortlist_problem(converted) if "shortlist" in made else None
        if "shortlist" in made and problem is None:
            return
        (converted / SHORTLIST).unlink(missing_ok=True)  # a damaged one is not left behind if none is written
        made["shortlist"] = write_shortlist(converted, kind)
        partial = converted / "brief.json.partial"
        partial.write_text(json.dumps(made, indent=2), encoding="utf-8")
        partial.replace(record)
        if problem is not None:
            _warn_once(converted, f"the CTranslate2 shortlist {converted / SHORTLIST} {problem}; written again")
    except (OSError, ValueError):
        return


def _warn_once(converted: Path, message: str) -> None:
    # Found while a model is looked up (doctor, pull, make, bench alike), where no run's notices are at hand;
    # once per folder and fault, so a shortlist that cannot be rewritten is not reported at every lookup.
    if (converted, message) not in _WARNED:
        _WARNED.add((converted, message))
        print(f"brief: warning: {message}", file=sys.stderr)


_WARNED: set[tuple[Path, str]] = set()
_PROBLEMS: dict[tuple[Path, int, int], str | None] = {}


def shortlist_problem(converted: Path) -> str | None:
    """What is wrong with a converted model's vocabulary map, None when it has none or a sound one.

    CTranslate2 reads it unchecked: an empty map crashes the process (SIGSEGV) at the first batch, and one of
    unknown or too few tokens gives empty or looping output. Sound is: every line a tab then target tokens, all in
    the model's vocabulary, and as many as brief wrote (``brief.json``) where brief made it.
    """
    path = converted / SHORTLIST
    try:
        stat = path.stat()
    except OSError:
        return None
    key = (path, stat.st_mtime_ns, stat.st_size)
    if key not in _PROBLEMS:
        _PROBLEMS[key] = _read_problem(converted, path)
    return _PROBLEMS[key]


def _read_problem(converted: Path, path: Path) -> str | None:
    try:
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, UnicodeDecodeError):
        return "cannot be read as UTF-8 text"
    if not lines:
        return "is empty"
    targets = [line.split("\t", 1)[1].split() if "\t" in line else [] for line in lines]
    if not all(targets):
        return "has a line that is not a tab and then output tokens"
    vocabulary = set(converted_vocabulary(converted) or ())
    tokens = {token for line in targets for token in line}
    if not tokens <= vocabulary:
        return f"names {len(tokens - vocabulary):,} tokens the model does not have"
    recorded = _read_json(converted / "brief.json").get("shortlist")
    if isinstance(recorded, int) and recorded > 0 and len(lines) == 1 and len(tokens) != recorded:
        return f"holds {len(tokens):,} tokens where {recorded:,} were written"
    return None


def shortlist_size(converted: Path) -> tuple[int, int] | None:
    """(tokens in the shortlist, tokens in the vocabulary) of a converted model, or None without a sound one."""
    if not (converted / SHORTLIST).is_file() or shortlist_problem(converted) is not None:
        return None
    kept = len((converted / SHORTLIST).read_text(encoding="utf-8").split())
    return kept, len(converted_vocabulary(converted) or ())


def shortlist_used(converted: Path, params: Mapping[str, Any]) -> bool:
    """Whether a model loaded from ``converted`` with these registry params decodes over its shortlist (never over
    a damaged one: the model then decodes over its whole vocabulary, and says so)."""
    wanted = params.get("shortlist", True)
    if wanted is False or str(wanted).lower() in ("false", "no", "off", "0"):
        return False
    if not (converted / SHORTLIST).is_file():
        return False
    if (problem := shortlist_problem(converted)) is not None:
        _warn_once(converted, f"the CTranslate2 shortlist {converted / SHORTLIST} {problem}; decoding without it")
        return False
    # The NLLB shortlist is for a Latin-script target (brief writes English).
    return str(params.get("tgt_lang", "eng_Latn")).endswith("_Latn")


def runtime(converted: Path, params: Mapping[str, Any], version: str) -> str:
    """How a converted model runs, as its ref (the footer and the cache keys) says: the shortlist changes outputs
    a model would rarely write, so a brief made with it is not served from a cache filled without it."""
    words = f"CTranslate2 {version} {params.get('compute_type', QUANTIZATION)}"
    return words + ", English shortlist" if shortlist_used(converted, params) else words


def _version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ctranslate2")
    except PackageNotFoundError:
        return None


def converted_ref(spec: ModelSpec, folder: Path, converted: Path) -> str | None:
    """The ref of a registry model run from its conversion: its weights, then how CTranslate2 runs them."""
    version = _version()
    return f"{resolved_revision(spec, folder)}, {runtime(converted, spec.params, version)}" if version else None


def _folder_ref(spec: ModelSpec, folder: Path | None) -> str | None:
    """The ref of a ``backend: ctranslate2`` entry: the converted folder, then how CTranslate2 runs it."""
    version = _version()
    return f"{folder}, {runtime(folder, spec.params, version)}" if version and folder is not None else None


class Ct2Model:
    """A converted encoder-decoder and its tokenizer, loaded once; ``generate`` runs one batch."""

    def __init__(
        self, spec: ModelSpec, converted: Path, own: Mapping[str, Any], *, source_ref: str | None = None
    ) -> None:
        try:
            import ctranslate2
            import transformers
        except ImportError:
            raise MissingExtraError(_INSTALL) from None
        self.spec = spec
        self.folder = converted
        tokenizer_folder = converted / _TOKENIZER_DIR if (converted / _TOKENIZER_DIR).is_dir() else converted
        self.compute_type = str(own.get("compute_type", QUANTIZATION))
        # Two batches at once, each on half the cores: a batch of 16 sentences at beam 4 is 64 rows per decoding
        # step, too few to keep two cores busy in one matmul (1.6 of 2 here); two sub-batches of 8 on one core
        # each ran 1.4x the sentences a second at tc-big (4.2-4.3 against 5.8-6.0, the synthetic bench's CTranslate2 row).
        cores = machine_threads()
        self.inter_threads = int(own.get("inter_threads", 2 if cores >= 2 else 1))
        self.threads = int(own.get("intra_threads", max(1, cores // self.inter_threads)))
        self.batch_tokens = int(own.get("batch_tokens", 2048))
        try:
            self.tokenizer = transformers.AutoTokenizer.from_pretrained(str(tokenizer_folder), local_files_only=True)
            self.translator = ctranslate2.Translator(
                str(self._loadable(converted)),
                device="cpu",
                compute_type=self.compute_type,
                inter_threads=self.inter_threads,
                intra_threads=self.threads,
            )
        except (OSError, ValueError, KeyError, RuntimeError) as err:
            first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise ModelError(f"{spec.kind} {spec.name!r} could not be loaded from {converted}: {first}") from None
        hf_config = _read_json(tokenizer_folder / "config.json")
        generation = _read_json(tokenizer_folder / "generation_config.json")
        limit = int(hf_config.get("max_position_embeddings") or 512)
        self.max_input_tokens = int(own.get("max_input_tokens", min(400, limit)))
        if self.max_input_tokens > limit:
            raise ConfigError(
                f"{spec.kind} {spec.name!r}: max_input_tokens {self.max_input_tokens} exceeds the model's limit {limit}"
            )
        # transformers forces EOS as the last token when the checkpoint sets forced_eos_token_id (Marian does):
        # stopping one token earlier gives the same text.
        self.forced_eos = generation.get("forced_eos_token_id", hf_config.get("forced_eos_token_id")) is not None
        # transformers merges the checkpoint's generation defaults (BART-CNN: no_repeat_ngram_size 3, length
        # penalty 2.0, a forced first token <s>) under the params given; so does this backend.
        self.defaults = {key: generation[key] for key in _DEFAULTS_READ if generation.get(key) is not None}
        forced_bos = generation.get("forced_bos_token_id", hf_config.get("forced_bos_token_id"))
        self.forced_first = str(self.tokenizer.convert_ids_to_tokens(int(forced_bos))) if forced_bos is not None else None
        self.source_ref = source_ref
        self.version = ctranslate2.__version__
        self.shortlist = shortlist_used(converted, own)
        self.runtime = runtime(converted, {**own, "compute_type": self.compute_type}, self.version)

    def _loadable(self, converted: Path) -> Path:
        """The folder CTranslate2 loads: ``converted``, or beside a damaged vocabulary map, a temporary folder of
        links to every file but the map (CTranslate2 reads the map whenever it is there, and an empty one crashes
        the process even with ``use_vmap`` off)."""
        self._without_map: tempfile.TemporaryDirectory[str] | None = None
        if not (converted / SHORTLIST).is_file() or shortlist_problem(converted) is None:
            return converted
        self._without_map = tempfile.TemporaryDirectory(prefix="brief-ct2-")
        for item in converted.iterdir():
            if item.name != SHORTLIST:
                (Path(self._without_map.name) / item.name).symlink_to(item.resolve())
        return Path(self._without_map.name)

    @property
    def ref(self) -> str:
        """The weights and the runtime, as the footer names them."""
        where = self.source_ref or str(self.folder)
        return f"{where}, {self.runtime}"

    def count_tokens(self, text: str) -> int:
        """How many tokens the encoder sees for ``text`` (special tokens included)."""
        return len(self.tokenizer(text, add_special_tokens=True)["input_ids"])

    def generate(
        self, texts: Sequence[str], generation: Mapping[str, Any], target_prefix: str | None = None
    ) -> list[str]:
        """Decode one batch with transformers-style settings (num_beams, max_new_tokens, ...)."""
        sources = []
        for text in texts:
            ids = self.tokenizer(text, add_special_tokens=True, truncation=True, max_length=self.max_input_tokens)
            sources.append(self.tokenizer.convert_ids_to_tokens(ids["input_ids"]))
        generation = {**self.defaults, **generation}
        target_prefix = target_prefix or self.forced_first
        longest = max((len(s) for s in sources), default=1)
        max_new = int(generation.get("max_new_tokens", min(self.max_input_tokens, 2 * longest + 16)))
        min_new = int(generation.get("min_new_tokens", 0))
        if self.forced_eos:
            max_new -= 1
            min_new = min(min_new, max_new)
        options: dict[str, Any] = {
            "beam_size": int(generation.get("num_beams", 1)),
            "max_decoding_length": max(1, max_new),
            "min_decoding_length": min_new,
            "max_batch_size": batch_budget([len(s) for s in sources], self.inter_threads, self.batch_tokens),
            "batch_type": "tokens",
            "use_vmap": self.shortlist,
        }
        for ours, theirs in (
            ("length_penalty", "length_penalty"),
            ("no_repeat_ngram_size", "no_repeat_ngram_size"),
            ("repetition_penalty", "repetition_penalty"),
        ):
            if ours in generation:
                options[theirs] = generation[ours]
        prefix = [[target_prefix]] * len(sources) if target_prefix else None
        results = self.translator.translate_batch(sources, target_prefix=prefix, **options)
        out = []
        for result in results:
            ids = self.tokenizer.convert_tokens_to_ids(result.hypotheses[0])
            out.append(str(self.tokenizer.decode(ids, skip_special_tokens=True)).strip())
        return out


def batch_budget(lengths: Sequence[int], parallel: int, cap: int) -> int:
    """The token budget that cuts a call's sentences into ``parallel`` equal batches (at most ``cap`` tokens).

    CTranslate2 sorts by length and counts a batch's tokens padded (its longest times its size), so the budget is
    the longest times the share; half the plain token sum would cut 16 sentences of 25-30 tokens in three.
    """
    if not lengths:
        return cap
    return max(1, min(cap, max(lengths) * -(-len(lengths) // max(1, parallel))))


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _model_kind(spec: ModelSpec, own: Mapping[str, Any]) -> str:
    kind = conversion_kind(spec) or own.get("model")
    if kind is None:
        kind = "seq2seq" if spec.kind == "summariser" else None
    if kind not in MODEL_KINDS:
        what = f"params.model of {spec.kind} {spec.name!r} (backend ctranslate2)"
        raise UnknownNameError(what, str(kind), MODEL_KINDS)
    return str(kind)


class _Converted:
    """What a backend that runs a CTranslate2 conversion says of itself (``brief.models.table``)."""

    MARKER = "config.json"
    CONVERTS_AS: str | None = None  # converted already
    CONVERTED: bool = True
    ENGINE: str = "CTranslate2"

    @classmethod
    def expected_ref(cls, spec: ModelSpec, folder: Path | None) -> str | None:
        """The ref the built backend will report, without building it."""
        return _folder_ref(spec, folder)


class Ct2Translator(_Converted, Translator):
    """Opus-MT (marian) or NLLB (nllb) through CTranslate2."""

    @classmethod
    def registry_languages(cls, spec: ModelSpec) -> frozenset[str] | None:
        """An Opus-MT conversion reads ``languages`` (or ``src_lang``); NLLB's are known once built."""
        if spec.params.get("model") != "marian":
            return None
        if "languages" in spec.params:
            return frozenset(str(code) for code in spec.params["languages"])
        return frozenset({str(spec.params.get("src_lang", "ar"))})

    def __init__(self, spec: ModelSpec, folder: Path, *, converted: Path | None = None) -> None:
        own, self.generation = split_params(spec, _OWN_KEYS)
        self.spec = spec
        self.kind = _model_kind(spec, own)
        if self.kind == "seq2seq":
            raise ConfigError(f"translator {spec.name!r}: params.model must be marian or nllb, not seq2seq")
        source_ref = resolved_revision(spec, folder) if converted is not None else None
        self.model: Ct2Model = Ct2Model(spec, converted or folder, own, source_ref=source_ref)
        # The token budget cuts batches inside CTranslate2; the count only paces progress.
        self.batch_size = int(own.get("batch_size", 64))
        self.target = None
        if self.kind == "nllb":
            tokenizer = self.model.tokenizer
            self.target = str(own.get("tgt_lang", "eng_Latn"))
            if tokenizer.convert_tokens_to_ids(self.target) in (None, tokenizer.unk_token_id):
                raise ConfigError(f"translator {spec.name!r}: the tokenizer does not know tgt_lang {self.target!r}")
            self.codes = dict(NLLB_CODES)
            self.codes["ar"] = str(own.get("src_lang", NLLB_CODES["ar"]))
            known = set(tokenizer.get_vocab())
            readable = {iso for iso, code in self.codes.items() if code in known and iso != "en"}
        else:
            readable = {str(own.get("src_lang", "ar"))}
        if "languages" in own:
            readable = {str(code) for code in own["languages"]}
        self.languages = frozenset(readable)
        self.multilingual = self.kind == "nllb"

    def translate_batch(self, texts: Sequence[str], language: str) -> list[str]:
        """Translate one batch of texts in ``language`` to English."""
        if self.kind == "nllb":
            self.model.tokenizer.src_lang = self.codes.get(language, language)
        return self.model.generate(texts, self.generation, target_prefix=self.target)


class Ct2Summariser(_Converted, Seq2SeqSummariser):
    """BART or T5 summarisers through CTranslate2: Seq2SeqSummariser's batching and prefix on a converted model."""

    def __init__(self, spec: ModelSpec, folder: Path, *, converted: Path | None = None) -> None:
        own, self.generation = split_params(spec, _OWN_KEYS)
        self.spec = spec
        _model_kind(spec, own)
        self.prefix = str(own.get("prefix", ""))
        self.batch_size = int(own.get("batch_size", 8))
        source_ref = resolved_revision(spec, folder) if converted is not None else None
        own = {"max_input_tokens": 512, **own}
        self.model = Ct2Model(spec, converted or folder, own, source_ref=source_ref)


def load_converted(spec: ModelSpec, folder: Path, converted: Path) -> Ct2Translator | Ct2Summariser:
    """The CTranslate2 backend for a registry model (marian, nllb, seq2seq) that has been converted."""
    if spec.kind == "translator":
        return Ct2Translator(spec, folder, converted=converted)
    return Ct2Summariser(spec, folder, converted=converted)
