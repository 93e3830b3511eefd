"""``brief make`` and ``brief inspect``: parse the flags, call the library (``brief.run.day``,
``brief.pipeline.read_articles``), map errors to exit codes."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from brief.cli.app import (
    EXIT_PARTIAL,
    JsonOpt,
    ModelsOpt,
    ProfileOpt,
    QuietOpt,
    RichReporter,
    VerboseOpt,
    _fail,
    _quiet_libraries,
    _State,
    app,
    shown,
)

if TYPE_CHECKING:
    from brief.config import Settings


@app.command()
def make(
    inputs: Annotated[
        Optional[list[str]],
        typer.Argument(
            metavar="[INPUT]...",
            help="Files, folders, page URLs and feed URLs; - reads an article from standard input (default: the profile's).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="Write here (default: stdout).")] = None,
    output_dir: Annotated[
        Optional[Path], typer.Option("--output-dir", metavar="DIR", help="Write brief-YYYY-MM-DD-HHMMSS.md into this folder (never replacing one).")
    ] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", metavar="markdown|json", help="markdown (default) or json.")] = None,
    words: Annotated[Optional[int], typer.Option("--words", help="Word budget before the source list [500].")] = None,
    max_articles: Annotated[
        Optional[int], typer.Option("--max-articles", help="Brief at most this many articles, the newest [50].")
    ] = None,
    sources: Annotated[
        Optional[Path],
        typer.Option("--sources", metavar="FILE", help="A sources file (YAML): named folders, pages and feeds."),
    ] = None,
    profile: ProfileOpt = None,
    new: Annotated[
        Optional[bool], typer.Option("--new/--all", help="Only articles no earlier brief had (default: all).")
    ] = None,
    since: Annotated[
        Optional[str], typer.Option("--since", metavar="SPAN", help="Only articles first seen within this span, e.g. 24h, 2d.")
    ] = None,
    email: Annotated[
        Optional[list[str]], typer.Option("--email", metavar="ADDR", help="Email the brief to this address (repeatable).")
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="With --email: write the message as a .eml file next to the brief, send nothing."),
    ] = False,
    timeout: Annotated[
        Optional[float], typer.Option("--timeout", metavar="SECONDS", help="Seconds to wait for a web page or feed [20].")
    ] = None,
    models: ModelsOpt = None,
    translator: Annotated[
        Optional[str], typer.Option("--translator", metavar="NAME", help="Translator name in the registry.")
    ] = None,
    summariser: Annotated[
        Optional[str], typer.Option("--summariser", metavar="NAME", help="Summariser name in the registry.")
    ] = None,
    extractive: Annotated[
        Optional[bool],
        typer.Option("--extractive/--rewrite", help="Quote source sentences only, no summariser rewriting."),
    ] = None,
    about: Annotated[
        Optional[list[str]],
        typer.Option("--about", metavar="TEXT", help="Only stories about this beat, e.g. 'Syria sanctions' (repeatable)."),
    ] = None,
    watch: Annotated[
        Optional[list[str]],
        typer.Option("--watch", metavar="NAME", help="Stories naming this person or thing lead, marked (repeatable)."),
    ] = None,
    glossary: Annotated[
        Optional[Path],
        typer.Option("--glossary", metavar="FILE", help="YAML: Arabic name or term -> the English to print."),
    ] = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Make a brief from articles: save it, print it, or email it."""
    from brief import config

    _State.verbose = verbose
    try:
        settings = config.resolve(
            os.environ,
            profile=profile,
            models=models,
            translator=translator,
            summariser=summariser,
            words=words,
            max_articles=max_articles,
            rewrite=None if extractive is None else not extractive,
            inputs=inputs,
            sources=sources,
            fmt=fmt,
            output=output,
            output_dir=output_dir,
            email=email,
            new=new,
            since=since,
            timeout=timeout,
            about=about,
            watch=watch,
            glossary=glossary,
        )
        code = _make(settings, dry_run=dry_run, quiet=quiet, verbose=verbose)
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - _fail prints one line, never a traceback
        _fail(err)
    if code:
        raise typer.Exit(code)


