"""The Hugging Face Hub: where a model's files are (the local cache or a registry ``path:``), fetching them,
and one quick look at the Hub to tell whether what is missing can be had.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from brief.errors import ModelError, ModelNotAvailableError
from brief.models.base import ModelSpec
from brief.models.table import file_what, marker

# Only the files a PyTorch checkpoint needs; repos also carry TF, Flax and Rust weights we never read.
_WEIGHT_FILES = ("*.safetensors", "pytorch_model.bin")
_OTHER_FILES = ["*.json", "*.spm", "*.model", "*.txt", "*.tiktoken"]


def cached_folder(spec: ModelSpec) -> Path | None:
    """The local folder holding the model's files, or None when they are not here yet."""
    if spec.path is not None:
        needed = marker(spec)
        return spec.path if (spec.path / needed if needed else spec.path).is_file() else None
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
        needed = marker(spec)
        if needed is None:
            raise ModelNotAvailableError(f"model {spec.name!r}: no {file_what(spec)} at {spec.path}")
        raise ModelNotAvailableError(f"model {spec.name!r}: no model folder at {spec.path} ({needed} missing)")
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
