"""Compose: sections from a plan and the English of what it prints; rewrites with their checks; certain date notes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from brief.compose import certain_notes, compose, translation_checks
from brief.pile import Pile
from brief.records import Article, SourceSentence, Story
from brief.select import Fact, Heading, Noted, Plan, Selection
from brief.translate import Translations, date_notes

DAY = dt.date(2026, 11, 2)
ENGLISH = {
    "وقعت تركيا وسوريا اتفاقية أمنية في أنقرة أمس.": "Turkey and Syria signed a security agreement in Ankara yesterday.",
    "وقعت أنقرة ودمشق اتفاقا أمنيا في أنقرة.": "Ankara and Damascus signed a security agreement in Ankara.",
    "وتشمل الاتفاقية تدريب 300 ضابط سوري.": "The agreement covers the training of 300 Syrian officers.",
    "تركيا وسوريا توقعان اتفاقية أمنية": "Turkey and Syria sign a security agreement",
    "أنقرة ودمشق توقعان اتفاقا أمنيا": "Ankara and Damascus sign a security agreement",
    "الرجاء يفوز على الوداد في الديربي": "Raja beat Wydad in the derby",
    "فاز الرجاء على الوداد بهدفين مقابل هدف.": "Raja beat Wydad two goals to one.",
}


def article(aid: str, title: str, sentences: Sequence[str], day: dt.date | None = DAY) -> Article:
    return Article(aid, f"{aid}.txt", f"publisher {aid}", title, day, "ar", tuple(sentences))


A = article("a", "تركيا وسوريا توقعان اتفاقية أمنية", ["وقعت تركيا وسوريا اتفاقية أمنية في أنقرة أمس.", "وتشمل الاتفاقية تدريب 300 ضابط سوري."])
B = article("b", "أنقرة ودمشق توقعان اتفاقا أمنيا", ["وقعت أنقرة ودمشق اتفاقا أمنيا في أنقرة."])
C = article("c", "الرجاء يفوز على الوداد في الديربي", ["فاز الرجاء على الوداد بهدفين مقابل هدف."])
STORY = Story("s1", ("a", "b"), 2)
SINGLE = Story("s2", ("c",), 1)


def make_plan() -> Plan:
    facts = (Fact("a:0", ("a:0", "b:0"), 2, 1.0, 12), Fact("a:1", ("a:1",), 1, 0.5, 10))
    section = Selection(STORY, Heading("b", B.title or ""), facts, 1)
    return Plan((section,), (Noted(SINGLE, Heading("c", C.title or "")),), (), 500)


TRANSLATIONS = Translations({("ar", k): v for k, v in ENGLISH.items()}, texts=len(ENGLISH))


class EchoSummariser:
    """Rewrites faithfully: keeps the first sentence of what it reads."""

    def summarise_batch(self, texts: Sequence[str]) -> list[str]:
        return [t.split(". ")[0].rstrip(".") + "." for t in texts]


class InventingSummariser:
    """Adds a number and a name no source gave."""

    def summarise_batch(self, texts: Sequence[str]) -> list[str]:
        return [f"{t.split('. ')[0].rstrip('.')}, President Macron said, killing 40 people." for t in texts]


def composed(rewriter: object = None):  # type: ignore[no-untyped-def]
    return compose(make_plan(), Pile([A, B, C], embedder=None), TRANSLATIONS, rewriter)  # type: ignore[arg-type]


def test_sources_are_numbered_by_first_use_and_listed_once() -> None:
    made = composed()
    section = made.sections[0]
    assert section.heading == "Ankara and Damascus sign a security agreement" and made.title == section.heading
    assert section.heading_original == B.title
    assert [s.cites for s in section.bottom_line] == [(1, 2)]
    assert [s.cites for s in section.points] == [(1,)]
    assert [(s.n, s.article_id) for s in made.sources] == [(1, "a"), (2, "b"), (3, "c")]
    assert made.sources[0].title_en == "Turkey and Syria sign a security agreement"
    assert [(a.story, a.text, a.cites) for a in made.also_noted] == [("s2", "Raja beat Wydad in the derby", (3,))]
    assert [s.id for s in made.stories] == ["s1", "s2"]


def test_extractive_sentences_carry_support_ids_checks_and_single_source() -> None:
    section = composed().sections[0]
    bottom, point = section.bottom_line[0], section.points[0]
    assert [s.sentence_id for s in bottom.support] == ["a:0", "b:0"]
    assert not bottom.single_source and point.single_source
    assert [c.name for c in point.checks] == ["numbers"] and point.checks[0].passed


def test_a_faithful_rewrite_is_printed_with_every_check_passed() -> None:
    section = composed(EchoSummariser()).sections[0]
    printed = [*section.bottom_line, *section.points]
    assert all(s.generated for s in printed)
    for sentence in printed:
        assert {c.name for c in sentence.checks} == {"length", "numbers", "names", "dates", "overlap"}
        assert all(c.passed for c in sentence.checks) and sentence.cites and not sentence.rejected


def test_an_unfaithful_rewrite_is_kept_as_rejected_and_the_source_sentence_printed() -> None:
    section = composed(InventingSummariser()).sections[0]
    for sentence in (*section.bottom_line, *section.points):
        assert not sentence.generated and sentence.text in ENGLISH.values()
        assert len(sentence.rejected) == 1
        problems = sentence.rejected[0].problems
        assert "number 40" in problems and "name Macron" in problems


def test_a_date_note_is_printed_only_when_certain() -> None:
    bottom = composed().sections[0].bottom_line[0]
    assert [n.text() for n in bottom.notes] == ["yesterday: 1 November 2026"]

    original = "قال الوزير أمس إن المحادثات ستستمر."
    lead = SourceSentence(1, 0, original, "The minister said yesterday that talks would go on.", date_notes(original, DAY))
    later = SourceSentence(2, 0, original, "The minister said yesterday that talks would go on.",
                           date_notes(original, DAY + dt.timedelta(days=7)))  # fmt: skip
    undated = SourceSentence(1, 0, original, lead.english, date_notes(original, None))
    assert certain_notes(lead.english, lead, (lead,)) == lead.dates != ()
    assert certain_notes(lead.english, lead, (lead, later)) == ()  # another source puts it a week later
    assert certain_notes("The minister said talks would go on.", lead, (lead,)) == ()  # the English lost "yesterday"
    assert certain_notes(lead.english, undated, (undated,)) == ()  # the sentence's own article is undated


@pytest.mark.parametrize(
    ("english", "original", "passed"),
    [
        ("The agreement covers the training of 300 Syrian officers.", "وتشمل الاتفاقية تدريب 300 ضابط سوري.", True),
        ("The agreement covers the training of 30 Syrian officers.", "وتشمل الاتفاقية تدريب 300 ضابط سوري.", False),
        ("Inflation fell to 12.5%.", "تراجع التضخم إلى ١٢٫٥٪.", True),
    ],
)
def test_a_translation_is_checked_for_the_originals_numbers(english: str, original: str, passed: bool) -> None:
    assert translation_checks(english, original)[0].passed is passed


# -- timeline, where sources differ, one spelling per name: through the real pipeline on an evaluation set --

EVAL = __import__("pathlib").Path(__file__).parent / "eval"


@pytest.fixture(scope="module")
def economy_json() -> dict:
    """The economy set's brief as JSON, made with its reference translations (realistic English, no weights)."""
    import json

    from typer.testing import CliRunner

    from brief.cli import app

    folder = EVAL / "economy"
    result = CliRunner().invoke(
        app, ["make", str(folder), "--models", str(folder / "models.yaml"), "--extractive", "--format", "json", "-q"]
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_a_story_with_three_dated_events_gets_a_cited_timeline_in_date_order(economy_json: dict) -> None:
    lead = economy_json["sections"][0]
    dates = [e["date"] for e in lead["timeline"]]
    assert len(set(dates)) >= 3 and dates == sorted(dates)
    numbers = {s["n"] for s in economy_json["sources"]}
    assert all(e["cites"] and set(e["cites"]) <= numbers and e["text"] for e in lead["timeline"])


def test_a_figure_two_sources_give_differently_is_shown_with_both_citations(economy_json: dict) -> None:
    differences = [d for s in economy_json["sections"] for d in s["differences"]]
    assert differences
    assert all(len(d["values"]) >= 2 and len({c for v in d["values"] for c in v["cites"]}) >= 2 for d in differences)
    texts = [frozenset((v["value"], tuple(v["cites"])) for v in d["values"]) for d in differences]
    assert len(texts) == len(set(texts))  # each disagreement once


def test_a_timeline_line_is_not_printed_again_as_a_key_point(economy_json: dict) -> None:
    for section in economy_json["sections"]:
        told = {e["sentence_id"] for e in section["timeline"]}
        printed = {s["support"][0]["sentence_id"] for s in section["points"]}
        assert not told & printed


def test_names_are_spelled_one_way_across_articles() -> None:
    from brief.compose import one_spelling

    translations = Translations(
        english={
            ("ar", "قال وزير الدفاع التركي يشار غولر إن الاتفاق مهم."): "Turkish defence minister Yaşar Güler said the deal matters.",
            ("ar", "وأضاف غولر أن التدريب يبدأ قريبا."): "Guler added that the training starts soon.",
            ("ar", "وزار يشار غولر دمشق."): "Yasar Guler visited Damascus.",
            ("ar", "والتقى يشار غولر نظيره السوري."): "Yaşar Güler met his Syrian counterpart.",
        },
        texts=4,
    )
    english = " ".join(one_spelling(translations).english.values())
    assert "Güler" in english and "Guler" not in english
