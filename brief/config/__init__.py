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
    output_dir = "~/briefs"           # written as brief-YYYY-MM-DD-HHMMSS.md (-2, -3 ... never replaced)
    email = ["me@example.org"]
    new = true

    [smtp]                            # handed as it is to brief.mail.smtp_settings
    host = "smtp.example.org"
    password_file = "~/.config/brief/smtp-password"

This is the only package that reads the environment, and it is handed the mapping: nothing here looks at
``os.environ`` or touches the disk until a function is called.

    paths.py     where things live: brief's data folder, the user's config folder, the config file
    values.py    the keys a profile can set (``PROFILE_KEYS``, ``ENV_VARS``, ``FLAGS``), checking each value,
                 durations (``parse_duration``, ``format_duration``)
    userfile.py  the user config file: ``UserConfig``, ``load_user_config``

This module is the resolution itself (``Settings``, ``resolve``, ``show_config``); the public names of the
modules above are re-exported here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from brief.config.paths import config_home, config_path, data_home
from brief.config.userfile import TABLES, UserConfig, load_user_config
from brief.config.values import (
    _FALSE,
    _TRUE,
    ENV_VARS,
    FLAGS,
    PROFILE_KEYS,
    _env_value,
    _flag_value,
    format_duration,
    parse_duration,
)
from brief.errors import ConfigError, UsageError
from brief.ingest.web import WebSettings
from brief.models import packaged_registry
from brief.urls import redact
from brief.userfiles import quote

__all__ = [
    "BUILT_IN",
    "DEFAULTS",
    "DEFAULT_FORMAT",
    "DEFAULT_MAX_ARTICLES",
    "DEFAULT_WORDS",
    "ENV_VARS",
    "FLAGS",
    "MIN_BUDGET_WORDS",
    "PROFILE_KEYS",
    "TABLES",
    "Settings",
    "UserConfig",
    "config_home",
    "config_path",
    "data_home",
    "format_duration",
    "load_user_config",
    "parse_duration",
    "resolve",
    "show_config",
]

DEFAULT_WORDS = 500
MIN_BUDGET_WORDS = 50
# A one-page brief draws on a few dozen articles at most; translating thousands would take hours on a CPU.
DEFAULT_MAX_ARTICLES = 50
DEFAULT_FORMAT = "markdown"
_SECRET = re.compile(r"password|secret|token", re.IGNORECASE)

BUILT_IN = "built-in"
DEFAULTS = "defaults"


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
    about: tuple[str, ...] = ()  # the beat: only stories about one of these (brief.beat)
    watch: tuple[str, ...] = ()  # names whose stories lead, marked
    glossary: Path | None = None  # Arabic term -> English to print (brief.glossary)
    smtp_values: Mapping[str, object] = field(default_factory=dict, hash=False)  # the [smtp] table for brief.mail
    config_file: Path | None = None  # the user config file looked at (it may not exist)
    # key -> where its value came from ("flag --words", "env BRIEF_WORDS", "profile morning", "defaults", "built-in")
    origins: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)


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
    about: Sequence[str] | None = None,
    watch: Sequence[str] | None = None,
    glossary: Path | None = None,
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
        "about": about or None,
        "watch": watch or None,
        "glossary": glossary,
    }
    layers: list[tuple[str, dict[str, object]]] = [
        ("flag", {key: _flag_value(key, value) for key, value in flags.items() if value is not None}),
        ("env", _env_layer(env)),
    ]
    user = load_user_config(env)
    chosen, profile_origin = _chosen_profile(profile, env)
    if chosen is not None:
        layers.append((f"profile {chosen}", dict(user.profile(chosen))))
    layers.append((DEFAULTS, dict(user.defaults)))
    values, origins = _merge(layers)
    words_value = _checked_words(values, origins)
    max_value = _checked_max_articles(values, origins)

    origins["profile"] = profile_origin
    origins["home"] = "env BRIEF_HOME" if env.get("BRIEF_HOME", "").strip() else BUILT_IN
    offline = _offline(env)
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
        about=tuple(values.get("about", ())),  # type: ignore[arg-type]
        watch=tuple(values.get("watch", ())),  # type: ignore[arg-type]
        glossary=values.get("glossary"),  # type: ignore[arg-type]
        smtp_values=user.smtp,
        config_file=user.path,
        origins=MappingProxyType(origins),
    )


