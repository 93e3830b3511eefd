"""Tests for brief.clean.dates: month names of every region, digit systems, Hijri dates, datelines, relative dates."""

from __future__ import annotations

import datetime as dt

import pytest

from brief.clean.dates import DateMention, _dateline, find_date, relative_dates, today_in_lead

# --- month names ---------------------------------------------------------------------------------------

# Every spelling of every month, as a news site writes it (with hamza, ta marbuta, alef maqsura as printed).
MONTH_SPELLINGS = [
    # Egypt, the Gulf, most of the Arab press
    *[(name, n) for n, name in enumerate(
        ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"],
        start=1)],
    ("إبريل", 4), ("ابريل", 4), ("يونيه", 6), ("يوليه", 7), ("اغسطس", 8),
    # the Levant and Iraq
    *[(name, n) for n, name in enumerate(
        ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول", "تشرين الأول",
         "تشرين الثاني", "كانون الأول"], start=1)],
    ("كانون ثاني", 1), ("تشرين أول", 10), ("تشرين ثاني", 11), ("كانون أول", 12), ("اذار", 3), ("ايار", 5),
    # Algeria and Tunisia
    *[(name, n) for n, name in enumerate(
        ["جانفي", "فيفري", "مارس", "أفريل", "ماي", "جوان", "جويلية", "أوت", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"],
        start=1)],
    ("جويليه", 7), ("اوت", 8),
    # Morocco
    *[(name, n) for n, name in enumerate(
        ["يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر"],
        start=1)],
    # English
    *[(name, n) for n, name in enumerate(
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
         "November", "December"], start=1)],
    ("Sept", 9), ("Jan", 1), ("Dec", 12),
]


@pytest.mark.parametrize(("name", "month"), MONTH_SPELLINGS, ids=[f"{n}-{m}" for n, m in MONTH_SPELLINGS])
def test_every_month_spelling(name: str, month: int) -> None:
    assert find_date(f"نشر في 7 {name} 2024") == dt.date(2024, month, 7)
    assert find_date(f"الخميس، ٧ {name}، ٢٠٢٤") == dt.date(2024, month, 7)  # Arabic-Indic digits, Arabic commas


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # two names for one month
        ("20 حزيران/يونيو 2024", dt.date(2024, 6, 20)),
        ("20 يونيو/حزيران 2024", dt.date(2024, 6, 20)),
        ("20 يونيو (حزيران) 2024", dt.date(2024, 6, 20)),
        ("22 أيار (مايو) 2022", dt.date(2022, 5, 22)),
        ("8 ديسمبر/كانون الأول 2024", dt.date(2024, 12, 8)),
        ("3 آب/أغسطس 2024", dt.date(2024, 8, 3)),
        # digit systems
        ("٢٤ أكتوبر ٢٠٢٥", dt.date(2025, 10, 24)),
        ("۱۵ آذار ۲۰۲۴", dt.date(2024, 3, 15)),
        ("٢٠٢٤/٠٦/٢٠", dt.date(2024, 6, 20)),
        ("۲۰۲۴-۰۶-۲۰", dt.date(2024, 6, 20)),
        # separators and fillers
        ("20-يونيو-2024", dt.date(2024, 6, 20)),
        ("20 من شهر يونيو 2024", dt.date(2024, 6, 20)),
        ("1 تشرين الأول، 2023", dt.date(2023, 10, 1)),
        ("20.06.2024", dt.date(2024, 6, 20)),
        ("2024-06-20T08:15:00+03:00", dt.date(2024, 6, 20)),
        ("03/18/2025", dt.date(2025, 3, 18)),  # month first: the only valid reading
        ("June 20th, 2024", dt.date(2024, 6, 20)),
        ("Jun. 20, 2024", dt.date(2024, 6, 20)),
        ("تاريخ النشر: 30th, March 2025 GMT", dt.date(2025, 3, 30)),  # an English ordinal day, day first
        ("1st March 2025", dt.date(2025, 3, 1)),
        ("22nd of March 2025", dt.date(2025, 3, 22)),
        # "ماي" is May, and so is "مايو"; neither is read inside the other
        ("5 ماي 2024", dt.date(2024, 5, 5)),
        ("5 مايو 2024", dt.date(2024, 5, 5)),
        # diacritics and tatweel are no obstacle
        ("٢٠ يُونيـــو ٢٠٢٤", dt.date(2024, 6, 20)),
    ],
)
def test_find_date_forms(text: str, expected: dt.date) -> None:
    assert find_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "٣١ شباط ٢٠٢٤",  # no such day
        "30 فبراير 2024",
        "31 نيسان 2024",
        "12 مارس 1850",  # outside 1900-2100
        "12 مارس 2150",
        "2024/20/06",  # no month 20, and year/day/month is no one's format
        "13/13/2024",
        "في 10 مارس الجاري",  # no year: a relative date, not a calendar one
        "كأس أمم إفريقيا 2025",
        "كتاب 2024",
        "15 آبار 2024",  # "آب" inside another word
        "2.5 مايو 2024",  # a decimal, not a day
        "30 شعبان 1445",  # Sha'ban 1445 had 29 days on Umm al-Qura
        "15 رمضان 1200 هـ",  # outside the Umm al-Qura tables
        "",
    ],
)
def test_find_date_refuses_nonsense(text: str) -> None:
    assert find_date(text) is None


