"""``brief send``: email a saved brief (or write the message to a .eml file with --dry-run)."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Optional

import typer

from brief.cli import _State, _fail, app


def _smtp_table() -> Mapping[str, object]:
    """The ``[smtp]`` table of the user's config file (empty when there is no file)."""
    from brief import config

    return config.load_user_config(os.environ).smtp


def _check_to(values: list[str]) -> list[str]:
    from brief.errors import ConfigError
    from brief.mail import check_address

    for value in values:
        try:
            check_address(value, "--to")
        except ConfigError as err:
            raise typer.BadParameter(str(err)) from None
    return values


@app.command("send")
def send_command(
    brief_file: Annotated[Path, typer.Argument(metavar="BRIEF.md", help="A brief saved as Markdown.")],
    to: Annotated[
        list[str], typer.Option("--to", metavar="ADDR", callback=_check_to, help="Recipient (repeat for more).")
    ],
    subject: Annotated[
        Optional[str], typer.Option("--subject", help="Subject (default: 'Brief <date>: <headline>').")
    ] = None,
    dry_run: Annotated[
        Optional[Path],
        typer.Option("--dry-run", metavar="OUT.eml", help="Write the message to this file instead of sending it."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No messages on stderr except errors.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Tracebacks for bugs.")] = False,
) -> None:
    """Email a saved brief: the Markdown as plain text plus an HTML rendering, through the configured SMTP server.

    The server comes from BRIEF_SMTP_HOST, BRIEF_SMTP_PORT, BRIEF_SMTP_SECURITY (starttls, tls or none),
    BRIEF_SMTP_USER, BRIEF_SMTP_FROM and BRIEF_SMTP_PASSWORD, or from the smtp table of the config file.
    """
    from brief import mail

    _State.verbose = verbose
    try:
        markdown = mail.read_brief(brief_file)
        smtp = mail.smtp_settings(_smtp_table(), os.environ)
        message = mail.build_message(markdown, sender=smtp.sender, to=to, subject=subject)
        if dry_run is not None:
            mail.write_eml(message, dry_run)
        else:
            mail.send(message, smtp)
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - _fail prints one line, never a traceback
        _fail(err)
    if not quiet:
        if dry_run is not None:
            print(f"brief: wrote {dry_run} (not sent)", file=sys.stderr)
        else:
            print(f"brief: sent {brief_file} to {', '.join(to)} via {smtp.host}:{smtp.port}", file=sys.stderr)
