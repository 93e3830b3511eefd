"""The command line: parses flags, calls the library, maps errors to exit codes (the table is in
``brief.cli.app``'s docstring and at the end of ``brief --help``).

Each command group is a module of this package that registers itself on ``app`` when imported.
"""

from __future__ import annotations

# In the order `brief --help` lists them.
# isort: off
from brief.cli import make as _make_cmd  # noqa: F401  (registers "brief make" and "brief inspect")
from brief.cli import models as _models_cmd  # noqa: F401  (registers "brief models")
from brief.cli import send as _send  # noqa: F401  (registers "brief send")
from brief.cli import logs as _logs  # noqa: F401  (registers "brief logs")
from brief.cli import config as _config_cmd  # noqa: F401  (registers "brief config")
from brief.cli import schedule as _schedule  # noqa: F401  (registers "brief schedule")
from brief.cli import sources as _sources  # noqa: F401  (registers "brief sources")
from brief.cli import eval as _eval  # noqa: F401  (registers "brief eval")
from brief.cli import doctor as _doctor  # noqa: F401  (registers "brief doctor")
from brief.cli import bench as _bench  # noqa: F401  (registers "brief bench")
# isort: on
from brief.cli.app import _fail, app, main

__all__ = ["_fail", "app", "main"]