# --- Hijri -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 رمضان 1445 هـ", dt.date(2024, 3, 25)),
        ("15 رمضان 1445هـ", dt.date(2024, 3, 25)),
        ("15 رمضان 1445", dt.date(2024, 3, 25)),  # a Hijri month name needs no هـ
        ("١٥ رمضان ١٤٤٥ هـ", dt.date(2024, 3, 25)),
        ("1445/9/15 هـ", dt.date(2024, 3, 25)),
        ("1445/09/15هـ", dt.date(2024, 3, 25)),
        ("15/9/1445 هـ", dt.date(2024, 3, 25)),
        ("15-09-1445 هجري", dt.date(2024, 3, 25)),
        ("1 محرم 1446 هـ", dt.date(2024, 7, 7)),
        ("10 ذو الحجة 1445", dt.date(2024, 6, 16)),
        ("10 ذي الحجة 1445 للهجرة", dt.date(2024, 6, 16)),
        ("1 ربيع الأول 1446", dt.date(2024, 9, 4)),
        ("1 ربيع الآخر 1446", dt.date(2024, 10, 4)),
        ("1 جمادى الأولى 1446", dt.date(2024, 11, 3)),
        ("1 جمادى الآخرة 1446", dt.date(2024, 12, 2)),
        ("1 شوال 1445", dt.date(2024, 4, 10)),
        ("1 ذو القعدة 1445", dt.date(2024, 5, 9)),
        ("27 رجب 1445", dt.date(2024, 2, 8)),
        ("15 شعبان 1445", dt.date(2024, 2, 25)),
        ("3 صفر 1446", dt.date(2024, 8, 7)),
        # both calendars: the Gregorian date wins, wherever it is
        ("الأحد 14 رمضان 1445 هـ الموافق 24 مارس 2024 م", dt.date(2024, 3, 24)),
        ("24 مارس 2024م الموافق 14 رمضان 1445هـ", dt.date(2024, 3, 24)),
    ],
)
def test_hijri_dates_become_gregorian(text: str, expected: dt.date) -> None:
    assert find_date(text) == expected


def test_a_hijri_year_without_hijri_month_or_mark_is_not_a_date() -> None:
    # 1445/9/15 with no هـ: a Gregorian reading is out of range, and nothing says it is Hijri.
    assert find_date("رقم القرار 1445/9/15") is None


