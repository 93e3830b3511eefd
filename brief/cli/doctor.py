"""``brief doctor``: check this machine for brief and say, for each problem, the line that fixes it.

Exit codes: 0 nothing fails (warnings are fine); 4 something fails (the report says what and how to fix it).
"""

from __future__ import annotations

import json
import os
import sys

import typer

from brief.cli.app import JsonOpt, ModelsOpt, ProfileOpt, _fail, app

EXIT_BROKEN = 4


@app.command("doctor")
def doctor(models: ModelsOpt = None, profile: ProfileOpt = None, as_json: JsonOpt = False) -> None:
    """Check this machine: Python, packages, models, config, store, mail settings and schedule."""
    from rich.console import Console
    from rich.text import Text

    from brief.doctor import FAIL, WARN, run_checks

    try:
        checks = run_checks(os.environ, registry=models, profile=profile)
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - _fail prints one line, never a traceback
        _fail(err)
    failed = [c for c in checks if c.status == FAIL]
    if as_json:
        print(json.dumps([c.to_json() for c in checks], ensure_ascii=False, indent=2))
    else:
        out = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
        styles = {FAIL: "bold red", WARN: "yellow"}
        for check in checks:
            line = Text(f"{check.status:<5} ", style=styles.get(check.status, "green"))
            line.append(f"{check.area:<9} {check.name}: ", style="bold")
            line.append(check.detail)  # plain text: a path or an error is never read as markup
            out.print(line)
            if check.fix:
                out.print(Text(f"      fix: {check.fix}"))
        summary = f"{len(failed)} problem{'s' if len(failed) != 1 else ''}" if failed else "no problems"
        warned = sum(c.status == WARN for c in checks)
        if warned:
            summary += f", {warned} warning{'s' if warned != 1 else ''}"
        print(f"brief doctor: {summary}", file=sys.stderr)
    if failed:
        raise typer.Exit(EXIT_BROKEN)
