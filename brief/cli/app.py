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
  129 131 143 ended by SIGHUP, SIGQUIT or SIGTERM, recorded as interrupted

This module holds what every command shares: the ``app`` itself, the common options, how user text is shown,
progress on stderr, and ``_fail``, which maps an error to its exit code. Each command group is a module of this
package that registers itself on ``app`` (``brief.cli`` imports them all).
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperArgument, TyperGroup, TyperOption

from brief import __version__
from brief.errors import BriefError

EXIT_PARTIAL = 7
EXIT_USAGE = 2

# The table of the module docstring, shown at the end of `brief --help`.
EXIT_CODES = "\n".join(
    line[2:].rstrip() for line in __doc__.split("Exit codes:", 1)[1].split("\n\n", 1)[0].strip("\n").splitlines()
)


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
        param.display_type_rich = lambda ctx: None  # type: ignore[method-assign]
    elif isinstance(param, TyperOption) and param.metavar is None:
        if param.is_flag:
            param.metavar = ""
        else:
            label = param.display_type(None).strip("<>")  # type: ignore[arg-type]  # int, float, str, path, list[str], a|b, int range
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
    """A stop signal: SIGTERM (systemd stopping a unit, ``timeout``, ``kill``), SIGHUP (the terminal closed),
    SIGQUIT (Ctrl-\\). Handled like Ctrl-C, with exit code 128 + the signal's number (143, 129, 131)."""

    exit_code = 143
    name = "SIGTERM"

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        super().__init__()
        self.exit_code = 128 + int(signum)
        self.name = signal.Signals(signum).name


# The signals that end a run as SIGTERM does: unwound, the lock released, the run recorded as interrupted.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGQUIT") if hasattr(signal, name))


def _on_stop_signal(signum: int, frame: object) -> None:
    raise Terminated(signum)


def _fail(err: BaseException) -> None:
    """Print one line for the user and exit with the error's code."""
    if isinstance(err, BriefError):
        code, message = err.exit_code, str(err)
    elif isinstance(err, Terminated):
        code, message = err.exit_code, f"terminated ({err.name}); the run stopped and is recorded as interrupted"
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
        self.task: Any = None  # the rich TaskID of the current stage

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


def main() -> None:
    """Entry point of the ``brief`` console script (and of ``python -m brief``)."""
    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) == signal.SIG_DFL:
            # SIGTERM (systemd stop, timeout, kill), SIGHUP and SIGQUIT unwind like Ctrl-C: the lock is released,
            # the run recorded as interrupted, temporary files removed; the exit code is 128 + the signal.
            signal.signal(signum, _on_stop_signal)
    app()
