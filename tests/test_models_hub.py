"""Models and the Hub through the real CLI: one fast message for every missing model, and `brief models pin`.

The Hub is a real HTTP server on 127.0.0.1 (``webserver.py``) answering the revision lookup the Hub serves,
``/api/models/<repo>/revision/<rev>`` -> ``{"sha": ...}``, with HF_ENDPOINT pointed at it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cli_runner import brief
from brief.models import packaged_registry
from smtpserver import closed_port
from webserver import WebServer, reply

ROOT = Path(__file__).resolve().parent.parent
SHA_BART = "a4f8f3ea906ed274767e9906dbaede7531d660ff"
SHA_OPUS = "0123456789abcdef0123456789abcdef01234567"


def hub(revisions: dict[str, str]) -> WebServer:
    """A fake Hub: '<repo>@<rev>' -> commit hash."""
    routes = {}
    for ref, sha in revisions.items():
        repo, rev = ref.split("@")
        body = json.dumps({"id": repo, "sha": sha, "siblings": []})
        routes[f"/api/models/{repo}/revision/{rev}"] = reply(body, content_type="application/json")
    return WebServer(routes)


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    """A copy of the packaged registry, comments and all."""
    path = tmp_path / "models.yaml"
    shutil.copyfile(packaged_registry(), path)
    return path


def test_pin_writes_commit_hashes_and_keeps_the_comments(registry: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = registry.read_text(encoding="utf-8")
    with hub({"sshleifer/distilbart-cnn-12-6@a4f8f3e": SHA_BART,
              "Helsinki-NLP/opus-mt-tc-big-ar-en@main": SHA_OPUS}) as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url("").rstrip("/"))
        result = brief("models", "pin", "distilbart-cnn-12-6", "opus-mt-tc-big-ar-en", "--models", registry)
    assert result.exit_code == 0, result.stderr
    assert f"distilbart-cnn-12-6: sshleifer/distilbart-cnn-12-6 a4f8f3e -> {SHA_BART}" in result.stderr
    after = registry.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert changed == [
        ("    revision: main", f"    revision: {SHA_OPUS}"),
        ("    revision: a4f8f3e            # as transformers' pipeline defaults pin it",
         f"    revision: {SHA_BART}            # as transformers' pipeline defaults pin it"),
    ]
    listing = brief("models", "list", "--models", registry)
    assert SHA_BART in listing.stdout


def test_pin_of_an_unknown_revision_changes_nothing(registry: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = registry.read_text(encoding="utf-8")
    with hub({}) as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url("").rstrip("/"))
        result = brief("models", "pin", "opus-mt-ar-en", "--models", registry)
    assert result.exit_code == 5 and "the Hub has no Helsinki-NLP/opus-mt-ar-en@main" in result.stderr
    assert registry.read_text(encoding="utf-8") == before


def test_pin_without_the_hub_fails_at_once(registry: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port()}")
    result = brief("models", "pin", "--models", registry)
    assert result.exit_code == 5 and "cannot be reached" in result.stderr


@pytest.mark.parametrize("offline", [True, False], ids=["HF_HUB_OFFLINE", "hub-unreachable"])
def test_first_run_without_hub_or_cache_names_every_model_in_one_message(tmp_path: Path, offline: bool) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))}
    env["BRIEF_HOME"] = str(tmp_path / "home")
    env["PYTHONPATH"] = str(ROOT)
    if offline:
        env["HF_HUB_OFFLINE"] = "1"
    else:
        env["HF_ENDPOINT"] = f"http://127.0.0.1:{closed_port()}"
    done = subprocess.run([sys.executable, "-m", "brief", "make", "seeds/"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 5, done.stderr
    assert done.stderr.count("brief: error:") == 1 and "Traceback" not in done.stderr
    assert "Retry" not in done.stderr and "retry" not in done.stderr
    first = next(line for line in done.stderr.splitlines() if line.startswith("brief: error:"))
    assert "opus-mt-tc-big-ar-en" in first and "distilbart-cnn-12-6" in first
    assert "brief models pull opus-mt-tc-big-ar-en distilbart-cnn-12-6" in done.stderr
    assert "path:" in done.stderr and "--extractive" in done.stderr and "copy a Hugging Face cache" in done.stderr
    assert ("HF_HUB_OFFLINE=1 is set" in done.stderr) == offline
