"""The command line: parses flags, calls the library, maps errors to exit codes.

Exit codes:
  0  the brief was made from every input (or --new/--since found nothing new: no brief made)
  1  internal error (a bug: please report it)
  2  usage error (unknown flag, bad flag value, --dry-run without --email)
  3  no usable input
  4  bad configuration (models.yaml, config, sources or SMTP settings; unknown name); the scheduler refused;
     brief doctor found a problem
  5  a model is not available (offline and not cached, download failed, cannot be loaded)
  6  the brief could not be written
  7  partial: the brief was made, but some inputs were skipped (listed in its footer)
  8  the brief was made and saved, but could not be emailed (server down, timeout, TLS failure)
  9  another brief run is going (it holds the lock); this one did nothing
  10 the mail server refused the login
  11 the mail server refused a recipient
  12 the local store cannot be opened or is damaged and --new/--since need it (else a warning)
  130 interrupted (Ctrl-C)
  143 terminated (SIGTERM), recorded as interrupted

Sub-commands beyond make/inspect/models live in modules of this package, each registering itself on ``app``
with the import at the end of this file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from typer.core import TyperArgument, TyperGroup, TyperOption

from brief import __version__
from brief.errors import BriefError

if TYPE_CHECKING:
    from brief.config import Settings
    from brief.mail import SmtpSettings
    from brief.store import Store

EXIT_PARTIAL = 7
EXIT_USAGE = 2

# The table of the module docstring, shown at the end of `brief --help`.
EXIT_CODES = "\n".join(
    line[2:].rstrip() for line in __doc__.split("Exit codes:", 1)[1].split("\n\n", 1)[0].strip("\n").splitlines()
)


class UsageError(BriefError):
    """A usage mistake found after parsing (a flag that needs another): exit 2, like a bad flag."""

    exit_code = EXIT_USAGE


_METAVARS = {"int": "N", "float": "N", "str": "TEXT", "path": "PATH", "file": "FILE", "dir": "DIR", "directory": "DIR"}


def _plain_metavars(command: Any) -> None:
    """Help that names values (FILE, N, ADDR), never Python types: a flag shows none, a value its metavar."""
    for param in command.params:
        _plain_metavar(param)
    # --help and the completion options are made when help is shown; they get the same treatment then.
    params_of = command.get_params
    command.get_params = lambda ctx: [_plain_metavar(p) for p in params_of(ctx)]
    for sub in getattr(command, "commands", {}).values():
        _plain_metavars(sub)


def _plain_metavar(param: Any) -> Any:
    if getattr(param, "_plain", False):
        return param
    param._plain = True
    if isinstance(param, TyperArgument):
        param.metavar = param.metavar or (param.name or "value").upper()
        # typer shows an argument's Python type beside its name; the name (metavar) says enough.
        param.display_type_rich = lambda ctx: None
    elif isinstance(param, TyperOption) and param.metavar is None:
        if param.is_flag:
            param.metavar = ""
        else:
            label = param.display_type(None).strip("<>")  # int, float, str, path, list[str], a|b, int range
            label = label.removeprefix("list[").removesuffix("]").removesuffix(" range")
            param.metavar = _METAVARS.get(label, label.upper() if "|" not in label else label)
    return param


class _Group(TyperGroup):
    """The top-level group: once every sub-command is built, their help gets plain metavars."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain_metavars(self)


app = typer.Typer(
    name="brief",
    cls=_Group,
    help="Turn Arabic-language news into a cited one-page English brief.",
    epilog=f"Exit codes:\n{EXIT_CODES}",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)
models_app = typer.Typer(help="Show, fetch and pin the models in the registry.", no_args_is_help=True)
app.add_typer(models_app, name="models")

ModelsOpt = Annotated[
    Optional[Path],
    typer.Option(
        "--models", metavar="FILE", help="Model registry file (default: $BRIEF_MODELS, else the packaged models.yaml)."
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress on stderr.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="More detail on stderr, tracebacks for bugs.")]
ProfileOpt = Annotated[
    Optional[str],
    typer.Option("--profile", "-p", metavar="NAME", help="A profile of the user config file (brief config path)."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="JSON for programs instead of the readable form.")]


class _State:
    verbose = False


