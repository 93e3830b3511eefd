"""The command line: parses flags, calls the library, maps errors to exit codes.

Exit codes:
  0  the brief was made from every input
  1  internal error (a bug: please report it)
  2  usage error (unknown flag, bad value)
  3  no usable input
  4  bad configuration (models.yaml, unknown model or backend name)
  5  a model is not available (offline and not cached, download failed, cannot be loaded)
  6  the brief could not be written
  7  partial: the brief was made, but some inputs were skipped (listed in its footer)
  8  the brief was made and saved, but could not be emailed (server down, timeout, TLS failure)
  9  another brief run is going (it holds the lock); this one did nothing
  10 the mail server refused the login
  11 the mail server refused a recipient
  12 the local store cannot be opened or is damaged
  130 interrupted

Sub-commands beyond make/inspect/models live in modules of this package, each registering itself on ``app``
with the import at the end of this file.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from brief import __version__
from brief.errors import BriefError

EXIT_PARTIAL = 7

app = typer.Typer(
    name="brief",
    help="Turn Arabic-language news into a cited one-page English brief.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
models_app = typer.Typer(help="Show and fetch the models in the registry.", no_args_is_help=True)
app.add_typer(models_app, name="models")

ModelsOpt = Annotated[
    Optional[Path],
    typer.Option("--models", help="Model registry file (default: $BRIEF_MODELS, else the packaged models.yaml)."),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="More detail on stderr, tracebacks for bugs.")]


class _State:
    verbose = False


def _console(quiet: bool = False):  # noqa: ANN202 - rich is imported lazily
    from rich.console import Console

    return Console(stderr=True, quiet=quiet, highlight=False)


def _fail(err: BaseException) -> None:
    """Print one line for the user and exit with the error's code."""
    if isinstance(err, BriefError):
        code, message = err.exit_code, str(err)
    elif isinstance(err, KeyboardInterrupt):
        code, message = 130, "interrupted"
    else:
        code, message = 1, f"internal error: {type(err).__name__}: {err} (run with --verbose for details; please report it)"
        if _State.verbose:
            import traceback

            traceback.print_exc()
    print(f"brief: error: {message}", file=sys.stderr)
    raise typer.Exit(code)


class RichReporter:
    """Stage-by-stage progress on stderr."""

    def __init__(self, quiet: bool, verbose: bool) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.verbose = verbose
        self.console = _console(quiet)
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
            disable=quiet,
        )
        self.task = None

    def __enter__(self) -> RichReporter:
        return self  # the display starts with the first stage, so an early error prints only its own line

    def __exit__(self, *exc: object) -> None:
        if self.task is not None:
            self._finish()
            self.progress.stop()

    def _finish(self) -> None:
        if self.task is not None:
            task = self.progress.tasks[self.task]
            self.progress.update(self.task, total=task.total or 1, completed=task.total or 1)

    def stage(self, name: str, total: int | None = None) -> None:
        """Start a stage (closing the previous one)."""
        if self.task is None:
            self.progress.start()
        self._finish()
        self.task = self.progress.add_task(name, total=total)

    def advance(self, amount: int = 1) -> None:
        """Move the current stage on."""
        if self.task is not None:
            self.progress.advance(self.task, amount)

    def info(self, message: str) -> None:
        """Show with --verbose."""
        if self.verbose:
            self.progress.console.print(message)


def _quiet_libraries(quiet: bool, verbose: bool) -> None:
    """Keep third-party logging off the user's terminal unless asked for."""
    import logging

    try:
        import transformers

        # brief draws its own progress; the per-load "Loading weights" bars would only clutter it.
        transformers.utils.logging.disable_progress_bar()
        if not verbose:
            transformers.logging.set_verbosity_error()
    except ImportError:
        pass
    if not verbose:
        logging.getLogger("transformers").setLevel(logging.ERROR)
    if quiet:
        from huggingface_hub.utils import disable_progress_bars

        disable_progress_bars()


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[bool, typer.Option("--version", help="Show the version and exit.")] = False,
) -> None:
    if version:
        print(f"brief {__version__}")
        raise typer.Exit(0)


