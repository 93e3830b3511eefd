"""The evaluation harness (``brief.evaluate``): its sets are sound, its scores are right, and briefs do not regress.

The sets in ``tests/eval/`` go through the real pipeline once per session (reference translator, e5-small,
extractive; about 10 s a set) and every score is compared with ``tests/eval/baseline.json`` in the direction
that is better (``evaluate.DIRECTIONS``), the way ``test_cleaning_gate.py`` gates the cleaner. When a change
makes the briefs better, re-pin with ``brief eval --update-baseline`` and say so in the commit.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from brief import evaluate
from brief.cli import app
from brief.clean import normalise_for_matching
from brief.clean.text import collapse_space
from brief.pipeline import read_articles
from brief.models.reference import load_translations

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "tests" / "eval"
SETS = evaluate.find_sets([EVAL])
NAMES = [s.name for s in SETS]


@functools.cache
def _articles(folder: Path) -> list:
    articles, skipped = read_articles([str(folder)])
    assert not skipped, skipped
    return articles


_RUN_SET = evaluate.run_set  # the real one, also while a test patches the module's name


@functools.cache
def _result(folder: Path) -> evaluate.SetResult:
    return _RUN_SET(folder)


def _files(article) -> set[str]:  # noqa: ANN001
    return {Path(article.location).name, *(Path(p).name for p in article.also_at)}


# --- the sets themselves ------------------------------------------------------------------------------------


def test_there_are_enough_sets_and_articles() -> None:
    articles = [p for s in SETS for p in s.iterdir() if p.suffix in {".txt", ".html"}]
    assert len(SETS) >= 4
    assert len(articles) >= 28


@pytest.mark.parametrize("folder", SETS, ids=NAMES)
def test_each_set_mixes_stories_with_singles(folder: Path) -> None:
    gold = evaluate.load_gold(folder)
    listed = [f for s in gold.stories for f in s.files] + list(gold.singles)
    on_disk = sorted(p.name for p in folder.iterdir() if p.suffix in {".txt", ".html"})
    assert sorted(listed) == on_disk  # every article in exactly one story or among the singles
    assert sum(len(s.files) >= 2 for s in gold.stories) >= 2
    assert len(gold.singles) >= 2
    assert all(len(s.facts) == 8 for s in gold.stories)
    assert gold.disagreements and gold.names


@pytest.mark.parametrize("folder", SETS, ids=NAMES)
def test_every_gold_fact_is_in_its_story(folder: Path) -> None:
    gold = evaluate.load_gold(folder)
    for story in gold.stories:
        text = [normalise_for_matching(s) for a in _articles(folder) if _files(a) & set(story.files) for s in a.sentences]
        for fact in story.facts:
            assert any(normalise_for_matching(alt) in t for alt in fact for t in text), (story.id, fact)


@pytest.mark.parametrize("folder", SETS, ids=NAMES)
def test_disagreements_and_events_name_files_of_their_story(folder: Path) -> None:
    gold = evaluate.load_gold(folder)
    files = {s.id: set(s.files) for s in gold.stories}
    for d in gold.disagreements:
        assert all(set(f) <= files[d.story] for _, f in d.values)
    for e in gold.timeline:
        assert set(e.files) <= files[e.story]


@pytest.mark.parametrize("folder", SETS, ids=NAMES)
def test_every_headline_and_sentence_has_its_reference_english(folder: Path) -> None:
    table = load_translations(folder / "translations.jsonl")
    for article in _articles(folder):
        for text in (article.title, *article.sentences):
            if text:
                assert ("ar", collapse_space(text)) in table, f"{article.location}: no English for «{text}»"


@pytest.mark.parametrize("folder", SETS, ids=NAMES)
def test_every_name_spelling_occurs_in_the_reference_english(folder: Path) -> None:
    english = "\n".join(load_translations(folder / "translations.jsonl").values())
    for group in evaluate.load_gold(folder).names:
        for variant in group.variants:
            assert variant in english, (group.arabic, variant)


# --- the gate -----------------------------------------------------------------------------------------------


def test_the_baseline_pins_every_set_and_score() -> None:
    pinned = evaluate.load_baseline(EVAL / evaluate.BASELINE_NAME)
    # The five sets, and the corpus: the tuning half (d01-d04) and the held-out half (d05-d08), pinned after its one
    # scoring at the end of issue 17 (tests/eval/README.md).
    corpus = [p.name for p in sorted((EVAL / "corpus").iterdir()) if p.is_dir()]
    assert len(corpus) == 8
    assert sorted(pinned) == sorted([*NAMES, *corpus])
    assert all("weight3_missing" in pinned[name] and "stories_merged" in pinned[name] for name in corpus)
    for name in NAMES:
        gold = evaluate.load_gold(EVAL / name)
        assert {f"facts.{s.id}" for s in gold.stories} <= set(pinned[name])


@pytest.mark.parametrize("folder", SETS, ids=NAMES)
def test_no_score_regresses(folder: Path) -> None:
    result = _result(folder)
    pinned = evaluate.load_baseline(EVAL / evaluate.BASELINE_NAME)
    print(f"\n{evaluate.table([result])}")
    worse = evaluate.regressions([result], pinned)
    assert not worse, "\n".join(worse) + "\n" + json.dumps(result.details, ensure_ascii=False, indent=1)


# --- the scorer on briefs written by hand -------------------------------------------------------------------

_GOLD = evaluate.Gold(
    name="t",
    folder=Path("."),
    stories=(
        evaluate.Story("a", ("a1.txt", "a2.txt"), (("قررت اللجنة",), ("100 نقطة", "1%"))),
        evaluate.Story("b", ("b1.txt", "b2.txt"), (("الفيضان",),)),
    ),
    singles=("s.txt",),
    disagreements=(evaluate.Disagreement("b", "toll", (("120", ("b1.txt",)), ("150", ("b2.txt",)))),),
    timeline=(evaluate.Event("a", "2026-08-13", ("a1.txt",)), evaluate.Event("a", "2026-07", ("a2.txt",))),
    names=(evaluate.NameGroup("أكتورك", ("Aktürk", "Akturk", "Ak Turk")),),
)
_SOURCES = [
    {"n": n, "id": f"id{n}", "location": f"set/{f}", "also_at": [], "title_en": None}
    for n, f in enumerate(["a1.txt", "a2.txt", "b1.txt", "b2.txt", "s.txt"], start=1)
]


def _sentence(text: str, source: int, original: str, english: str | None = None) -> dict:
    return {"text": text, "cites": [source],
            "support": [{"source": source, "original": original, "english": english or text}]}  # fmt: skip


_A = _sentence("The committee decided to cut rates by 100 points, Aktürk said.", 1, "قررت اللجنة خفض 100 نقطة")
_B = _sentence("The flood killed 120.", 3, "قتل الفيضان 120")
_S = _sentence("A film festival opens in Tunis today.", 5, "يفتتح مهرجان")
# One section without a heading: what a brief of a pile with no story found looks like.
_FLAT = {"title": "Brief: x", "words": 40, "sections": [{"heading": None, "bottom_line": [_A], "points": [_B, _S]}],
         "sources": _SOURCES}  # fmt: skip
_SECTIONS = {
    "title": "x",
    "words": 40,
    "sections": [
        {"heading": "Rates", "bottom_line": [_A], "points": [],
         "timeline": [{"date": "2026-08-13", "text": "Signed.", "cites": [1]},
                      {"date": "2026-07-02", "text": "Asked.", "cites": [2]}],
         "differences": []},
        {"heading": "Floods", "bottom_line": [_B], "points": [],
         "differences": [{"text": "120 [3] vs 150 [4]",
                          "values": [{"value": "120", "cites": [3]}, {"value": "150", "cites": [4]}]}]},
    ],
    "also_noted": [{"story": "s3", "text": "A film festival", "cites": [5]}],
    "translated": {"texts": 12, "cached": 0},
    "sources": _SOURCES,
}  # fmt: skip


def _score(data: dict) -> dict[str, int]:
    return evaluate.score(_GOLD, data, [], {}, translated=99)[0]


def test_a_flat_brief_is_one_section_that_mixes_stories() -> None:
    s = _score(_FLAT)
    assert (s["facts.a"], s["facts.b"]) == (2, 1)
    assert (s["sections"], s["mixed_sections"], s["singles_in_story"]) == (1, 1, 1)
    assert (s["timeline.a"], s["disagreements"], s["texts_translated"]) == (0, 0, 99)


def test_a_brief_with_sections_is_read_from_its_sections() -> None:
    s = _score(_SECTIONS)
    assert (s["facts.a"], s["facts.b"]) == (2, 1)
    assert (s["sections"], s["mixed_sections"], s["singles_in_story"]) == (2, 0, 0)
    assert (s["timeline.a"], s["disagreements"], s["texts_translated"]) == (2, 1, 12)


def test_disagreements_can_be_read_from_the_text_alone() -> None:
    data = json.loads(json.dumps(_SECTIONS))
    data["sections"][1]["differences"] = [{"text": "120 dead [3] vs 150 dead [4]"}]
    assert _score(data)["disagreements"] == 1
    data["sections"][1]["differences"] = [{"text": "120 dead [3] vs 150 dead [3]"}]  # one side cited only
    assert _score(data)["disagreements"] == 0


@pytest.mark.parametrize(
    ("text", "support", "problems"),
    [
        ("Rates fell to 21% on Thursday.", "Rates fell to 21% on Thursday.", []),
        ("Rates fell to 12% on Thursday.", "Rates fell to 21% on Thursday.", ["number 12"]),
        ("The bank cut rates by 1,000 points.", "The bank cut rates by 1000 points.", []),
        ("Rates fell on Friday.", "Rates fell on Thursday.", ["date Friday"]),
        ("Rates fell, Hisham Ezzat said.", "Rates fell, the governor said.", ["name Hisham", "name Ezzat"]),
        ("Turkey will help, Akturk said.", "Turkey will help, Ak Turk said.", []),  # a spelling of the same name
    ],
    ids=["same", "number", "thousands", "weekday", "name", "name-variant"],
)
def test_unsupported_numbers_names_and_dates(text: str, support: str, problems: list[str]) -> None:
    scorer = evaluate.Scorer(_GOLD, evaluate.BriefView.from_json(_FLAT), [], {})
    assert scorer.unsupported_in(text, support) == problems


def test_two_spellings_of_one_name_are_counted() -> None:
    data = json.loads(json.dumps(_FLAT))
    assert _score(data)["name_variants_left"] == 0
    data["sections"][0]["points"].append(_sentence("Turkey will help, Ak Turk said.", 2, "قال أكتورك"))
    assert _score(data)["name_variants_left"] == 1


def test_a_sentence_that_restates_another_is_a_near_duplicate() -> None:
    data = json.loads(json.dumps(_FLAT))
    assert _score(data)["near_duplicates"] == 0
    data["sections"][0]["points"].append(_sentence("The committee decided to cut rates by 100 points.", 2, "قررت اللجنة خفض 100 نقطة"))
    assert _score(data)["near_duplicates"] == 1


def test_a_short_line_sharing_a_word_is_not_a_near_duplicate() -> None:
    data = json.loads(json.dumps(_FLAT))
    data["sections"][0]["points"].append(_sentence("Rates cut.", 2, "خفض"))
    assert _score(data)["near_duplicates"] == 0


def test_lines_without_a_citation_are_counted() -> None:
    data = json.loads(json.dumps(_SECTIONS))
    assert _score(data)["uncited"] == 0
    data["sections"][0]["points"] = [{**_A, "cites": []}]
    data["also_noted"][0]["cites"] = []
    assert _score(data)["uncited"] == 2


def test_a_difference_whose_figure_its_sentences_lack_is_unsupported() -> None:
    article = type("A", (), {"id": "x", "location": "set/b1.txt", "also_at": (), "sentences": ("قتل 120",)})
    diff = {"text": "120 [3] vs 150 [4]", "sentence_ids": ["x:0"], "values": []}
    data = json.loads(json.dumps(_SECTIONS))
    data["sections"][1]["differences"] = [diff]
    assert evaluate.score(_GOLD, data, [article], {"قتل 120": "120 killed"})[0]["unsupported"] == 1
    assert evaluate.score(_GOLD, data, [article], {"قتل 120": "120 or 150 killed"})[0]["unsupported"] == 0


@pytest.mark.parametrize(
    ("old", "new", "name", "worse"),
    [(5, 4, "facts.a", True), (5, 6, "facts.a", False), (1, 2, "mixed_sections", True),
     (1, 0, "mixed_sections", False), (300, 400, "words", False)],
)  # fmt: skip
def test_regressions_follow_each_scores_direction(old: int, new: int, name: str, worse: bool) -> None:
    result = evaluate.SetResult("t", {name: new}, {}, 0.0)
    assert bool(evaluate.regressions([result], {"t": {name: old}})) is worse


# --- the command line ---------------------------------------------------------------------------------------


@pytest.fixture
def cached_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command's plumbing on the gate's own runs: each set goes through the pipeline once per session."""
    monkeypatch.setattr(evaluate, "run_set", lambda folder, words=500: _result(Path(folder).resolve()))


