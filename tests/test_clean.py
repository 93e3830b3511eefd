"""Tests for brief.clean: boilerplate removal, metadata, sentence splitting, dates and language.

The golden files in tests/golden/ were labelled by hand from the seeds (what a careful reader keeps as the
article's text), not dumped from the cleaner.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import re
from pathlib import Path

import pytest
from cli_runner import brief

from brief import clean
from brief.clean import (
    REPEATED,
    clean_document,
    find_date,
    identify_language,
    normalise_for_matching,
    prepare_for_translation,
    split_sentences,
)
from brief.clean.repeats import clean_documents, group_key, repeated_lines
from brief.errors import UnknownNameError
from brief.records import Article, Dropped, RawDocument

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
GOLDEN = Path(__file__).resolve().parent / "golden"


@functools.cache
def seed_article(stem: str) -> Article:
    path = ROOT / "seeds" / f"{stem}.txt"
    return clean_document(RawDocument(f"seeds/{path.name}", path.read_text(encoding="utf-8"), "txt", "utf-8"))


def text_article(text: str, kind: str = "txt") -> Article:
    return clean_document(RawDocument("test", text, kind, "utf-8"))


# --- the seeds against their hand-labelled golden files -------------------------------------------------


@pytest.mark.parametrize("stem", [p.stem for p in SEEDS])
def test_seed_matches_golden(stem: str) -> None:
    golden = json.loads((GOLDEN / f"{stem}.json").read_text(encoding="utf-8"))
    article = seed_article(stem)
    got = {
        "publisher": article.publisher,
        "title": article.title,
        "date": article.date.isoformat() if article.date else None,
        "sentences": list(article.sentences),
    }
    assert got == golden


def test_every_seed_has_a_golden_file() -> None:
    assert len(SEEDS) == 5
    assert {p.stem for p in SEEDS} == {p.stem for p in GOLDEN.glob("*.json")}


# Lines a reader must never see among the sentences, with the reason they are dropped.
BOILERPLATE = [
    ("000_3d61aafde4d34402", "شارك الخبر:", clean.SHARE),
    ("000_3d61aafde4d34402", "FacebookTwitterLinkedInEmail", clean.SHARE),
    ("000_3d61aafde4d34402", "شاهد ايضاً: الإسرائيليون يتظاهرون لإنهاء الحرب في غزة وإطلاق سراح الأسرى", clean.SEE_ALSO),
    ("000_3d61aafde4d34402", "شاهد ايضاً: ضحايا إسرائيل في غزة لا أسماء لهم في الإعلام الغربي. هذه أسماؤهم", clean.SEE_ALSO),
    ("000_3d61aafde4d34402", "أخبار ذات صلة", clean.RELATED),
    ("000_3d61aafde4d34402", "الجيش الإسرائيلي يستدعي قوات الاحتياط وسط مخاوف من نقص الأعداد وتراجع المعنويات", clean.RELATED),
    ("000_3d61aafde4d34402", "الشرق الأوسط", clean.RELATED),
    ("000_3d61aafde4d34402", "Loading...", clean.LOADING),
    ("000_3d61aafde4d34402", "الرئيسيةأخبارسياسةأعمالرياضةالعالمعلومصحةتسلية", clean.MENU),
    ("000_3d61aafde4d34402", "وورلد برس عربي logo", clean.LOGO),
    ("000_3d61aafde4d34402", "إدارة التهديدات الناشئة", clean.SUBHEADING),
    ("001_773aa3bfb7061611", "Facebook Share", clean.SHARE),
    ("001_773aa3bfb7061611", "طباعة", clean.SHARE),
    ("001_773aa3bfb7061611", "طباعة عودة للأعلى", clean.SHARE),
    ("001_773aa3bfb7061611", "اضافة تعليق", clean.COMMENT),
    ("001_773aa3bfb7061611", "* اكتب ناتج 1 + 7", clean.COMMENT),
    ("001_773aa3bfb7061611", "2025.03.18 - 01:41", clean.DATELINE),
    ("002_53188c940ec2cd34", "الكاتب: فريق العمل", clean.BYLINE),
    ("002_53188c940ec2cd34", "مشاركة:", clean.SHARE),
    ("002_53188c940ec2cd34", "اقرأ أيضاً:", clean.SEE_ALSO),
    ("002_53188c940ec2cd34", "ـــــــ ــ", clean.SEPARATOR),
    ("002_53188c940ec2cd34", "الدفاع التركية: شراكة عسكرية مع سوريا لبناء أمن إقليمي مستدام", clean.DUPLICATE_HEADLINE),
    ("002_53188c940ec2cd34", "تنسيق تركي–سوري في ملفات الدفاع والأمن", clean.SUBHEADING),
    ("003_bce8826c5a69b075", "مباشر", clean.NAVIGATION),
    ("003_bce8826c5a69b075", "56 خبر", clean.NAVIGATION),
    ("003_bce8826c5a69b075", "• خطة ترامب لإنهاء الحرب في غزة", clean.NAVIGATION),
    ("003_bce8826c5a69b075", "خطة ترامب لإنهاء الحرب في غزة", clean.NAVIGATION),
    ("003_bce8826c5a69b075", "الدفاع التركية تبحث إنشاء قاعدة لتدريب الجيش السوري", clean.DUPLICATE_HEADLINE),
    ("003_bce8826c5a69b075", "Gettyimages.ru", clean.CAPTION),
    ("003_bce8826c5a69b075", "المصدر: وكالات", clean.SOURCE),
    ("003_bce8826c5a69b075", "التعليقات", clean.RELATED),
    ("003_bce8826c5a69b075", "فرار 10 آلاف جندي أوكراني بسبب تقدم القوات الروسية في مقاطعة سومي", clean.RELATED),
    ("004_340583c581b75f44", "شاهد ايضاً: جبن وتواطؤ: العلاقة \"الخاصة\" لواشنطن مع إسرائيل", clean.SEE_ALSO),
    ("004_340583c581b75f44", "مقاتل يحمل بندقية في وضع الاستعداد، يرتدي خوذة ومعدات عسكرية، في خلفية طبيعية سورية، "
     "يعكس التعاون العسكري مع تركيا.", clean.CAPTION),
    ("004_340583c581b75f44", "تابع التفاصيل على وورلد برس عربي.", clean.TEASER),
    ("004_340583c581b75f44", "أهداف التعاون العسكري بين البلدين", clean.SUBHEADING),
    ("004_340583c581b75f44", "الرئيسيةأخبارسياسةأعمالرياضةالعالمعلومصحةتسلية", clean.MENU),
]


@pytest.mark.parametrize(("stem", "line", "reason"), BOILERPLATE)
def test_boilerplate_is_dropped_with_reason(stem: str, line: str, reason: str) -> None:
    article = seed_article(stem)
    assert not any(s in line for s in article.sentences)  # no piece of the line became a sentence
    assert any(d.reason == reason and line in d.line for d in article.dropped)


_FORBIDDEN = re.compile(
    r"شاهد ايضا|اقرا ايضا|اخبار ذات صله|^التعليقات$|facebook|twitter|^مشاركه|^شارك|طباعه|loading|الرئيسيه\S"
)


@pytest.mark.parametrize("stem", [p.stem for p in SEEDS])
def test_no_boilerplate_among_sentences(stem: str) -> None:
    article = seed_article(stem)
    assert article.sentences
    for sentence in article.sentences:
        assert not _FORBIDDEN.search(normalise_for_matching(sentence)), sentence
    assert all(d.line.strip() and d.reason for d in article.dropped)


@pytest.mark.parametrize("stem", [p.stem for p in SEEDS])
def test_every_line_is_kept_or_dropped_with_reason(stem: str) -> None:
    article = seed_article(stem)
    dropped = [d.line for d in article.dropped]
    lines = [ln.strip() for ln in (ROOT / "seeds" / f"{stem}.txt").read_text(encoding="utf-8").split("\n")]
    kept = [ln for ln in lines if ln and ln not in dropped]
    assert all(any(s in prepare_for_translation(ln) for s in article.sentences) for ln in kept)
    assert len(kept) + len(dropped) == sum(1 for ln in lines if ln)


@pytest.mark.parametrize("stem", [p.stem for p in SEEDS])
def test_seed_is_arabic_with_a_stable_id(stem: str) -> None:
    article = seed_article(stem)
    assert article.language == "ar"
    assert re.fullmatch(r"[0-9a-f]{12}", article.id)
    path = ROOT / "seeds" / f"{stem}.txt"
    moved = clean_document(RawDocument("/elsewhere/copy.txt", path.read_text(encoding="utf-8"), "txt", "utf-8"))
    assert moved.id == article.id


def test_id_depends_on_text_only() -> None:
    a = text_article("عنوان الخبر هنا\n\nوقعت تركيا وسوريا اتفاقية أمنية تهدف إلى تعزيز التعاون العسكري.")
    b = text_article("عنوان الخبر هنا\n\nوقعت تركيا   وسوريا اتفاقية أمنية تهدف إلى تعزيز التعاون العسكري.\n")
    c = text_article("عنوان الخبر هنا\n\nوقعت تركيا وسوريا اتفاقية أمنية تهدف إلى تعزيز التعاون الاقتصادي.")
    assert a.id == b.id != c.id


# --- sentence splitting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("قال الوزير، في بيان، إن الاتفاق مهم؛ وأضاف أنه سيوقع قريبا.", ["قال الوزير، في بيان، إن الاتفاق مهم؛ وأضاف أنه سيوقع قريبا."]),
        ("صدر في 2025.03.18 بيان. ثم نشر آخر.", ["صدر في 2025.03.18 بيان.", "ثم نشر آخر."]),
        ("بلغ النمو 3.5 في المئة. وهذا جيد.", ["بلغ النمو 3.5 في المئة.", "وهذا جيد."]),
        ("هل انتهت الحرب؟ لا أحد يعرف! ربما… لاحقا.", ["هل انتهت الحرب؟", "لا أحد يعرف!", "ربما…", "لاحقا."]),
        ('قال: "الأمر صعب. لكننا سنستمر." ثم غادر.', ['قال: "الأمر صعب. لكننا سنستمر."', "ثم غادر."]),
        ("قال: «انتهى الأمر. سنغادر». وصمت.", ["قال: «انتهى الأمر. سنغادر».", "وصمت."]),
        ("وقال “لن نتراجع.” وانصرف.", ["وقال “لن نتراجع.”", "وانصرف."]),
        ("التقى د. محمد مع أ. علي في عام 2011 م. لبحث الملف.", ["التقى د. محمد مع أ. علي في عام 2011 م. لبحث الملف."]),
        ("Dr. Smith met U.S. officials. They agreed.", ["Dr. Smith met U.S. officials.", "They agreed."]),
        ("J. R. Tolkien wrote it. It sold well.", ["J. R. Tolkien wrote it.", "It sold well."]),
        ("سطر أول.\n\nسطر ثان", ["سطر أول.", "سطر ثان"]),
        ("  ", []),
        ("... . !", []),
    ],
    ids=[
        "arabic-comma-semicolon", "dotted-date", "decimal", "question-exclamation-ellipsis", "straight-quotes",
        "guillemets", "curly-quote-after-stop", "arabic-abbreviations", "english-abbreviations", "initials",
        "newlines", "blank", "punctuation-only",
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


# --- normalisation -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وبـ“عزم مشترك”", "وب“عزم مشترك”"),
        ("٢٤ أكتوبر ٢٠٢٥", "24 أكتوبر 2025"),
        ("۱۴۰۳ سال", "1403 سال"),
        ("\u200fمرحبا\u200e \u202bبكم\u202c\u2067!\u2069\u200b", "مرحبا بكم!"),
        ("  كلمة\u00a0\u2002كلمة\n\tأخرى ", "كلمة كلمة أخرى"),
        ("تطورًا ملحوظًا إلى", "تطورًا ملحوظًا إلى"),  # spelling and diacritics kept
    ],
)
def test_prepare_for_translation(text: str, expected: str) -> None:
    assert prepare_for_translation(text) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("شاهد أيضاً", "شاهد ايضا"),
        ("إلى مدرسة", "الي مدرسه"),
        ("آذار ٢٠٢٥", "اذار 2025"),
        ("عُقِد الاجتماع", "عقد الاجتماع"),
        ("Facebook  SHARE", "facebook share"),
    ],
)
def test_normalise_for_matching(a: str, b: str) -> None:
    assert normalise_for_matching(a) == normalise_for_matching(b) == b


# --- dates ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("● أخبار سورية ٢٤ أكتوبر ٢٠٢٥", dt.date(2025, 10, 24)),
        ("2025.03.18 - 01:41", dt.date(2025, 3, 18)),
        ("2025-03-18T01:41:00+03:00", dt.date(2025, 3, 18)),
        ("18/03/2025", dt.date(2025, 3, 18)),
        ("الثلاثاء 8 ديسمبر/كانون الأول 2024", dt.date(2024, 12, 8)),
        ("14 كانون الثاني 2025", dt.date(2025, 1, 14)),
        ("٤ شباط ٢٠٢٥", dt.date(2025, 2, 4)),
        ("۱۵ آذار ۲۰۲۴", dt.date(2024, 3, 15)),
        ("1 تشرين الأول، 2023", dt.date(2023, 10, 1)),
        ("22 أيار (مايو) 2022", dt.date(2022, 5, 22)),
        ("March 18, 2025", dt.date(2025, 3, 18)),
        ("في 10 مارس الجاري", None),
        ("31 فبراير 2025", None),
        ("كأس أمم إفريقيا 2025", None),
    ],
)
def test_find_date(text: str, expected: dt.date | None) -> None:
    assert find_date(text) == expected


BODY = (
    "وقالت مصادر أمنية إن الاستعدادات لمثل هذه العملية قد اكتملت بالفعل في حالة فشل الاتفاق.\n\n"
    "وأضافت المصادر أن الاجتماع المقبل سيبحث تفاصيل التعاون العسكري بين البلدين."
)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("عنوان الخبر عن التعاون\nالثلاثاء ١٨ آذار ٢٠٢٥ - 10:30\n", dt.date(2025, 3, 18)),
        ("عنوان الخبر عن التعاون\nنشر في: 18 كانون الأول 2024\n", dt.date(2024, 12, 18)),
        ("عنوان الخبر عن التعاون\nصحيفة الوطن | 2024/12/18\n", dt.date(2024, 12, 18)),
        # The only date is in the photo caption: the publication date stays unknown.
        ("عنوان الخبر عن التعاون\nمقاتل يحمل بندقية في الخلفية.\nفي هذه الصورة، التي التُقطت في 18 ديسمبر 2023، "
         "يتدرب مقاتل (أ ف ب/رامي السيد)\n", None),
        ("عنوان الخبر عن التعاون\nالوزراء في أنقرة بتاريخ 13 أغسطس 2025 (صورة من وزارة الخارجية)\n", None),
        # Only in the narrative.
        ("عنوان الخبر عن التعاون\nوقعت الاتفاقية في 13 أغسطس 2025 خلال زيارة الوفد إلى أنقرة.\n", None),
    ],
    ids=["levantine-arabic-indic", "levantine-label", "slashed-with-publisher", "caption", "caption-credit", "narrative"],
)
def test_publication_date_comes_from_the_header_only(header: str, expected: dt.date | None) -> None:
    article = text_article(header + "\n" + BODY)
    assert article.date == expected
    assert article.title == "عنوان الخبر عن التعاون"


def test_dateline_gives_publisher_and_is_dropped() -> None:
    article = text_article("عنوان الخبر عن التعاون\n● أخبار سورية ٢٤ أكتوبر ٢٠٢٥\n\n" + BODY)
    assert (article.publisher, article.date) == ("أخبار سورية", dt.date(2025, 10, 24))
    assert Dropped("● أخبار سورية ٢٤ أكتوبر ٢٠٢٥", clean.DATELINE) in article.dropped
    assert article.sentences == tuple(split_sentences(BODY))


# --- content that looks like boilerplate but is kept ---------------------------------------------------


def test_colon_intro_quote_and_list_items_are_kept() -> None:
    article = text_article(
        "عنوان الخبر عن التعاون\n\n"
        "وأضاف الوزير في مؤتمر صحفي عقده في العاصمة، قائلًا:\n\n"
        '"سنواصل العمل".\n\n'
        "وتشمل الخطة ما يلي:\n"
        "- تدريب القوات.\n"
        "• دعم فني\n\n"
        "محور جديد للتعاون\n"
        + BODY
    )
    assert article.sentences[:5] == (
        "وأضاف الوزير في مؤتمر صحفي عقده في العاصمة، قائلًا:",
        '"سنواصل العمل".',
        "وتشمل الخطة ما يلي:",
        "تدريب القوات.",
        "دعم فني",
    )
    assert Dropped("محور جديد للتعاون", clean.SUBHEADING) in article.dropped


def test_text_without_headline_has_no_title() -> None:
    article = text_article(BODY)
    assert article.title is None
    assert article.sentences == tuple(split_sentences(BODY))


@pytest.mark.parametrize(
    ("top", "title", "dropped"),
    [
        # The site's name above the headline is the publisher, not navigation.
        ("الجزيرة نت\nالرئيس يزور أنقرة لبحث التعاون العسكري\n", "الرئيس يزور أنقرة لبحث التعاون العسكري",
         Dropped("الجزيرة نت", clean.PUBLISHER)),
        ("الرئيسية | أخبار | سياسة\nالرئيس يزور أنقرة لبحث التعاون العسكري\n", "الرئيس يزور أنقرة لبحث التعاون العسكري",
         Dropped("الرئيسية | أخبار | سياسة", clean.MENU)),
        ("الرئيس يزور أنقرة لبحث التعاون العسكري\nالقاهرة - 12 مارس 2025\n", "الرئيس يزور أنقرة لبحث التعاون العسكري",
         Dropped("القاهرة - 12 مارس 2025", clean.DATELINE)),
        ("هل تنجح الزيارة؟\n", "هل تنجح الزيارة؟", Dropped("هل تنجح الزيارة؟", clean.TITLE)),
    ],
    ids=["site-name-above", "breadcrumb", "place-dateline", "question-headline"],
)
def test_headline_choice(top: str, title: str, dropped: Dropped) -> None:
    article = text_article(top + "\n" + BODY)
    assert article.title == title
    assert dropped in article.dropped
    assert article.sentences == tuple(split_sentences(BODY))


# --- language ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("قالت وزارة الدفاع التركية إن أنقرة ستقيم تعاوناً عسكرياً مع الإدارة السورية الجديدة.", "ar"),
        ("The Turkish defence ministry said Ankara would build military cooperation with Syria.", "en"),
        ("", "und"),
        ("  12 .. 34 ", "und"),
    ],
)
def test_identify_language(text: str, language: str) -> None:
    assert identify_language(text) == language


def test_english_article() -> None:
    article = text_article(
        "Turkey and Syria sign a defence pact\n\nShare\n\n"
        "Turkey signed a security agreement with Syria on Thursday, a defence ministry source said. "
        "The deal covers training and equipment.\n\nRead also: Something else entirely\n"
    )
    assert article.language == "en"
    assert article.title == "Turkey and Syria sign a defence pact"
    assert article.sentences == (
        "Turkey signed a security agreement with Syria on Thursday, a defence ministry source said.",
        "The deal covers training and equipment.",
    )


# --- HTML and Markdown ---------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
  <meta charset="utf-8">
  <title>تركيا وسوريا توقعان اتفاقية أمنية | الموقع الإخباري</title>
  <meta property="og:site_name" content="الموقع الإخباري">
  <meta property="og:title" content="تركيا وسوريا توقعان اتفاقية أمنية">
  <meta property="article:published_time" content="2025-08-14T09:30:00+03:00">
  <style>body { direction: rtl; }</style>
  <script>var tracking = "شاهد ايضاً: لا شيء";</script>
</head>
<body>
  <header><a href="/">الرئيسية</a> <a href="/news">أخبار</a></header>
  <nav><ul><li>سياسة</li><li>اقتصاد</li><li>رياضة</li></ul></nav>
  <article>
    <h1>تركيا وسوريا توقعان اتفاقية أمنية</h1>
    <time datetime="2025-08-13">13 أغسطس 2025</time>
    <p>قال مصدر في وزارة الدفاع التركية إن تركيا وقعت اتفاقية أمنية مع سوريا. وتشمل الاتفاقية التدريب
       وتقديم الاستشارات.</p>
    <figure><img src="x.jpg" alt="صورة"><figcaption>الوزيران في أنقرة (أ ف ب)</figcaption></figure>
    <p>وأضاف المصدر أن الاتفاق <b>خطوة أولى</b> نحو تعاون أوسع بين البلدين.</p>
    <p>شاهد ايضاً: <a href="/other">خبر آخر لا علاقة له</a></p>
    <div class="share">شارك الخبر:</div>
  </article>
  <aside><h3>الأكثر قراءة</h3><p>خبر جانبي طويل لا يخص هذا المقال أبدا وليس منه في شيء.</p></aside>
  <form><label>اضافة تعليق</label><textarea></textarea></form>
  <footer>جميع الحقوق محفوظة للموقع الإخباري 2025.</footer>
  <script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2025-08-12"}</script>
</body>
</html>
"""


