"""``brief bench``: time the installed models on the user's articles, stage by stage (see brief.bench)."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Optional

import typer

from brief.cli.app import ModelsOpt, QuietOpt, _fail, app
from brief.errors import UsageError

SYNTHETIC_MOVED = (
    "the synthetic bench (random-weight models, no download) runs from a source checkout: "
    "python -m tools.bench --help; brief bench times the models you have installed, on articles you give it"
)


def _sizes(text: str) -> tuple[int, ...]:
    from brief.bench import parse_sizes

    try:
        return parse_sizes(text)
    except ValueError as err:
        raise typer.BadParameter(str(err)) from None


@app.command()
def bench(
    inputs: Annotated[
        Optional[list[str]],
        typer.Argument(
            metavar="ARTICLES",
            help="Arabic articles to draw the inputs from: files or folders, as `brief make` reads them (your own news "
            "is the fairest sample; nothing is taken from elsewhere).",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON instead of a table.")] = False,
    sentences: Annotated[int, typer.Option("--sentences", min=1, help="Sentences per translator.")] = 32,
    articles: Annotated[
        str, typer.Option("--articles", help="Pile sizes for `brief make`'s stages, comma-separated.")
    ] = "5,50,200",
    embed_sentences: Annotated[int, typer.Option("--embed-sentences", min=1, help="Texts for the embedder alone.")] = 128,
    duplicates: Annotated[
        int, typer.Option("--duplicates", min=0, help="Articles for duplicate merging, index against all pairs (0: skip).")
    ] = 2000,
    no_translation: Annotated[bool, typer.Option("--no-translation", help="Skip the translators.")] = False,
    no_stages: Annotated[bool, typer.Option("--no-stages", help="Skip the stages of a whole `brief make`.")] = False,
    synthetic: Annotated[
        bool, typer.Option("--synthetic", help="Moved: run `python -m tools.bench` from a source checkout.")
    ] = False,
    models: ModelsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Time the installed models on your articles: each cached translator (and its --optimize conversion), the
    embedder, a whole make's stages at 5, 50 and 200 articles, duplicate merging; with peak memory (a table, or
    --json). The synthetic bench, with no download, runs from a source checkout: python -m tools.bench."""
    from brief.bench import Options, run, table

    sizes = _sizes(articles)
    try:
        if synthetic:
            raise UsageError(SYNTHETIC_MOVED)
        if not inputs:
            raise UsageError("give the Arabic articles to time on, files or folders: brief bench ~/news")
        options = Options(
            inputs=tuple(inputs),
            sentences=sentences,
            articles=sizes,
            embed_sentences=embed_sentences,
            duplicate_articles=duplicates,
            models=models,
            translation=not no_translation,
            stages=not no_stages,
        )
        result = run(options, progress=(lambda m: None) if quiet else (lambda m: print(f"brief bench: {m}", file=sys.stderr)))
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - _fail prints one line, never a traceback
        _fail(err)
    print(json.dumps(result, ensure_ascii=False, indent=2) if as_json else table(result), end="" if not as_json else "\n")
