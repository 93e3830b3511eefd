"""``brief logs``: past runs, from the store in the data folder.

    brief logs [--limit N]   the latest runs, newest first: number, when, status, articles, output, duration
    brief logs show N        one run in full: command, inputs, models, timings, counts, error, its brief
    --json                   either of them as JSON, for programs

Names, paths, argv and errors are shown as text (never as markup), with control characters escaped.

Exit codes: 0 shown (an empty or not yet created store prints "no runs yet" on stderr); 3 ``logs show N``
names a run that does not exist (the run number is the input, and it is not usable); 12 the store cannot be
opened or is damaged. Listing never creates the data folder or the store.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated

import typer

from brief.cli.app import JsonOpt, _fail, app, shown, text

if TYPE_CHECKING:
    from brief.store.records import RunRecord

logs_app = typer.Typer(help="List past runs, or show one in full.", invoke_without_command=True)
app.add_typer(logs_app, name="logs")


@logs_app.callback(invoke_without_command=True)
def logs(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", "-n", metavar="N", min=1, help="How many runs to list.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """List the latest runs, newest first."""
    if ctx.invoked_subcommand is not None:
        return
    from rich.table import Table

    try:
        store = _open()
        if store is None:
            runs = []
        else:
            with store:
                runs = store.runs(limit)
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - _fail prints one line, never a traceback
        _fail(err)
    if as_json:
        print(json.dumps([_run_json(run) for run in runs], ensure_ascii=False, indent=2))
        return
    if not runs:
        print("no runs yet", file=sys.stderr)
        return
    table = Table(box=None, pad_edge=False)
    for column in ("#", "started", "status", "articles", "output", "took"):
        table.add_column(column, justify="right" if column in ("#", "articles", "took") else "left")
    for run in runs:
        table.add_row(
            str(run.id),
            _when(run.started),
            _status(run.status, run.exit_code),
            _articles(run.counts, run.brief.article_ids if run.brief else None),
            text(_output(run.output, run.brief is not None)),
            _took(run.duration),
        )
    _print(table)


@logs_app.command("show")
def show(
    n: Annotated[int, typer.Argument(metavar="N", help="The run's number, as `brief logs` lists it.")],
    as_json: JsonOpt = False,
) -> None:
    """Show one run in full: command, inputs, models, timings, counts, error and its brief."""
    run = _load_run(n)
    if as_json:
        print(json.dumps(_run_json(run, full=True), ensure_ascii=False, indent=2))
        return
    rows = _run_rows(run) + _brief_rows(run)
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"Run {run.id}", title_justify="left", show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    for key, value in rows:
        table.add_row(key, Text(value))  # user text was escaped (``shown``) above; Text is never read as markup
    _print(table)


def _load_run(n: int) -> RunRecord:
    """Run n from the store; any failure (no store, no such run, a damaged store) is printed and exits."""
    try:
        store = _open()
        if store is None:
            from brief.config import data_home
            from brief.errors import InputError
            from brief.store import db_path

            raise InputError(f"no run {n}: there are no runs yet (no store at {db_path(data_home(os.environ))})")
        with store:
            return store.run(n)
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - _fail prints one line, never a traceback
        _fail(err)
        raise  # not reached: _fail exits (it is typed -> None in brief.cli.app, so mypy needs telling)


def _run_rows(run: RunRecord) -> list[tuple[str, str]]:
    """The run's own lines for ``logs show``: when, status, command, inputs, models, timings, counts, error."""
    rows: list[tuple[str, str]] = [
        ("started", _when(run.started, seconds=True)),
        ("finished", f"{_when(run.finished, seconds=True)} (took {_took(run.duration)})" if run.finished else "-"),
        ("status", _status(run.status, run.exit_code)),
    ]
    if run.profile:
        rows.append(("profile", shown(run.profile)))
    if run.argv:
        rows.append(("command", shown(" ".join(run.argv))))
    rows.append(("inputs", "\n".join(shown(i) for i in run.inputs) or "-"))
    for m in run.models:
        beams = f", beams {m.params['num_beams']}" if "num_beams" in m.params else ""
        rows.append((m.kind, shown(f"{m.name} ({m.ref}{beams})")))
    if run.timings:
        rows.append(("timings", "\n".join(f"{stage}: {seconds:.1f} s" for stage, seconds in run.timings.items())))
    rows.append(("skipped", f"{run.counts.get('skipped', 0)} input(s)"))
    if others := {k: v for k, v in run.counts.items() if k != "skipped"}:
        rows.append(("counts", "\n".join(f"{name.replace('_', ' ')}: {v}" for name, v in others.items())))
    if run.error:
        rows.append(("error", shown(run.error, newlines=True)))
    return rows