def test_html_page() -> None:
    article = text_article(PAGE, kind="html")
    assert article.publisher == "الموقع الإخباري"
    assert article.title == "تركيا وسوريا توقعان اتفاقية أمنية"
    assert article.date == dt.date(2025, 8, 14)
    assert article.sentences == (
        "قال مصدر في وزارة الدفاع التركية إن تركيا وقعت اتفاقية أمنية مع سوريا.",
        "وتشمل الاتفاقية التدريب وتقديم الاستشارات.",
        "وأضاف المصدر أن الاتفاق خطوة أولى نحو تعاون أوسع بين البلدين.",
    )
    assert article.language == "ar"
    assert {d.reason for d in article.dropped} >= {clean.TITLE, clean.SEE_ALSO, clean.SHARE}


@pytest.mark.parametrize(
    ("extra_head", "expected"),
    [
        ('<script type="application/ld+json">{"@graph": [{"datePublished": "2024-12-08T10:00:00Z"}]}</script>',
         dt.date(2024, 12, 8)),
        ("", dt.date(2025, 1, 2)),  # from <time datetime>
    ],
)
def test_html_date_fallbacks(extra_head: str, expected: dt.date) -> None:
    page = (
        f"<html><head>{extra_head}</head><body><h1>عنوان الخبر هنا</h1>"
        f'<time datetime="2025-01-02">٢ يناير</time><p>{BODY}</p></body></html>'
    )
    if extra_head:
        page = page.replace('<time datetime="2025-01-02">٢ يناير</time>', "")
    article = text_article(page, kind="html")
    assert article.date == expected
    assert article.title == "عنوان الخبر هنا"


