"""The glossary (--glossary): bad entries refused with their line, house spellings placed on the translator's,
and on the levant evaluation set (reference English with deliberate spelling variants) every printed text whose
Arabic holds a term carries the glossary's English."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from brief.errors import ConfigError
from brief.glossary import parse_glossary, place
from cli_runner import brief

LEVANT = Path(__file__).resolve().parent / "eval" / "levant"
GLOSSARY = "نصيب: Naseeb\nجابر: Jabir\nالحدباء: Al-Hadbaa\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("نصيب: Naseeb\nجابر:\n", "line 2: an empty entry"),
        ("نصيب: Naseeb\nنصيب: Nasib\n", "line 2: 'نصيب' is already given on line 1"),
        ("a: &x Naseeb\nنصيب: *x\n", "line 2"),
        ("- Naseeb\n", "one 'Arabic term: English' entry a line"),
    ],
)
def test_bad_entries_are_refused_with_their_line(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        parse_glossary(text)


@pytest.mark.parametrize(
    ("english", "arabic", "expected"),
    [
        ("The Jaber-Nassib crossing reopens", "معبر جابر - نصيب", "The Jabir-Naseeb crossing reopens"),
        ("Trucks cross at Nassib and Jaber.", "عند نصيب وجابر", "Trucks cross at Naseeb and Jabir."),
        ("the al-Hadba minaret", "منارة الحدباء", "the Al-Hadbaa minaret"),
        ("Nasib is far away", "الموصل بعيدة", "Nasib is far away"),  # the Arabic does not hold the term
    ],
)
def test_only_the_name_is_replaced(english: str, arabic: str, expected: str) -> None:
    assert place(english, arabic, parse_glossary(GLOSSARY)) == (expected, [])


def test_every_printed_text_whose_source_holds_a_term_carries_the_glossary(home: Path, tmp_path: Path) -> None:
    glossary = tmp_path / "glossary.yaml"
    glossary.write_text(GLOSSARY, encoding="utf-8")
    result = brief(
        "make", LEVANT, "--models", LEVANT / "models.yaml", "--extractive", "--glossary", glossary,
        "--watch", "الحدباء", "-f", "json", "-q",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    made = json.loads(result.stdout)
    terms = parse_glossary(GLOSSARY)
    said = [s for sec in made["sections"] for s in sec["bottom_line"] + sec["points"]]
    printed = [(s["text"], " ".join(sup["original"] for sup in s["support"])) for s in said]
    printed += [(sec["heading"], sec["heading_original"]) for sec in made["sections"]]
    holding = [(en, ar) for en, ar in printed if ar and any(t in ar for t in terms)]
    assert len(holding) >= 4
    for english, arabic in holding:
        for term, wanted in terms.items():
            if term in arabic:
                assert wanted in english, (english, arabic)
    # no check fails because of the glossary (two number checks fail on this set with or without it: 7,000 vs 7)
    failed = [c["why"] for s in said for c in s["checks"] if not c["passed"]]
    assert not [why for why in failed if any(w in why for w in terms.values())], failed
    # the watched story leads, marked
    assert made["sections"][0]["marks"] == ["Watched: الحدباء"]
    assert "Al-Hadbaa" in made["sections"][0]["heading"]


def test_inspect_shows_the_terms_each_article_holds(tmp_path: Path) -> None:
    glossary = tmp_path / "glossary.yaml"
    glossary.write_text(GLOSSARY, encoding="utf-8")
    result = brief("inspect", LEVANT / "hadba-mosul.txt", "--glossary", glossary)
    assert result.exit_code == 0, result.stderr
    assert "glossary:  الحدباء -> Al-Hadbaa" in result.stdout
