"""The command line run in-process for tests: ``brief("make", path, "-q")``.

stdout and stderr apart (click's Result); a Python exception inside fails the test as itself, and a traceback
printed to stderr fails it too (every error a user can cause ends in a message, never a traceback).
"""

from __future__ import annotations

from pathlib import Path

from click.testing import Result
from typer.testing import CliRunner

from brief.cli import app


def brief(*args: str | Path, env: dict[str, str] | None = None, stdin: str | None = None) -> Result:
    """Run ``brief ARGS`` with ``env`` added to the environment and ``stdin`` as standard input."""
    result = CliRunner().invoke(app, [str(a) for a in args], env=env, input=stdin)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.stderr
    return result