def test_unknown_html_extractor_lists_valid_names() -> None:
    with pytest.raises(UnknownNameError, match="lxml"):
        clean_document(RawDocument("x.html", PAGE, "html", "utf-8"), html_extractor="nope")


def test_markdown() -> None:
    article = text_article(
        "# تركيا وسوريا توقعان اتفاقية\n\n![صورة الوزيرين](img.jpg)\n\n"
        "قال مصدر إن **تركيا** وقعت [اتفاقية أمنية](http://example.com) مع سوريا أمس في أنقرة.\n\n"
        "## خلفية الاتفاق\n\n" + BODY,
        kind="md",
    )
    assert article.title == "تركيا وسوريا توقعان اتفاقية"
    assert article.sentences[0] == "قال مصدر إن تركيا وقعت اتفاقية أمنية مع سوريا أمس في أنقرة."
    assert {d.reason for d in article.dropped} >= {clean.IMAGE, clean.SUBHEADING}


# --- site furniture between the paragraphs ---------------------------------------------------------------

FIRST, SECOND = BODY.split("\n\n")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("إعلان", clean.ADVERT),
        ("اضافة اعلان", clean.ADVERT),
        ("Advertisement", clean.ADVERT),
        ("تابعونا على فيسبوك وإنستغرام وتويتر", clean.SOCIAL),
        ("لايك لصفحتنا على فيسبوك", clean.SOCIAL),
        ("انضم لقناتنا على تيليجرام", clean.SOCIAL),
        ("📌 تابع قناة الموقع على واتساب", clean.SOCIAL),
        ("للاشتراك في خدمة الأخبار عبر الواتساب أرسل كلمة اشتراك إلى الرقم 96890000000", clean.SOCIAL),
        ("Follow us on X", clean.SOCIAL),
        ("لمتابعة آخر أخبار مصر اضغط هنا", clean.PROMO),
        ("حمل تطبيق الموقع على هاتفك وتابع الأخبار لحظة بلحظة", clean.PROMO),
        ("اشترك في نشرتنا البريدية ليصلك أهم الأخبار يوميا على بريدك الإلكتروني.", clean.NEWSLETTER),
        ("النشرة البريدية", clean.NEWSLETTER),
        ("Get the top stories delivered to your inbox every morning.", clean.NEWSLETTER),
        ("يستخدم هذا الموقع ملفات تعريف الارتباط (الكوكيز) لتحسين تجربتك. باستمرارك في التصفح فإنك توافق على "
         "سياسة الخصوصية.", clean.COOKIE),
        ("We use cookies to improve your experience on our site.", clean.COOKIE),
        ("جميع الحقوق محفوظة لبوابة النيل © 2025", clean.COPYRIGHT),
        ("© 2025 The Gulf Ledger. All rights reserved.", clean.COPYRIGHT),
        ("يمنع نسخ أو إعادة نشر المحتوى دون إذن خطي من إدارة الموقع.", clean.COPYRIGHT),
        ("المقالات المنشورة تعبر عن آراء كتابها ولا تعبر بالضرورة عن رأي الموقع.", clean.DISCLAIMER),
        ("الوسوم: الأرصاد أمطار السيول", clean.TAGS),
        ("كلمات مفتاحية: الخبز، وزارة الاقتصاد، الأفران", clean.TAGS),
        ("Topics: Energy Oman Iran", clean.TAGS),
        ("#السودان #الكوليرا #الخرطوم", clean.TAGS),
        ("ع.م / ح.س", clean.SIGN_OFF),
        ("(انتهى)", clean.SIGN_OFF),
        ("[صورة المقال]", clean.IMAGE),
        ("الرئيسيةأخبار مصرحوادثرياضةاقتصاد", clean.MENU),
        ("AccueilPolitiqueÉconomieSociétéSport", clean.MENU),
        ("Accueil Nationale Monde Économie Sport Culture", clean.MENU),
        ("الرئيسية » أخبار مصر", clean.NAVIGATION),
        ("منذ ساعتين", clean.NAVIGATION),
        ("محطة وقود بالجيزة - أرشيفية", clean.CAPTION),
        ("(أرشيف المشرق)", clean.CAPTION),
        ("تصوير: أحمد علي", clean.CAPTION),
        ("Oil storage tanks at Ceyhan port. Photo: AFP", clean.CAPTION),
        ("شارك عبر واتساب", clean.SHARE),
        ("Partager : Facebook Twitter WhatsApp", clean.SHARE),
        ("Lire aussi : Le prix de l'huile d'olive en baisse", clean.SEE_ALSO),
    ],
)
def test_site_furniture_is_dropped_with_reason(line: str, reason: str) -> None:
    article = text_article(f"عنوان الخبر عن التعاون\n\n{FIRST}\n\n{line}\n\n{SECOND}")
    assert Dropped(line, reason) in article.dropped
    assert article.sentences == tuple(split_sentences(BODY))


