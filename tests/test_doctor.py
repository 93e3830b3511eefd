"""`brief doctor` through the real CLI: a healthy machine, and broken ones, each with the line that fixes it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import brief
from typer.testing import CliRunner

from brief.cli import app

ROOT = Path(__file__).resolve().parent.parent


def doctor(*args: str | Path, env: dict[str, str] | None = None):  # noqa: ANN201 - click's Result
    result = CliRunner().invoke(app, ["doctor", *(str(a) for a in args)], env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def test_a_healthy_machine(tiny_registry: Path, tmp_path: Path) -> None:
    result = doctor("--models", tiny_registry, env={"BRIEF_HOME": str(tmp_path / "home")})
    assert result.exit_code == 0, result.stdout
    assert "no problems" in result.stderr
    for expected in ("ok    python", "lxml.html.clean", "translator tiny-marian: cached", "embedder e5-small: bundled",
                     "store: ", "smtp: not configured", "schedule"):
        assert expected in result.stdout


def test_models_neither_cached_nor_fetchable_fail_with_the_pull_line(tmp_path: Path) -> None:
    result = doctor(env={"BRIEF_HOME": str(tmp_path / "home")})  # the packaged registry, offline, empty cache
    assert result.exit_code == 4
    assert "fail  models    translator opus-mt-tc-big-ar-en" in result.stdout
    assert "fix: brief models pull opus-mt-tc-big-ar-en" in result.stdout
    assert "fix: brief models pull distilbart-cnn-12-6" in result.stdout
    assert "2 problems" in result.stderr


def test_incomplete_smtp_settings_fail(tiny_registry: Path, tmp_path: Path) -> None:
    env = {"BRIEF_HOME": str(tmp_path / "home"), "BRIEF_SMTP_HOST": "smtp.example.org"}  # but no sender
    result = doctor("--models", tiny_registry, env=env)
    assert result.exit_code == 4
    assert "fail  mail      smtp: no sender address" in result.stdout and "fix: " in result.stdout


def test_json_report(tiny_registry: Path, tmp_path: Path) -> None:
    result = doctor("--models", tiny_registry, "--json", env={"BRIEF_HOME": str(tmp_path / "home")})
    assert result.exit_code == 0
    checks = json.loads(result.stdout)
    assert {c["status"] for c in checks} <= {"ok", "warn"}
    assert {"python", "packages", "models", "config", "store", "mail", "schedule"} <= {c["area"] for c in checks}


def test_a_broken_html_install_fails_with_the_line_that_fixes_it(tiny_registry: Path, tmp_path: Path) -> None:
    """lxml without lxml_html_clean: what a fresh install from the registry gave (issue 8)."""
    shadow = tmp_path / "shadow" / "lxml_html_clean"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text('raise ImportError("No module named lxml_html_clean")\n', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(shadow.parent), str(ROOT)]),
           "BRIEF_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, "-m", "brief", "doctor", "--models", str(tiny_registry)], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 4, done.stdout + done.stderr
    line = next(line for line in done.stdout.splitlines() if "lxml.html.clean" in line)
    assert line.startswith("fail  packages  lxml.html.clean: cannot import lxml.html.clean")
    assert f"fix: {sys.executable} -m pip install 'lxml_html_clean'" in done.stdout
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("bad", ["[smtp\nhost=", "defaults = 3\n"])
def test_an_unreadable_config_file_fails(tiny_registry: Path, tmp_path: Path, bad: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(bad, encoding="utf-8")
    result = doctor("--models", tiny_registry, env={"BRIEF_CONFIG": str(config), "BRIEF_HOME": str(tmp_path / "h")})
    assert result.exit_code == 4
    assert "fail  config    file:" in result.stdout and "Traceback" not in result.stdout


# --- files nested past any need (issue 19, case 7): a message and exit 4, never RecursionError ------------------

DEEP = 40_000  # 80 KB of brackets: far past Python's recursion limit


@pytest.mark.parametrize("style", ["flow", "block"])
def test_a_deeply_nested_yaml_file_is_refused_with_a_message(tiny_registry: Path, tmp_path: Path, style: str) -> None:
    value = "[" * DEEP + "]" * DEEP if style == "flow" else "- " * DEEP + "x"
    registry = tmp_path / "models.yaml"
    registry.write_text(f"translators: {value}\n" if style == "flow" else f"translators:\n  {value}\n", "utf-8")
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"sources: {value}\n" if style == "flow" else f"sources:\n  {value}\n", encoding="utf-8")
    env = {"BRIEF_HOME": str(tmp_path / "h")}

    results = [
        doctor("--models", registry, env=env),
        brief("models", "list", "--models", registry, env=env),
        brief("sources", "check", sources, env=env),
    ]

    for result in results:
        assert result.exit_code == 4, result.stdout + result.stderr
        assert "nested more than 64 levels deep" in result.stdout + result.stderr


def test_a_deeply_nested_toml_config_is_refused_with_a_message(tiny_registry: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[defaults]\ninputs = " + "[" * DEEP + "]" * DEEP + "\n", encoding="utf-8")
    env = {"BRIEF_CONFIG": str(config), "BRIEF_HOME": str(tmp_path / "h")}

    for result in (doctor("--models", tiny_registry, env=env), brief("config", "show", env=env)):
        assert result.exit_code == 4, result.stdout + result.stderr
        assert f"nested {DEEP} levels deep" in result.stdout + result.stderr
