"""Stories end to end on tests/fixtures/stories: two multi-publisher stories and three unrelated single articles.

The wage story has four articles from three independent publishers (two outlets print one Petra wire story);
the earthquake story has three publishers, one of them a headline-less text dump whose first line is a masthead.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from brief import pipeline, render
from brief.config import Settings
from brief.pile import Pile, places_in
from brief.records import Article, Brief
from brief.stories import elsewhere, find_stories, independent_groups, real_headline

FOLDER = Path(__file__).resolve().parent / "fixtures" / "stories"
WAGE = {"wage-rai.txt", "wage-ammon.txt", "wage-ghad.txt", "wage-sabeel.txt"}
QUAKE = {"quake-khaleej.txt", "quake-iran.txt", "quake-sahel.txt"}
SINGLES = {"book-fair.txt", "measles.txt", "derby.txt"}


@pytest.fixture(scope="module")
def made(tiny_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Brief, dict, str]:
    from conftest import REGISTRY_TEMPLATE

    registry = tmp_path_factory.mktemp("registry") / "models.yaml"
    paths = {name: json.dumps(str(folder.resolve())) for name, folder in tiny_models.items()}
    registry.write_text(REGISTRY_TEMPLATE.format(**paths), encoding="utf-8")
    stats = pipeline.RunStats()
    brief = pipeline.make(Settings(registry=registry, offline=True), [FOLDER], stats=stats)
    return brief, stats.counts, render.to_json(brief)


def names(brief: Brief, article_ids: tuple[str, ...] | list[str]) -> set[str]:
    location = {s.article_id: Path(s.location).name for s in brief.sources}
    articles, _ = pipeline.read_articles([FOLDER])
    location.update({a.id: Path(a.location).name for a in articles})
    return {location[i] for i in article_ids}


def test_one_section_per_story_in_coverage_order(made: tuple[Brief, dict, str]) -> None:
    brief, _, _ = made
    assert [(names(brief, s.article_ids), s.publishers) for s in brief.stories[:2]] == [(WAGE, 3), (QUAKE, 3)]
    assert [s.story for s in brief.sections] == ["s1", "s2"]
    assert sorted(names(brief, s.article_ids).pop() for s in brief.stories[2:]) == sorted(SINGLES)


def test_no_section_mixes_stories_and_singles_are_only_also_noted(made: tuple[Brief, dict, str]) -> None:
    brief, _, _ = made
    stories = {s.id: set(s.article_ids) for s in brief.stories}
    for section in brief.sections:
        printed = [*section.bottom_line, *section.points]
        assert printed
        used = {sup.article_id for sentence in printed for sup in sentence.support}
        assert used <= stories[section.story]
    cited_by = {s.n: s.article_id for s in brief.sources}
    also = [names(brief, [cited_by[a.cites[0]]]).pop() for a in brief.also_noted]
    assert sorted(also) == sorted(SINGLES)
    assert not SINGLES & names(brief, [sup.article_id for sec in brief.sections for s in (*sec.bottom_line, *sec.points) for sup in s.support])


def test_title_is_the_lead_storys_real_headline(made: tuple[Brief, dict, str]) -> None:
    brief, _, _ = made
    lead = brief.sections[0]
    assert brief.title == lead.heading
    articles, _ = pipeline.read_articles([FOLDER])
    headlines = {a.title for a in articles if Path(a.location).name in WAGE}
    assert lead.heading_original in headlines
    # The earthquake section's heading is a real headline too, never the text dump's masthead.
    assert brief.sections[1].heading_original != "شبكة الساحل الإخبارية"
    assert brief.sections[1].heading_original in {a.title for a in articles if Path(a.location).name in QUAKE}


def test_every_printed_sentence_is_cited_and_sources_are_numbered_by_first_use(made: tuple[Brief, dict, str]) -> None:
    brief, _, _ = made
    markdown = render.to_markdown(brief)
    body = markdown.split(render.SOURCES_HEADING)[0]
    for line in body.splitlines():
        if line.startswith("- ") or (line and not line.startswith(("#", "*", "_"))):
            assert re.search(r"(\[\d+\])+$", line), line
    first_use = list(dict.fromkeys(int(n) for n in re.findall(r"\[(\d+)\]", body)))
    assert first_use == list(range(1, len(first_use) + 1))
    assert [s.n for s in brief.sources] == list(range(1, len(brief.sources) + 1))
    assert len({s.article_id for s in brief.sources}) == len(brief.sources)


def test_json_carries_stories_sections_checks_and_support(made: tuple[Brief, dict, str]) -> None:
    brief, counts, text = made
    data = json.loads(text)
    assert [s["id"] for s in data["stories"]] == ["s1", "s2", "s3", "s4", "s5"]
    assert [s["story"] for s in data["sections"]] == ["s1", "s2"]
    assert data["title"] == data["sections"][0]["heading"]
    for section in data["sections"]:
        assert section["heading_original"] and section["timeline"] == [] and section["differences"] == []
        for sentence in section["bottom_line"] + section["points"]:
            assert sentence["cites"] and sentence["checks"]
            assert all(set(c) == {"name", "passed", "why"} for c in sentence["checks"])
            assert sentence["cites"] == sorted({s["source"] for s in sentence["support"]})
            for support in sentence["support"]:
                article_id, index = support["sentence_id"].rsplit(":", 1)
                assert int(index) == support["index"] and article_id in {
                    a for story in data["stories"] for a in story["article_ids"]
                }
            for rejected in sentence["rejected"]:
                assert rejected["text"] and rejected["problems"]
    # The tiny summariser writes nonsense: its rewrites are refused, and kept with their problems.
    assert any(s["rejected"] for sec in data["sections"] for s in sec["bottom_line"] + sec["points"])
    assert [a["story"] for a in data["also_noted"]] == ["s3", "s4", "s5"]
    assert "bottom_line" not in data and "points" not in data  # the old flat shape is gone: sections carry them
    assert data["translated"] == {"texts": brief.translated, "cached": 0}
    assert counts["translated"] == brief.translated <= 60
    assert f"{brief.translated} texts translated" in data["signature"]
    assert counts["stories"] == 5 and counts["sections"] == 2


@pytest.mark.parametrize(
    ("title", "publisher", "real"),
    [
        ("رفع الحد الأدنى للأجور إلى 300 دينار", "صحيفة الغد", True),
        ("شبكة الساحل الإخبارية", None, False),  # a masthead
        ("سوريا برس (Syria Press)", None, False),
        ("صحيفة الغد", "صحيفة الغد", False),  # the publisher's name
        ("تابعونا على تلغرام لآخر الأخبار", None, False),  # a prompt
        ("أخبار", None, False),  # too short
        ("افتتاح معرض الشارقة الدولي للكتاب بمشاركة 2500 دار نشر", None, True),  # "بمشاركة" is not "شارك"
        ("مباراة كرة قدم في مدينة أخرى بعيدة جدا", None, False),  # nothing in common with the article
    ],
)
def test_real_headline(title: str, publisher: str | None, real: bool) -> None:
    body = (
        "قررت اللجنة الثلاثية رفع الحد الأدنى للأجور إلى 300 دينار شهريا في سوريا والأردن.",
        "وافتتح معرض الشارقة للكتاب بحضور 2500 دار نشر وساحل.",
    )
    article = Article("a", "a.txt", publisher, title, None, "ar", body)
    assert (real_headline(article) == title) is real


def test_copies_of_one_wire_story_count_once() -> None:
    articles, _ = pipeline.read_articles(sorted(FOLDER / name for name in WAGE))
    groups = dict(zip((Path(a.location).name for a in articles), independent_groups(articles)))
    assert groups["wage-ghad.txt"] == groups["wage-sabeel.txt"]
    assert len(set(groups.values())) == 3


# --- contrast: events of one kind in different places stay apart ----------------------------------------------

SPAIN = (
    "إسبانيا تقصي ألمانيا من ربع نهائي يورو 2024",
    "خطف ميرينو هدفا قاتلا ليمنح منتخب إسبانيا فوزا 2-1 على ألمانيا في ربع نهائي أمم أوروبا.",
    "وتعادل المنتخب الألماني في الدقيقة 89 قبل أن يحسم الإسبان المباراة.",
)
DUTCH = (
    "هولندا تقلب الطاولة على تركيا وتتأهل لنصف نهائي يورو 2024",
    "قلب المنتخب الهولندي تأخره أمام نظيره التركي إلى فوز 2-1 في ربع نهائي أمم أوروبا.",
    "وتقدمت تركيا في الدقيقة 35 قبل أن تعادل هولندا.",
)
TURNOUT = (
    "نسبة المشاركة في الانتخابات الرئاسية الإيرانية تبلغ 49.8 بالمئة",
    "أعلنت لجنة الانتخابات في إيران أن نسبة المشاركة في الجولة الثانية بلغت 49.8 بالمئة.",
)
RESULT = (
    "بزشكيان يفوز برئاسة إيران",
    "فاز المرشح الإصلاحي مسعود بزشكيان في الجولة الثانية من الانتخابات الرئاسية الإيرانية أمام سعيد جليلي.",
)


class SameVector:
    """An embedder that finds every text alike: only the contrast can keep two articles apart."""

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return np.ones((len(texts), 4), dtype=np.float32) / 2.0


def article(key: str, lines: tuple[str, ...], publisher: str) -> Article:
    return Article(key, f"{key}.txt", publisher, lines[0], None, "ar", lines[1:])


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("منتخب إسبانيا يفوز على ألمانيا", {"ES": 1, "DE": 1}),
        ("قلب المنتخب الهولندي تأخره أمام نظيره التركي", {"NL": 1, "TR": 1}),  # adjectives
        ("اعتذر الرئيس الروسي لنظيره الأذربيجاني وللسعودية والإماراتية", {"RU": 1, "AZ": 1, "SA": 1, "AE": 1}),
        ("تحطم طائرة في كوريا الجنوبية وحزن في الإسبانية", {"KR": 1, "ES": 1}),
        ("ترك الرجل المال المالي لأبنائه البنين", {}),  # ترك "left", مالي "financial", بنين "sons"
    ],
)
def test_places_in_reads_country_names_and_adjectives(text: str, places: dict[str, int]) -> None:
    assert dict(places_in(text)) == places


@pytest.mark.parametrize(
    ("lead", "other", "apart"),
    [
        ({"ES": 2, "DE": 2}, frozenset({"DE", "NL", "TR"}), True),  # half its mentions elsewhere, twice
        ({"NL": 2, "TR": 2, "DE": 1}, frozenset({"DE", "ES"}), True),
        ({"IL": 1}, frozenset({"LB", "PS"}), False),  # one passing mention is not evidence
        ({"IR": 3, "US": 2}, frozenset({"IR"}), False),  # mostly the same country
    ],
)
def test_elsewhere(lead: dict[str, int], other: frozenset[str], apart: bool) -> None:
    assert elsewhere(Counter(lead), other) is apart


def test_same_kind_events_in_different_places_are_two_stories() -> None:
    articles = [
        article("s1", SPAIN, "الشرق"),
        article("n1", DUTCH, "القيادي"),
        article("s2", SPAIN[:1] + SPAIN[2:] + SPAIN[1:2], "اليوم السابع"),
        article("n2", DUTCH[:1] + DUTCH[2:] + DUTCH[1:2], "ديلي سبورت"),
        article("t", TURNOUT, "المشهد"),
        article("r", RESULT, "أخبار 24"),
    ]
    pile = Pile(articles, SameVector())
    found = {frozenset(s.article_ids) for s in find_stories(pile)}
    # Turnout and result are two angles on one election: one story though their leads stress different things.
    assert found == {frozenset({"s1", "s2"}), frozenset({"n1", "n2"}), frozenset({"t", "r"})}
