"""Where brief's files live: its data folder and the user config file, from the environment mapping handed in."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path


def _xdg(env: Mapping[str, str], variable: str, fallback: str) -> Path:
    """An XDG base folder from the given environment, as platformdirs computes it on Linux and the BSDs."""
    value = env.get(variable, "").strip()
    if value:
        return Path(value).expanduser()
    home = env.get("HOME", "").strip()
    # Without HOME in the mapping, fall back to the account's home directory, as platformdirs would.
    return (Path(home) if home else Path.home()) / fallback


def _unix_like() -> bool:
    return sys.platform not in ("darwin", "win32", "cygwin")


def data_home(env: Mapping[str, str]) -> Path:
    """brief's data folder (store, lock, logs): BRIEF_HOME, else the platform's user data folder."""
    if env.get("BRIEF_HOME", "").strip():
        return Path(env["BRIEF_HOME"].strip()).expanduser().absolute()
    if _unix_like():
        return _xdg(env, "XDG_DATA_HOME", ".local/share") / "brief"
    import platformdirs  # macOS and Windows: platformdirs reads the process environment itself

    return Path(platformdirs.user_data_dir("brief", appauthor=False))


def config_home(env: Mapping[str, str]) -> Path:
    """The user's configuration folder (``$XDG_CONFIG_HOME`` or ``~/.config`` on Linux), not brief's own."""
    if _unix_like():
        return _xdg(env, "XDG_CONFIG_HOME", ".config")
    import platformdirs

    return Path(platformdirs.user_config_dir(appauthor=False))


def config_path(env: Mapping[str, str]) -> Path:
    """The user config file: BRIEF_CONFIG, else ``<user config dir>/brief/config.toml``."""
    if env.get("BRIEF_CONFIG", "").strip():
        return Path(env["BRIEF_CONFIG"].strip()).expanduser().absolute()
    if _unix_like():
        return config_home(env) / "brief" / "config.toml"
    import platformdirs

    return Path(platformdirs.user_config_dir("brief", appauthor=False)) / "config.toml"