# --- datelines -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("● أخبار سورية ٢٤ أكتوبر ٢٠٢٥", (dt.date(2025, 10, 24), "أخبار سورية")),
        ("الثلاثاء ١٨ آذار ٢٠٢٥ - 10:30", (dt.date(2025, 3, 18), "")),
        ("نشر في: 18 كانون الأول 2024", (dt.date(2024, 12, 18), "")),
        ("الأحد 14 رمضان 1445 هـ - الموافق 24 مارس 2024 م", (dt.date(2024, 3, 24), "")),
        ("الخميس 11 أفريل 2024", (dt.date(2024, 4, 11), "")),
        ("15 رمضان 1445 هـ", (dt.date(2024, 3, 25), "")),
        ("وقعت الاتفاقية في 13 أغسطس 2025 خلال زيارة الوفد إلى أنقرة لبحث التعاون", None),
        ("عنوان الخبر عن التعاون", None),
    ],
)
def test_dateline(line: str, expected: tuple[dt.date, str] | None) -> None:
    assert _dateline(line) == expected


# --- relative dates ----------------------------------------------------------------------------------------

PUBLISHED = dt.date(2024, 6, 20)  # a Thursday

RELATIVE = [
    # days
    ("قال الوزير اليوم إن", "اليوم", dt.date(2024, 6, 20), "day"),
    ("أعلنت الوزارة اليوم الأحد", "اليوم", dt.date(2024, 6, 20), "day"),
    ("وقال أمس إن", "أمس", dt.date(2024, 6, 19), "day"),
    ("وأمس قال الوزير", "أمس", dt.date(2024, 6, 19), "day"),
    ("بالأمس أعلن", "بالأمس", dt.date(2024, 6, 19), "day"),
    ("مساء البارحة", "البارحة", dt.date(2024, 6, 19), "day"),
    ("يوم أمس", "يوم أمس", dt.date(2024, 6, 19), "day"),
    ("أول أمس", "أول أمس", dt.date(2024, 6, 18), "day"),
    ("أول من أمس", "أول من أمس", dt.date(2024, 6, 18), "day"),
    ("أمس الأول", "أمس الأول", dt.date(2024, 6, 18), "day"),
    ("وتنطلق غداً", "غداً", dt.date(2024, 6, 21), "day"),
    ("صباح غد", "صباح غد", dt.date(2024, 6, 21), "day"),
    ("بعد غد", "بعد غد", dt.date(2024, 6, 22), "day"),
    # weekdays
    ("الأحد الماضي", "الأحد الماضي", dt.date(2024, 6, 16), "day"),
    ("يوم الخميس الماضي", "يوم الخميس الماضي", dt.date(2024, 6, 13), "day"),  # a week back, not today
    ("الجمعة الماضية", "الجمعة الماضية", dt.date(2024, 6, 14), "day"),
    ("الاثنين المقبل", "الاثنين المقبل", dt.date(2024, 6, 24), "day"),
    ("الخميس القادم", "الخميس القادم", dt.date(2024, 6, 27), "day"),
    ("السبت المقبل", "السبت المقبل", dt.date(2024, 6, 22), "day"),
    # weeks: never resolved (see DateMention)
    ("الأسبوع الماضي", "الأسبوع الماضي", None, "week"),
    ("مطلع الأسبوع", "مطلع الأسبوع", None, "week"),
    ("هذا الأسبوع", "هذا الأسبوع", None, "week"),
    # months
    ("الشهر الجاري", "الشهر الجاري", dt.date(2024, 6, 1), "month"),
    ("الشهر الحالي", "الشهر الحالي", dt.date(2024, 6, 1), "month"),
    ("خلال الشهر الماضي", "الشهر الماضي", dt.date(2024, 5, 1), "month"),
    ("الشهر المقبل", "الشهر المقبل", dt.date(2024, 7, 1), "month"),
    ("مطلع الشهر", "مطلع الشهر", dt.date(2024, 6, 1), "month"),
    ("أواخر الشهر الماضي", "أواخر الشهر الماضي", dt.date(2024, 5, 1), "month"),
    ("هذا الشهر", "هذا الشهر", dt.date(2024, 6, 1), "month"),
    ("مطلع فبراير الماضي", "مطلع فبراير الماضي", dt.date(2024, 2, 1), "month"),
    ("يونيو الماضي", "يونيو الماضي", dt.date(2023, 6, 1), "month"),  # written in June: last year's
    ("تموز المقبل", "تموز المقبل", dt.date(2024, 7, 1), "month"),
    ("أيار المقبل", "أيار المقبل", dt.date(2025, 5, 1), "month"),
    ("في مارس من العام الماضي", "مارس من العام الماضي", dt.date(2023, 3, 1), "month"),
    # a day of a month
    ("10 مارس الجاري", "10 مارس الجاري", dt.date(2024, 3, 10), "day"),
    ("١٠ يونيو الجاري", "١٠ يونيو الجاري", dt.date(2024, 6, 10), "day"),
    ("۱۰ يونيو الجاري", "۱۰ يونيو الجاري", dt.date(2024, 6, 10), "day"),
    ("10 من الشهر الجاري", "10 من الشهر الجاري", dt.date(2024, 6, 10), "day"),
    ("5 من الشهر المقبل", "5 من الشهر المقبل", dt.date(2024, 7, 5), "day"),
    ("28 نيسان الماضي", "28 نيسان الماضي", dt.date(2024, 4, 28), "day"),
    ("31 فبراير الجاري", "31 فبراير الجاري", None, "day"),  # no such day: found, not resolved
    # years
    ("العام الجاري", "العام الجاري", dt.date(2024, 1, 1), "year"),
    ("خلال العام الماضي", "العام الماضي", dt.date(2023, 1, 1), "year"),
    ("للعام الماضي", "للعام الماضي", dt.date(2023, 1, 1), "year"),
    ("السنة المقبلة", "السنة المقبلة", dt.date(2025, 1, 1), "year"),
    ("هذا العام", "هذا العام", dt.date(2024, 1, 1), "year"),
    ("مطلع العام المقبل", "مطلع العام المقبل", dt.date(2025, 1, 1), "year"),
    # English
    ("today", "today", dt.date(2024, 6, 20), "day"),
    ("said on Wednesday, yesterday", "yesterday", dt.date(2024, 6, 19), "day"),
    ("the day before yesterday", "the day before yesterday", dt.date(2024, 6, 18), "day"),
    ("tomorrow", "tomorrow", dt.date(2024, 6, 21), "day"),
    ("last Tuesday", "last Tuesday", dt.date(2024, 6, 18), "day"),
    ("next Thursday", "next Thursday", dt.date(2024, 6, 27), "day"),
    ("this past Sunday", "this past Sunday", dt.date(2024, 6, 16), "day"),
    ("last week", "last week", None, "week"),
    ("this month", "this month", dt.date(2024, 6, 1), "month"),
    ("earlier this month", "earlier this month", dt.date(2024, 6, 1), "month"),
    ("last month", "last month", dt.date(2024, 5, 1), "month"),
    ("last March", "last March", dt.date(2024, 3, 1), "month"),
    ("next year", "next year", dt.date(2025, 1, 1), "year"),
    ("this year", "this year", dt.date(2024, 1, 1), "year"),
]


