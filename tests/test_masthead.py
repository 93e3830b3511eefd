"""The masthead at the top of a text dump: the outlet's name (publisher), never the headline."""

from __future__ import annotations

import datetime as dt

import pytest

from brief.clean import PUBLISHER, SLOGAN, clean_document
from brief.clean.masthead import bilingual_name, name_like
from brief.records import RawDocument

PARAGRAPHS = (
    "أعلنت الوزارة، اليوم الخميس، بدء العمل بالنظام الجديد في جميع المحافظات، مع زيادة عدد المنافذ.\n\n"
    "وقال المتحدث باسم الوزارة إن العمل يستمر حتى نهاية الشهر.\n"
)


def dump(top: str) -> RawDocument:
    return RawDocument("dump.txt", f"{top}\n\n{PARAGRAPHS}", "txt", "utf-8")


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("مصراوي (Masrawy)", "مصراوي"),
        ("الشروق | shorouknews.com", "الشروق"),
        ("عنب بلدي – Enab Baladi", "عنب بلدي"),
        ("Asharq Al-Awsat | الشرق الأوسط", "الشرق الأوسط"),
        ("هسبريس Hespress", "هسبريس"),
        ("القاهرة 24 (Cairo 24)", "القاهرة 24"),
        ("وكالة الأنباء السعودية (واس)", None),  # an Arabic bracket is part of the name
        ("Sky News عربية", None),  # one name in two scripts, not two names
        ("الدفاع التركية: شراكة عسكرية مع سوريا", None),
        ("تونس - الترفيع في أسعار الحليب والزيت", None),
    ],
)
def test_bilingual_name(line: str, name: str | None) -> None:
    assert bilingual_name(line) == name


@pytest.mark.parametrize(
    ("line", "expected"),
    [("الوطن نيوز", True), ("عربي21", True), ("Le360 عربي", True), ("صوت الشعب منذ 1967", False), ("12 يناير الوطن", False),
     ("تونس: الترفيع", False)],
)
def test_name_like(line: str, expected: bool) -> None:
    assert name_like(line) is expected


@pytest.mark.parametrize(
    ("top", "publisher", "title", "date"),
    [
        # headline-less excerpts: the masthead is the publisher and there is no headline
        ("مصراوي (Masrawy)\n\n2025-10-02", "مصراوي", None, dt.date(2025, 10, 2)),
        ("الوطن نيوز\n٢٤ تموز ٢٠٢٥ | ٠٦:١٥ م\n📢 تابعونا على تيليجرام", "الوطن نيوز", None, dt.date(2025, 7, 24)),
        ("Sky News عربية\n2025.03.18 - 01:41", "Sky News عربية", None, dt.date(2025, 3, 18)),
        # with a headline under the date line, or over the masthead
        ("الشروق | shorouknews.com\n2025-10-30 11:20 م\nالبنك المركزي يخفض أسعار الفائدة",
         "الشروق", "البنك المركزي يخفض أسعار الفائدة", dt.date(2025, 10, 30)),
        ("تعديلات جديدة على قانون الإيجار القديم\n\nبوابة الأهرام\n\n2025.06.29 - 18:20",
         "بوابة الأهرام", "تعديلات جديدة على قانون الإيجار القديم", dt.date(2025, 6, 29)),
        # a slogan between the name and the date goes with the masthead when a headline follows
        ("الدستور\nصوت الشعب منذ 1967\n2025-02-11\nارتفاع صادرات الأردن من الأسمدة",
         "الدستور", "ارتفاع صادرات الأردن من الأسمدة", dt.date(2025, 2, 11)),
        # a headline asked as a question is the headline, not the first paragraph
        ("الأيام | al-ayyam.ps\n2025/09/21\nهل تنجح خطة إعادة فتح المدارس قبل الشتاء؟",
         "الأيام", "هل تنجح خطة إعادة فتح المدارس قبل الشتاء؟", dt.date(2025, 9, 21)),
        # a place-and-date line is never the headline
        ("موقع القدس العربي\n\nعمّان – 8 أيار 2025", "موقع القدس العربي", None, dt.date(2025, 5, 8)),
    ],
    ids=["bracketed", "plain-over-date", "latin-arabic", "with-site", "headline-first", "slogan", "question",
         "place-date"],
)
def test_top_of_a_dump(top: str, publisher: str, title: str | None, date: dt.date) -> None:
    article = clean_document(dump(top))
    assert (article.publisher, article.title, article.date) == (publisher, title, date)
    assert not any(publisher in s or (title and title in s) for s in article.sentences)