def shown(value: object, *, newlines: bool = False) -> str:
    """User text (a path, a name, argv, an error) fit for a terminal: control characters written as escapes,
    passwords in addresses left out.

    A file name may hold an escape sequence or a carriage return; printed raw it would rewrite the terminal.
    """
    from brief.urls import redact

    text = redact(str(value))  # a password in an address is never printed, whoever prints it
    out = []
    for ch in text:
        code = ord(ch)
        if (code < 0x20 and not (newlines and ch == "\n")) or 0x7F <= code < 0xA0:
            out.append(repr(ch)[1:-1] if ch not in "\t\r\n" else {"\t": "\\t", "\r": "\\r", "\n": "\\n"}[ch])
        else:
            out.append(ch)
    return "".join(out)


def text(value: object, *, newlines: bool = False, style: str = ""):  # noqa: ANN201 - rich is imported lazily
    """User text as a rich ``Text``: shown as it is, never read as markup (``[/b]`` in a file name stays)."""
    from rich.text import Text

    return Text(shown(value, newlines=newlines), style=style)


def _console(quiet: bool = False):  # noqa: ANN202 - rich is imported lazily
    from rich.console import Console

    return Console(stderr=True, quiet=quiet, highlight=False)


class Terminated(KeyboardInterrupt):
    """SIGTERM (systemd stopping a unit, ``timeout``, ``kill``): handled like Ctrl-C, with exit code 143."""

    exit_code = 143


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


def _fail(err: BaseException) -> None:
    """Print one line for the user and exit with the error's code."""
    if isinstance(err, BriefError):
        code, message = err.exit_code, str(err)
    elif isinstance(err, Terminated):
        code, message = Terminated.exit_code, "terminated (SIGTERM); the run stopped and is recorded as interrupted"
    elif isinstance(err, KeyboardInterrupt):
        code, message = 130, "interrupted"
    else:
        code, message = 1, f"internal error: {type(err).__name__}: {err} (run with --verbose for details; please report it)"
        if _State.verbose:
            import traceback

            traceback.print_exc()
    print(f"brief: error: {shown(message, newlines=True)}", file=sys.stderr)
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
        from rich.markup import escape

        self.task = self.progress.add_task(escape(shown(name)), total=total)

    def advance(self, amount: int = 1) -> None:
        """Move the current stage on."""
        if self.task is not None:
            self.progress.advance(self.task, amount)

    def info(self, message: str) -> None:
        """Show with --verbose."""
        if self.verbose:
            self.progress.console.print(shown(message, newlines=True), markup=False)


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
    version: Annotated[bool, typer.Option("--version", "-V", help="Show the version and exit.")] = False,
) -> None:
    if version:
        print(f"brief {__version__}")
        raise typer.Exit(0)


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
    from contextlib import ExitStack

    from brief import mail
    from brief.deliver import check_destination
    from brief.errors import ConfigError, InputError, StoreError
    from brief.lock import run_lock

    if not settings.inputs and settings.sources is None:
        raise InputError("nothing to read: give files, folders or URLs, --sources FILE, or a --profile that names them")
    if dry_run and not settings.email:
        raise UsageError("--dry-run writes the message --email would send: give --email ADDR (or a profile with email)")
    # SMTP settings and the destination are checked before the slow work, so a mistake costs nothing; a dry run
    # needs no SMTP settings.
    smtp = None
    if settings.email:
        smtp = (mail.dry_run_settings if dry_run else mail.smtp_settings)(settings.smtp_values, os.environ)
    if settings.output is not None:
        check_destination(settings.output)
    elif settings.output_dir is not None:
        check_destination(settings.output_dir, make_folder=True)
    _quiet_libraries(quiet, verbose)
    assert settings.home is not None
    needs_store = settings.new or settings.since is not None
    with ExitStack() as stack:
        try:
            stack.enter_context(run_lock(settings.home))
        except ConfigError as err:
            if needs_store:
                raise
            # A read-only or full data folder must not stop the brief; it only loses the lock and the record.
            _warn(f"{err}; running without the lock")
        from brief.store import Store
        from brief.store.tolerant import TolerantStore

        try:
            store = Store.open(settings.home)
        except StoreError as err:
            if needs_store:
                raise
            # The store only remembers; without it the brief can still be made.
            _warn(f"{err}; this run is not recorded and translations are not cached")
            return _deliver(settings, None, None, smtp, dry_run=dry_run, quiet=quiet, verbose=verbose)
        with store:
            tolerant = TolerantStore(store, _warn)
            run_id = tolerant.start_run(
                [*settings.inputs, *([f"sources: {settings.sources}"] if settings.sources else [])],
                settings.profile,
                sys.argv,
            )
            return _deliver(settings, tolerant, run_id, smtp, dry_run=dry_run, quiet=quiet, verbose=verbose)
    raise AssertionError("unreachable")  # pragma: no cover - the with block returns


