"""Tests for HTML extraction (brief.clean.markup) through clean_document: main content, metadata, broken pages.

The pages in tests/fixtures/html/ were written for these tests in the shapes Arabic news sites use (see the
README there). Expected sentences were written out by hand from the pages, not dumped from the cleaner.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import sys
from pathlib import Path

import pytest

from brief import clean
from brief.clean import (
    HTML_EXTRACTORS,
    clean_document,
    extract_html_lxml,
    extract_html_trafilatura,
    extract_lines,
    normalise_for_matching,
)
from brief.errors import MissingExtraError, UnknownNameError
from brief.records import Article, Dropped, RawDocument

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "html"


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@functools.cache
def cleaned(name: str, extractor: str = "trafilatura") -> Article:
    return clean_document(RawDocument(f"html/{name}", page(name), "html", "utf-8"), html_extractor=extractor)


def html_article(html: str, **fields: object) -> Article:
    return clean_document(RawDocument("test.html", html, "html", "utf-8", **fields))  # type: ignore[arg-type]


# --- the key acceptance: only the article's sentences, metadata from the page --------------------------------

JSONLD_SENTENCES = (
    "أعلنت الحكومة الأردنية، الخميس، إطلاق المرحلة الأولى من مشروع الناقل الوطني لتحلية مياه البحر في مدينة "
    "العقبة، بكلفة تقدر بنحو ملياري دولار.",
    "وقال وزير المياه والري في مؤتمر صحفي عقده في عمّان إن المشروع سيوفر نحو 300 مليون متر مكعب من المياه سنويا "
    "عند اكتماله في عام 2028، أي ما يعادل ثلث احتياجات المملكة من مياه الشرب.",
    "وأوضح الوزير أن التمويل يأتي من قروض ومنح مقدمة من عدة جهات دولية، أبرزها:",
    "بنك الاستثمار الأوروبي: 400 مليون دولار.",
    "الوكالة الأمريكية للتنمية الدولية: 300 مليون دولار.",
    "صندوق أبوظبي للتنمية: 250 مليون دولار.",
    "وأضاف أن الحكومة ستطرح عطاءات المرحلة الثانية مطلع العام المقبل، بعد استكمال الدراسات البيئية التي طلبتها "
    "الجهات المانحة.",
    "«هذا المشروع هو الأهم في تاريخ قطاع المياه في المملكة، ولن نسمح بأي تأخير في تنفيذه»، قال الوزير.",
    "وبحسب الجدول الزمني الذي عرضته الوزارة، ستتدرج الطاقة الإنتاجية للمحطة على النحو التالي:",
    "ويعاني الأردن من شح حاد في المياه، إذ يصنف من بين أفقر دول العالم مائيا، وفق تقارير الأمم المتحدة، فيما زاد "
    "تدفق اللاجئين خلال العقد الماضي الضغط على الموارد المحدودة.",
)


def test_page_with_nav_aside_and_footer_gives_only_the_article() -> None:
    article = cleaned("jsonld_article.html")
    assert article.sentences == JSONLD_SENTENCES
    assert article.title == "الأردن يطلق مشروعا لتحلية مياه البحر في العقبة بكلفة ملياري دولار"
    assert article.publisher == "صحيفة الأفق"  # JSON-LD publisher; the <title> suffix is not part of the headline
    assert article.date == dt.date(2024, 6, 20)  # datePublished, not the header's "today" nor dateModified
    assert article.url == "https://alofoq.example/economy/2024/06/20/aqaba-desalination"
    assert article.byline == "سامر الخطيب"
    assert article.language == "ar"


@pytest.mark.parametrize(
    "furniture",
    [
        "الرئيسية",  # nav
        "عاجل:",  # breaking-news ticker
        "الأكثر قراءة",  # aside
        "النشامى يتأهلون",
        "أخبار ذات صلة",  # related list
        "البنك الدولي يمنح الأردن",
        "مشروع ممتاز ولكن",  # reader comments
        "اشترك في النشرة",
        "جميع الحقوق محفوظة",  # footer
        "نستخدم ملفات تعريف الارتباط",  # cookie banner
        "فيسبوك",  # share bar
        "وسوم",  # tags
        "محطة لتحلية المياه على ساحل",  # photo caption
        "بقلم",
        "اقرأ أيضا",
        "تمويل دولي",  # subheading
    ],
)
def test_page_furniture_never_becomes_a_sentence(furniture: str) -> None:
    article = cleaned("jsonld_article.html")
    assert not any(furniture in sentence for sentence in article.sentences)
    assert any(furniture in d.line for d in article.dropped)  # but brief inspect can still show it, with a reason


def test_what_trafilatura_leaves_out_is_dropped_with_a_reason() -> None:
    dropped = cleaned("jsonld_article.html").dropped
    assert Dropped("مشروع ممتاز ولكن نتمنى أن يتم تنفيذه في الوقت المحدد دون تأخير.", clean.OUTSIDE_MAIN) in dropped
    assert Dropped("جميع الحقوق محفوظة © 2024 صحيفة الأفق", clean.OUTSIDE_MAIN) in dropped
    assert Dropped("اقرأ أيضا: ارتفاع أسعار المياه في عمّان بنسبة 10 في المئة", clean.SEE_ALSO) in dropped
    assert Dropped("تمويل دولي", clean.SUBHEADING) in dropped
    assert all(d.line.strip() and d.reason for d in dropped)


def test_tables_are_dropped_as_tables_and_lists_of_figures_kept() -> None:
    article = cleaned("jsonld_article.html")
    tables = [d.line for d in article.dropped if d.reason == clean.TABLE]
    assert tables == ["السنة | الطاقة الإنتاجية (مليون متر مكعب)", "2026 | 100", "2027 | 200", "2028 | 300"]
    assert "صندوق أبوظبي للتنمية: 250 مليون دولار." in article.sentences  # a <li>, its bullet gone
    assert not any(d.line in {"2026", "100"} for d in article.dropped)  # cells are not listed again one by one


def test_page_laid_out_in_a_table_keeps_its_text() -> None:
    # Older sites put the whole page in a <table>: a row whose cells hold running text is layout, not data.
    paragraph = "أعلنت وزارة الكهرباء خطة لإعادة تأهيل ثلاث محطات لتوليد الكهرباء في محافظة حلب خلال العام الجاري."
    html = (
        '<html><head><meta property="og:title" content="خطة الكهرباء في حلب"></head><body><table><tr>'
        "<td class=menu><a>الرئيسية</a><br><a>أخبار</a></td>"
        f"<td><h1>خطة الكهرباء في حلب</h1><p>{paragraph}</p><p>وقال مدير المؤسسة إن الخطة ستنفذ على مراحل.</p></td>"
        "</tr></table></body></html>"
    )
    article = html_article(html)
    assert article.sentences == (paragraph, "وقال مدير المؤسسة إن الخطة ستنفذ على مراحل.")
    assert not any(d.reason == clean.TABLE for d in article.dropped)


def test_div_soup_page_with_open_graph() -> None:
    article = cleaned("og_divs.html")
    assert article.sentences == (
        "سجلت صادرات التمور من الجزائر والمغرب ارتفاعا بنسبة 15 في المئة خلال الربع الأول من العام الجاري، مقارنة "
        "بالفترة نفسها من العام الماضي، بحسب أرقام رسمية نشرت أمس.",
        "وأوضحت الأرقام أن الجزائر صدرت نحو 30 ألف طن بين جانفي ومارس، فيما بلغت صادرات المغرب نحو 12 ألف طن، "
        "معظمها نحو الأسواق الأوروبية.",
        "وقال رئيس جمعية المصدرين إن موسم رمضان ساهم في رفع الطلب، مشيرا إلى أن الشحنات التي انطلقت في 10 مارس "
        "الجاري وصلت إلى موانئ فرنسا وإسبانيا في وقت قياسي.",
        "وتتوقع الجمعية أن تتجاوز الصادرات الإجمالية 100 ألف طن بحلول نهاية العام، إذا استمر الطلب على المستوى نفسه.",
    )
    assert article.title == "ارتفاع صادرات التمور المغاربية بنسبة 15 في المئة خلال الربع الأول"  # og:title
    assert article.publisher == "بوابة المدينة"
    assert article.date == dt.date(2024, 4, 11)  # published, not modified (12 أفريل)
    assert article.credit == "وكالة الأنباء الجزائرية"
    assert article.url is None  # og:url is relative and the page's address is unknown


def test_relative_canonical_url_is_resolved_against_where_the_page_was_fetched() -> None:
    doc = RawDocument("x.html", page("og_divs.html"), "html", "utf-8", url="https://madina.example/eco/123?ref=rss")
    assert clean_document(doc).url == "https://madina.example/economie/dattes-2024"


def test_only_date_in_time_element() -> None:
    article = cleaned("time_only.html")
    assert article.date == dt.date(2024, 2, 4)  # the article's <time>, not the related item's in <aside>
    assert article.title == "مجلس النواب اللبناني يقر موازنة 2024 بعد ثلاثة أيام من النقاش"  # <h1>
    assert article.publisher is None
    assert len(article.sentences) == 4
    assert article.sentences[-1].startswith("وكان رئيس الحكومة قد دافع الأربعاء الماضي")


@pytest.mark.parametrize("name", ["no_metadata.html", "headline_apart.html"])
def test_page_without_metadata_gets_headline_and_date_from_its_text(name: str) -> None:
    article = cleaned(name)
    assert article.title == "الحكومة السورية تعلن خطة لإعادة تأهيل محطات الكهرباء في حلب"  # not the ticker above
    assert article.date == dt.date(2025, 1, 14)  # from the dateline "دمشق - الثلاثاء 14 كانون الثاني 2025"
    assert article.publisher is None
    assert article.sentences[0].startswith("أعلنت وزارة الكهرباء السورية خطة")
    assert not any("عاجل" in s or "الأكثر قراءة" in s or "حقوق" in s for s in article.sentences)
    assert any(d.reason == clean.DATELINE for d in article.dropped)


def test_hijri_dateline_gives_the_gregorian_date() -> None:
    article = cleaned("hijri_dateline.html")
    assert article.date == dt.date(2024, 3, 24)
    assert Dropped("الأحد 14 رمضان 1445 هـ - الموافق 24 مارس 2024 م", clean.DATELINE) in article.dropped
    assert len(article.sentences) == 3


def test_short_page_keeps_one_paragraph_per_line() -> None:
    # On a page this short trafilatura falls back to one line for the whole <article>; the page's own block
    # boundaries are put back so the headline and the share prompt are judged apart from the text.
    article = cleaned("short_item.html")
    assert article.sentences == (
        "ضرب زلزال بقوة 4.8 درجات على مقياس ريختر ولاية قهرمان مرعش جنوبي تركيا صباح اليوم.",
        "ولم ترد حتى الآن أنباء عن وقوع إصابات أو أضرار.",
    )
    assert article.title == "عاجل: زلزال بقوة 4.8 درجات يضرب جنوب تركيا"
    assert article.publisher == "وكالة الشرق للأنباء"
    assert article.date == dt.date(2024, 8, 5)  # <meta name="pubdate" content="20240805">
    assert Dropped("شارك الخبر:", clean.SHARE) in article.dropped


def test_all_boilerplate_page_has_no_sentences() -> None:
    article = cleaned("all_boilerplate.html")
    assert article.sentences == ()
    assert article.language == "und"
    assert article.dropped  # every line is accounted for


# --- broken pages never crash the cleaner ---------------------------------------------------------------------

NASTY = {
    "empty string": "",
    "whitespace": " \n\t ",
    "comment only": "<!-- nothing -->",
    "empty body": page("empty_body.html"),
    "no body": "<html><head><title>عنوان فقط</title></head></html>",
    "frameset": "<html><frameset><frame src='a.html'></frameset></html>",
    "truncated": page("truncated.html"),
    "unclosed tags": "<html><body><div><p>وقال الوزير إن الحكومة ستعلن خطة جديدة<div><table><tr><td>خلية",
    "xml declaration": "<?xml version='1.0' encoding='utf-8'?><html><body><p>وقال الوزير إن الخطة جاهزة.</p></body></html>",
    "NUL and controls": "\x00\x01<p>\x00وقال\x07 الوزير إن الخطة جاهزة.</p>",
    "lone surrogate": "<html><body><p>وقال الوزير \ud800 إن الخطة جاهزة.</p></body></html>",
    "binary-ish": "".join(chr(random.Random(7).randrange(1, 0x3000)) for _ in range(3000)),
    "plain text": "ليس في هذه الصفحة أي وسم. وقال الوزير إن الخطة جاهزة.",
    "broken JSON-LD": '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": </script><p>نص.</p>',
    "JSON-LD of the wrong shape": '<script type="application/ld+json">[1, "x", {"author": 5, "publisher": [3]}]</script>',
    "malformed canonical URL": '<link rel="canonical" href="http://[::1/x"><p>وقال الوزير إن الخطة جاهزة.</p>',
    "JSON-LD nested too deep": '<script type="application/ld+json">' + "[" * 100_000 + "</script><p>نص.</p>",
    "self-closing soup": "<p/><div/><br/><br/><img/><p>وقال الوزير إن الخطة جاهزة.</p><p/>",
}


@pytest.mark.parametrize("extractor", sorted(HTML_EXTRACTORS))
@pytest.mark.parametrize("name", list(NASTY))
def test_broken_pages_never_crash(name: str, extractor: str) -> None:
    article = clean_document(RawDocument(name, NASTY[name], "html", "utf-8"), html_extractor=extractor)
    assert isinstance(article, Article)
    assert all(isinstance(s, str) and s for s in article.sentences)


@pytest.mark.parametrize(("name", "sentence"), [
    ("truncated", "انطلقت صباح اليوم الأحد الانتخابات البلدية في تونس، وسط إقبال وصفه مراقبون بالضعيف في الساعات "
                  "الأولى من التصويت."),
    ("lone surrogate", "وقال الوزير إن الخطة جاهزة."),
    ("xml declaration", "وقال الوزير إن الخطة جاهزة."),
])
def test_broken_pages_keep_their_text(name: str, sentence: str) -> None:
    article = clean_document(RawDocument(name, NASTY[name], "html", "utf-8"))
    assert sentence in article.sentences


@pytest.mark.parametrize("extractor", sorted(HTML_EXTRACTORS))
@pytest.mark.parametrize("tag", ["div", "span", "section"])
def test_ten_thousand_levels_of_nesting(extractor: str, tag: str) -> None:
    # libxml2 stops at 256 levels and drops the rest of the page; the page is flattened and read again.
    deep = (
        "<html><body>" + f"<{tag}>" * 10_000
        + "<p>وقال الوزير إن الحكومة ستعلن خطة جديدة للكهرباء خلال الأسبوع المقبل في دمشق.</p>"
        + f"</{tag}>" * 10_000 + "<p>وأضاف أن الخطة تشمل ثلاث محافظات في الشمال والوسط والجنوب.</p></body></html>"
    )
    limit = sys.getrecursionlimit()
    article = clean_document(RawDocument("deep.html", deep, "html", "utf-8"), html_extractor=extractor)
    assert sys.getrecursionlimit() == limit
    assert article.sentences == (
        "وقال الوزير إن الحكومة ستعلن خطة جديدة للكهرباء خلال الأسبوع المقبل في دمشق.",
        "وأضاف أن الخطة تشمل ثلاث محافظات في الشمال والوسط والجنوب.",
    )


# --- trafilatura's fallback to lxml ------------------------------------------------------------------------


def test_when_trafilatura_finds_nothing_the_lxml_lines_are_used(monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *args, **kwargs: None)
    article = clean_document(RawDocument("x.html", page("og_divs.html"), "html", "utf-8"))
    assert article.sentences == cleaned("og_divs.html").sentences
    assert not any(d.reason == clean.OUTSIDE_MAIN for d in article.dropped)


def test_when_trafilatura_fails_the_lxml_lines_are_used(monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    def broken(*args: object, **kwargs: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(trafilatura, "bare_extraction", broken)
    article = clean_document(RawDocument("x.html", page("time_only.html"), "html", "utf-8"))
    assert article.sentences == cleaned("time_only.html").sentences


def test_missing_trafilatura_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # what an install without it looks like to import
    with pytest.raises(MissingExtraError, match="trafilatura.*lxml"):
        clean_document(RawDocument("x.html", page("og_divs.html"), "html", "utf-8"))
    assert clean_document(RawDocument("x.html", page("og_divs.html"), "html", "utf-8"), html_extractor="lxml").sentences


def test_lxml_extractor_still_available() -> None:
    article = cleaned("jsonld_article.html", "lxml")
    assert (article.title, article.publisher, article.date) == (
        "الأردن يطلق مشروعا لتحلية مياه البحر في العقبة بكلفة ملياري دولار", "صحيفة الأفق", dt.date(2024, 6, 20)
    )
    assert set(JSONLD_SENTENCES) <= set(article.sentences)
    assert not any("الأكثر قراءة" in s or "النشامى" in s for s in article.sentences)  # <aside> is gone


def test_extractors_are_named_in_a_table() -> None:
    assert set(HTML_EXTRACTORS) == {"trafilatura", "lxml"}
    with pytest.raises(UnknownNameError, match="lxml, trafilatura"):
        clean_document(RawDocument("x.html", "<p>نص</p>", "html", "utf-8"), html_extractor="readability")


def test_trafilatura_output_keeps_paragraphs_as_lines() -> None:
    lines = [ln for ln in extract_html_trafilatura(page("jsonld_article.html")).text.split("\n") if ln]
    assert "تمويل دولي" in lines  # headings are kept (the line cleaner judges them)
    assert "- بنك الاستثمار الأوروبي: 400 مليون دولار." in lines  # each list item on its own line
    assert lines[0] == "الأردن يطلق مشروعا لتحلية مياه البحر في العقبة بكلفة ملياري دولار"
    assert not any("محطة لتحلية المياه على ساحل" in ln for ln in lines)  # captions are not article text


# --- declared metadata ------------------------------------------------------------------------------------

BODY = (
    "<p>قالت وزارة الزراعة إن موسم القمح هذا العام سيكون الأفضل منذ عقد بفضل الأمطار الغزيرة التي هطلت في الشتاء.</p>"
    "<p>وأضافت الوزارة أن الإنتاج المتوقع يبلغ نحو ثلاثة ملايين طن، مقارنة بمليوني طن في الموسم الماضي.</p>"
)


def meta_page(head: str = "", body_top: str = "") -> str:
    return f"<html><head>{head}</head><body><article>{body_top}{BODY}</article></body></html>"


@pytest.mark.parametrize(
    ("head", "body_top", "expected"),
    [
        ('<meta property="article:published_time" content="2024-05-02T23:30:00-04:00">'
         '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-05-01"}</script>',
         '<time datetime="2024-04-30">', dt.date(2024, 5, 2)),  # the publisher's own day, not converted to UTC
        ('<script type="application/ld+json">{"@graph": [{"@type": "WebPage"}, {"@type": "NewsArticle", '
         '"datePublished": "2024-05-01T10:00:00Z", "dateModified": "2024-06-01"}]}</script>',
         '<time datetime="2024-04-30">', dt.date(2024, 5, 1)),
        ('<meta itemprop="datePublished" content="2024-05-03">', "", dt.date(2024, 5, 3)),
        ('<meta name="DC.date.issued" content="2024-05-04">', "", dt.date(2024, 5, 4)),
        ("", '<time datetime="2024-04-30T08:00:00+03:00">الثلاثاء</time>', dt.date(2024, 4, 30)),
        ("", "<time>٣٠ نيسان ٢٠٢٤</time>", dt.date(2024, 4, 30)),  # no datetime attribute: its text
        ('<meta property="article:modified_time" content="2024-06-01">', "", None),  # modified is not published
        ('<meta property="article:published_time" content="not a date">', "", None),
    ],
)
def test_declared_publication_date(head: str, body_top: str, expected: dt.date | None) -> None:
    assert html_article(meta_page(head, body_top)).date == expected


def test_declared_date_beats_the_url_and_the_url_beats_nothing() -> None:
    url = "https://news.example/2023/01/15/wheat"
    declared = meta_page('<meta property="article:published_time" content="2024-05-02">')
    assert html_article(declared, url=url).date == dt.date(2024, 5, 2)
    assert html_article(meta_page(), url=url).date == dt.date(2023, 1, 15)  # last resort
    assert html_article(meta_page(), url="https://news.example/wheat-2023").date is None


@pytest.mark.parametrize(
    ("head", "title", "publisher"),
    [
        ('<title>موسم قمح وفير | جريدة الحقل</title><meta property="og:site_name" content="جريدة الحقل">',
         "موسم قمح وفير", "جريدة الحقل"),
        ('<title>جريدة الحقل - موسم قمح وفير</title><meta property="og:site_name" content="جريدة الحقل">',
         "موسم قمح وفير", "جريدة الحقل"),
        ('<meta property="og:title" content="موسم قمح وفير"><script type="application/ld+json">{"@type": '
         '"NewsArticle", "headline": "عنوان آخر", "publisher": {"@type": "Organization", "name": "جريدة الحقل"}}'
         "</script>", "موسم قمح وفير", "جريدة الحقل"),
        ('<script type="application/ld+json">[{"@type": "WebSite", "name": "جريدة الحقل"}, '
         '{"@type": "NewsArticle", "headline": "موسم قمح وفير"}]</script>', "موسم قمح وفير", "جريدة الحقل"),
        ('<META NAME="Application-Name" CONTENT="جريدة الحقل"><title>موسم قمح وفير</title>',
         "موسم قمح وفير", "جريدة الحقل"),
        ('<title>جريدة الحقل</title><meta property="og:site_name" content="جريدة الحقل">', None, "جريدة الحقل"),
    ],
)
def test_declared_headline_and_publisher(head: str, title: str | None, publisher: str) -> None:
    article = html_article(meta_page(head))
    assert (article.title, article.publisher) == (title, publisher)


@pytest.mark.parametrize(
    ("head", "byline"),
    [
        ('<script type="application/ld+json">{"@type": "NewsArticle", "author": [{"@type": "Person", "name": '
         '"سامر الخطيب"}, {"@type": "Person", "name": "ليلى حداد"}]}</script>', "سامر الخطيب, ليلى حداد"),
        ('<script type="application/ld+json">{"@type": "NewsArticle", "author": "سامر الخطيب"}</script>', "سامر الخطيب"),
        ('<meta name="author" content="سامر الخطيب">', "سامر الخطيب"),
        ('<meta property="article:author" content="https://facebook.com/someone">', None),
    ],
)
def test_declared_author(head: str, byline: str | None) -> None:
    assert html_article(meta_page(head)).byline == byline


@pytest.mark.parametrize(
    ("head", "fetched", "url"),
    [
        ('<link rel="canonical" href="https://a.example/x"><meta property="og:url" content="https://a.example/y">',
         None, "https://a.example/x"),
        ('<meta property="og:url" content="https://a.example/y">', None, "https://a.example/y"),
        ('<script type="application/ld+json">{"@type": "NewsArticle", "mainEntityOfPage": {"@id": '
         '"https://a.example/z"}}</script>', None, "https://a.example/z"),
        ('<link rel="canonical" href="/news/1">', "https://a.example/news/1?utm=rss", "https://a.example/news/1"),
        ("", "https://a.example/fetched", "https://a.example/fetched"),
        ('<link rel="canonical" href="javascript:void(0)">', None, None),
        ("", None, None),
        ('<link rel="canonical" href="http://[::1/x">', "https://a.example/fetched", "https://a.example/fetched"),
    ],
)
def test_canonical_url(head: str, fetched: str | None, url: str | None) -> None:
    assert html_article(meta_page(head), url=fetched).url == url


def test_user_declared_publisher_wins_and_feed_hints_fill_gaps_only() -> None:
    declared = meta_page(
        '<meta property="og:site_name" content="جريدة الحقل"><meta property="og:title" content="موسم قمح وفير">'
        '<meta property="article:published_time" content="2024-05-02">'
    )
    hints = {"publisher": "الحقل (القاهرة)", "title": "عنوان من الخلاصة", "date": dt.date(2024, 5, 9)}
    article = html_article(declared, **hints)
    assert (article.publisher, article.title, article.date) == ("الحقل (القاهرة)", "موسم قمح وفير", dt.date(2024, 5, 2))
    bare = html_article(meta_page(), **hints)
    assert (bare.publisher, bare.title, bare.date) == ("الحقل (القاهرة)", "عنوان من الخلاصة", dt.date(2024, 5, 9))


# --- extract_lines, the step before the line cleaner --------------------------------------------------------


def test_extract_lines_for_html() -> None:
    doc = RawDocument("x.html", page("jsonld_article.html"), "html", "utf-8", publisher="الأفق")
    lines, meta, dropped = extract_lines(doc)
    assert JSONLD_SENTENCES[0] in lines
    assert "" in lines  # blank lines between blocks, as between the paragraphs of a text file
    assert (meta.title, meta.publisher, meta.date) == (
        "الأردن يطلق مشروعا لتحلية مياه البحر في العقبة بكلفة ملياري دولار", "الأفق", dt.date(2024, 6, 20)
    )
    assert {d.reason for d in dropped} == {clean.OUTSIDE_MAIN, clean.TABLE}
    with pytest.raises(UnknownNameError):
        extract_lines(doc, html_extractor="nope")


def test_repeated_lines_reach_the_line_cleaner() -> None:
    doc = RawDocument("x.html", page("og_divs.html"), "html", "utf-8")
    lines, _, _ = extract_lines(doc)
    assert "المصدر: وكالة الأنباء الجزائرية" in lines
    # A slogan the publisher prints on every page: the corpus step finds it and passes its key in.
    slogan = "بوابة المدينة.. نافذتك على الجزائر والعالم"
    html = page("og_divs.html").replace('<div class="article-text">', f'<div class="article-text"><div>{slogan}</div>')
    doc = RawDocument("x.html", html, "html", "utf-8")
    assert Dropped(slogan, clean.REPEATED) in clean_document(doc, repeated=frozenset({normalise_for_matching(slogan)})).dropped


def test_lxml_and_trafilatura_read_the_same_metadata() -> None:
    for name in ("jsonld_article.html", "og_divs.html", "time_only.html", "short_item.html"):
        a, b = extract_html_lxml(page(name)), extract_html_trafilatura(page(name))
        assert (a.title, a.publisher, a.date, a.url, a.byline) == (b.title, b.publisher, b.date, b.url, b.byline)


def test_brief_inspect_on_the_page_prints_only_the_article_and_the_page_metadata() -> None:
    import json

    from typer.testing import CliRunner

    from brief.cli import app

    result = CliRunner().invoke(app, ["inspect", "--json", str(FIXTURES / "jsonld_article.html")])
    assert result.exit_code == 0, result.stderr
    (item,) = json.loads(result.stdout)
    assert tuple(item["sentences"]) == JSONLD_SENTENCES
    assert (item["title"], item["publisher"], item["date"]) == (
        "الأردن يطلق مشروعا لتحلية مياه البحر في العقبة بكلفة ملياري دولار",
        "صحيفة الأفق",
        "2024-06-20",
    )
    assert {d["reason"] for d in item["dropped"]}  # and it says what it dropped, and why