@pytest.mark.usefixtures("cached_runs")
def test_brief_eval_prints_json_and_check_fails_on_a_regression(tmp_path: Path) -> None:
    folder = EVAL / NAMES[0]
    pinned = evaluate.load_baseline(EVAL / evaluate.BASELINE_NAME)[NAMES[0]]
    worse = {k: (v + 1 if evaluate.direction(k) == evaluate.HIGHER else v) for k, v in pinned.items()}
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"sets": {NAMES[0]: worse}}), encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", str(folder), "--json", "--baseline", str(baseline), "--check"])
    assert result.exit_code == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["sets"][0]["set"] == NAMES[0] and data["regressions"]
    assert "worse than" in result.stderr


@pytest.mark.usefixtures("cached_runs")
def test_brief_eval_update_baseline_pins_the_scores(tmp_path: Path) -> None:
    baseline = tmp_path / "pinned.json"
    folder = EVAL / NAMES[-1]
    result = CliRunner().invoke(app, ["eval", str(folder), "--baseline", str(baseline), "--update-baseline"])
    assert result.exit_code == 0, result.stderr
    assert NAMES[-1] in result.stdout  # the table
    assert json.loads(baseline.read_text(encoding="utf-8"))["sets"][NAMES[-1]] == _result(folder).scores


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [(["eval", "no-such-folder"], 3, "not found"), (["eval", "tests"], 3, "no evaluation sets")],
)
def test_brief_eval_on_a_folder_without_sets_exits_3(args: list[str], code: int, said: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "brief", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == code
    assert said in done.stderr and "Traceback" not in done.stderr


def test_a_bad_gold_file_exits_4_and_says_where(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "a.txt").write_text("نص.\n", encoding="utf-8")
    (folder / "gold.yaml").write_text("stories:\n  s: {files: [missing.txt], facts: []}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", str(folder)])
    assert result.exit_code == 4
    assert "missing.txt" in result.stderr and "gold.yaml" in result.stderr