@pytest.mark.parametrize(
    "line",
    [
        "كان يوما صعبا.",  # a short one-sentence paragraph
        "«زحلة قالت كلمتها».",  # a one-line quote
        "يكفي.",
        "وارتفعت مبيعات الكوكيز والبسكويت بنسبة 12 في المئة خلال رمضان.",  # cookies, but not a cookie notice
        "وأكد أن جميع الحقوق محفوظة للمودعين وفق القانون.",  # not a copyright notice
        "وقال المذيع في النشرة الإخبارية المسائية إن الحكومة ستجتمع غدا.",  # not a newsletter box
        "تابع الوزير حديثه عبر قناة محلية قائلا إن الأزمة ستنتهي.",  # "he went on", not "follow us"
        "Follow-up talks are planned for next week.",
        "By March 18, 2025, all companies must comply with the new rules.",  # not a byline
        "وسيطر الأهلي على مجريات الشوط الأول، وأهدر مهاجمه فرصتين محققتين للتسجيل",  # running text, no full stop
    ],
)
def test_content_that_looks_like_furniture_is_kept(line: str) -> None:
    article = text_article(f"عنوان الخبر عن التعاون\n\n{FIRST}\n\n{line}\n\n{SECOND}")
    assert article.sentences == (FIRST, *split_sentences(line), SECOND)


