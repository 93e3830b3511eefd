"""``brief sources check FILE``: read every source of a sources file now and show what each gives.

Exit codes: 0 every source gave at least one document; 7 some gave none; 3 none gave any; 4 the file is
invalid (the message names the source and the problem).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from brief.cli.app import EXIT_PARTIAL, QuietOpt, _fail, app, shown, text

sources_app = typer.Typer(help="Check a sources file of named folders, files, pages and feeds.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")


@sources_app.command("check")
def check(
    file: Annotated[Path, typer.Argument(help="The sources file (YAML with a 'sources:' list).")],
    timeout: Annotated[
        Optional[float],
        typer.Option("--timeout", min=0.001, help="Seconds to wait for a server to connect or send (default 20)."),
    ] = None,
    quiet: QuietOpt = False,
) -> None:
    """Read every source now: documents each gives, what was skipped and why, and how long it took."""
    from rich.console import Console
    from rich.table import Table

    from brief.errors import InputError
    from brief.ingest.sources import check_sources, load_sources
    from brief.ingest.web import WebSettings

    progress = Console(stderr=True, quiet=quiet, highlight=False)
    try:
        sources = load_sources(file)
        web = WebSettings() if timeout is None else WebSettings(timeout=timeout)
        reports = check_sources(
            sources,
            web,
            max_bytes=web.max_bytes,
            starting=lambda n, source: progress.print(
                shown(f"[{n}/{len(sources)}] {source.name}: {source.describe()}"), markup=False
            ),
        )
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - _fail prints one line, never a traceback
        _fail(err)

    table = Table(title=text(f"Sources in {file}"))
    for column, justify in (("source", "left"), ("kind", "left"), ("where", "left"), ("documents", "right"),
                            ("skipped", "right"), ("time", "right"), ("status", "left")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for report in reports:
        source = report.source
        status = "ok" if report.ok else "FAILED"
        table.add_row(
            text(source.name),
            text(source.kind),
            text(source.where),
            str(report.documents),
            str(len(report.skipped)),
            f"{report.seconds:.1f} s",
            status,
            style=None if report.ok else "red",
        )
    # Piped output gets whole rows rather than columns cut to 80 characters.
    out = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
    out.print(table)
    for report in reports:
        for skipped in report.skipped:
            out.print(shown(f"skipped {skipped.location}: {skipped.reason}"), markup=False)  # the reason names the source

    failed = [r.source.name for r in reports if not r.ok]
    if failed and len(failed) == len(reports):
        _fail(InputError(f"no source gave a document ({len(reports)} checked)"))
    if failed:
        print(f"brief: warning: {len(failed)} of {len(reports)} sources gave no document: {', '.join(failed)}",
              file=sys.stderr)
        raise typer.Exit(EXIT_PARTIAL)
