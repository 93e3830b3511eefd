"""Every file the user names is read bounded, with a clear error (issue 8, item 6), through a real process.

``--sources``, ``--models``, ``BRIEF_CONFIG`` and ``brief send FILE`` each refuse a FIFO (which would hang the
run), a device such as ``/dev/zero`` (which would fill the memory), a file past the size limit, and (the YAML
ones) aliases, whose expansion in an error message once took minutes and then all memory. Each run is a real
``python -m brief`` with a time limit and a memory limit, so a regression fails the test instead of hanging
or exhausting the machine.
"""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Nine levels of nine in one flow list: 9**9 (387 million) strings once expanded, from a few hundred bytes.
BOMB = "[" + ", ".join(
    f"&l{n} [{', '.join([f'*l{n - 1}'] * 9) if n else ', '.join(['lol'] * 9)}]" for n in range(9)
) + "]"
SOURCES_BOMB = f"sources:\n  - name: {BOMB}\n    folder: news\n"
MODELS_BOMB = f"translators:\n  x: {{backend: {BOMB}, path: m}}\n"


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))  # a runaway read fails instead of swapping


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m brief ARGS`` in ``cwd``; a hang past 90 s fails the test."""
    return subprocess.run(
        [sys.executable, "-m", "brief", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=90,
        preexec_fn=_limit_memory,
        check=False,
    )


# Where the file goes on the command line, and the exit code a bad one gets.
PLACES = {
    "sources": (lambda f: (["make", "--sources", str(f), "-q"], {}), 4, "sources file"),
    "models": (lambda f: (["make", "news.txt", "--models", str(f), "-q"], {}), 4, "model registry"),
    "config": (lambda f: (["make", "news.txt", "-q"], {"BRIEF_CONFIG": str(f)}), 4, "the config file"),
    "send": (lambda f: (["send", str(f), "--to", "ann@example.org"], {"BRIEF_SMTP_HOST": "127.0.0.1"}), 3, "brief"),
}


def bad_file(kind: str, folder: Path) -> Path:
    if kind == "fifo":
        path = folder / "named-pipe"
        os.mkfifo(path)
        return path
    if kind == "zero":
        return Path("/dev/zero")
    path = folder / "huge.yaml"
    with open(path, "wb") as handle:  # 2 MB of comment lines: valid text, past the 1 MB limit
        handle.write(b"# padding padding padding padding padding padding padding padding\n" * 32_000)
    return path


@pytest.mark.parametrize(
    ("place", "kind"),
    # The size limit is one check in one helper: two places show it is applied (a brief may be up to 10 MB).
    [(place, kind) for place in sorted(PLACES) for kind in ("fifo", "zero")] + [("sources", "huge"), ("config", "huge")],
)
def test_a_file_that_is_not_a_small_regular_file_is_refused_at_once(tmp_path: Path, place: str, kind: str) -> None:
    path = bad_file(kind, tmp_path)
    (tmp_path / "news.txt").write_text("The port reopened on Sunday after a storm.\n", encoding="utf-8")
    build, code, what = PLACES[place]
    args, env = build(path)
    before = stat.S_IFMT(path.stat().st_mode)

    done = run(args, tmp_path, env)

    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("brief: error: ")]
    assert len(errors) == 1 and what in errors[0], done.stderr
    reason = {"fifo": "is a FIFO (named pipe), not a regular file", "zero": "is a device or special file",
              "huge": "brief reads at most 1.0 MB here"}[kind]  # fmt: skip
    assert reason in errors[0]
    assert stat.S_IFMT(path.stat().st_mode) == before  # the FIFO is still a FIFO: nothing was replaced


@pytest.mark.parametrize(
    ("place", "text", "what"),
    [("sources", SOURCES_BOMB, "sources file"), ("models", MODELS_BOMB, "model registry")],
)
def test_yaml_aliases_are_refused_before_they_expand(tmp_path: Path, place: str, text: str, what: str) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(text, encoding="utf-8")
    assert len(text) < 2000
    (tmp_path / "news.txt").write_text("The port reopened on Sunday after a storm.\n", encoding="utf-8")
    build, code, _ = PLACES[place]
    args, env = build(path)

    done = run(args, tmp_path, env)

    assert done.returncode == code, done.stderr[:2000]
    assert "Traceback" not in done.stderr
    assert len(done.stderr) < 1000  # the message quotes nothing expanded
    assert what in done.stderr and "aliases (*name) are not allowed" in done.stderr
    assert "line 2" in done.stderr  # where the first alias is