def test_list_of_figures_without_bullets_is_kept() -> None:
    # What an HTML list looks like once extracted: one item a line, blank lines between, no bullets.
    items = ["الإيرادات: 1184 مليار ريال", "النفقات: 1285 مليار ريال", "العجز: 101 مليار ريال"]
    text = "\n\n".join(["عنوان الخبر عن الميزانية", FIRST, "وجاءت أبرز أرقام الميزانية كما يلي:", *items, SECOND])
    article = text_article(text)
    assert article.sentences == (FIRST, "وجاءت أبرز أرقام الميزانية كما يلي:", *items, SECOND)


def test_list_items_shaped_alike_are_kept_and_a_heading_after_a_tight_list_is_not() -> None:
    text = (
        "عنوان الخبر عن الغرامات\n\n" + FIRST + "\n\nCompanies that break the rule face the following penalties:\n"
        "A fine for each worker made to work\nA lower classification for the company\n\nNew rules next year\n\n"
        + SECOND
    )
    article = text_article(text)
    assert "A lower classification for the company" in article.sentences
    assert Dropped("New rules next year", clean.SUBHEADING) in article.dropped


def test_question_headings_of_an_explainer_are_dropped_but_interview_questions_kept() -> None:
    article = text_article(
        "Midday work ban returns\n\nWhat are the hours?\n\n"
        "Outdoor work under direct sunlight is banned between 12.30pm and 3pm every day.\n\n"
        "Q: Will flights be affected?\n\nNo, the current airport will keep working at full capacity for now.\n"
    )
    assert Dropped("What are the hours?", clean.SUBHEADING) in article.dropped
    assert "Q: Will flights be affected?" in article.sentences