def _warn(message: str) -> None:
    print(f"brief: warning: {message}", file=sys.stderr)


def _keep(settings: Settings, text: str, suffix: str, now: dt.datetime) -> Path | None:
    """Save the brief in ``$BRIEF_HOME/briefs/`` (never replacing one); None when that cannot be written either."""
    from brief.deliver import dated_name, write_new
    from brief.errors import OutputError

    assert settings.home is not None
    try:
        return write_new(settings.home / "briefs", dated_name(now, suffix), text)
    except OutputError as err:
        _warn(str(err))
        return None


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
    """Make the brief, write it (always before mailing), mail it; record how it went.

    No brief is lost: when the destination cannot be written (disk full, a folder gone), the brief is saved in
    ``$BRIEF_HOME/briefs/`` instead, or printed when even that fails, and the run still exits 6. The store is
    written after the brief and only remembers: its failures are warnings. The store and ``brief logs`` name
    only files that were written.
    """
    from brief import mail, pipeline, render
    from brief.deliver import dated_name, emit, write_new
    from brief.errors import BriefError, DeliveryError, NothingNewError, OutputError

    stats = pipeline.RunStats()
    made = None
    written: Path | None = None  # the file that holds the brief, once it is written
    status, code, error = "failed", 1, None
    try:
        with RichReporter(quiet, verbose) as reporter:
            made = pipeline.make(settings, settings.inputs, reporter, store=store, run_id=run_id, stats=stats)
        markdown, json_text = render.to_markdown(made), render.to_json(made)
        text = json_text if settings.fmt == "json" else markdown
        suffix = "json" if settings.fmt == "json" else "md"
        now = dt.datetime.now()
        failed: OutputError | None = None
        with stats.timed("write"):
            try:
                if settings.output is not None:
                    emit(text, settings.output)
                    written = None if str(settings.output) == "-" else settings.output
                elif settings.output_dir is not None:
                    written = write_new(settings.output_dir, dated_name(now, suffix), text)
                elif settings.email:
                    # Saved before it is mailed, so a mail server that is down loses nothing.
                    written = _keep(settings, text, suffix, now)
                else:
                    emit(text, None)
            except OutputError as err:
                written = _keep(settings, text, suffix, now)
                if written is None:
                    emit(text, None)  # the last place left: the brief goes to standard output
                where = f"the brief is saved in {written} instead" if written else "the brief is on standard output"
                failed = OutputError(f"{err}; {where}")
        if store is not None and run_id is not None:
            store.record_brief(run_id, made, markdown, json_text, written)
        if written is not None and not quiet and failed is None:
            print(f"brief: wrote {written}", file=sys.stderr)
        if made.skipped:
            print(f"brief: warning: {len(made.skipped)} input(s) skipped (listed in the brief's footer)", file=sys.stderr)
        if smtp is not None:
            saved = written if written is not None and written.is_file() else None  # not /dev/null or a FIFO
            if saved is not None and settings.fmt == "json":
                # What is mailed (and resent) is the Markdown: keep it beside the JSON.
                saved = saved.with_suffix(".md")
                try:
                    if settings.output is not None and failed is None:
                        emit(markdown, saved)  # -o b.json: b.md beside it, replaced like b.json
                    else:
                        saved = write_new(saved.parent, saved.name, markdown, make_folders=False)
                except OutputError as err:
                    _warn(str(err))
                    saved = None
            if saved is None:
                saved = _keep(settings, markdown, "md", now)  # a copy to resend from
            message = mail.build_message(markdown, sender=smtp.sender, to=list(settings.email))
            try:
                with stats.timed("email"):
                    if dry_run:
                        eml = (saved or settings.home / "briefs" / dated_name(now, "md")).with_suffix(".eml")  # type: ignore[operator]
                        try:
                            mail.write_eml(message, eml)
                        except OutputError as err:
                            if saved is not None:
                                raise
                            emit(markdown, None)  # neither the brief nor the message could be kept: print it
                            raise OutputError(f"{err}; the brief could not be saved, so it is on standard output") from err
                        print(f"brief: dry run: wrote the message to {eml} instead of sending it", file=sys.stderr)
                    else:
                        mail.send(message, smtp)
                        if not quiet:
                            print(f"brief: emailed to {', '.join(settings.email)}", file=sys.stderr)
            except DeliveryError as err:
                if failed is not None:  # both went wrong: say the first here, the mail failure decides the code
                    print(f"brief: error: {failed}", file=sys.stderr)
                to = " ".join(f"--to {a}" for a in settings.email)
                if saved is None:
                    emit(markdown, None)
                    raise type(err)(f"{err}. The brief could not be saved, so it is on standard output") from err
                raise type(err)(f"{err}. The brief is saved in {saved}; resend it with: brief send {saved} {to}") from err
        if failed is not None:
            raise failed
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
    except KeyboardInterrupt as err:
        code = getattr(err, "exit_code", 130)
        error = "interrupted (SIGTERM)" if code == 143 else "interrupted"
        raise
    except Exception as err:
        error = f"internal error: {type(err).__name__}: {err}"
        raise
    finally:
        if store is not None and run_id is not None:
            store.finish_run(
                run_id,
                status,
                code,
                output=written,
                error=error,
                timings=stats.timings,
                models=made.models if made else (),
                counts=stats.counts,
            )


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
    as_json: JsonOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Show, per article, the cleaned text and metadata (and what was dropped, and why); --json for programs."""
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
    if as_json:
        print(json.dumps(items, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(_readable(items))
    if skipped:
        raise typer.Exit(EXIT_PARTIAL if articles else 3)


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


@models_app.command("list")
def models_list(models: ModelsOpt = None) -> None:
    """Show the registry: every model, the defaults, and which are in the local cache."""
    from rich.table import Table

    from brief import config
    from brief import models as registry_mod

    try:
        settings = config.resolve(os.environ, models=models)
        registry = registry_mod.Registry.load(settings.registry)
        table = Table(title=text(f"Models in {settings.registry}"))
        for column in ("kind", "name", "default", "backend", "source", "licence", "cached"):
            table.add_column(column)
        for spec in registry.all():
            if not spec.needs_files:
                cached = "bundled"
            else:
                cached = "yes" if registry_mod.cached_folder(spec) else "no"
            default = "*" if registry.defaults.get(spec.kind) == spec.name else ""
            row = (spec.kind, spec.name, default, spec.backend, spec.ref, spec.licence or "", cached)
            table.add_row(*(text(v) for v in row))
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

                converted = ct2.convert(spec, folder)
                size = ct2.shortlist_size(converted)
                shortlist = f" (English shortlist: {size[0]:,} of {size[1]:,} output tokens)" if size else ""
                print(f"{spec.name}: CTranslate2 {ct2.QUANTIZATION} in {converted}{shortlist}", file=sys.stderr)
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - _fail prints one line, never a traceback
        _fail(err)


@models_app.command("pin")
def models_pin(
    names: Annotated[
        Optional[list[str]],
        typer.Argument(metavar="[NAME]...", help="Model names (default: every model with a Hub repo).", show_default=False),
    ] = None,
    models: ModelsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Resolve each model's revision to its commit hash on the Hub and write it into the registry file.

    Run it where the Hub is reachable; the registry's comments and layout stay. A pinned registry gives the same
    weights on every machine and every morning.
    """
    from brief import config
    from brief import models as registry_mod

    try:
        settings = config.resolve(os.environ, models=models)
        changed = registry_mod.pin_registry(settings.registry, list(names) if names else None)
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - _fail prints one line, never a traceback
        _fail(err)
    if not quiet:
        for spec, sha in changed:
            print(f"{spec.name}: {spec.repo} {spec.revision} -> {sha}", file=sys.stderr)
        print(f"brief: pinned {len(changed)} model{'s' if len(changed) != 1 else ''} in {settings.registry}"
              if changed else f"brief: every model is already pinned in {settings.registry}", file=sys.stderr)


def main() -> None:
    """Entry point of the ``brief`` console script (and of ``python -m brief``)."""
    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        # SIGTERM (systemd stop, timeout, kill) unwinds like Ctrl-C: the lock is released, the run recorded as
        # interrupted, temporary files removed; the exit code is 143.
        signal.signal(signal.SIGTERM, _on_sigterm)
    app()


# Sub-command modules register themselves on ``app`` when imported (one line each).
from brief.cli import send as _send  # noqa: E402,F401  (registers "brief send")
from brief.cli import logs as _logs  # noqa: E402,F401  (registers "brief logs")
from brief.cli import config as _config_cmd  # noqa: E402,F401  (registers "brief config")
from brief.cli import schedule as _schedule  # noqa: E402,F401  (registers "brief schedule")
from brief.cli import sources as _sources  # noqa: E402,F401  (registers "brief sources")
from brief.cli import eval as _eval  # noqa: E402,F401  (registers "brief eval")
from brief.cli import doctor as _doctor  # noqa: E402,F401  (registers "brief doctor")
from brief.cli import bench as _bench  # noqa: E402,F401  (registers "brief bench")