def _make(settings: Settings, *, dry_run: bool, quiet: bool, verbose: bool) -> int:
    """The day's run (``brief.run.day``) with progress and notices on stderr; the exit code."""
    from brief import run

    _quiet_libraries(quiet, verbose)
    with RichReporter(quiet, verbose) as reporter:
        return run.day(settings, reporter, run.StderrNotices(quiet), dry_run=dry_run).code


@app.command()
def inspect(
    inputs: Annotated[
        Optional[list[str]],
        typer.Argument(
            metavar="[INPUT]...",
            help="Files, folders, page and feed URLs to read and clean; - reads standard input.",
            show_default=False,
        ),
    ] = None,
    sources: Annotated[
        Optional[Path], typer.Option("--sources", metavar="FILE", help="A sources file (YAML) to read too.")
    ] = None,
    timeout: Annotated[
        Optional[float], typer.Option("--timeout", metavar="SECONDS", help="Seconds to wait for a web page or feed [20].")
    ] = None,
    glossary: Annotated[
        Optional[Path], typer.Option("--glossary", metavar="FILE", help="Show which of this glossary's terms each article holds.")
    ] = None,
    as_json: JsonOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Show, per article, the cleaned text and metadata (and what was dropped, and why); --json for programs."""
    from brief import config, pipeline
    from brief.errors import InputError
    from brief.glossary import load_glossary

    _State.verbose = verbose
    try:
        if not inputs and sources is None:
            raise InputError("nothing to read: give files, folders or URLs, or --sources FILE")
        settings = config.resolve(os.environ, timeout=timeout)
        articles, skipped = pipeline.read_articles(inputs or [], web=settings.web, sources=sources)
        terms = load_glossary(glossary) if glossary is not None else None
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - _fail prints one line, never a traceback
        _fail(err)
    items = [_with_terms(a, terms) for a in articles] + [{"path": s.location, "skipped": s.reason} for s in skipped]
    if as_json:
        print(json.dumps(items, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(_readable(items))
    if skipped:
        raise typer.Exit(EXIT_PARTIAL if articles else 3)


def _with_terms(article: Any, glossary: dict[str, str] | None) -> dict[str, Any]:
    """An article's JSON, with the glossary terms its title and text hold when a glossary is given."""
    from brief.glossary import terms_in

    item: dict[str, Any] = article.to_json()
    if glossary is not None:
        text = " ".join([article.title or "", *article.sentences])
        item["glossary"] = [{"term": t, "english": glossary[t]} for t in terms_in(text, glossary)]
    return item


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _readable(items: list[dict[str, Any]]) -> str:
    """What ``inspect`` finds, for people: each article's facts, its sentences, what was dropped; then the skips."""
    lines: list[str] = []
    articles = [i for i in items if "skipped" not in i]
    for n, item in enumerate(articles, 1):
        lines.append(f"[{n}] {shown(item['path'])}")
        for key in ("url", "publisher", "title", "date", "byline", "credit", "language", "id"):
            if item.get(key):
                lines.append(f"    {key + ':':<10} {shown(item[key])}")
        if item.get("also_at"):
            lines.append(f"    {'also at:':<10} {'; '.join(shown(a) for a in item['also_at'])}")
        if "glossary" in item:
            held = "; ".join(f"{shown(g['term'])} -> {shown(g['english'])}" for g in item["glossary"])
            lines.append(f"    {'glossary:':<10} {held or '(no term)'}")
        lines.append(f"    {_plural(len(item['sentences']), 'sentence')}:")
        lines += [f"      {i}. {shown(s)}" for i, s in enumerate(item["sentences"], 1)]
        if item["dropped"]:
            lines.append(f"    dropped {_plural(len(item['dropped']), 'line')}:")
            lines += [f"      - {shown(d['line'])}  ({shown(d['reason'])})" for d in item["dropped"]]
        lines.append("")
    skips = [i for i in items if "skipped" in i]
    if skips:
        lines.append(f"skipped {_plural(len(skips), 'input')}:")
        lines += [f"  {shown(i['path'])}: {shown(i['skipped'])}" for i in skips]
        lines.append("")
    lines.append(f"{_plural(len(articles), 'article')}, {_plural(len(skips), 'input')} skipped")
    return "\n".join(lines) + "\n"
