"""Settings, resolved once and passed down as one object.

Each setting comes from the first of these that gives it:

    flag          a command-line option (the CLI passes None for an option the user did not give)
    env           a BRIEF_* variable (BRIEF_MODELS, BRIEF_WORDS, ... see ``ENV_VARS``)
    profile       the ``[profiles.<name>]`` table of the user config file chosen by --profile or BRIEF_PROFILE
    defaults      the ``[defaults]`` table of the user config file
    built-in      the defaults below

The user config file is TOML at ``config_path(env)`` (BRIEF_CONFIG, else ``<user config dir>/brief/config.toml``)::

    [defaults]
    words = 400

    [profiles.morning]
    sources = "sources.yaml"          # relative paths are relative to this file's folder
    output_dir = "~/briefs"           # written as brief-YYYY-MM-DD-HHMM.md
    email = ["me@example.org"]
    new = true

    [smtp]                            # handed as it is to brief.mail.smtp_settings
    host = "smtp.example.org"
    password_file = "~/.config/brief/smtp-password"

This is the only module that reads the environment, and it is handed the mapping: nothing here looks at
``os.environ`` or touches the disk until a function is called.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType, ModuleType

from brief.errors import ConfigError, UnknownNameError
from brief.ingest.web import WebSettings
from brief.models import packaged_registry

DEFAULT_WORDS = 500
MIN_WORDS = 50
# A one-page brief draws on a few dozen articles at most; translating thousands would take hours on a CPU.
DEFAULT_MAX_ARTICLES = 50
DEFAULT_FORMAT = "markdown"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_EXTENSIONS = {"markdown": "md", "json": "json"}  # file name of a brief written into output_dir

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
    "timeout": "seconds",  # for each page or feed fetched; the whole address gets three times this, retries included
}
PROFILE_KEYS = tuple(_KINDS)
TABLES = ("defaults", "profiles", "smtp")
# BRIEF_WORDS and so on; inputs come from the command line or a config file only. BRIEF_EMAIL is comma-separated.
ENV_VARS = {key: f"BRIEF_{key.upper()}" for key in PROFILE_KEYS if key != "inputs"}
# The command-line spelling of each key, for messages and ``show_config``.
FLAGS = {**{key: "--" + key.replace("_", "-") for key in PROFILE_KEYS}, "inputs": "INPUTS", "profile": "--profile"}

_PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_DURATION = re.compile(r"(\d+)\s*([wdhm])")
_DURATION_WHOLE = re.compile(r"^\s*(?:\d+\s*[wdhm]\s*)+$")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}
_SECRET = re.compile(r"password|secret|token", re.IGNORECASE)

BUILT_IN = "built-in"
DEFAULTS = "defaults"


# --- where things live --------------------------------------------------------------------------------------


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


# --- values ---------------------------------------------------------------------------------------------------


def parse_duration(text: str) -> dt.timedelta:
    """'24h', '90m', '2d', '1w' or a sum such as '1d12h' as a timedelta; ConfigError otherwise."""
    if not isinstance(text, str) or not _DURATION_WHOLE.match(text):
        raise ConfigError(f"{text!r} is not a duration; write it like 24h, 90m, 2d or 1w")
    span = dt.timedelta()
    for number, unit in _DURATION.findall(text):
        span += dt.timedelta(**{_UNITS[unit]: int(number)})
    if span <= dt.timedelta():
        raise ConfigError(f"{text!r} is not a duration longer than zero; write it like 24h, 90m, 2d or 1w")
    return span


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
    return path if path.is_absolute() else base / path


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
    from brief.render import RENDERERS

    name = _want_str(value, where)
    if name not in RENDERERS:
        err = UnknownNameError("format", name, RENDERERS)
        err.args = (f"{where}: {err}",)
        raise err
    return name


def _want_email(value: object, where: str) -> tuple[str, ...]:
    addresses = _want_str_list(value, where)
    for address in addresses:
        if "@" not in address or any(c.isspace() for c in address):
            raise ConfigError(f"{where}: {address!r} is not an email address")
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
    if kind == "bool":
        return _want_bool(value, where)
    if kind == "format":
        return _want_format(value, where)
    if kind == "addresses":
        return _want_email(value, where)
    if kind == "seconds":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 3600:
            raise ConfigError(f"{where} must be a number of seconds between 0 and 3600, not {value!r}")
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
            raise ConfigError(f"{where}={text!r} is not a whole number") from None
    elif kind == "bool":
        if text.lower() not in _TRUE | _FALSE:
            raise ConfigError(f"{where}={text!r} is not one of 1/0, true/false, yes/no, on/off")
        value = text.lower() in _TRUE
    elif kind == "addresses":
        value = [part for part in text.split(",") if part.strip()] or text
    elif kind == "seconds":
        try:
            value = float(text)
        except ValueError:
            raise ConfigError(f"{where}={text!r} is not a number of seconds") from None
    return _check(key, value, where, None)


def _flag_value(key: str, value: object) -> object:
    """Check one command-line value; typer has parsed it, but a library caller may pass Paths or a timedelta."""
    if isinstance(value, (list, tuple)):
        value = [str(item) for item in value]
    elif isinstance(value, Path):
        value = str(value)
    return _check(key, value, FLAGS[key], None)


# --- the user config file -----------------------------------------------------------------------------------


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
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if explicit:
            raise ConfigError(f"BRIEF_CONFIG names {path}, which does not exist") from None
        return UserConfig(path=path)
    except OSError as err:
        raise ConfigError(f"cannot read the config file {path}: {err.strerror or err}") from None
    tomllib = _toml_reader()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise ConfigError(f"{path}: not UTF-8 text (byte {err.start}); save it as UTF-8") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: invalid TOML: {err}") from None  # tomllib's message gives line and column
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
                f"{path}: profile name {name!r}: use letters, digits, '-' and '_' only "
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


# --- settings -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know, decided before it starts."""

    registry: Path
    translator: str | None = None  # None: the registry's default
    summariser: str | None = None
    embedder: str | None = None
    words: int = DEFAULT_WORDS
    rewrite: bool = True  # False: extractive only, no summariser model
    offline: bool = False
    max_articles: int = DEFAULT_MAX_ARTICLES  # the newest this many are briefed; the rest are left out, counted
    web: WebSettings = field(default_factory=WebSettings)  # timeouts, retries, size limit, proxy for URLs and feeds
    home: Path | None = None  # brief's data folder (store, lock, logs); ``resolve`` always sets it
    profile: str | None = None
    inputs: tuple[str, ...] = ()  # paths and URLs
    sources: Path | None = None  # a sources YAML file
    fmt: str = DEFAULT_FORMAT
    output: Path | None = None  # one file; None with output_dir None: stdout
    output_dir: Path | None = None  # a folder: each brief gets a dated file name there
    email: tuple[str, ...] = ()
    new: bool = False  # leave out articles an earlier brief already used
    since: dt.timedelta | None = None  # leave out articles first seen longer ago than this
    smtp_values: Mapping[str, object] = field(default_factory=dict, hash=False)  # the [smtp] table for brief.mail
    config_file: Path | None = None  # the user config file looked at (it may not exist)
    # key -> where its value came from ("flag --words", "env BRIEF_WORDS", "profile morning", "defaults", "built-in")
    origins: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)

    def destination(self, now: dt.datetime) -> Path | None:
        """Where to write the brief made at ``now``: the output file, a dated file in output_dir, or None (stdout)."""
        if self.output is not None:
            return self.output
        if self.output_dir is not None:
            return self.output_dir / f"brief-{now:%Y-%m-%d-%H%M}.{_EXTENSIONS.get(self.fmt, 'txt')}"
        return None


