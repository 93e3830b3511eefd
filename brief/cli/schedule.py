"""``brief schedule``: run a profile every day with a systemd user timer (default) or a crontab line.

Exit codes: 0; 4 for a bad --at, an unknown profile, or when the scheduler is not available (for example no
systemd user session inside a container: the message suggests --cron) or refuses the change.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from brief.cli.app import _fail, app

schedule_app = typer.Typer(
    help=(
        "Make a profile's brief every day. systemd timers (the default) catch up on a run missed while the "
        "machine was off; cron (--cron) does not: a missed time is skipped."
    ),
    no_args_is_help=True,
)
app.add_typer(schedule_app, name="schedule")

ProfileOpt = Annotated[str, typer.Option("--profile", "-p", help="A profile of the config file (`brief config path`).")]
CronOpt = Annotated[
    bool,
    typer.Option("--cron", help="Use the user's crontab instead of a systemd user timer (no catch-up of missed runs)."),
]


@schedule_app.command("install")
def schedule_install(
    profile: ProfileOpt,
    at: Annotated[str, typer.Option("--at", help="Time of day, HH:MM on the 24-hour clock (local time).")],
    cron: CronOpt = False,
    print_only: Annotated[
        bool, typer.Option("--print", help="Print the exact unit files or crontab line; install nothing.")
    ] = False,
) -> None:
    """Run `brief make --profile P --quiet` every day at --at; its messages go to a log in brief's data folder.

    Installing again replaces the profile's earlier schedule.

    systemd catches up a run missed while the machine was off (Persistent=true); cron has no catch-up.
    """
    from brief import schedule

    try:
        if print_only:
            print(schedule.plan(profile, at, env=os.environ, cron=cron).text(), end="")
            return
        done = schedule.install(profile, at, env=os.environ, cron=cron)
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - _fail prints one line, never a traceback
        _fail(err)
    where = "your crontab" if done.kind == schedule.CRON else ", ".join(str(path) for path in done.units)
    print(f"brief: profile {done.profile} runs every day at {done.at} ({done.kind}: {where})", file=sys.stderr)
    print(f"brief: its messages go to {done.log_file}", file=sys.stderr)
    for warning in done.warnings:
        print(f"brief: note: {warning}", file=sys.stderr)


@schedule_app.command("show")
def schedule_show() -> None:
    """List the installed schedules: profile, time, kind and state."""
    from brief import schedule

    try:
        entries = schedule.show(os.environ)
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - _fail prints one line, never a traceback
        _fail(err)
    if not entries:
        print("no schedules installed (add one with `brief schedule install --profile P --at HH:MM`)", file=sys.stderr)
        return
    for entry in entries:
        print(f"{entry.profile}\t{entry.at}\t{entry.kind}\t{entry.state}\t{entry.where}")


@schedule_app.command("remove")
def schedule_remove(profile: ProfileOpt, cron: CronOpt = False) -> None:
    """Stop and remove a profile's schedule (its log stays)."""
    from brief import schedule

    try:
        done = schedule.remove(profile, env=os.environ, cron=cron)
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - _fail prints one line, never a traceback
        _fail(err)
    for line in done:
        print(f"brief: {line}", file=sys.stderr)