# --- bylines, credits and page metadata ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "byline", "date"),
    [
        ("كتب - محمد عبد الحليمالجمعة، 18 أكتوبر 2024 08:15 ص", "محمد عبد الحليم", dt.date(2024, 10, 18)),
        ("كتبت ريتا خوري | الثلاثاء ١٤ كانون الثاني ٢٠٢٥ | ١٠:٣٠", "ريتا خوري", dt.date(2025, 1, 14)),
        ("By Sarah Khan, Senior Business ReporterPublished: Mon 10 Feb 2025, 8:15 AM", "Sarah Khan",
         dt.date(2025, 2, 10)),
        ("بقلم: سمير الحسيني", "سمير الحسيني", None),
        ("حاوره: سالم الكعبي", "سالم الكعبي", None),
        ("كتبت - نورهان سعيد", "نورهان سعيد", None),
    ],
)
def test_byline_is_metadata(line: str, byline: str, date: dt.date | None) -> None:
    article = text_article(f"عنوان الخبر عن التعاون\n{line}\n\n{BODY}")
    assert (article.byline, article.date) == (byline, date)
    assert Dropped(line, clean.BYLINE) in article.dropped
    assert article.sentences == tuple(split_sentences(BODY))


def test_source_credit_is_metadata() -> None:
    article = text_article(f"عنوان الخبر عن التعاون\n\n{BODY}\n\nالمصدر: وكالة أنباء الضاد\n")
    assert article.credit == "وكالة أنباء الضاد"
    assert Dropped("المصدر: وكالة أنباء الضاد", clean.SOURCE) in article.dropped


def test_line_of_page_metadata_gives_the_date() -> None:
    line = "مسقط - العمانية نشر في: 4 مارس 2025 المشاهدات: 1,245"
    article = text_article(f"عنوان الخبر عن التعاون\n{line}\n\n{BODY}")
    assert article.date == dt.date(2025, 3, 4)
    assert Dropped(line, clean.DATELINE) in article.dropped


def test_a_labelled_publication_date_wins_over_an_unlabelled_timestamp() -> None:
    # A crawl timestamp at the top, the publication date labelled under the headline.
    text = (f"عرب خبر\n\nموقع 24:\n2025-04-01@12:32:48 GMT\n\nعنوان الخبر عن التعاون\n\n"
            f"تاريخ النشر: 30th, March 2025 GMT\n\n{BODY}")
    assert text_article(text).date == dt.date(2025, 3, 30)
    # A byline's date above the labelled one likewise.
    text = f"عنوان الخبر عن التعاون\nكتب - محمد علي الجمعة، 18 أكتوبر 2024\nنشر في: 19 أكتوبر 2024\n\n{BODY}"
    assert text_article(text).date == dt.date(2024, 10, 19)


def test_section_label_printed_twice_is_not_the_headline() -> None:
    article = text_article(f"أخبار لبنان\nأخبار لبنان\nمطار بيروت يسجل ارتفاعا في عدد المسافرين\n\n{BODY}")
    assert article.title == "مطار بيروت يسجل ارتفاعا في عدد المسافرين"


def test_site_name_at_the_top_of_a_copied_page_is_the_publisher() -> None:
    article = text_article(f"السودان الآن\nالرئيسية\nأخبار السودان\nعنوان الخبر عن التعاون\n\n{BODY}")
    assert article.publisher == "السودان الآن"
    assert article.title == "عنوان الخبر عن التعاون"


