"""``brief send``: email a saved brief, or the latest brief made (``--dry-run``: write the message as a .eml file).

    brief send                        the latest brief (from the store) to the default profile's recipients
    brief send BRIEF.md --to ADDR     a saved brief to ADDR
    brief send --profile morning      the latest brief to the morning profile's recipients
    brief send BRIEF.md --to ADDR --dry-run   write BRIEF.eml (what would be sent) and send nothing

Only a brief is sent: a file that is not one (a JSON dump, a log, any other text) is refused with exit 3.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from brief.cli.app import ProfileOpt, _State, _fail, app
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


def _latest(home: Path) -> tuple[str, Path]:
    """The latest brief the store holds, and where its .eml goes on a dry run."""
    from brief.errors import InputError
    from brief.store import Store, db_path

    if not db_path(home).exists():
        raise InputError(f"no brief made yet (no store in {home}): give a brief file, or make one with `brief make`")
    with Store.open(home) as store:
        latest = store.latest_brief()
    if latest is None:
        raise InputError("no brief made yet: give a brief file, or make one with `brief make`")
    if latest.output and Path(latest.output).suffix == ".md":
        eml = Path(latest.output).with_suffix(".eml")
    else:
        made = latest.made_at.astimezone()
        eml = home / "briefs" / f"brief-{made:%Y-%m-%d-%H%M%S}.eml"
    return latest.markdown, eml


@app.command("send")
def send_command(
    brief_file: Annotated[
        Optional[Path],
        typer.Argument(metavar="[BRIEF.md]", help="A brief saved as Markdown (default: the latest brief made).",
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
            markdown = mail.read_brief(brief_file)
            eml = brief_file.with_suffix(".eml")
            what = str(brief_file)
        else:
            assert settings.home is not None
            markdown, eml = _latest(settings.home)
            what = f"the latest brief ({mail.make_subject(markdown)})"
        if dry_run:
            smtp = mail.dry_run_settings(settings.smtp_values, os.environ)
        else:
            smtp = mail.smtp_settings(settings.smtp_values, os.environ)
        message = mail.build_message(markdown, sender=smtp.sender, to=recipients, subject=subject,
                                     now=dt.datetime.now())
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

