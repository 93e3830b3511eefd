"""The keys a profile can set, what kind of value each holds, and the checks every value passes.

The user config file, BRIEF_* variables and flags are all held to the same rules through ``_KINDS``; the
environment variable names and flag spellings derive from its keys.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from brief.errors import ConfigError, UnknownNameError, UsageError
from brief.userfiles import quote

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}

# What each key of a [defaults] or [profiles.<name>] table holds, in the order ``show_config`` prints them.
_KINDS = {
    "inputs": "locations",  # paths and URLs
    "sources": "path",
    "models": "path",
    "translator": "name",
    "summariser": "name",
    "words": "int",
    "max_articles": "int",
    "extractive": "bool",
    "format": "format",
    "output_dir": "path",
    "output": "path",
    "email": "addresses",
    "new": "bool",
    "since": "duration",
    "timeout": "seconds",
    "about": "texts",  # the analyst's beat: keep only the stories about it (brief.beat)
    "watch": "texts",  # names whose stories lead the brief, marked
    "glossary": "path",  # a YAML file: Arabic term -> the English to print (brief.glossary)  # for each page or feed fetched; the whole address gets three times this, retries included
}
PROFILE_KEYS = tuple(_KINDS)
# BRIEF_WORDS and so on; inputs come from the command line or a config file only. BRIEF_EMAIL, BRIEF_ABOUT and BRIEF_WATCH are comma-separated.
ENV_VARS = {key: f"BRIEF_{key.upper()}" for key in PROFILE_KEYS if key != "inputs"}
# The command-line spelling of each key, for messages and ``show_config``.
FLAGS = {**{key: "--" + key.replace("_", "-") for key in PROFILE_KEYS}, "inputs": "INPUTS", "profile": "--profile"}

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_DURATION = re.compile(r"(\d+)\s*([wdhm])")
_DURATION_WHOLE = re.compile(r"^\s*(?:\d+\s*[wdhm]\s*)+$")
_MINUTES = {"w": 7 * 24 * 60, "d": 24 * 60, "h": 60, "m": 1}
_LONGEST = dt.timedelta(days=36_500)


def parse_duration(text: str) -> dt.timedelta:
    """'24h', '90m', '2d', '1w' or a sum such as '1d12h' as a timedelta; ConfigError otherwise."""
    if not isinstance(text, str) or not _DURATION_WHOLE.match(text):
        raise ConfigError(f"{quote(text)} is not a duration; write it like 24h, 90m, 2d or 1w")
    minutes = sum(int(number) * _MINUTES[unit] for number, unit in _DURATION.findall(text))  # ints never overflow
    if minutes <= 0:
        raise ConfigError(f"{quote(text)} is not a duration longer than zero; write it like 24h, 90m, 2d or 1w")
    if minutes > _LONGEST.total_seconds() // 60:
        # "--since 740000d" reaches back before year 1: no date can be that old, and datetime overflows.
        raise ConfigError(f"{quote(text)} is longer than brief can look back; at most {_LONGEST.days}d (100 years)")
    return dt.timedelta(minutes=minutes)


def format_duration(span: dt.timedelta) -> str:
    """The shortest '1d12h'-style text for a whole number of minutes."""
    minutes = int(span.total_seconds()) // 60
    parts = []
    for size, unit in ((7 * 24 * 60, "w"), (24 * 60, "d"), (60, "h"), (1, "m")):
        if minutes >= size:
            parts.append(f"{minutes // size}{unit}")
            minutes %= size
    return "".join(parts) or "0m"


def _is_url(text: str) -> bool:
    return bool(_URL.match(text))


def _file_path(text: str, base: Path) -> Path:
    """A path written in the config file: ``~`` expanded, relative to the file's folder."""
    path = Path(text).expanduser()
    return path if path.is_absolute() else Path(os.path.normpath(base / path))  # "cfg/../news" shows as "news"


def _kind(value: object) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list", dict: "a table"}
    return names.get(type(value), type(value).__name__)