def resolve(
    env: Mapping[str, str],
    *,
    profile: str | None = None,
    models: Path | None = None,
    translator: str | None = None,
    summariser: str | None = None,
    words: int | None = None,
    max_articles: int | None = None,
    rewrite: bool | None = None,
    inputs: Sequence[str | Path] | None = None,
    sources: Path | None = None,
    fmt: str | None = None,
    output: Path | None = None,
    output_dir: Path | None = None,
    email: Sequence[str] | None = None,
    new: bool | None = None,
    since: str | dt.timedelta | None = None,
    timeout: float | None = None,
) -> Settings:
    """Build the settings: flag > BRIEF_* environment > profile > [defaults] > built-in; None means 'not given'."""
    flags: dict[str, object] = {
        "models": models,
        "translator": translator,
        "summariser": summariser,
        "words": words,
        "max_articles": max_articles,
        "extractive": None if rewrite is None else not rewrite,
        "inputs": inputs or None,  # no inputs on the command line: take the profile's
        "sources": sources,
        "format": fmt,
        "output": output,
        "output_dir": output_dir,
        "email": email or None,
        "new": new,
        "since": since,
        "timeout": timeout,
    }
    layers: list[tuple[str, dict[str, object]]] = [
        ("flag", {key: _flag_value(key, value) for key, value in flags.items() if value is not None})
    ]
    env_layer: dict[str, object] = {}
    for key, variable in ENV_VARS.items():
        text = env.get(variable, "").strip()
        if text:
            env_layer[key] = _env_value(key, text, variable)
    layers.append(("env", env_layer))

    user = load_user_config(env)
    chosen, profile_origin = profile, "flag --profile"
    if chosen is None and env.get("BRIEF_PROFILE", "").strip():
        chosen, profile_origin = env["BRIEF_PROFILE"].strip(), "env BRIEF_PROFILE"
    if chosen is not None:
        layers.append((f"profile {chosen}", dict(user.profile(chosen))))
    layers.append((DEFAULTS, dict(user.defaults)))

    values: dict[str, object] = {}
    origins: dict[str, str] = {}
    for key in PROFILE_KEYS:
        for origin, layer in layers:
            if key in layer:
                values[key], origins[key] = layer[key], _origin(origin, key)
                break
        else:
            origins[key] = BUILT_IN
    # output and output_dir are two spellings of one choice: where the brief goes. The layer that names
    # either decides; a lower layer's other spelling must not creep back in.
    for key, other in (("output", "output_dir"), ("output_dir", "output")):
        if key in values and other in values and _rank(origins[key]) < _rank(origins[other]):
            del values[other]
            origins[other] = origins[key]
    if "output" in values and "output_dir" in values:  # both from one layer: only flags and env can get here
        raise ConfigError(
            f"both {FLAGS['output']} and {FLAGS['output_dir']} are given ({origins['output']}); choose one"
        )

    words_value = int(values.get("words", DEFAULT_WORDS))  # type: ignore[call-overload]
    if words_value < MIN_WORDS:
        origin = origins["words"]
        said = f"--words {words_value}" if origin.startswith("flag") else f"words {words_value} ({origin})"
        raise ConfigError(f"{said} is too small for a brief; use at least {MIN_WORDS}")

    max_value = int(values.get("max_articles", DEFAULT_MAX_ARTICLES))  # type: ignore[call-overload]
    if max_value < 1:
        raise ConfigError(f"max_articles {max_value} ({origins['max_articles']}): brief at least one article")

    origins["profile"] = profile_origin if chosen is not None else BUILT_IN
    home_set = bool(env.get("BRIEF_HOME", "").strip())
    origins["home"] = "env BRIEF_HOME" if home_set else BUILT_IN
    offline = any(env.get(name, "").strip().lower() in _TRUE for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))
    origins["offline"] = "env HF_HUB_OFFLINE/TRANSFORMERS_OFFLINE" if offline else BUILT_IN
    registry = values.get("models") or packaged_registry()
    return Settings(
        registry=Path(registry).expanduser(),  # type: ignore[arg-type]
        translator=values.get("translator"),  # type: ignore[arg-type]
        summariser=values.get("summariser"),  # type: ignore[arg-type]
        words=words_value,
        rewrite=not values.get("extractive", False),
        offline=offline,
        max_articles=max_value,
        web=_web_settings(env, values.get("timeout")),  # type: ignore[arg-type]
        home=data_home(env),
        profile=chosen,
        inputs=tuple(values.get("inputs", ())),  # type: ignore[arg-type]
        sources=values.get("sources"),  # type: ignore[arg-type]
        fmt=str(values.get("format", DEFAULT_FORMAT)),
        output=values.get("output"),  # type: ignore[arg-type]
        output_dir=values.get("output_dir"),  # type: ignore[arg-type]
        email=tuple(values.get("email", ())),  # type: ignore[arg-type]
        new=bool(values.get("new", False)),
        since=values.get("since"),  # type: ignore[arg-type]
        smtp_values=user.smtp,
        config_file=user.path,
        origins=MappingProxyType(origins),
    )


