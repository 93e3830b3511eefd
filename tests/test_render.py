"""Rendering: the one-page Markdown brief and its JSON twin."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from brief import render
from brief.records import Brief, BriefSentence, ModelUse, Section, Skipped, SourceEntry, SourceSentence

SUPPORT = SourceSentence(source=1, index=0, original="وقعت تركيا وسوريا اتفاقية أمنية.", english="Turkey and Syria signed a security deal.", article_id="a1")


def point(k: int, cites: tuple[int, ...] = (1,), words: int = 12) -> BriefSentence:
    text = " ".join([f"fact{k}"] * (words - 1)) + " end."
    return BriefSentence(text=text, cites=cites, generated=False, support=(SUPPORT,))


def unheaded(bottom_line: tuple[BriefSentence, ...], points: tuple[BriefSentence, ...]) -> Section:
    """A section without a heading: the brief of a pile in which no story was found."""
    return Section(story="", heading=None, heading_original=None, bottom_line=bottom_line, points=points)


def make_brief(points: int = 5, words: int = 500, skipped: tuple[Skipped, ...] = ()) -> Brief:
    sources = (
        SourceEntry(1, "a1", "وورلد برس عربي", "Turkey and Syria cooperate", "تركيا وسوريا تتعاونان", "ar", None, "seeds/000.txt"),
        SourceEntry(2, "a2", "وكالة أنباء آسيا", "Rapprochement", "التقارب التركي السوري", "ar", dt.date(2025, 3, 18), "seeds/001.txt"),
        SourceEntry(3, "a3", "Reuters", "Turkey, Syria sign deal", "Turkey, Syria sign deal", "en", dt.date(2025, 10, 24), "https://example.org/a"),
    )
    return Brief(
        title="Brief: Turkey and Syria cooperate",
        date_from=dt.date(2025, 3, 18),
        date_to=dt.date(2025, 10, 24),
        sections=(unheaded((point(0, (1, 2)), point(99, (3,))), tuple(point(k, (1, 3)) for k in range(1, points + 1))),),
        sources=sources,
        skipped=skipped,
        models=(ModelUse("translator", "opus-mt-tc-big-ar-en", "Helsinki-NLP/opus-mt-tc-big-ar-en@abc123", {"num_beams": 4}),),
        version="9.9.9",
        made_at=dt.datetime(2026, 11, 21, 7, 0, tzinfo=dt.timezone.utc),
        word_budget=words,
    )


def before_sources(markdown: str) -> str:
    return markdown.split(render.SOURCES_HEADING)[0]


def test_markdown_has_title_dates_bottom_line_points_sources_and_footer() -> None:
    md = render.to_markdown(make_brief())
    assert md.startswith("# Brief: Turkey and Syria cooperate\n")
    assert "18 March 2025 – 24 October 2025 (1 undated)" in md
    assert "## Bottom line" in md and "## Key points" in md
    bullets = [line for line in md.splitlines() if line.startswith("- ")]
    assert len(bullets) == 5 and all(re.search(r"(\[\d+\])+$", b) for b in bullets)
    assert "fact1 end. [1][3]" in md
    assert "Made by brief 9.9.9" in md and "Helsinki-NLP/opus-mt-tc-big-ar-en@abc123" in md and "beams 4" in md


def test_source_lines_follow_the_documented_shape() -> None:
    md = render.to_markdown(make_brief())
    lines = [line for line in md.split(render.SOURCES_HEADING)[1].splitlines() if line.startswith("[")]
    assert [line[:3] for line in lines] == ["[1]", "[2]", "[3]"]
    assert lines[0] == "[1] \u2067وورلد برس عربي\u2069 — Turkey and Syria cooperate — \u2067تركيا وسوريا تتعاونان\u2069 — undated — seeds/000.txt"
    assert "2025-03-18" in lines[1]
    # An English source's headline is not repeated as its "original".
    assert lines[2] == "[3] Reuters — Turkey, Syria sign deal — 2025-10-24 — https://example.org/a"


@pytest.mark.parametrize("budget", [60, 100, 150, 500])
def test_word_budget_drops_the_weakest_points_first(budget: int) -> None:
    brief = make_brief(points=30, words=budget)
    md = render.to_markdown(brief)
    assert len(before_sources(md).split()) <= budget
    kept = [line for line in md.splitlines() if line.startswith("- fact")]
    if kept:
        assert kept[0].startswith("- fact1 ")  # the strongest point survives longest


def test_skipped_inputs_are_listed_in_the_footer() -> None:
    md = render.to_markdown(make_brief(skipped=(Skipped("bad.txt", "empty file"),)))
    footer = md.split("---")[-1]
    assert "Skipped 1 input(s)" in footer and "bad.txt — empty file" in footer


def test_json_carries_provenance_for_every_sentence() -> None:
    data = json.loads(render.to_json(make_brief(points=3)))
    assert [s["n"] for s in data["sources"]] == [1, 2, 3]
    assert set(data["sources"][0]) >= {"n", "publisher", "title_en", "title_ar", "date", "location"}
    assert data["sources"][0]["title_ar"] == "تركيا وسوريا تتعاونان"
    assert data["sources"][2]["title_ar"] is None
    for sentence in data["sections"][0]["bottom_line"] + data["sections"][0]["points"]:
        assert sentence["cites"] and sentence["generated"] is False
        assert sentence["support"] == [
            {
                **{"source": 1, "sentence_id": "a1:0", "index": 0, "original": SUPPORT.original},
                **{"arabic": SUPPORT.original, "english": SUPPORT.english, "dates": []},
            }
        ]
    assert data["words"] <= data["word_budget"]
    assert data["signature"].startswith("Made by brief 9.9.9")


def test_json_points_are_the_same_as_the_markdown_points() -> None:
    brief = make_brief(points=30, words=120)
    md_points = [line for line in render.to_markdown(brief).splitlines() if line.startswith("- ")]
    assert len(json.loads(render.to_json(brief))["sections"][0]["points"]) == len(md_points)


def test_a_relative_date_in_a_source_is_said_as_a_date() -> None:
    import datetime as dt

    from brief.records import BriefSentence, SourceSentence
    from brief.render import _sentence
    from brief.translate import date_notes

    original = "قال الوزير أمس إن المحادثات ستستمر خلال الشهر الجاري."
    from brief.compose import certain_notes

    support = SourceSentence(1, 0, original, "The minister said yesterday that talks would go on this month.",
                             dates=date_notes(original, dt.date(2024, 6, 20)))  # fmt: skip
    notes = certain_notes(support.english, support, (support,))
    line = _sentence(BriefSentence(support.english, (1,), False, (support,), notes=notes))
    assert line == (
        "The minister said yesterday that talks would go on this month. "
        "(yesterday: 19 June 2024; this month: June 2024) [1]"
    )
    assert date_notes(original, None) == ()  # no publication date: left unresolved, nothing said


def sectioned(points: int = 4, words: int = 500, also: int = 3) -> Brief:
    from dataclasses import replace

    from brief.records import AlsoNoted, Section, Story

    brief = make_brief(points=0, words=words)
    first = Section("s1", "Turkey and Syria sign a security deal", "تركيا وسوريا توقعان اتفاقا", (point(0, (1, 2)),),
                    tuple(point(k, (1,)) for k in range(1, points + 1)))  # fmt: skip
    second = Section("s2", "Rates cut again", "خفض الفائدة", (point(50, (3,)),), tuple(point(50 + k, (3,)) for k in range(1, points + 1)))
    noted = tuple(AlsoNoted(f"s{k + 3}", f"Single story number {k} happened", (3,)) for k in range(also))
    stories = (Story("s1", ("a1", "a2"), 2), Story("s2", ("a3",), 2)) + tuple(Story(f"s{k + 3}", (f"x{k}",), 1) for k in range(also))
    return replace(brief, title=first.heading, sections=(first, second), also_noted=noted, stories=stories,
                   translated=17, translated_cached=4)  # fmt: skip


def test_sections_render_as_headed_stories_then_also_noted() -> None:
    md = render.to_markdown(sectioned())
    headings = [line for line in md.splitlines() if line.startswith("#")]
    # The lead story's heading is the title, printed once (issue 17): its section starts under the H1.
    assert headings == ["# Turkey and Syria sign a security deal", "## Rates cut again", "## Also noted", "## Sources"]
    assert "## Bottom line" not in md and "## Key points" not in md
    also = md.split("## Also noted")[1].split("## Sources")[0]
    assert [line for line in also.splitlines() if line] == [f"- Single story number {k} happened [3]" for k in range(3)]
    assert "17 texts translated, 4 from the cache" in md


@pytest.mark.parametrize("budget", [80, 120, 200])
def test_the_guard_drops_also_noted_lines_first_then_points(budget: int) -> None:
    brief = sectioned(points=6, words=budget)
    md = render.to_markdown(brief)
    assert len(before_sources(md).split()) <= budget
    full = render.to_markdown(sectioned(points=6, words=10_000))
    if "## Also noted" not in md:
        assert md.count("\n- fact") <= full.count("\n- fact")
    else:  # an also-noted line survives only when every point did
        assert md.count("\n- fact") == full.count("\n- fact")


def test_json_has_sections_also_noted_stories_and_translated() -> None:
    data = json.loads(render.to_json(sectioned()))
    assert [s["story"] for s in data["sections"]] == ["s1", "s2"]
    assert data["sections"][0]["heading_original"] == "تركيا وسوريا توقعان اتفاقا"
    assert set(data["sections"][0]) == {"story", "heading", "heading_original", "bottom_line", "points", "timeline",
                                        "differences", "updates", "previously", "marks"}  # fmt: skip
    assert not {"bottom_line", "points", "previously"} & set(data)  # the old flat shape is gone: sections have them
    assert [a["story"] for a in data["also_noted"]] == ["s3", "s4", "s5"]
    assert data["stories"][0] == {"id": "s1", "article_ids": ["a1", "a2"], "publishers": 2}
    assert data["translated"] == {"texts": 17, "cached": 4}
    sentence = data["sections"][0]["points"][0]
    assert set(sentence) >= {"text", "cites", "generated", "checks", "single_source", "rejected", "support"}


@pytest.mark.parametrize("budget", [30, 60])
def test_when_bottom_lines_alone_overrun_the_guard_drops_whole_sections_lowest_ranked_first(budget: int) -> None:
    from dataclasses import replace

    # Bottom lines of 20 words each: two sections cannot both fit 60 words, and no point is left to drop.
    long = sectioned(points=0, also=0)
    sections = tuple(replace(s, bottom_line=(point(k * 10, (1,), words=20),)) for k, s in enumerate(long.sections))
    brief = replace(long, sections=sections, word_budget=budget)
    md = render.to_markdown(brief)
    assert len(before_sources(md).split()) <= budget
    assert "## Rates cut again" not in md  # the lower-ranked section went first
    dropped = 1 if budget == 60 else 2
    assert f"_{dropped} section{'s' if dropped > 1 else ''} did not fit the {budget}-word page" in md
    assert "“Rates cut again”" in md
    data = json.loads(render.to_json(brief))
    assert data["words"] <= budget
    assert [s["story"] for s in data["sections"]] == (["s1"] if budget == 60 else [])
    assert any("did not fit" in line and "Rates cut again" in line for line in data["left_out"])