def test_updating_the_baseline_for_one_set_keeps_the_others() -> None:
    pinned = {"other": {"facts.x": 3}, "t": {"facts.a": 1}}
    data = json.loads(evaluate.baseline_json([evaluate.SetResult("t", {"facts.a": 2}, {}, 0.0)], 500, pinned))
    assert data["sets"] == {"other": {"facts.x": 3}, "t": {"facts.a": 2}}
    assert data["directions"]["facts.x"] == "higher"


def test_targets_say_which_scores_meet_the_issues_acceptance() -> None:
    good = evaluate.SetResult("t", {"facts.a": 8, "facts.b": 6, "mixed_sections": 0, "disagreements": 1}, {}, 0.0)
    by_name = {t["target"]: t for t in evaluate.targets([good])}
    assert by_name["at least 7 of 8 key facts per story"] == {
        "target": "at least 7 of 8 key facts per story", "met": 1, "of": 2, "missed": ["t b 6"]}  # fmt: skip
    assert by_name["0 mixed sections"]["met"] == 1
    assert by_name["a disagreement printed with both citations"]["met"] == 1


def test_the_sets_combine_into_one_set(tmp_path: Path) -> None:
    combined = evaluate.combine(SETS, tmp_path / "together")
    gold = evaluate.load_gold(combined)
    assert len(gold.stories) == sum(len(evaluate.load_gold(f).stories) for f in SETS)
    articles = _articles(combined)
    assert len({f for a in articles for f in _files(a)}) == sum(
        1 for f in SETS for p in f.iterdir() if p.suffix in {".txt", ".html"}
    )
    table = load_translations(combined / "translations.jsonl")
    assert all(("ar", collapse_space(t)) in table for a in articles for t in (a.title, *a.sentences) if t)


def test_together_and_update_baseline_do_not_go_together() -> None:
    result = CliRunner().invoke(app, ["eval", str(EVAL), "--together", "--update-baseline"])
    assert result.exit_code == 2
