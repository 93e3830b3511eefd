"""The synthetic benchmark, from a source checkout: ``python -m tools.bench [options]`` (``--help`` lists them).

No downloads: random-weight MarianMT models of the real shapes (opus-mt-ar-en and opus-mt-tc-big-ar-en, MODELS.md),
with the output length pinned (min_new_tokens == max_new_tokens: random weights rarely stop) and the beams fixed,
timed through

- brief's translation path (``MarianTranslator.translate``: dedupe, split, length-sorted batches),
- a naive loop (one ``generate`` per sentence),
- plain batched ``generate`` (batches of 16 in input order),
- brief through CTranslate2 int8 (the backend ``brief models pull --optimize`` sets up), beam 4 and greedy;

then the embedder's runtimes, the stages around translation (read and clean, embed, select and compose, render)
on 5, 50 and 200 articles synthesised from seeds/ and tests/fixtures/text (sentences drawn from the pool,
numbers varied, so each article is new), through ``pipeline.make`` with the tiny test models; whole `brief make`
runs and the daily job (tools/bench_make.py); and duplicate merging at 2,000 articles, the index against all
pairs.

Each measurement runs in a process of its own, so the peak memory (max RSS) is that engine's alone. Built models
are cached (``--cache``, default ``$XDG_CACHE_HOME/brief/bench``), so a second run starts at once. Timings on a
shared machine are noisy: compare the ratios within one run. The rows, the table and the children are
brief.bench's (``brief bench``, which times the models a user has installed); what needs the checkout (the
synthetic models, tests/tiny_models.py, tests/webserver.py) is here.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from brief import bench
from brief.bench import Clock, Row
from tools import bench_make, synthetic
from tools.synthetic import REPO, SHAPES, sentence_pool

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
Progress = Callable[[str], None]


@dataclass
class Options:
    """What to run and at what sizes (the fields, and so the JSON's "options", as `brief bench --synthetic` had)."""

    synthetic: bool = True  # always: kept so the recorded JSON keeps its shape
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
    models: Path | None = None  # unused here (`brief bench --models` times a registry's models); kept for the JSON
    translation: bool = True
    stages: bool = True
    end_to_end: bool = True  # whole `brief make` runs on the default shapes through CTranslate2 (tools/bench_make.py)
    end_to_end_articles: int = 200


def run(options: Options, progress: Progress = lambda message: None, command: str = "python -m tools.bench") -> dict[str, Any]:
    """Run the synthetic benchmark; the result as a JSON-ready dict (machine, command, options, rows)."""
    cache = options.cache or _default_cache()
    cache.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    pool = sentence_pool()
    started = time.perf_counter()
    if options.translation:
        for shape in options.shapes:
            rows += _bench_shape(shape, options, cache, pool, progress)
    if options.stages:
        rows += bench.bench_embedders(pool, options.embed_sentences, progress, root=REPO)
        rows += _bench_stages(options, cache, pool, progress)
    if options.end_to_end:
        rows += _bench_end_to_end(options, cache, progress)
    rows += bench.bench_duplicates(options.duplicate_articles, pool, progress, root=REPO)
    return bench.result_of(rows, options, started, command)


def _default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "brief" / "bench"


def child_rows(job: dict[str, Any]) -> list[Row]:
    """A job of this module or brief.bench's in a process of its own, with this checkout first on the path."""
    return bench.child_rows(job, module="tools.bench", root=REPO)


def _bench_shape(shape: str, options: Options, cache: Path, pool: list[str], progress: Progress) -> list[Row]:
    from brief.models import ctranslate2 as ct2

    progress(f"building the {shape} model (cached after the first run)")
    folder = synthetic.build_synthetic_marian(shape, cache)
    converted = None
    if ct2.available():
        progress(f"converting {shape} to CTranslate2 int8 (cached after the first run)")
        converted = synthetic.convert_in_child("translator", f"synthetic-{shape}", "marian", folder,
                                               cache / f"{shape}-ct2-int8")  # fmt: skip
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
        rows += child_rows({**base, "engine": engine, "beams": beams, "texts": some})
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


def _bench_stages(options: Options, cache: Path, pool: list[str], progress: Progress) -> list[Row]:
    """The stages around translation at each pile size, with the tiny test models and the shipped embedder."""
    from brief import models

    tiny = synthetic.tiny_models(cache, progress)
    backend = models.Registry.load(models.packaged_registry()).get("embedder").backend
    registry = cache / "stages-tiny.yaml"
    registry.write_text(
        "defaults: {translator: tiny-marian, summariser: tiny-bart, embedder: e5-small}\n"
        f"translators:\n  tiny-marian: {{backend: marian, path: {json.dumps(tiny['marian'])}, "
        "params: {num_beams: 1, batch_size: 32, max_new_tokens: 24}}\n"
        f"summarisers:\n  tiny-bart: {{backend: seq2seq, path: {json.dumps(tiny['bart'])}}}\n"
        f"embedders:\n  e5-small: {{backend: {backend}}}\n",
        encoding="utf-8",
    )
    rows: list[Row] = []
    for count in options.articles:
        progress(f"the stages around translation at {count} articles (tiny models)")
        rows += child_rows({"job": "stages", "articles": count, "pool": pool, "registry": str(registry), "tiny": True})
    return rows


def _bench_end_to_end(options: Options, cache: Path, progress: Progress) -> list[Row]:
    shape = "opus-mt-tc-big-ar-en" if "opus-mt-tc-big-ar-en" in options.shapes else options.shapes[-1]
    tiny = synthetic.tiny_models(cache, progress) if shape == "tiny" else {}
    jobs = bench_make.plan(shape, options.out_tokens, options.end_to_end_articles, cache, tiny, progress)
    if not jobs:
        return [Row("end to end", "brief make", shape, note='not run: pip install "brief[fast]"')]
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for job in jobs:
            progress(job["what"])
            rows += child_rows({**job, "scratch": scratch})
    return rows


# --- the children ----------------------------------------------------------------------------------------


def _load_engine(job: dict[str, Any]) -> tuple[Any, Any, Any]:
    """(tokenizer, model, None) for the plain transformers engines; (None, None, translator) for brief's own."""
    folder, engine = Path(job["folder"]), job["engine"]
    if engine in ("naive", "batched"):
        from transformers import AutoTokenizer, MarianMTModel

        return AutoTokenizer.from_pretrained(str(folder)), MarianMTModel.from_pretrained(str(folder)).eval(), None
    from brief.models import ModelSpec

    pinned = {"num_beams": job["beams"], "min_new_tokens": job["out_tokens"], "max_new_tokens": job["out_tokens"]}
    # ct2-whole: the decoder scores every output token, as before the English shortlist.
    params = {**pinned, "batch_size": job["batch"], **({"shortlist": False} if engine == "ct2-whole" else {})}
    spec = ModelSpec(kind="translator", name=job["shape"], backend="marian", path=folder, params=params)
    if engine == "brief":
        from brief.models.transformers import MarianTranslator

        return None, None, MarianTranslator(spec, folder)
    from brief.models.ctranslate2 import Ct2Translator

    return None, None, Ct2Translator(spec, folder, converted=Path(job["converted"]))


def _engine_extra(engine: str, translator: Any) -> tuple[dict[str, Any], str]:
    """What the engine ran with (threads; CTranslate2's batching and shortlist) and a note."""
    if not engine.startswith("ct2"):
        import torch

        return {"threads": torch.get_num_threads()}, ""
    from brief.models.ctranslate2 import shortlist_size

    model = translator.model
    extra = {"threads": model.threads, "inter_threads": model.inter_threads, "batch_tokens": model.batch_tokens}
    size = shortlist_size(model.folder) if model.shortlist else None
    if size is None:
        return extra, ""
    extra["shortlist"] = size[0]
    return extra, f"English shortlist: {size[0]:,} of {size[1]:,} output tokens"


def _job_translate(job: dict[str, Any]) -> list[Row]:
    import logging

    logging.getLogger("transformers").setLevel(logging.ERROR)
    engine, texts, batch = job["engine"], job["texts"], job["batch"]
    pinned = {"num_beams": job["beams"], "min_new_tokens": job["out_tokens"], "max_new_tokens": job["out_tokens"]}
    with Clock() as load:
        tokenizer, model, translator = _load_engine(job)
    with Clock() as clock:
        if engine == "naive":
            import torch

            with torch.inference_mode():
                for text in texts:
                    model.generate(**tokenizer([text], return_tensors="pt"), **pinned)
        elif engine == "batched":
            import torch

            with torch.inference_mode():
                for k in range(0, len(texts), batch):
                    model.generate(**tokenizer(texts[k : k + batch], return_tensors="pt", padding=True), **pinned)
        else:
            translator.translate(texts, "ar")
    extra, note = _engine_extra(engine, translator)
    return [
        Row(
            "translation", ENGINE_NAMES[engine], job["shape"], job["beams"], len(texts), "sentences",
            round(clock.seconds, 4), round(clock.cpu_seconds, 2), round(load.seconds, 2), bench.peak_mb(), note=note,
            extra=extra,
        )  # fmt: skip
    ]


JOBS: dict[str, Callable[[dict[str, Any]], list[Row]]] = {
    **bench.JOBS, "translate": _job_translate, "make": bench_make.job_make, "daily": bench_make.job_daily,
    "fetch": bench_make.job_fetch,
}  # fmt: skip


def child_main(job_file: str) -> None:
    """Entry point of a measurement process: brief.bench's, with this module's jobs too."""
    bench.child_main(job_file, JOBS)


# --- the command line ------------------------------------------------------------------------------------


def shape_names(text: str) -> tuple[str, ...]:
    """"opus-mt-ar-en,tiny" -> the shapes, each checked."""
    names = tuple(x.strip() for x in text.split(",") if x.strip())
    for name in names or ("",):
        if name not in SHAPES:
            raise ValueError(f"unknown shape {name!r}; valid: {', '.join(SHAPES)}")
    return names


def _typed(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """An argparse type from a parser that raises ValueError with a message worth showing."""

    def convert(text: str) -> Any:
        try:
            return parse(text)
        except ValueError as err:
            raise argparse.ArgumentTypeError(str(err)) from None

    return convert


def _at_least(low: int) -> Callable[[str], int]:
    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"expected at least {low}, got {value}")
        return value

    return convert


def parser() -> argparse.ArgumentParser:
    """The command line of ``python -m tools.bench`` (the flags `brief bench --synthetic` had)."""
    p = argparse.ArgumentParser(
        prog="python -m tools.bench",
        description="Time translation engines side by side, and every other stage, with peak memory, on random-weight "
        "models of the real shapes (no download). Run from a source checkout. `brief bench` times your installed models.",
    )  # fmt: skip
    p.add_argument("--synthetic", action="store_true", help="Accepted for the recorded commands: always synthetic.")
    p.add_argument("--json", dest="as_json", action="store_true", help="Print the results as JSON instead of a table.")
    p.add_argument("--shapes", type=_typed(shape_names), metavar="LIST", default=DEFAULT_SHAPES,
                   help=f"Translator shapes (comma-separated): {', '.join(SHAPES)}.")  # fmt: skip
    p.add_argument("--sentences", type=_at_least(1), metavar="N", default=32, help="Sentences per translation engine.")
    p.add_argument("--naive-sentences", type=_at_least(1), metavar="N", default=8, help="Sentences for the slow one-by-one loop.")
    p.add_argument("--src-tokens", type=_at_least(4), metavar="N", default=30, help="Tokens per input sentence.")
    p.add_argument("--out-tokens", type=_at_least(2), metavar="N", default=40, help="Output tokens (pinned).")
    p.add_argument("--beams", type=_at_least(1), metavar="N", default=4, help="Beam size (CTranslate2 also runs greedy).")
    p.add_argument("--articles", type=_typed(bench.parse_sizes), metavar="LIST", default=(5, 50, 200),
                   help="Pile sizes for the stages around translation.")  # fmt: skip
    p.add_argument("--embed-sentences", type=_at_least(1), metavar="N", default=128, help="Texts for the embedder alone.")
    p.add_argument("--duplicates", type=_at_least(0), metavar="N", default=2000,
                   help="Articles for duplicate merging, index against all pairs (0: skip).")  # fmt: skip
    p.add_argument("--no-translation", action="store_true", help="Skip the translation engines.")
    p.add_argument("--no-stages", action="store_true", help="Skip the embedder and the stages around translation.")
    p.add_argument("--no-end-to-end", action="store_true",
                   help="Skip the whole `brief make` runs (CTranslate2, default shapes).")  # fmt: skip
    p.add_argument("--end-to-end-articles", type=_at_least(1), metavar="N", default=200, help="Articles for the whole `brief make` run.")
    p.add_argument("--cache", type=Path, metavar="DIR", default=None, help="Where built models are kept [$XDG_CACHE_HOME/brief/bench].")
    p.add_argument("-q", "--quiet", action="store_true", help="No progress on stderr.")
    return p


def main(argv: list[str] | None = None) -> int:
    """Parse the flags, run, print the table (or JSON); the exit code."""
    given = sys.argv[1:] if argv is None else argv
    args = parser().parse_args(given)
    options = Options(
        shapes=args.shapes, sentences=args.sentences, naive_sentences=args.naive_sentences, src_tokens=args.src_tokens,
        out_tokens=args.out_tokens, beams=args.beams, articles=args.articles, embed_sentences=args.embed_sentences,
        duplicate_articles=args.duplicates, cache=args.cache, translation=not args.no_translation,
        stages=not args.no_stages, end_to_end=not args.no_end_to_end, end_to_end_articles=args.end_to_end_articles,
    )  # fmt: skip
    progress = (lambda m: None) if args.quiet else (lambda m: print(f"tools.bench: {m}", file=sys.stderr))
    try:
        result = run(options, progress, command=" ".join(["python -m tools.bench", *given]))
    except KeyboardInterrupt:
        print("tools.bench: interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # noqa: BLE001 - one line, never a traceback
        print(f"tools.bench: error: {err}", file=sys.stderr)
        return int(getattr(err, "exit_code", 1))
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.as_json else bench.table(result), end="" if not args.as_json else "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
