"""The corpus scorer (``brief.evaluate_corpus``): its folders load, and each score counts what it says.

The scores are checked on a hand-made brief JSON over two labelled stories and a single, without the pipeline
(``tests/test_evaluate.py`` runs the pipeline on the five sets; ``brief eval tests/eval/corpus`` on the corpus).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from brief import evaluate, evaluate_corpus
from brief.evaluate_corpus import Fact, Labels, Values

CORPUS = Path(__file__).resolve().parent / "eval" / "corpus"
FOLDERS = sorted(p for p in CORPUS.iterdir() if evaluate_corpus.is_corpus_folder(p))


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_every_folder_loads_with_its_manifest(folder: Path) -> None:
    labels = evaluate_corpus.load_labels(folder)
    on_disk = {p.name for p in folder.iterdir() if p.suffix in evaluate_corpus.ARTICLE_SUFFIXES}
    listed = {f for files in labels.stories.values() for f in files} | set(labels.singles)
    assert listed == on_disk
    assert all(f in labels.publisher for f in on_disk)  # an html twin takes its .txt's publisher
    assert labels.shown and labels.shown <= set(labels.date)
    assert all(f.ar_any and f.weight in (1, 2, 3) for facts in labels.facts.values() for f in facts)


def test_the_corpus_is_listed_only_when_named() -> None:
    assert not any(evaluate_corpus.is_corpus_folder(p) for p in evaluate.find_sets([CORPUS.parent]))
    assert evaluate.find_sets([CORPUS]) == FOLDERS
    assert evaluate.baseline_for(FOLDERS[0], FOLDERS) == CORPUS.parent / evaluate.BASELINE_NAME


@dataclass
class _Article:
    id: str
    location: str
    title: str | None
    sentences: tuple[str, ...]
    also_at: tuple[str, ...] = ()
    language: str = "ar"


LABELS = Labels(
    name="dx",
    folder=CORPUS,
    stories={"S1": ("S1_01_a.txt", "S1_02_b.txt"), "S2": ("S2_01_c.txt", "S2_02_d.txt")},
    facts={
        "S1": (Fact("S1_1", 3, ("انفجار في كرمان",), ("S1_01_a.txt", "S1_02_b.txt")), Fact("S1_2", 2, ("84 قتيلا",), ())),
        "S2": (Fact("S2_1", 3, ("اغتيال العاروري",), ("S2_01_c.txt",)),),
    },
    singles=("X01_e.txt",),
    differences=(Values("S1", "toll", (frozenset({"S1_01_a.txt"}), frozenset({"S1_02_b.txt"}))),),
    updates=(Values("S2", "toll", (frozenset({"S2_01_c.txt"}), frozenset({"S2_02_d.txt"}))),),
    publisher={"S1_01_a.txt": "a", "S1_02_b.txt": "b", "S2_01_c.txt": "c", "S2_02_d.txt": "d", "X01_e.txt": "e"},
    date={"S1_01_a.txt": "2024-01-03", "S1_02_b.txt": "2024-01-03", "X01_e.txt": "2024-01-04"},
    shown=frozenset({"S1_01_a.txt", "X01_e.txt"}),
)
ARTICLES = [
    _Article("a", "S1_01_a.txt", "انفجار في كرمان يقتل العشرات", ("وقع انفجار في كرمان أمس.", "وقال مسؤول إن 84 قتيلا سقطوا.")),
    _Article("b", "S1_02_b.txt", None, ("أودى انفجار في كرمان بحياة 84 قتيلا.",)),
    _Article("c", "S2_01_c.txt", None, ("أعلن عن اغتيال العاروري في بيروت.",)),
    _Article("d", "S2_02_d.txt", None, ("شيع الآلاف جثمان القيادي في بيروت.",)),
    _Article("e", "X01_e.txt", "عاصفة تضرب بريطانيا", ("ضربت العاصفة بريطانيا.", "وأشار إلى أن الرياح اشتدت.")),
]


def _line(original: str, cites: list[int]) -> dict:
    return {"text": original, "cites": cites, "support": [{"original": original}]}


def _brief(also: str) -> dict:
    return {
        "stories": [{"id": "s1", "article_ids": ["a", "b", "c"]}, {"id": "s2", "article_ids": ["d"]},
                    {"id": "s3", "article_ids": ["e"]}],
        "sections": [
            {"story": "s1", "heading": "h", "heading_original": "أعلن عن اغتيال العاروري في بيروت.",
             "bottom_line": [_line("وقع انفجار في كرمان أمس.", [1])], "points": [],
             "differences": [{"text": "x", "values": [{"value": "1", "cites": [1]}, {"value": "2", "cites": [3]}]}]},
        ],
        "also_noted": [{"text": also, "cites": [2]}],
        "sources": [{"n": 1, "id": "a", "date": None}, {"n": 2, "id": "e", "date": "2024-01-05"}, {"n": 3, "id": "c", "date": None}],
        "words": 40,
    }


def test_each_score_counts_what_it_says() -> None:
    scores, details = evaluate_corpus.score_corpus(LABELS, _brief("وأشار إلى أن الرياح اشتدت."), ARTICLES)
    assert details["stories_merged"] == [["S1", "S2"]] and scores["stories_merged"] == 1
    assert details["stories_split"] == ["S2"]  # c with S1, d on its own
    assert scores["single_source_sections"] == 1  # only publisher "a" is cited
    assert scores["heading_other_story"] == 1  # an S2 sentence heads the S1 section
    assert scores["weight.S1"] == 3 and scores["weight3_missing"] == 0 and details["thin_stories"] == ["S1"]
    assert scores["false_differences"] == 1  # a [1] against c [3]: neither the S1 difference nor the S2 update
    assert scores["undated_shown_date"] == 1 and scores["wrong_dates"] == 1
    assert scores["also_noted_not_lead"] == 1  # a sentence leaning on an earlier one


@pytest.mark.parametrize("line", ["عاصفة تضرب بريطانيا", "ضربت العاصفة بريطانيا."])
def test_an_also_noted_headline_or_lead_is_fine(line: str) -> None:
    scores, _ = evaluate_corpus.score_corpus(LABELS, _brief(line), ARTICLES)
    assert scores["also_noted_not_lead"] == 0