def test_masthead_and_slogan_are_dropped_with_their_reason() -> None:
    article = clean_document(dump("الدستور\nصوت الشعب منذ 1967\n2025-02-11\nارتفاع صادرات الأردن من الأسمدة"))
    reasons = {d.line: d.reason for d in article.dropped}
    assert reasons["الدستور"] == PUBLISHER and reasons["صوت الشعب منذ 1967"] == SLOGAN


def test_a_short_line_over_a_date_lower_down_is_not_the_masthead() -> None:
    # A byline over the date, below the headline: the top of the page has no masthead.
    top = "Société\nالدار البيضاء: تقليص صبيب المياه ليلا\nسعيد الإدريسي\nالجمعة 9 ماي 2025 - 10:40"
    assert clean_document(dump(top)).publisher is None


@pytest.mark.parametrize(
    ("first", "date"),
    [
        ("الخرطوم 4 يونيو 2025 — قالت لجنة الأطباء إن 14 شخصا قتلوا في قصف على سوق شعبي.", dt.date(2025, 6, 4)),
        ("قالت لجنة الأطباء إن 14 شخصا قتلوا في قصف وقع في 4 يونيو 2025 على سوق شعبي.", None),  # narrative
    ],
)
def test_a_wire_dateline_dates_the_article_but_the_narrative_does_not(first: str, date: dt.date | None) -> None:
    doc = RawDocument("d.txt", f"عربي21 (Arabi21)\n\n{first}\n\n{PARAGRAPHS}", "txt", "utf-8")
    assert clean_document(doc).date == date


@pytest.mark.parametrize(
    "paragraph",
    [
        "قالت مصادر إن العمل في المحور سينتهي بنهاية العام بعد تنفيذ 85 بالمئة من الأعمال. إضافة إعلان",
        "قالت مصادر إن العمل في المحور سينتهي بنهاية العام بعد تنفيذ 85 بالمئة من الأعمال أضف إعلان",
    ],
)
def test_an_advert_label_run_into_a_paragraph_is_dropped(paragraph: str) -> None:
    article = clean_document(dump(f"القاهرة 24 (Cairo 24)\n\n2025-10-27\n\n{paragraph}"))
    assert not any("إعلان" in s for s in article.sentences)
    assert any(s.startswith("قالت مصادر") for s in article.sentences)
    assert article.title is None and article.publisher == "القاهرة 24"


@pytest.mark.parametrize(
    ("top", "publisher", "title"),
    [
        ("📰 البوابة نيوز\n2 أكتوبر 2025 05:30 م\nمحافظ الجيزة يتفقد أعمال الرصف", "البوابة نيوز",
         "محافظ الجيزة يتفقد أعمال الرصف"),
        ("الأنباء | صحيفة كويتية يومية\nالخميس 2 أكتوبر 2025\nمجلس الوزراء يقر خطة المطار", "الأنباء",
         "مجلس الوزراء يقر خطة المطار"),
        # a headline with a dash over the date line, under the masthead, stays the headline
        ("الوطن نيوز\nتونس - الترفيع في أسعار الحليب\n2025-10-05", "الوطن نيوز", "تونس - الترفيع في أسعار الحليب"),
    ],
)
def test_a_plain_masthead_loses_its_symbol_and_description(top: str, publisher: str, title: str) -> None:
    article = clean_document(dump(top))
    assert (article.publisher, article.title) == (publisher, title)


def test_a_short_headline_the_markup_declares_is_not_taken_for_a_masthead() -> None:
    html = ("<html><head><meta property='og:title' content='انقطاع الكهرباء في عدن'></head><body><article>"
            "<p>انقطاع الكهرباء في عدن</p><p>2025-04-07</p>"
            f"<p>{PARAGRAPHS.split(chr(10))[0]}</p><p>وقالت المؤسسة إن شحنة وقود ستصل خلال يومين.</p></article></body></html>")
    article = clean_document(RawDocument("p.html", html, "html", "utf-8"))
    assert article.title == "انقطاع الكهرباء في عدن" and article.publisher is None