def _want_str(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where} must be a non-empty string, not {_kind(value)}")
    return value.strip()


def _want_str_list(value: object, where: str) -> list[str]:
    if isinstance(value, str):
        value = [value]  # one recipient or one input may be written without brackets
    if not isinstance(value, list) or not value:
        raise ConfigError(f"{where} must be a non-empty list of strings, not {_kind(value)}")
    return [_want_str(item, f"{where} item") for item in value]


def _want_bool(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where} must be true or false, not {_kind(value)}")
    return value


def _want_int(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{where} must be a whole number, not {_kind(value)}")
    return value


def _want_format(value: object, where: str) -> str:
    from brief.render import FORMATS

    name = _want_str(value, where)
    if name not in FORMATS:
        err = UnknownNameError("format", name, FORMATS)
        err.args = (f"{where}: {err}",)
        raise err
    return name


def _want_email(value: object, where: str) -> tuple[str, ...]:
    addresses = _want_str_list(value, where)
    for address in addresses:
        if "@" not in address or any(c.isspace() for c in address):
            raise ConfigError(f"{where}: {quote(address)} is not an email address")
    return tuple(addresses)


def _want_duration(value: object, where: str) -> dt.timedelta:
    if isinstance(value, dt.timedelta):
        return value
    try:
        return parse_duration(_want_str(value, where))
    except ConfigError as err:
        raise ConfigError(f"{where}: {err}") from None


def _check(key: str, value: object, where: str, base: Path | None) -> object:
    """Check and normalise one value; ``base``: the config file's folder, None for flags and the environment."""
    kind = _KINDS[key]
    if kind == "locations":
        items = _want_str_list(value, where)
        return tuple(item if base is None or _is_url(item) else str(_file_path(item, base)) for item in items)
    if kind == "path":
        text = _want_str(value, where)
        return _file_path(text, base) if base is not None else Path(text).expanduser()
    if kind == "name":
        return _want_str(value, where)
    if kind == "int":
        return _want_int(value, where)
    if kind == "texts":
        return tuple(_want_str_list(value, where))
    if kind == "bool":
        return _want_bool(value, where)
    if kind == "format":
        return _want_format(value, where)
    if kind == "addresses":
        return _want_email(value, where)
    if kind == "seconds":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 3600:
            raise ConfigError(f"{where} must be a number of seconds between 0 and 3600, not {quote(value)}")
        return float(value)
    return _want_duration(value, where)


def _env_value(key: str, text: str, variable: str) -> object:
    """Parse one BRIEF_* variable; relative paths are relative to the working folder, as on the command line."""
    where = f"environment variable {variable}"
    kind = _KINDS[key]
    value: object = text
    if kind == "int":
        try:
            value = int(text)
        except ValueError:
            raise ConfigError(f"{where}={quote(text)} is not a whole number") from None
    elif kind == "bool":
        if text.lower() not in _TRUE | _FALSE:
            raise ConfigError(f"{where}={quote(text)} is not one of 1/0, true/false, yes/no, on/off")
        value = text.lower() in _TRUE
    elif kind in ("addresses", "texts"):
        value = [part for part in text.split(",") if part.strip()] or text
    elif kind == "seconds":
        try:
            value = float(text)
        except ValueError:
            raise ConfigError(f"{where}={quote(text)} is not a number of seconds") from None
    return _check(key, value, where, None)


def _flag_value(key: str, value: object) -> object:
    """Check one command-line value; typer has parsed it, but a library caller may pass Paths or a timedelta."""
    if isinstance(value, (list, tuple)):
        value = [str(item) for item in value]
    elif isinstance(value, Path):
        value = str(value)
    try:
        return _check(key, value, FLAGS[key], None)
    except UnknownNameError:
        raise  # an unknown format name is a configuration choice (exit 4), listed with the valid ones
    except ConfigError as err:
        raise UsageError(str(err)) from None  # the value was typed on the command line: a usage error (exit 2)