def _chosen_profile(profile: str | None, env: Mapping[str, str]) -> tuple[str | None, str]:
    """The profile asked for (flag, else BRIEF_PROFILE) and where that came from; none: (None, built-in)."""
    if profile is not None:
        return profile, "flag --profile"
    if env.get("BRIEF_PROFILE", "").strip():
        return env["BRIEF_PROFILE"].strip(), "env BRIEF_PROFILE"
    return None, BUILT_IN


def _env_layer(env: Mapping[str, str]) -> dict[str, object]:
    """The settings given by BRIEF_* variables, parsed; blank variables count as not set."""
    layer: dict[str, object] = {}
    for key, variable in ENV_VARS.items():
        text = env.get(variable, "").strip()
        if text:
            layer[key] = _env_value(key, text, variable)
    return layer


def _merge(layers: Sequence[tuple[str, dict[str, object]]]) -> tuple[dict[str, object], dict[str, str]]:
    """Each key's value from the strongest layer that has it, and where each came from (built-in when none)."""
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
    return values, origins


def _checked_words(values: Mapping[str, object], origins: Mapping[str, str]) -> int:
    """The word budget, refused when too small for a brief (a usage error when typed as a flag)."""
    words_value = int(values.get("words", DEFAULT_WORDS))  # type: ignore[call-overload]
    if words_value < MIN_BUDGET_WORDS:
        origin = origins["words"]
        said = f"--words {words_value}" if origin.startswith("flag") else f"words {words_value} ({origin})"
        error = UsageError if origin.startswith("flag") else ConfigError  # typed on the command line: exit 2
        raise error(f"{said} is too small for a brief; use at least {MIN_BUDGET_WORDS}")
    return words_value


def _checked_max_articles(values: Mapping[str, object], origins: Mapping[str, str]) -> int:
    """The article cap, refused below one (a usage error when typed as a flag)."""
    max_value = int(values.get("max_articles", DEFAULT_MAX_ARTICLES))  # type: ignore[call-overload]
    if max_value < 1:
        origin = origins["max_articles"]
        if origin.startswith("flag"):
            raise UsageError(f"--max-articles {max_value}: brief at least one article")
        raise ConfigError(f"max_articles {max_value} ({origin}): brief at least one article")
    return max_value


def _offline(env: Mapping[str, str]) -> bool:
    """Whether the environment asks the hub libraries to stay offline."""
    return any(env.get(name, "").strip().lower() in _TRUE for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def _web_settings(env: Mapping[str, str], timeout: float | None) -> WebSettings:
    """How pages and feeds are fetched; the usual proxy variables are read here, as stages never read the environment."""
    proxy = env.get("https_proxy") or env.get("HTTPS_PROXY") or env.get("http_proxy") or env.get("HTTP_PROXY")
    # BRIEF_ALLOW_PRIVATE=1: feed items and redirects may reach internal addresses (an intranet; the tests).
    allowed = env.get("BRIEF_ALLOW_PRIVATE", "").strip().lower()
    if allowed and allowed not in _TRUE | _FALSE:
        # A value read as false would refuse the intranet the user meant to allow, and say nothing about why.
        raise ConfigError(
            f"BRIEF_ALLOW_PRIVATE={quote(env['BRIEF_ALLOW_PRIVATE'])} is not one of 1/0, true/false, yes/no, on/off"
        )
    allow_private = allowed in _TRUE
    if timeout is None:
        return WebSettings(proxy=proxy or None, allow_private=allow_private)
    return WebSettings(proxy=proxy or None, timeout=timeout, deadline=3 * timeout, allow_private=allow_private)


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
    if isinstance(value, (int, float)):
        return repr(value)
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
    line("about", settings.about, "(no beat: every story)")
    line("watch", settings.watch, "(nobody)")
    line("glossary", settings.glossary, "(none: the translator's spellings)")
    line("timeout", settings.web.timeout)
    line("offline", settings.offline)
    if settings.smtp_values:
        lines += ["", "[smtp]  # from the config file; BRIEF_SMTP_* variables override it when mail is sent"]
        for key, value in settings.smtp_values.items():
            if _SECRET.search(key) and not key.endswith(("_file", "_env")):
                lines.append(f"{key} = \"(hidden)\"")
            else:
                lines.append(f"{key} = {_toml(value)}")
    return redact("\n".join(lines)) + "\n"  # inputs and sources may be addresses with a password
