"""The user config file: TOML with [defaults], [profiles.<name>] and [smtp] tables, read and checked."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType, ModuleType

from brief.config.paths import config_path
from brief.config.values import PROFILE_KEYS, _check, _file_path, _kind
from brief.errors import ConfigError, UnknownNameError
from brief.userfiles import quote

TABLES = ("defaults", "profiles", "smtp")
_PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class UserConfig:
    """The user config file, checked: every value typed, every path absolute."""

    path: Path
    exists: bool = False
    defaults: Mapping[str, object] = field(default_factory=dict)
    profiles: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    smtp: Mapping[str, object] = field(default_factory=dict)  # as written, with *_file paths made absolute

    def profile(self, name: str) -> Mapping[str, object]:
        """The values of one profile; UnknownNameError lists the profiles there are."""
        if name not in self.profiles:
            err = UnknownNameError("profile", name, self.profiles)
            where = f"in {self.path}" if self.exists else f"and there is no config file at {self.path}"
            err.args = (f"{err} (a profile is a [profiles.<name>] table {where})",)
            raise err
        return self.profiles[name]


def _check_table(table: object, where: str, base: Path) -> dict[str, object]:
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table, not {_kind(table)}")
    unknown = sorted(set(table) - set(PROFILE_KEYS))
    if unknown:
        raise ConfigError(
            f"{where}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
            f"valid: {', '.join(PROFILE_KEYS)}"
        )
    values = {key: _check(key, value, f"{where} {key}", base) for key, value in table.items()}
    if "output" in values and "output_dir" in values:
        raise ConfigError(f"{where}: set output (one file) or output_dir (a folder of dated briefs), not both")
    return values


def _toml_reader() -> ModuleType:
    """The TOML parser: the standard library's from Python 3.11, the tomli package before."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        try:
            import tomli as tomllib
        except ImportError:
            raise ConfigError("on Python 3.10 the config file needs the tomli package: pip install tomli") from None
    return tomllib


def load_user_config(env: Mapping[str, str]) -> UserConfig:
    """Read and check the user config file; a missing file (at the default place) is an empty config."""
    path = config_path(env)
    explicit = bool(env.get("BRIEF_CONFIG", "").strip())
    from brief.userfiles import check_toml_nesting, read_user_bytes

    if not os.path.lexists(path):
        if explicit:
            raise ConfigError(f"BRIEF_CONFIG names {path}, which does not exist")
        return UserConfig(path=path)
    raw = read_user_bytes(path, what="the config file")  # a regular file of at most 1 MB: no FIFO, no /dev/zero
    tomllib = _toml_reader()
    try:
        text = raw.decode("utf-8")
        check_toml_nesting(text)
        data = tomllib.loads(text)
    except UnicodeDecodeError as err:
        raise ConfigError(f"{path}: not UTF-8 text (byte {err.start}); save it as UTF-8") from None
    except ValueError as err:  # tomllib.TOMLDecodeError too: its message gives line and column
        raise ConfigError(f"{path}: invalid TOML: {err}") from None
    unknown = sorted(set(data) - set(TABLES))
    if unknown:
        raise ConfigError(
            f"{path}: unknown table or key {', '.join(map(repr, unknown))} at the top level; "
            f"valid: {', '.join(f'[{name}]' for name in TABLES)} (profiles as [profiles.<name>])"
        )
    base = path.parent
    defaults = _check_table(data.get("defaults", {}), f"{path}: [defaults]", base)
    profiles_raw = data.get("profiles", {})
    if not isinstance(profiles_raw, dict):
        raise ConfigError(f"{path}: profiles must be tables written [profiles.<name>], not {_kind(profiles_raw)}")
    profiles: dict[str, Mapping[str, object]] = {}
    for name, table in profiles_raw.items():
        if not _PROFILE_NAME.match(name):
            raise ConfigError(
                f"{path}: profile name {quote(name)}: use letters, digits, '-' and '_' only "
                "(the name becomes part of file names and commands)"
            )
        profiles[name] = MappingProxyType(_check_table(table, f"{path}: [profiles.{name}]", base))
    smtp_raw = data.get("smtp", {})
    if not isinstance(smtp_raw, dict):
        raise ConfigError(f"{path}: smtp must be a table written [smtp], not {_kind(smtp_raw)}")
    # brief.mail checks the keys; paths to files are made absolute here, where the file's folder is known.
    smtp = {
        key: str(_file_path(value, base)) if key.endswith("_file") and isinstance(value, str) else value
        for key, value in smtp_raw.items()
    }
    return UserConfig(
        path=path,
        exists=True,
        defaults=MappingProxyType(defaults),
        profiles=MappingProxyType(profiles),
        smtp=MappingProxyType(smtp),
    )