def _web_settings(env: Mapping[str, str], timeout: float | None) -> WebSettings:
    """How pages and feeds are fetched; the usual proxy variables are read here, as stages never read the environment."""
    proxy = env.get("https_proxy") or env.get("HTTPS_PROXY") or env.get("http_proxy") or env.get("HTTP_PROXY")
    if timeout is None:
        return WebSettings(proxy=proxy or None)
    return WebSettings(proxy=proxy or None, timeout=timeout, deadline=3 * timeout)


def _origin(layer: str, key: str) -> str:
    if layer == "flag":
        return f"flag {FLAGS[key]}"
    if layer == "env":
        return f"env {ENV_VARS[key]}"
    return layer


def _rank(origin: str) -> int:
    """Lower is stronger."""
    for rank, prefix in enumerate(("flag", "env", "profile", DEFAULTS, BUILT_IN)):
        if origin.startswith(prefix):
            return rank
    raise AssertionError(origin)


# --- showing ----------------------------------------------------------------------------------------------------


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.timedelta):
        return _toml(format_duration(value))
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a valid TOML basic string


def show_config(settings: Settings) -> str:
    """The resolved settings as TOML-like text, each with where it came from; secrets are never shown."""
    origins = settings.origins
    lines = []
    if settings.config_file is not None:
        state = "" if settings.config_file.is_file() else "  (not there: nothing is read from it)"
        lines.append(f"# config file: {settings.config_file}{state}")
    lines.append(f"# profile: {settings.profile or '(none)'}  ({origins.get('profile', BUILT_IN)})")
    lines.append("")

    def line(key: str, value: object, unset: str = "") -> None:
        origin = origins.get(key, BUILT_IN)
        if value is None or value == ():
            lines.append(f"# {key} = {unset or '(not set)'}  # {origin}")
        else:
            lines.append(f"{key} = {_toml(value)}  # {origin}")

    line("home", settings.home)
    line("inputs", settings.inputs, "(none: give them on the command line)")
    line("sources", settings.sources)
    line("models", settings.registry)
    line("translator", settings.translator, "(the registry's default)")
    line("summariser", settings.summariser, "(the registry's default)")
    line("words", settings.words)
    line("max_articles", settings.max_articles)
    line("extractive", not settings.rewrite)
    line("format", settings.fmt)
    if settings.output is not None or settings.output_dir is None:
        line("output", settings.output, "(standard output)")
    if settings.output_dir is not None:
        line("output_dir", settings.output_dir)
    line("email", settings.email, "(nobody)")
    line("new", settings.new)
    line("since", settings.since, "(no limit)")
    line("timeout", settings.web.timeout)
    line("offline", settings.offline)
    if settings.smtp_values:
        lines += ["", "[smtp]  # from the config file; BRIEF_SMTP_* variables override it when mail is sent"]
        for key, value in settings.smtp_values.items():
            if _SECRET.search(key) and not key.endswith(("_file", "_env")):
                lines.append(f"{key} = \"(hidden)\"")
            else:
                lines.append(f"{key} = {_toml(value)}")
    return "\n".join(lines) + "\n"
