"""Copies of one article become one source listing every place it was found (issue 3, point 7)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest

from brief.clean.duplicates import _bare_url, merge_duplicates
from brief.pipeline import read_articles
from brief.records import Article

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
STORY = (
    "أعلنت وزارة الصحة في غزة ارتفاع عدد الضحايا إلى 40 شخصا.",
    "وقال المتحدث باسم الوزارة إن فرق الإنقاذ ما زالت تبحث عن مفقودين.",
    "وأضاف أن المستشفيات تعاني من نقص حاد في الوقود والأدوية.",
    "ودعت الوزارة المنظمات الدولية إلى التدخل العاجل.",
    "وتأتي هذه التطورات بعد أسبوع من القصف المتواصل.",
)


def article(location: str, sentences: tuple[str, ...] = STORY, **fields: object) -> Article:
    from brief.clean import article_id

    base = Article(
        id=article_id(" ".join(sentences)),
        location=location,
        publisher=None,
        title=None,
        date=None,
        language="ar",
        sentences=sentences,
    )
    return dataclasses.replace(base, **fields)  # type: ignore[arg-type]


def test_identical_copies_become_one_source_with_every_place() -> None:
    merged = merge_duplicates([article("a.txt"), article("b.html"), article("https://x.example/1")])
    assert len(merged) == 1
    assert merged[0].location == "a.txt"
    assert merged[0].also_at == ("b.html", "https://x.example/1")


def test_a_copy_that_lost_a_paragraph_is_still_a_copy_and_the_fuller_text_is_kept() -> None:
    full = article("page.html", publisher="الجزيرة نت", date=dt.date(2024, 6, 20))
    text_copy = article("page.txt", STORY[:4], title="عنوان")
    merged = merge_duplicates([text_copy, full])
    assert len(merged) == 1
    (one,) = merged
    assert one.location == "page.txt" and one.also_at == ("page.html",)
    assert one.sentences == STORY  # the fuller text wins
    # Metadata known to either is kept: the first place's first, the copy's where the first has none.
    assert (one.title, one.publisher, one.date) == ("عنوان", "الجزيرة نت", dt.date(2024, 6, 20))


def test_a_wire_story_republished_by_two_sites_keeps_the_first_publisher() -> None:
    merged = merge_duplicates([article("a.html", publisher="Site A"), article("b.html", publisher="Site B")])
    assert [(a.publisher, a.also_at) for a in merged] == [("Site A", ("b.html",))]


def test_same_canonical_url_is_the_same_article_even_when_the_text_differs() -> None:
    first = article("saved.html", url="https://www.news.example/2024/06/story/?utm_source=feed")
    other = article("feed-item", STORY[:2], url="http://news.example/2024/06/story#comments")
    assert len(merge_duplicates([first, other])) == 1


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("https://www.x.example/a/", "http://x.example/a", True),
        ("https://x.example/a?utm_medium=rss&id=7", "https://x.example/a?id=7", True),
        ("https://x.example/article.php?id=7", "https://x.example/article.php?id=8", False),
        ("https://x.example/a#top", "https://X.example/a", True),
        ("https://x.example/a", "https://y.example/a", False),
    ],
)
def test_urls_are_compared_without_scheme_www_fragment_or_tracking(a: str, b: str, same: bool) -> None:
    assert (_bare_url(a) == _bare_url(b)) is same


@pytest.mark.parametrize(
    "other",
    [
        STORY[:2],  # too short to call a copy on shared lines alone
        STORY[:2] + ("جملة أخرى مختلفة تماما عن الخبر.", "وجملة ثالثة لا علاقة لها به.", "ورابعة كذلك."),
    ],
)
def test_articles_that_only_share_a_few_lines_stay_apart(other: tuple[str, ...]) -> None:
    assert len(merge_duplicates([article("a.txt"), article("b.txt", other)])) == 2


def test_the_five_seeds_are_five_different_reports_of_one_story() -> None:
    articles, _ = read_articles([SEEDS])
    assert len(articles) == 5 and all(not a.also_at for a in articles)


def test_reading_a_folder_with_a_copied_seed_gives_one_source_for_both(tmp_path: Path) -> None:
    seed = sorted(SEEDS.glob("*.txt"))[0]
    shutil.copy(seed, tmp_path / "original.txt")
    shutil.copy(seed, tmp_path / "copy.txt")
    articles, skipped = read_articles([tmp_path])
    assert skipped == []
    assert [(Path(a.location).name, [Path(p).name for p in a.also_at]) for a in articles] == [
        ("copy.txt", ["original.txt"])
    ]


def _random_pile(seed: int, n: int) -> list[Article]:
    """Articles drawn from a small pool of sentences and URLs, so copies, part-copies and near misses abound."""
    import random

    rng = random.Random(seed)
    pool = [f"جملة رقم {k} عن الخبر في المدينة." for k in range(12)]
    urls = [None, None, None, "https://x.example/a", "http://www.x.example/a/", "https://x.example/b"]
    pile = []
    for i in range(n):
        sentences = tuple(rng.sample(pool, rng.randint(1, 6)))
        pile.append(article(f"item{i}.txt", sentences, url=rng.choice(urls), publisher=rng.choice([None, "A", "B"])))
    return pile


@pytest.mark.parametrize("seed", range(6))
def test_the_indexed_merge_gives_exactly_the_all_pairs_result(seed: int) -> None:
    from brief.clean.duplicates import merge_duplicates_pairwise

    pile = _random_pile(seed, 60)
    indexed = merge_duplicates(pile)
    assert indexed == merge_duplicates_pairwise(pile)
    assert len(indexed) < len(pile)  # the pile does hold copies, so the comparison tested merging


def test_a_copy_is_found_among_thousands_of_distinct_articles() -> None:
    pile = [article(f"a{i}.txt", tuple(f"خبر {i} جملة {j}." for j in range(4))) for i in range(3000)]
    pile.append(article("copy.txt", pile[1234].sentences[:3]))
    merged = merge_duplicates(pile)
    assert len(merged) == 3000 and merged[1234].also_at == ("copy.txt",)
