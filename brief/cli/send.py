"""``brief send``: email a saved brief, or the latest brief made (``--dry-run``: write the message as a .eml file).

    brief send                        the latest brief (from the store) to the default profile's recipients
    brief send BRIEF.md --to ADDR     a saved brief to ADDR
    brief send --profile morning      the latest brief to the morning profile's recipients
    brief send BRIEF.json --to ADDR   the JSON brief (--format json) to ADDR
    brief send BRIEF.md --to ADDR --dry-run   write BRIEF.eml (what would be sent) and send nothing

The mail is made from the brief's record (brief.mail.saved finds it); a Markdown brief with no record anywhere
is sent as plain text only, with a note saying so. Only a brief is sent: a file that is not one (a JSON dump
of something else, a log, any other text) is refused with exit 3.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from brief.cli.app import ProfileOpt, _fail, _State, app
from brief.errors import UsageError


def _check_to(values: list[str] | None) -> list[str] | None:
    from brief.errors import ConfigError
    from brief.mail import check_address

    for value in values or ():
        try:
            check_address(value, "--to")
        except ConfigError as err:
            raise typer.BadParameter(str(err)) from None
    return values


@app.command("send")
def send_command(
    brief_file: Annotated[
        Optional[Path],
        typer.Argument(metavar="[BRIEF]", help="A saved brief, Markdown or JSON (default: the latest brief made).",
                       show_default=False),
    ] = None,
    to: Annotated[
        Optional[list[str]],
        typer.Option("--to", metavar="ADDR", callback=_check_to,
                     help="Recipient (repeat for more; default: the profile's email)."),
    ] = None,
    profile: ProfileOpt = None,
    subject: Annotated[
        Optional[str], typer.Option("--subject", metavar="TEXT", help="Subject (default: 'Brief <day made>: <headline>').")
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Write the message as a .eml file next to the brief instead of sending it."),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No messages on stderr except errors.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Tracebacks for bugs.")] = False,
) -> None:
    """Email a brief: the Markdown as plain text plus an HTML rendering, through the configured SMTP server.

    The server comes from BRIEF_SMTP_HOST, BRIEF_SMTP_PORT, BRIEF_SMTP_SECURITY (starttls, tls or none),
    BRIEF_SMTP_USER, BRIEF_SMTP_FROM and BRIEF_SMTP_PASSWORD, or from the smtp table of the config file.
    The recipients are --to, else the email of the profile (--profile, BRIEF_PROFILE).
    """
    from brief import config, mail

    _State.verbose = verbose
    try:
        settings = config.resolve(os.environ, profile=profile)
        recipients = list(to or settings.email)
        if not recipients:
            raise UsageError("no recipient: give --to ADDR, or a --profile whose email lists them")
        if brief_file is not None:
            saved = mail.saved_brief(brief_file, settings.home)
            what = str(brief_file)
        else:
            assert settings.home is not None
            saved = mail.latest_brief(settings.home)
            shown = mail.make_subject(saved.brief) if saved.brief else mail.markdown_subject(saved.markdown)
            what = f"the latest brief ({shown})"
        eml = saved.eml
        if dry_run:
            smtp = mail.dry_run_settings(settings.smtp_values, os.environ)
        else:
            smtp = mail.smtp_settings(settings.smtp_values, os.environ)
        now = dt.datetime.now()
        if saved.brief is not None:
            message = mail.build_message(saved.brief, sender=smtp.sender, to=recipients, subject=subject, now=now)
        else:
            message = mail.build_text_message(saved.markdown, sender=smtp.sender, to=recipients, subject=subject,
                                              now=now)  # fmt: skip
            if not quiet:
                print(f"brief: note: {saved.note}", file=sys.stderr)
        if dry_run:
            mail.write_eml(message, eml)
        else:
            mail.send(message, smtp)
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - _fail prints one line, never a traceback
        _fail(err)
    if not quiet:
        if dry_run:
            print(f"brief: dry run: wrote the message to {eml} instead of sending it", file=sys.stderr)
        else:
            print(f"brief: sent {what} to {', '.join(recipients)} via {smtp.host}:{smtp.port}", file=sys.stderr)