def test_headline_alone_at_the_top_is_not_the_publisher() -> None:
    article = text_article(f"عنوان الخبر\n\n{BODY}")
    assert (article.title, article.publisher) == ("عنوان الخبر", None)


# --- text dumps: lynx and hard-wrapped lines --------------------------------------------------------------

LYNX = """   [1]Skip to content
   [2]The Gulf Ledger

     * [3]UAE
     * [4]Business

Oman and Iran agree to revive gas pipeline project

   Oman and Iran have agreed to revive a long-delayed project to pipe Iranian
   gas across the Gulf of Oman, the two governments said on Tuesday.

   The project was first agreed in 2013 but stalled because of [5]US
   sanctions on Iran's energy sector. Officials did not say how the new plan
   would deal with those sanctions.

References

   Visible links:
   1. https://www.gulfledger.com/#main
   2. https://www.gulfledger.com/
   3. https://www.gulfledger.com/uae
   4. https://www.gulfledger.com/business
   5. https://www.gulfledger.com/topics/sanctions
"""


def test_lynx_dump_is_unwrapped_and_its_link_numbers_and_list_dropped() -> None:
    article = text_article(LYNX)
    assert article.sentences == (
        "Oman and Iran have agreed to revive a long-delayed project to pipe Iranian gas across the Gulf of Oman, "
        "the two governments said on Tuesday.",
        "The project was first agreed in 2013 but stalled because of US sanctions on Iran's energy sector.",
        "Officials did not say how the new plan would deal with those sanctions.",
    )
    assert article.title == "Oman and Iran agree to revive gas pipeline project"
    assert Dropped("1. https://www.gulfledger.com/#main", clean.LINK_LIST) in article.dropped


def test_unwrapping_and_link_numbers_leave_pasted_text_alone() -> None:
    # Short lines one under the other that were never wrapped, and bracketed numbers that are not lynx's
    # (lynx numbers every link 1, 2, 3 ... in order).
    marked = "وقال التقرير [2]إن الإنفاق ارتفع [5]بنسبة كبيرة [9]خلال العام."
    text = "عنوان الخبر عن التعاون\nالقاهرة - 12 مارس 2025\n" + FIRST + "\n" + marked + "\n" + SECOND + "\n"
    article = text_article(text)
    assert article.sentences == (FIRST, marked, SECOND)
    assert article.date == dt.date(2025, 3, 12)


# --- lines a publisher repeats on every page -------------------------------------------------------------

SLOGAN = "بوابة النيل موقع إخباري مصري مستقل يقدم تغطية شاملة لأخبار مصر والعالم العربي على مدار الساعة"
SHARED = "ويعيش المغرب على وقع جفاف متواصل للسنة السادسة على التوالي، ما أثر على الموارد المائية والإنتاج الفلاحي."


def test_repeated_lines_counts_pages_within_a_group() -> None:
    pages = [
        ("a", ["شعار الموقع هنا", "سطر أول مختلف"]),
        ("a", ["شعار الموقع هنا", "شعار الموقع هنا", "سطر ثان مختلف"]),  # twice on one page is one page
        ("a", ["شعار الموقع هنا"]),
        ("b", ["شعار الموقع هنا", "سطر مختلف"]),
        ("b", ["قائمة الموقع الأخرى"]),
        ("b", ["قائمة الموقع الأخرى"]),
    ]
    assert repeated_lines(pages) == {normalise_for_matching("شعار الموقع هنا")}
    assert repeated_lines(pages, min_pages=2) == {
        normalise_for_matching("شعار الموقع هنا"),
        normalise_for_matching("قائمة الموقع الأخرى"),
    }


@pytest.mark.parametrize(
    "line",
    [
        SHARED,  # a sentence: a republished wire paragraph or stock background, the article's text each time
        "وأضاف الوزير في المؤتمر:",  # a lead-in
        "- البنزين 92: 15.25 جنيه للتر",  # a figure in a list: weekly price lists repeat honestly
        "ويشهد السودان منذ أبريل 2023 حربا بين الجيش وقوات الدعم السريع، أدت إلى نزوح الملايين",  # no full stop
    ],
)
def test_repeated_lines_leaves_sentences_lead_ins_and_figures(line: str) -> None:
    assert repeated_lines([("a", [line])] * 4) == frozenset()


def test_repeated_lines_wants_at_least_two_pages() -> None:
    with pytest.raises(ValueError, match="min_pages"):
        repeated_lines([], min_pages=1)


# Three articles of one publisher's day, each a sentence of its own.
THREE_BODIES = [
    "أعلنت وزارة الصحة إطلاق حملة للتطعيم ضد شلل الأطفال تستهدف 14 مليون طفل في جميع المحافظات.",
    "أعلن وزير النقل تشغيل أربع محطات جديدة في الخط الثالث لمترو الأنفاق الشهر المقبل.",
    "تعادل الأهلي مع الزمالك دون أهداف في قمة الدوري المصري الممتاز على ستاد القاهرة.",
]


def test_clean_documents_drops_what_a_publisher_repeats_and_keeps_order() -> None:
    bodies = THREE_BODIES
    docs = [
        RawDocument(f"saved/nile/{i}.txt", f"عنوان الخبر رقم {i} هنا\n\n{body}\n\n{SHARED}\n\n{SLOGAN}\n", "txt", "utf-8")
        for i, body in enumerate(bodies)
    ]
    alone = clean_document(docs[0])
    assert SLOGAN in alone.sentences  # one page cannot tell the site's blurb from text without a full stop
    articles = clean_documents(docs)
    assert [a.location for a in articles] == [d.location for d in docs]
    for article, body in zip(articles, bodies):
        assert article.sentences == (body, SHARED)
        assert Dropped(SLOGAN, REPEATED) in article.dropped