@pytest.mark.parametrize(("text", "phrase", "date", "precision"), RELATIVE, ids=[r[0] for r in RELATIVE])
def test_relative_dates_resolved(text: str, phrase: str, date: dt.date | None, precision: str) -> None:
    mentions = relative_dates(text, PUBLISHED)
    assert [(m.phrase, m.date, m.precision) for m in mentions] == [(phrase, date, precision)]
    assert text[mentions[0].start : mentions[0].end] == phrase


@pytest.mark.parametrize(("text", "phrase", "precision"), [(r[0], r[1], r[3]) for r in RELATIVE], ids=[r[0] for r in RELATIVE])
def test_relative_dates_without_publication_date(text: str, phrase: str, precision: str) -> None:
    assert relative_dates(text, None) == [DateMention(phrase, text.index(phrase), text.index(phrase) + len(phrase), None, precision)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "اليوم الوطني",  # a day, not today
        "في اليوم التالي",
        "في اليوم نفسه",
        "خلال اليومين الماضيين",
        "الأمين العام الحالي للأمم المتحدة",  # "general", not "year"
        "المدير العام الجديد",
        "الرأي العام",
        "الشهر الكريم",  # Ramadan, not this month
        "أمسية شعرية",
        "the last march of the protest",  # lower-case: a march, not March
        "this may be true",
        "",
    ],
)
def test_not_relative_dates(text: str) -> None:
    assert relative_dates(text, PUBLISHED) == []