def _brief_rows(run: RunRecord) -> list[tuple[str, str]]:
    """The lines about what the run made: its brief and where it went, or only its output."""
    if run.brief is not None:
        return [
            ("brief", shown(run.brief.title)),
            ("made", _when(run.brief.made_at, seconds=True)),
            ("written to", shown(run.brief.output or "stdout")),
            ("sources", str(len(run.brief.article_ids))),
        ]
    if run.output:
        return [("output", shown(run.output))]
    return []


def _open():  # noqa: ANN202 - brief.store is imported lazily, so the annotation would be a string anyway
    """The store of the data folder, or None when there is none yet (listing must not create it)."""
    from brief.config import data_home
    from brief.store import Store, db_path

    home = data_home(os.environ)
    return Store.open(home) if db_path(home).exists() else None


def _print(table: object) -> None:
    from rich.console import Console

    # Piped output gets whole lines rather than columns cut to 80 characters.
    Console(highlight=False, width=None if sys.stdout.isatty() else 200).print(table)


def _when(moment: dt.datetime | None, seconds: bool = False) -> str:
    """In the user's local time, as they scheduled it."""
    if moment is None:
        return "-"
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


# Exit codes of a run stopped by Ctrl-C (130) or a stop signal (SIGHUP 129, SIGQUIT 131, SIGTERM 143).
INTERRUPTED_CODES = (129, 130, 131, 143)


def _state(status: str, exit_code: int | None) -> str:
    """How a run ended, in a word: a stopped run reads as interrupted (it did not fail), one still marked
    running as unfinished (still going, or killed before it could say how it ended)."""
    if status == "running":
        return "unfinished"
    if status == "failed" and exit_code in INTERRUPTED_CODES:
        return "interrupted"
    return status


def _status(status: str, exit_code: int | None) -> str:
    shown = _state(status, exit_code)
    return shown if exit_code is None or status == "running" else f"{shown} (exit {exit_code})"


def _articles(counts: Mapping[str, int], article_ids: tuple[str, ...] | None) -> str:
    if "articles" in counts:
        return str(counts["articles"])
    return str(len(article_ids)) if article_ids is not None else "-"


def _output(output: str | None, made: bool) -> str:
    """Where the run's brief went: its file, stdout, or "-" when it made none (nothing new, or it failed)."""
    if output:
        return output
    return "stdout" if made else "-"


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone().isoformat(timespec="seconds") if moment else None


def _run_json(run, *, full: bool = False) -> dict:  # noqa: ANN001 - a RunRecord
    """A run as plain JSON; with ``full``, everything ``logs show`` shows."""
    data = {
        "id": run.id,
        "started": _iso(run.started),
        "finished": _iso(run.finished),
        "status": _state(run.status, run.exit_code),
        "exit_code": run.exit_code,
        "seconds": round(run.duration.total_seconds(), 3) if run.duration else None,
        "articles": run.counts.get("articles", len(run.brief.article_ids) if run.brief else None),
        "output": _output(run.output, run.brief is not None),
        "error": run.error,
    }
    if full:
        data.update(
            profile=run.profile,
            argv=list(run.argv),
            inputs=list(run.inputs),
            models=[{"kind": m.kind, "name": m.name, "ref": m.ref, "params": dict(m.params)} for m in run.models],
            timings=dict(run.timings),
            counts=dict(run.counts),
            brief=None if run.brief is None else {
                "title": run.brief.title,
                "made_at": _iso(run.brief.made_at),
                "output": run.brief.output,
                "sources": len(run.brief.article_ids),
            },
        )
    return data


def _took(span: dt.timedelta | None) -> str:
    if span is None:
        return "-"
    seconds = span.total_seconds()
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes} min {rest:02d} s"
