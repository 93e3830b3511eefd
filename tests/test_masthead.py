"""The masthead at the top of a text dump: the outlet's name (publisher), never the headline."""

from __future__ import annotations

import datetime as dt

import pytest

from brief.clean import PUBLISHER, SLOGAN, clean_document
from brief.clean.masthead import bilingual_name, name_like
from brief.clean.repeats import clean_documents
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
        # the outlet and a place before the date, each with its dash; the outlet's name with a comma
        ("بوابة اوكرانيا – كييف 29 ديسمبر 2024 – قالت لجنة الأطباء إن 14 شخصا قتلوا في قصف.", dt.date(2024, 12, 29)),
        ("الإيطالية نيوز، الجمعة 5 يوليو 2024 - قالت لجنة الأطباء إن 14 شخصا قتلوا في قصف.", dt.date(2024, 7, 5)),
        # the lead says which day is today, with its year (and the weekday agrees)
        ("قالت لجنة الأطباء، اليوم الجمعة (28 آذار 2025)، إن 14 شخصا قتلوا في قصف.", dt.date(2025, 3, 28)),
        ("قالت لجنة الأطباء، اليوم السبت (28 آذار 2025)، إن 14 شخصا قتلوا في قصف.", None),  # 28 March was a Friday
        ("قالت لجنة الأطباء، اليوم الجمعة 28 آذار، إن 14 شخصا قتلوا في قصف.", None),  # no year, and no folder
        ("قالت لجنة الأطباء إن 14 شخصا قتلوا في قصف. ونُشر التقرير اليوم الجمعة (28 آذار 2025).", None),  # not the lead
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


# --- a site's address at the top; the folder's layout -------------------------------------------------------


@pytest.mark.parametrize(
    ("top", "publisher", "title", "date"),
    [
        # the address alone over the text, or over the date line: the site names itself so
        ("akhbarna.net", "akhbarna.net", None, None),
        ("www.alwasat-news.com.lb\n14 شباط, 2025", "www.alwasat-news.com.lb", None, dt.date(2025, 2, 14)),
        ("alrai-online.info\n2025/05/03", "alrai-online.info", None, dt.date(2025, 5, 3)),
        # under the headline
        ("وزير النقل يفتتح المرحلة الثانية من الطريق الدائري\nsabahnews.ma", "sabahnews.ma",
         "وزير النقل يفتتح المرحلة الثانية من الطريق الدائري", None),
        # an address written in Arabic letters
        ("الصباح.كوم", "الصباح.كوم", None, None),
    ],
    ids=["alone", "over-date", "info", "under-headline", "arabic-letters"],
)
def test_a_site_address_at_the_top_is_the_publisher(top: str, publisher: str, title: str | None,
                                                    date: dt.date | None) -> None:
    article = clean_document(dump(top))
    assert (article.publisher, article.title, article.date) == (publisher, title, date)
    assert not any(publisher in s for s in article.sentences)


def test_an_address_below_the_start_of_the_article_is_a_photo_credit_not_the_publisher() -> None:
    doc = RawDocument("d.txt", f"عنوان الخبر عن افتتاح الطريق الدائري\n\n{PARAGRAPHS}\nreuters.com\n\n"
                      "وأضاف أن الطريق يخدم أكثر من مليون مواطن يوميا.\n", "txt", "utf-8")
    article = clean_document(doc)
    assert article.publisher is None
    assert not any("reuters.com" in s for s in article.sentences)


def test_a_headline_ending_in_a_colon_is_a_lead_in_not_the_headline() -> None:
    article = clean_document(dump("akhbarna.net\n\nالقاهرة - الوكالة:"))
    assert article.title is None and article.publisher == "akhbarna.net"


def test_counts_in_bullets_are_not_a_menu_that_swallows_the_headline() -> None:
    top = "وزير النقل يفتتح المرحلة الثانية من الطريق الدائري\nsabahnews.ma\n\n• 12/29/2024\n• 00:00\n• 1\n• 0"
    article = clean_document(dump(top))
    assert article.title == "وزير النقل يفتتح المرحلة الثانية من الطريق الدائري"
    assert article.publisher == "sabahnews.ma"


FOLDER_BODIES = [
    "أعلنت وزارة الصحة إطلاق حملة للتطعيم ضد شلل الأطفال تستهدف 14 مليون طفل في جميع المحافظات.",
    "أعلن وزير النقل تشغيل أربع محطات جديدة في الخط الثالث لمترو الأنفاق الشهر المقبل.",
    "تعادل الأهلي مع الزمالك دون أهداف في قمة الدوري المصري الممتاز على ستاد القاهرة.",
    "قررت لجنة السياسة النقدية تثبيت أسعار الفائدة للمرة الثالثة على التوالي هذا العام.",
    "افتتح محافظ الجيزة مستشفى جديدا للأطفال بطاقة مئتي سرير في مدينة السادس من أكتوبر.",
    "أعلنت هيئة الأرصاد ارتفاع درجات الحرارة خلال الأيام المقبلة مع نشاط للرياح على السواحل.",
]


def _folder(tops: list[str]) -> list[RawDocument]:
    """A morning folder: one page per opening block, each over its own article."""
    return [
        RawDocument(f"morning/{i}.txt", f"{top}\n\n{FOLDER_BODIES[i]}\n", "txt", "utf-8") for i, top in enumerate(tops)
    ]


# Pages of this folder whose masthead is certain (an address, a name over its date line) put it last in the
# block the page opens with: the folder's pages are laid out so.
CLOSING = ["akhbarna.net", "الوطن اليوم\n2025/03/29", "وزير النقل يفتتح محطات جديدة للمترو\nsabahnews.ma"]


@pytest.mark.parametrize(
    ("top", "publisher", "title"),
    [
        ("صوت المدينة", "صوت المدينة", None),  # a bare name opening the page, alone in its block
        ("تعادل سلبي في قمة الدوري المصري بين الأهلي والزمالك\nالراصد", "الراصد",
         "تعادل سلبي في قمة الدوري المصري بين الأهلي والزمالك"),  # the headline over the name
    ],
)
def test_the_folder_layout_reads_a_bare_name_closing_the_opening_block_as_the_masthead(
    top: str, publisher: str, title: str | None
) -> None:
    *_, article = clean_documents(_folder([*CLOSING, top]))
    assert (article.publisher, article.title) == (publisher, title)
    assert not any(publisher in s for s in article.sentences)


def test_without_the_folder_layout_a_short_line_alone_stays_the_headline() -> None:
    # Certain mastheads here open a block that goes on with the headline: nothing says a bare line is a name.
    tops = ["akhbarna.net\nوزير النقل يفتتح محطات جديدة", "sabahnews.ma\nتثبيت أسعار الفائدة للمرة الثالثة",
            "alrai-online.info\nافتتاح مستشفى جديد للأطفال", "صوت المدينة"]
    *_, article = clean_documents(_folder(tops))
    assert (article.publisher, article.title) == (None, "صوت المدينة")


def test_the_folder_layout_needs_three_pages_that_show_it() -> None:
    *_, article = clean_documents(_folder([*CLOSING[:2], "صوت المدينة"]))
    assert (article.publisher, article.title) == (None, "صوت المدينة")