def test_several_mentions_in_order_with_offsets() -> None:
    text = "وقال الوزير أمس إن الشحنات التي انطلقت في 10 مارس الجاري ستصل الأسبوع المقبل، بعد تأخير الشهر الماضي."
    mentions = relative_dates(text, dt.date(2024, 3, 20))
    assert [(m.phrase, m.date) for m in mentions] == [
        ("أمس", dt.date(2024, 3, 19)),
        ("10 مارس الجاري", dt.date(2024, 3, 10)),
        ("الأسبوع المقبل", None),
        ("الشهر الماضي", dt.date(2024, 2, 1)),
    ]
    assert all(text[m.start : m.end] == m.phrase for m in mentions)


def test_offsets_survive_diacritics_tatweel_and_odd_spacing() -> None:
    text = "أعلنت  الوزارةُ   أمـــس،\nأن الاجتماع   الأحدَ  الماضيَ كان مثمراً."
    mentions = relative_dates(text, dt.date(2024, 6, 20))
    assert [(m.phrase, m.date) for m in mentions] == [
        ("أمـــس", dt.date(2024, 6, 19)),
        ("الأحدَ  الماضيَ", dt.date(2024, 6, 16)),
    ]
    assert all(text[m.start : m.end] == m.phrase for m in mentions)


def test_relative_months_across_a_year_boundary() -> None:
    january = dt.date(2025, 1, 15)
    assert [m.date for m in relative_dates("الشهر الماضي", january)] == [dt.date(2024, 12, 1)]
    assert [m.date for m in relative_dates("ديسمبر الماضي", january)] == [dt.date(2024, 12, 1)]
    assert [m.date for m in relative_dates("10 من الشهر الماضي", january)] == [dt.date(2024, 12, 10)]
    assert [m.date for m in relative_dates("الشهر المقبل", dt.date(2024, 12, 31))] == [dt.date(2025, 1, 1)]


@pytest.mark.parametrize(
    ("sentence", "near", "expected"),
    [
        ("نفذت القوات، اليوم الجمعة 28 آذار، سلسلة غارات.", dt.date(2025, 3, 29), dt.date(2025, 3, 28)),
        # the weekday picks the year near the folder's dates: 28 March was a Friday in 2025, not in 2024 or 2026
        ("نفذت القوات، اليوم الجمعة 28 آذار، سلسلة غارات.", dt.date(2025, 9, 1), dt.date(2025, 3, 28)),
        ("نفذت القوات، اليوم الجمعة 28 آذار، سلسلة غارات.", dt.date(2024, 3, 29), None),  # a Thursday in 2024
        ("نفذت القوات، اليوم الجمعة 28 آذار، سلسلة غارات.", None, None),  # no year, nothing to fix it
        ("نفذت القوات، اليوم 28 آذار، سلسلة غارات.", dt.date(2025, 3, 29), None),  # no weekday to fix the year
        ("استهدفت غارة الضاحية، اليوم الجمعة (28 آذار 2025)، للمرة الأولى.", None, dt.date(2025, 3, 28)),
        ("استهدفت غارة الضاحية اليوم 28 مارس 2025 للمرة الأولى.", None, dt.date(2025, 3, 28)),
        ("استهدفت غارة الضاحية، اليوم الخميس (28 آذار 2025).", None, None),  # the weekday contradicts the date
        ("احتفلت البلاد باليوم الوطني 28 مارس 2025.", None, None),  # a named day, not today
        ("وقعت الغارة في 28 آذار 2025.", None, None),  # a date in the narrative
    ],
)
def test_today_in_lead(sentence: str, near: dt.date | None, expected: dt.date | None) -> None:
    assert today_in_lead(sentence, near) == expected
