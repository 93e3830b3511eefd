"""``brief config``: where the user config file is, and the settings a run would use.

Exit codes: 0, or 4 for a bad config file or an unknown profile.
"""

from __future__ import annotations

import os
from typing import Annotated, Optional

import typer

from brief.cli.app import _fail, app

config_app = typer.Typer(
    help="The user config file (TOML with defaults, profiles and smtp tables) and the settings it gives.",
    no_args_is_help=True,
)
app.add_typer(config_app, name="config")


@config_app.command("path")
def config_path_command() -> None:
    """Print the path of the user config file (BRIEF_CONFIG, else in the user's config folder); it may not exist."""
    from brief import config as settings_mod

    print(settings_mod.config_path(os.environ))


@config_app.command("show")
def config_show(
    profile: Annotated[
        Optional[str], typer.Option("--profile", "-p", help="Show this profile's settings (default: $BRIEF_PROFILE).")
    ] = None,
) -> None:
    """Print the settings a run would use, each with where it came from (flag, env, profile, defaults, built-in)."""
    from brief import config as settings_mod

    try:
        settings = settings_mod.resolve(os.environ, profile=profile)
        text = settings_mod.show_config(settings)
    except (Exception, KeyboardInterrupt) as err:  # noqa: BLE001 - _fail prints one line, never a traceback
        _fail(err)
    print(text, end="")
