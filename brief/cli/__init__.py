"""The command line: parses flags, calls the library, maps errors to exit codes.

Exit codes:
  0  the brief was made from every input (or --new/--since found nothing new: no brief made)
  1  internal error (a bug: please report it)
  2  usage error (unknown flag, bad value)
  3  no usable input
  4  bad configuration (models.yaml, config, sources or SMTP settings; unknown name); the scheduler refused
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
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from brief import __version__
from brief.errors import BriefError

if TYPE_CHECKING:
    from brief.config import Settings
    from brief.mail import SmtpSettings
    from brief.store import Store

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
    inputs: Annotated[
        Optional[list[str]],
        typer.Argument(help="Files, folders, page URLs and feed URLs (default: the profile's).", show_default=False),
    ] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here (default: stdout).")] = None,
    output_dir: Annotated[
        Optional[Path], typer.Option("--output-dir", help="Write brief-YYYY-MM-DD-HHMM.md into this folder.")
    ] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", "-f", help="markdown (default) or json.")] = None,
    words: Annotated[Optional[int], typer.Option("--words", help="Word budget before the source list [500].")] = None,
    max_articles: Annotated[
        Optional[int], typer.Option("--max-articles", help="Brief at most this many articles, the newest [50].")
    ] = None,
    sources: Annotated[
        Optional[Path], typer.Option("--sources", help="A sources file (YAML): named folders, pages and feeds.")
    ] = None,
    profile: Annotated[
        Optional[str], typer.Option("--profile", "-p", help="A profile of the user config file (brief config path).")
    ] = None,
    new: Annotated[
        Optional[bool], typer.Option("--new/--all", help="Only articles no earlier brief had (default: all).")
    ] = None,
    since: Annotated[
        Optional[str], typer.Option("--since", help="Only articles first seen within this span, e.g. 24h, 2d.")
    ] = None,
    email: Annotated[
        Optional[list[str]], typer.Option("--email", help="Email the brief to this address (repeatable).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="With --email: write the message as a .eml file next to the brief.")
    ] = False,
    timeout: Annotated[
        Optional[float], typer.Option("--timeout", help="Seconds to wait for a web page or feed [20].")
    ] = None,
    models: ModelsOpt = None,
    translator: Annotated[Optional[str], typer.Option("--translator", help="Translator name in the registry.")] = None,
    summariser: Annotated[Optional[str], typer.Option("--summariser", help="Summariser name in the registry.")] = None,
    extractive: Annotated[
        Optional[bool],
        typer.Option("--extractive/--rewrite", help="Quote source sentences only, no summariser rewriting."),
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
        )
        code = _make(settings, dry_run=dry_run, quiet=quiet, verbose=verbose)
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - _fail prints one line, never a traceback
        _fail(err)
    if code:
        raise typer.Exit(code)


def _make(settings: Settings, *, dry_run: bool, quiet: bool, verbose: bool) -> int:
    """Make, save and deliver one brief under the run lock, recording the run in the store; the exit code."""
    from brief import mail
    from brief.errors import InputError, StoreError
    from brief.lock import run_lock

    if not settings.inputs and settings.sources is None:
        raise InputError("nothing to read: give files, folders or URLs, --sources FILE, or a --profile that names them")
    # SMTP settings are checked before the slow work, so a configuration mistake costs nothing.
    smtp = mail.smtp_settings(settings.smtp_values, os.environ) if settings.email else None
    _quiet_libraries(quiet, verbose)
    assert settings.home is not None
    with run_lock(settings.home):
        from brief.store import Store

        try:
            store = Store.open(settings.home)
        except StoreError as err:
            if settings.new or settings.since is not None:
                raise
            # The store only remembers; without it the brief can still be made.
            print(f"brief: warning: {err}; this run is not recorded and translations are not cached", file=sys.stderr)
            return _deliver(settings, None, None, smtp, dry_run=dry_run, quiet=quiet, verbose=verbose)
        with store:
            run_id = store.start_run(
                [*settings.inputs, *([f"sources: {settings.sources}"] if settings.sources else [])],
                settings.profile,
                sys.argv,
            )
            return _deliver(settings, store, run_id, smtp, dry_run=dry_run, quiet=quiet, verbose=verbose)


def _deliver(
    settings: Settings,
    store: Store | None,
    run_id: int | None,
    smtp: SmtpSettings | None,
    *,
    dry_run: bool,
    quiet: bool,
    verbose: bool,
) -> int:
    """Make the brief, write it (always before mailing), mail it; record how it went."""
    import datetime as dt

    from brief import mail, pipeline, render
    from brief.deliver import emit
    from brief.errors import BriefError, DeliveryError, NothingNewError

    stats = pipeline.RunStats()
    made = None
    destination: Path | None = None
    status, code, error = "failed", 1, None
    try:
        with RichReporter(quiet, verbose) as reporter:
            made = pipeline.make(settings, settings.inputs, reporter, store=store, run_id=run_id, stats=stats)
        markdown, json_text = render.to_markdown(made), render.to_json(made)
        destination = settings.destination(dt.datetime.now())
        if destination is None and settings.email:
            # Saved before it is mailed, so a mail server that is down loses nothing.
            suffix = "json" if settings.fmt == "json" else "md"
            destination = settings.home / "briefs" / f"brief-{dt.datetime.now():%Y-%m-%d-%H%M%S}.{suffix}"  # type: ignore[operator]
        with stats.timed("write"):
            emit(json_text if settings.fmt == "json" else markdown, destination)
        if store is not None and run_id is not None:
            store.record_brief(run_id, made, markdown, json_text, destination)
        if destination is not None and not quiet:
            print(f"brief: wrote {destination}", file=sys.stderr)
        if made.skipped:
            print(f"brief: warning: {len(made.skipped)} input(s) skipped (listed in the brief's footer)", file=sys.stderr)
        if smtp is not None:
            assert destination is not None
            saved = destination
            if settings.fmt == "json":  # what is mailed (and resent) is the Markdown: keep it beside the JSON
                saved = destination.with_suffix(".md")
                emit(markdown, saved)
            message = mail.build_message(markdown, sender=smtp.sender, to=list(settings.email))
            try:
                with stats.timed("email"):
                    if dry_run:
                        eml = saved.with_suffix(".eml")
                        mail.write_eml(message, eml)
                        print(f"brief: dry run: wrote the message to {eml} instead of sending it", file=sys.stderr)
                    else:
                        mail.send(message, smtp)
                        if not quiet:
                            print(f"brief: emailed to {', '.join(settings.email)}", file=sys.stderr)
            except DeliveryError as err:
                to = " ".join(f"--to {a}" for a in settings.email)
                raise type(err)(f"{err}. The brief is saved in {saved}; resend it with: brief send {saved} {to}") from err
        status, code = ("partial", EXIT_PARTIAL) if made.skipped else ("ok", 0)
        return code
    except NothingNewError as err:
        status, code, error = "ok", 0, str(err)
        if not quiet:
            print(f"brief: {err}; no brief made", file=sys.stderr)
        return 0
    except BriefError as err:
        code, error = err.exit_code, str(err)
        raise
    except KeyboardInterrupt:
        code, error = 130, "interrupted"
        raise
    except Exception as err:
        error = f"internal error: {type(err).__name__}: {err}"
        raise
    finally:
        if store is not None and run_id is not None:
            try:
                store.finish_run(
                    run_id,
                    status,
                    code,
                    output=destination,
                    error=error,
                    timings=stats.timings,
                    models=made.models if made else (),
                    counts=stats.counts,
                )
            except BriefError as err:  # the brief itself is safe; only its log line is missing
                print(f"brief: warning: could not record the run: {err}", file=sys.stderr)


@app.command()
def inspect(
    inputs: Annotated[
        Optional[list[str]], typer.Argument(help="Files, folders, page and feed URLs to read and clean.")
    ] = None,
    sources: Annotated[Optional[Path], typer.Option("--sources", help="A sources file (YAML) to read too.")] = None,
    timeout: Annotated[
        Optional[float], typer.Option("--timeout", help="Seconds to wait for a web page or feed [20].")
    ] = None,
    verbose: VerboseOpt = False,
) -> None:
    """Print, per article, the cleaned text and metadata as JSON (and what was dropped, and why)."""
    from brief import config, pipeline
    from brief.errors import InputError

    _State.verbose = verbose
    try:
        if not inputs and sources is None:
            raise InputError("nothing to read: give files, folders or URLs, or --sources FILE")
        settings = config.resolve(os.environ, timeout=timeout)
        articles, skipped = pipeline.read_articles(inputs or [], web=settings.web, sources=sources)
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
    optimize: Annotated[
        bool, typer.Option("--optimize", help='Also convert to CTranslate2 int8, used from then on (needs brief[fast]).')
    ] = False,
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
            if optimize and spec.backend != "ctranslate2":
                from brief import ct2

                print(f"{spec.name}: CTranslate2 {ct2.QUANTIZATION} in {ct2.convert(spec, folder)}", file=sys.stderr)
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
from brief.cli import bench as _bench  # noqa: E402,F401  (registers "brief bench")
