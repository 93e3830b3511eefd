"""`brief bench` (issue 10, items 1 and 6): it runs and reports every engine; light commands stay light.

Speed is never asserted here (benchmarks measure it); these tests check that the bench measures what it says
and that commands which need no model never import torch or transformers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from brief import bench

ROOT = Path(__file__).resolve().parent.parent
SEED = sorted((ROOT / "seeds").glob("*.txt"))[0]
HEAVY = ("torch", "transformers", "ctranslate2")


def _modules_after(args: list[str], tmp_path: Path) -> tuple[int, list[str]]:
    """Run the CLI in a fresh interpreter; its exit code and which heavy packages it imported."""
    code = (
        "import sys\n"
        "from brief.cli import main\n"
        f"sys.argv = ['brief', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    code = exit.code or 0\nelse:\n    code = 0\n"
        "import json\n"
        f"print('MODULES', json.dumps([[m for m in {HEAVY!r} if m in sys.modules], code]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    line = next(x for x in done.stdout.splitlines() if x.startswith("MODULES "))
    modules, exit_code = json.loads(line.removeprefix("MODULES "))
    return int(exit_code), modules


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["inspect", str(SEED)],
        ["logs"],
        ["config", "show"],
        ["sources", "check", "SOURCES"],
        ["bench", "--help"],
    ],
)
def test_light_commands_never_import_torch_or_transformers(args: list[str], tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"sources:\n  - name: seeds\n    folder: {json.dumps(str(SEED.parent))}\n", encoding="utf-8")
    args = [str(sources) if a == "SOURCES" else a for a in args]
    code, heavy = _modules_after(args, tmp_path)
    assert code == 0
    assert heavy == []


def test_synthesised_articles_are_distinct() -> None:
    pool = bench.sentence_pool()
    assert len(pool) > 200
    items = bench.synthesise_articles(pool, 40)
    assert len({text for _, text in items}) == 40


def test_synthesised_articles_read_as_forty_articles(tmp_path: Path) -> None:
    from brief.pipeline import read_articles

    for name, text in bench.synthesise_articles(bench.sentence_pool(), 40):
        (tmp_path / name).write_text(text, encoding="utf-8")
    articles, skipped = read_articles([tmp_path])
    assert skipped == [] and len(articles) == 40
    assert all(a.language == "ar" and len(a.sentences) >= 5 for a in articles)


@pytest.mark.parametrize("text", ["5,0", "x", ""])
def test_bad_sizes_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="positive whole numbers"):
        bench.parse_sizes(text)


def test_the_bench_runs_every_engine_side_by_side_and_prints_json(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from brief.cli import app

    args = ["bench", "--synthetic", "--shapes", "tiny", "--sentences", "4", "--naive-sentences", "2",
            "--no-stages", "--duplicates", "30", "--end-to-end-articles", "8", "--cache", str(tmp_path / "cache"),
            "--json", "-q"]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    rows = {(r["section"], r["what"], r["beams"]): r for r in out["rows"]}
    engines = [key for key in rows if key[0] == "translation"]
    assert len(engines) == 6  # CTranslate2 rows say "not run" when it is not installed
    shortlisted = rows[("translation", "brief + CTranslate2 int8", 4)]
    if "not run" not in shortlisted["note"]:  # the synthetic target.spm: the tiny shape's 1,000 pieces, but <s>
        assert shortlisted["extra"]["shortlist"] == 999 and "English shortlist: 999 of" in shortlisted["note"]
        assert "shortlist" not in rows[("translation", "brief + CTranslate2 int8, whole vocabulary", 4)]["extra"]
    for key in engines:
        row = rows[key]
        if "not run" in row["note"]:
            continue
        assert row["seconds"] > 0 and row["peak_mb"] > 0 and row["vs_naive"] > 0 and row["vs_batched"] > 0
    assert rows[("translation", "transformers, one generate per sentence", 4)]["units"] == 2
    merged = [r for r in out["rows"] if r["section"] == "duplicates"]
    assert "same result as all pairs: True" in merged[0]["note"]
    assert out["machine"]["cores"] >= 1
    table = bench.table(out)
    assert "x naive" in table and "brief + CTranslate2 int8" in table
    whole = {r["what"]: r for r in out["rows"] if r["section"] == "end to end"}
    if "brief make" in whole:  # CTranslate2 not installed
        assert "not run" in whole["brief make"]["note"]
        return
    fetched = [r for r in out["rows"] if r["section"] == "web"]
    if fetched and "not run" not in fetched[0]["note"]:  # the same pages, one connection each, then four kept open
        closed, kept = (r["extra"]["connections"] for r in fetched)
        assert closed == 22 and kept <= 4 and "x the pages a second" in fetched[1]["note"]
    daily = [whole.pop(what) for what in list(whole) if what.startswith("daily job")]
    assert list(whole) == ["brief make, 8 articles, cold", "brief make seeds/, cold", "brief make seeds/, unchanged rerun"]
    # the daily job: 20 pages, then only what is new or was not in the brief, then nothing (the feed answers 304)
    assert [row["units"] for row in daily][0] == 20 and 5 <= daily[1]["units"] < 20 and daily[2]["units"] == 0
    assert "feed answered 304" in daily[2]["note"] and daily[2]["extra"]["counts"]["feed_items_known"] == 20
    # the item pages come over the connections the feed opened (four workers), not one connection each
    first = daily[0]["extra"]
    assert first["requests"] >= 22 and first["connections"] <= 4
    for row in whole.values():
        assert row["seconds"] > 0 and row["peak_mb"] > 0 and "footer does not name" not in row["note"]
    cold, rerun = whole["brief make seeds/, cold"]["extra"], whole["brief make seeds/, unchanged rerun"]["extra"]
    assert cold["counts"]["translator_loaded"] == 1 and rerun["counts"]["translator_loaded"] == 0
    assert rerun["counts"]["cache_misses"] == 0 and rerun["counts"]["cache_hits"] > 0
