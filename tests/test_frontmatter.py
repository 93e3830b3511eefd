"""Tests for front matter in text and Markdown files (brief.clean.frontmatter) and its use by clean_document."""

from __future__ import annotations

import datetime as dt

import pytest

from brief import clean
from brief.clean import FrontMatter, clean_document, split_front_matter
from brief.records import Article, Dropped, RawDocument

BODY = (
    "الأردن يطلق مشروعا لتحلية المياه\n\n"
    "أعلنت الحكومة الأردنية إطلاق المرحلة الأولى من مشروع تحلية مياه البحر في مدينة العقبة.\n\n"
    "وقال وزير المياه إن المشروع سيوفر نحو 300 مليون متر مكعب من المياه سنويا.\n"
)
SENTENCES = (
    "أعلنت الحكومة الأردنية إطلاق المرحلة الأولى من مشروع تحلية مياه البحر في مدينة العقبة.",
    "وقال وزير المياه إن المشروع سيوفر نحو 300 مليون متر مكعب من المياه سنويا.",
)


def article(text: str, kind: str = "txt", **fields: object) -> Article:
    return clean_document(RawDocument("file", text, kind, "utf-8", **fields))  # type: ignore[arg-type]


def test_front_matter_overrides_the_heuristics() -> None:
    text = (
        "---\n"
        "title: تحلية المياه في العقبة\n"
        "publisher: صحيفة الأفق\n"
        "date: 2024-06-20\n"
        "url: https://alofoq.example/aqaba\n"
        "---\n" + BODY
    )
    got = article(text)
    assert (got.title, got.publisher, got.date, got.url) == (
        "تحلية المياه في العقبة", "صحيفة الأفق", dt.date(2024, 6, 20), "https://alofoq.example/aqaba"
    )
    assert got.sentences == SENTENCES
    assert [d.line for d in got.dropped if d.reason == clean.FRONT_MATTER] == [
        "---", "title: تحلية المياه في العقبة", "publisher: صحيفة الأفق", "date: 2024-06-20",
        "url: https://alofoq.example/aqaba", "---",
    ]


def test_without_front_matter_the_heuristics_still_work() -> None:
    got = article(BODY)
    assert got.title == "الأردن يطلق مشروعا لتحلية المياه"
    assert got.sentences == SENTENCES
    assert not any(d.reason == clean.FRONT_MATTER for d in got.dropped)


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("Title: عنوان\nSOURCE: وكالة الأنباء\nLink: https://x.example/1", FrontMatter("عنوان", "وكالة الأنباء", url="https://x.example/1")),
        ("headline: عنوان\nauthor: سامر الخطيب", FrontMatter("عنوان", byline="سامر الخطيب")),
        ('title: "الأردن: مشروع جديد"\npublisher: \'الأفق\'', FrontMatter("الأردن: مشروع جديد", "الأفق")),
        ("title: الأردن: مشروع جديد", FrontMatter("الأردن: مشروع جديد")),  # a colon in the value is fine
        ("title: عنوان\ntags:\n  - مياه\n  - الأردن\ncategories: [a, b]\nlayout: post", FrontMatter("عنوان")),
        ("# a comment\ntitle: عنوان\n\nunknown_key: anything", FrontMatter("عنوان")),
        ("title: الأول\ntitle: الثاني", FrontMatter("الأول")),  # the first one counts
        ("title:\npublisher: الأفق", FrontMatter(publisher="الأفق")),  # an empty value says nothing
    ],
)
def test_keys_and_values(block: str, expected: FrontMatter) -> None:
    front, lines, dropped = split_front_matter(f"---\n{block}\n---\nنص المقال.")
    assert front == expected
    assert lines == ["نص المقال."]
    assert [d.line for d in dropped][0] == "---" and all(d.reason == clean.FRONT_MATTER for d in dropped)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-06-20", dt.date(2024, 6, 20)),
        ("2024-06-20T08:15:00+03:00", dt.date(2024, 6, 20)),
        ("20/06/2024", dt.date(2024, 6, 20)),
        ("20 حزيران 2024", dt.date(2024, 6, 20)),
        ("٢٠ يونيو ٢٠٢٤", dt.date(2024, 6, 20)),
        ("June 20, 2024", dt.date(2024, 6, 20)),
        ("14 ذو الحجة 1445 هـ", dt.date(2024, 6, 20)),
        ('"2024-06-20"', dt.date(2024, 6, 20)),
        ("yesterday", None),  # unreadable: left out, not guessed
        ("31 شباط 2024", None),
    ],
)
def test_date_in_any_form_find_date_reads(value: str, expected: dt.date | None) -> None:
    front, _, _ = split_front_matter(f"---\ntitle: عنوان\ndate: {value}\n---\nنص.")
    assert front is not None and front.date == expected


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: عنوان\nنص المقال بلا نهاية للكتلة.",  # never closed
        "---\nهذا سطر عادي وليس مفتاحا\n---\nنص.",  # not key: value
        "---\nNote: this is not metadata\n---\nنص.",  # closed, but names nothing we read
        "نص أول\n---\ntitle: عنوان\n---\n",  # not at the top
        "---",
        "",
        "----\ntitle: عنوان\n----\nنص.",  # a longer rule is not the fence
    ],
)
def test_malformed_blocks_are_plain_text(text: str) -> None:
    front, lines, dropped = split_front_matter(text)
    assert (front, lines, dropped) == (None, text.split("\n"), [])


def test_malformed_block_is_cleaned_as_text_never_an_error() -> None:
    got = article("---\ntitle: عنوان\n" + BODY)
    assert got.sentences == SENTENCES
    assert not any(d.reason == clean.FRONT_MATTER for d in got.dropped)


def test_leading_blank_lines_byte_order_mark_and_crlf() -> None:
    text = "\ufeff\r\n\r\n---\r\ntitle: عنوان\r\ndate: 2024-06-20\r\n---\r\n" + BODY
    front, lines, _ = split_front_matter(text)
    assert front == FrontMatter("عنوان", date=dt.date(2024, 6, 20))
    assert lines[0] == BODY.split("\n")[0]


def test_yaml_end_marker_closes_the_block() -> None:
    front, lines, _ = split_front_matter("---\ntitle: عنوان\n...\nنص.")
    assert front == FrontMatter("عنوان") and lines == ["نص."]


def test_markdown_with_front_matter() -> None:
    text = "---\ntitle: تحلية المياه\nsource: الأفق\n---\n# الأردن يطلق مشروعا لتحلية المياه\n\n" + BODY.split("\n\n", 1)[1]
    got = article(text, kind="md")
    assert (got.title, got.publisher) == ("تحلية المياه", "الأفق")
    assert got.sentences == SENTENCES
    assert Dropped("# الأردن يطلق مشروعا لتحلية المياه", clean.FRONT_MATTER) not in got.dropped


def test_user_declared_publisher_wins_over_front_matter_and_feed_hints_fill_gaps() -> None:
    text = "---\npublisher: الأفق\n---\n" + BODY
    got = article(text, publisher="صحيفة الأفق الأردنية", date=dt.date(2024, 6, 21), url="https://alofoq.example/a")
    assert (got.publisher, got.date, got.url) == ("صحيفة الأفق الأردنية", dt.date(2024, 6, 21), "https://alofoq.example/a")
    assert got.title == "الأردن يطلق مشروعا لتحلية المياه"  # the text's headline comes before a feed's


def test_front_matter_author_is_the_byline() -> None:
    got = article("---\ntitle: عنوان\nauthor: سامر الخطيب\n---\n" + BODY)
    assert got.byline == "سامر الخطيب"
