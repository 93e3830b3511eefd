"""``brief bench``: time each stage side by side in one run (see brief.bench)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from brief.cli.app import ModelsOpt, QuietOpt, _fail, app


def _sizes(text: str) -> tuple[int, ...]:
    from brief.bench import parse_sizes

    try:
        return parse_sizes(text)
    except ValueError as err:
        raise typer.BadParameter(str(err)) from None


def _shapes(text: str) -> tuple[str, ...]:
    from brief.bench import shape_names

    try:
        return shape_names(text)
    except ValueError as err:
        raise typer.BadParameter(str(err)) from None


@app.command()
def bench(
    synthetic: Annotated[
        bool, typer.Option("--synthetic", help="Random-weight models of the real shapes (no download).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON instead of a table.")] = False,
    shapes: Annotated[
        str, typer.Option("--shapes", help="Translator shapes (comma-separated): opus-mt-ar-en, opus-mt-tc-big-ar-en, tiny.")
    ] = "opus-mt-ar-en,opus-mt-tc-big-ar-en",
    sentences: Annotated[int, typer.Option("--sentences", min=1, help="Sentences per translation engine.")] = 32,
    naive_sentences: Annotated[
        int, typer.Option("--naive-sentences", min=1, help="Sentences for the slow one-by-one loop.")
    ] = 8,
    src_tokens: Annotated[int, typer.Option("--src-tokens", min=4, help="Tokens per input sentence.")] = 30,
    out_tokens: Annotated[int, typer.Option("--out-tokens", min=2, help="Output tokens (pinned).")] = 40,
    beams: Annotated[int, typer.Option("--beams", min=1, help="Beam size (CTranslate2 also runs greedy).")] = 4,
    articles: Annotated[
        str, typer.Option("--articles", help="Pile sizes for the stages around translation.")
    ] = "5,50,200",
    embed_sentences: Annotated[int, typer.Option("--embed-sentences", min=1, help="Texts for the embedder alone.")] = 128,
    duplicates: Annotated[
        int, typer.Option("--duplicates", min=0, help="Articles for duplicate merging, index against all pairs (0: skip).")
    ] = 2000,
    no_translation: Annotated[bool, typer.Option("--no-translation", help="Skip the translation engines.")] = False,
    no_stages: Annotated[bool, typer.Option("--no-stages", help="Skip the stages around translation.")] = False,
    no_end_to_end: Annotated[
        bool, typer.Option("--no-end-to-end", help="Skip the whole `brief make` runs (CTranslate2, default shapes).")
    ] = False,
    end_to_end_articles: Annotated[
        int, typer.Option("--end-to-end-articles", min=1, help="Articles for the whole `brief make` run.")
    ] = 200,
    cache: Annotated[
        Optional[Path], typer.Option("--cache", help="Where built models are kept [$XDG_CACHE_HOME/brief/bench].")
    ] = None,
    models: ModelsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Time translation engines side by side, and every other stage, with peak memory (a table, or --json)."""
    from brief.bench import Options, run, table

    options = Options(
        synthetic=synthetic,
        shapes=_shapes(shapes),
        sentences=sentences,
        naive_sentences=naive_sentences,
        src_tokens=src_tokens,
        out_tokens=out_tokens,
        beams=beams,
        articles=_sizes(articles),
        embed_sentences=embed_sentences,
        duplicate_articles=duplicates,
        cache=cache,
        models=models,
        translation=not no_translation,
        stages=not no_stages,
        end_to_end=not no_end_to_end,
        end_to_end_articles=end_to_end_articles,
    )
    try:
        result = run(options, progress=(lambda m: None) if quiet else (lambda m: print(f"brief bench: {m}", file=sys.stderr)))
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - _fail prints one line, never a traceback
        _fail(err)
    print(json.dumps(result, ensure_ascii=False, indent=2) if as_json else table(result), end="" if not as_json else "\n")