@app.command()
def make(
    inputs: Annotated[list[str], typer.Argument(help="Files and folders of .txt, .md, .html articles.")],
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here (default: stdout).")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="markdown or json.")] = "markdown",
    words: Annotated[int, typer.Option("--words", help="Word budget before the source list.")] = 500,
    models: ModelsOpt = None,
    translator: Annotated[Optional[str], typer.Option("--translator", help="Translator name in the registry.")] = None,
    summariser: Annotated[Optional[str], typer.Option("--summariser", help="Summariser name in the registry.")] = None,
    extractive: Annotated[
        bool, typer.Option("--extractive", help="Quote source sentences only; no summariser rewriting.")
    ] = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Make a brief from articles."""
    from brief import config, pipeline, render
    from brief.deliver import emit
    from brief.errors import UnknownNameError

    _State.verbose = verbose
    try:
        if fmt not in render.RENDERERS:
            raise UnknownNameError("format", fmt, render.RENDERERS)
        settings = config.resolve(
            os.environ,
            models=models,
            translator=translator,
            summariser=summariser,
            words=words,
            rewrite=not extractive,
        )
        _quiet_libraries(quiet, verbose)
        with RichReporter(quiet, verbose) as reporter:
            brief = pipeline.make(settings, inputs, reporter)
        emit(render.RENDERERS[fmt](brief), output)
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - _fail prints one line, never a traceback
        _fail(err)
    if brief.skipped:
        print(
            f"brief: warning: {len(brief.skipped)} input(s) skipped (listed in the brief's footer)",
            file=sys.stderr,
        )
        raise typer.Exit(EXIT_PARTIAL)
    if output and not quiet:
        print(f"brief: wrote {output}", file=sys.stderr)


@app.command()
def inspect(
    inputs: Annotated[list[str], typer.Argument(help="Files and folders to read and clean.")],
    verbose: VerboseOpt = False,
) -> None:
    """Print, per article, the cleaned text and metadata as JSON (and what was dropped, and why)."""
    from brief import pipeline

    _State.verbose = verbose
    try:
        articles, skipped = pipeline.read_articles(inputs)
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - _fail prints one line, never a traceback
        _fail(err)
    items = [a.to_json() for a in articles] + [{"path": s.location, "skipped": s.reason} for s in skipped]
    print(json.dumps(items, ensure_ascii=False, indent=2))
    if skipped:
        raise typer.Exit(EXIT_PARTIAL if articles else 3)


@models_app.command("list")
def models_list(models: ModelsOpt = None) -> None:
    """Show the registry: every model, the defaults, and which are in the local cache."""
    from rich.table import Table

    from brief import config
    from brief import models as registry_mod

    try:
        settings = config.resolve(os.environ, models=models)
        registry = registry_mod.Registry.load(settings.registry)
        table = Table(title=f"Models in {settings.registry}")
        for column in ("kind", "name", "default", "backend", "source", "licence", "cached"):
            table.add_column(column)
        for spec in registry.all():
            if not spec.needs_files:
                cached = "bundled"
            else:
                cached = "yes" if registry_mod.cached_folder(spec) else "no"
            default = "*" if registry.defaults.get(spec.kind) == spec.name else ""
            table.add_row(spec.kind, spec.name, default, spec.backend, spec.ref, spec.licence or "", cached)
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - _fail prints one line, never a traceback
        _fail(err)
    from rich.console import Console

    # Piped output gets the whole table rather than columns cut to 80 characters.
    Console(highlight=False, width=None if sys.stdout.isatty() else 200).print(table)


@models_app.command("pull")
def models_pull(
    names: Annotated[Optional[list[str]], typer.Argument(help="Model names (default: the default of each kind).")] = None,
    all_models: Annotated[bool, typer.Option("--all", help="Fetch every model in the registry.")] = False,
    models: ModelsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Download models into the Hugging Face cache ahead of time (for offline or scheduled use)."""
    from brief import config
    from brief import models as registry_mod

    try:
        settings = config.resolve(os.environ, models=models)
        registry = registry_mod.Registry.load(settings.registry)
        if all_models:
            specs = registry.all()
        elif names:
            by_name = {s.name: s for s in registry.all()}
            specs = []
            for name in names:
                if name not in by_name:
                    from brief.errors import UnknownNameError

                    raise UnknownNameError("model", name, by_name)
                specs.append(by_name[name])
        else:
            specs = [registry.get(kind) for kind in registry.defaults]
        _quiet_libraries(quiet, False)
        for spec in specs:
            if not spec.needs_files:
                print(f"{spec.name}: bundled with its package, nothing to fetch", file=sys.stderr)
                continue
            folder = registry_mod.fetch(spec, offline=settings.offline)
            print(f"{spec.name}: {registry_mod.resolved_revision(spec, folder)} in {folder}", file=sys.stderr)
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - _fail prints one line, never a traceback
        _fail(err)


def main() -> None:
    """Entry point of the ``brief`` console script."""
    app()


# Sub-command modules register themselves on ``app`` when imported (one line each).
from brief.cli import send as _send  # noqa: E402,F401  (registers "brief send")
from brief.cli import logs as _logs  # noqa: E402,F401  (registers "brief logs")
from brief.cli import config as _config_cmd  # noqa: E402,F401  (registers "brief config")
from brief.cli import schedule as _schedule  # noqa: E402,F401  (registers "brief schedule")
from brief.cli import sources as _sources  # noqa: E402,F401  (registers "brief sources")