@pytest.mark.parametrize("dateline", ["2025/03/29", "السبت 29 مارس 2025", "القاهرة - 29 مارس 2025"])
def test_clean_documents_reads_a_date_line_every_page_of_the_day_shares(dateline: str) -> None:
    # Every article of one day carries the same date line: it repeats across the folder's pages, yet it is each
    # page's date, never furniture.
    bodies = THREE_BODIES
    docs = [
        RawDocument(f"morning/{i}.txt", f"موقع رقم {i}\n{dateline}\n\n{body}\n", "txt", "utf-8")
        for i, body in enumerate(bodies)
    ]
    articles = clean_documents(docs)
    assert [a.date for a in articles] == [dt.date(2025, 3, 29)] * 3
    assert all(a.sentences == (body,) for a, body in zip(articles, bodies))
    assert not any(d.reason == REPEATED for a in articles for d in a.dropped)


def test_clean_documents_dates_a_yearless_today_in_the_lead_by_the_folder() -> None:
    # "اليوم الجمعة 28 آذار": the day of publication without its year; the folder's other pages are of late March
    # 2025, and 28 March is a Friday in 2025 (not in 2024 or 2026).
    leads = [
        "نفذت القوات، اليوم الجمعة 28 آذار، سلسلة غارات جوية على الضاحية الجنوبية لبيروت.",
        "أعلن وزير النقل تشغيل أربع محطات جديدة في الخط الثالث لمترو الأنفاق الشهر المقبل.",
        "تعادل الأهلي مع الزمالك دون أهداف في قمة الدوري المصري الممتاز على ستاد القاهرة.",
    ]
    heads = ["موقع الأول\n\n", "موقع الثاني\n2025-03-29\n\n", "موقع الثالث\n30 مارس 2025\n\n"]
    docs = [RawDocument(f"morning/{i}.txt", head + lead, "txt", "utf-8") for i, (head, lead) in enumerate(zip(heads, leads))]
    assert clean_document(docs[0]).date is None  # alone, nothing fixes the year
    assert [a.date for a in clean_documents(docs)] == [dt.date(2025, 3, 28), dt.date(2025, 3, 29), dt.date(2025, 3, 30)]
    # Pages of late March 2024: 28 March 2024 was a Thursday, so the lead names no day of that folder.
    docs = [dataclasses.replace(d, text=d.text.replace("2025", "2024")) for d in docs]
    assert clean_documents(docs)[0].date is None


def test_clean_documents_does_not_mix_publishers() -> None:
    docs = [
        RawDocument(f"in/{i}.txt", f"عنوان الخبر رقم {i} هنا\n\n{FIRST}\n\n{SLOGAN}\n", "txt", "utf-8",
                    publisher=f"ناشر {i}")
        for i in range(3)
    ]
    assert all(SLOGAN in a.sentences for a in clean_documents(docs))


@pytest.mark.parametrize(
    ("doc", "key"),
    [
        (RawDocument("x/a.html", "", "html", "utf-8", url="https://www.site.com/a", publisher="بوابة النيل"),
         "publisher:بوابه النيل"),
        (RawDocument("x/a.html", "", "html", "utf-8", url="https://www.site.com/a"), "host:site.com"),
        (RawDocument("https://news.site.com/a", "", "html", "utf-8"), "host:news.site.com"),
        (RawDocument("saved/nile/a.txt", "", "txt", "utf-8"), "folder:saved/nile"),
        (RawDocument(r"saved\nile\a.txt", "", "txt", "utf-8"), "folder:saved/nile"),
    ],
)
def test_group_key(doc: RawDocument, key: str) -> None:
    assert group_key(doc) == key


_ONE_PARAGRAPH = (
    "قال وزير المالية يوم الاثنين إن الحكومة ستخفض الإنفاق العام بنسبة عشرة في المئة خلال العام المقبل. "
    "وأضاف أن القرار جاء بعد مشاورات طويلة مع صندوق النقد الدولي والبنك الدولي. "
    "وأشار إلى أن العجز في الموازنة بلغ مستوى قياسيا هذا العام بسبب ارتفاع أسعار الطاقة. "
    "وأكد الوزير أن الرواتب والمعاشات لن تتأثر بهذه التخفيضات. "
    "ومن المتوقع أن يصوت البرلمان على الموازنة الجديدة الشهر المقبل. "
    "وانتقدت أحزاب المعارضة الخطة وقالت إنها ستضر بالفقراء"
)


@pytest.mark.parametrize("last_stop", [".", ""], ids=["full-stop", "last-stop-lost"])
@pytest.mark.parametrize("heading", ["مقالات ذات صلة", "أخبار ذات صلة:"])
def test_a_related_block_never_takes_the_article_that_is_one_paragraph(
    tmp_path: Path, last_stop: str, heading: str
) -> None:
    """Issue 19: one long paragraph (its last full stop lost, as many sites print it), a related-articles heading
    and one headline: the related block goes, the paragraph stays (the whole page was dropped as navigation under
    the related headline taken for the title)."""
    page = tmp_path / "page.txt"
    page.write_text(f"{_ONE_PARAGRAPH}{last_stop}\n\n{heading}\n\nالحكومة تعلن عن خطة جديدة للطاقة\n", encoding="utf-8")

    result = brief("inspect", "--json", page)

    assert result.exit_code == 0, result.stderr
    (item,) = json.loads(result.stdout)
    assert len(item["sentences"]) == 6 and item["sentences"][-1].startswith("وانتقدت أحزاب المعارضة")
    assert item["title"] is None
    assert [d["reason"] for d in item["dropped"]] == ["related-news block", "related-news block"]
