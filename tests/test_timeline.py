"""Tests for brief.timeline: dates read from Arabic sentences, events merged and ordered, the timeline's threshold."""

from __future__ import annotations

import datetime as dt

import pytest

from brief.timeline import (
    DatedSentence,
    Event,
    dates_in,
    english_date,
    events,
    line,
    needs_translation,
    same_event_by_words,
    sentence_date,
    sentence_dates,
    timeline,
    with_english,
)

OCT_24 = dt.date(2025, 10, 24)  # a Friday
D = dt.date


# --- one text ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        # written in full: Gregorian (two month names), Hijri, Arabic-Indic digits, numeric
        ("وشهدت سوريا يوم 8 ديسمبر/كانون الأول 2024 نهاية حقبة الأسد", OCT_24, (D(2024, 12, 8), "day")),
        ("أعلنت الوزارة في 15 رمضان 1446 هـ بدء المباحثات", OCT_24, (D(2025, 3, 15), "day")),
        ("صادق البرلمان في ٢١ تشرين الأول ٢٠٢٥ على التمديد", OCT_24, (D(2025, 10, 21), "day")),
        ("وقعت الاتفاقية بتاريخ 2025-08-13 في أنقرة", OCT_24, (D(2025, 8, 13), "day")),
        ("الأحد 15 رمضان 1445 هـ الموافق 24 مارس 2024 م", OCT_24, (D(2024, 3, 24), "day")),
        # day and month: the article's year when that puts the date before the article
        ("التقى الوزيران في أنقرة بتاريخ 13 آب لبحث التعاون", OCT_24, (D(2025, 8, 13), "day")),
        ("زار الوفد دمشق في ٢٢ أكتوبر", OCT_24, (D(2025, 10, 22), "day")),
        ("وصل الوفد في 26 أكتوبر", OCT_24, (D(2025, 10, 26), "day")),  # two days after: still this year's
        ("وقع الجانبان يوم 3 أيلول/سبتمبر اتفاقا", OCT_24, (D(2025, 9, 3), "day")),
        # a weekday settles the year, even before January's article
        ("وقع الوزيران الثلاثاء 18 مارس مذكرة تفاهم", OCT_24, (D(2025, 3, 18), "day")),
        ("اجتمع المجلس الأربعاء 18 ديسمبر لبحث الأزمة", D(2025, 1, 5), (D(2024, 12, 18), "day")),
        # relative to the article's date
        ("قال المتحدث أمس إن المحادثات مستمرة", OCT_24, (D(2025, 10, 23), "day")),
        ("أكد الوزير اليوم أن الاتفاق سيوقع", OCT_24, (D(2025, 10, 24), "day")),
        ("زار ألتنداغ دمشق الأحد الماضي على رأس وفد", OCT_24, (D(2025, 10, 19), "day")),
        ("وفي الشهر الماضي، طلبت سوريا رسميا المساعدة", OCT_24, (D(2025, 9, 1), "month")),
        ("ووقع الجانبان في 13 آب الماضي مذكرة تفاهم", OCT_24, (D(2025, 8, 13), "day")),
        ("يعقد الاجتماع في 10 كانون الثاني المقبل", OCT_24, (D(2026, 1, 10), "day")),
        ("تبدأ أول دفعة تدريبها في 1 تشرين الأول/أكتوبر المقبل", D(2026, 8, 14), (D(2026, 10, 1), "day")),
        ("وقع الجانبان في 13 آب/أغسطس الماضي", D(2026, 8, 14), (D(2026, 8, 13), "day")),
        ("وقع الجانبان في 20 آب الماضي", D(2026, 8, 14), (D(2025, 8, 20), "day")),
        # "this year" in the sentence settles a day and month after the article
        ("تعقد اللجنة اجتماعها الأخير هذا العام في 24 ديسمبر", D(2026, 11, 6), (D(2026, 12, 24), "day")),
        # coarser dates
        ("وفي أواخر نوفمبر 2024 بدأ تصعيد عسكري", OCT_24, (D(2024, 11, 1), "month")),
        ("كانت تركيا داعما للمعارضة منذ اندلاع الثورة عام 2011", OCT_24, (D(2011, 1, 1), "year")),
        # with effect from a day, or since a given day: when the change happened
        ("يسري القرار اعتبارا من 1 تشرين الثاني 2025", OCT_24, (D(2025, 11, 1), "day")),
        ("اتفق الجانبان على توحيد رسوم العبور اعتبارا من 1 نيسان المقبل", OCT_24, (D(2026, 4, 1), "day")),
        ("اقتصرت الحركة عبر المعبر منذ 15 كانون الثاني الماضي على الشاحنات", OCT_24, (D(2025, 1, 15), "day")),
        # the most precise date is the sentence's, a written one before a relative one, and not a bound
        ("قال أمس إن سوريا شهدت في 8 ديسمبر 2024 نهاية حقبة الأسد منذ عام 1971", OCT_24, (D(2024, 12, 8), "day")),
        ("بعد 8 ديسمبر 2024 تغير الكثير، وفي آذار 2025 وقع الجانبان اتفاقا", OCT_24, (D(2025, 3, 1), "month")),
    ],
)
def test_sentence_date(text: str, published: dt.date, expected: tuple[dt.date, str]) -> None:
    found = sentence_date(text, published)
    assert found is not None
    assert (found.date, found.precision) == expected
    assert found.phrase in text


@pytest.mark.parametrize(
    ("text", "published"),
    [
        # a bound (since, until, after, before) is not when the sentence's event happened
        ("فر الأسد إلى موسكو بعد تصعيد عسكري منذ أواخر نوفمبر 2024", OCT_24),
        ("تستمر المهمة حتى 31 ديسمبر 2026", OCT_24),
        ("أعلن ذلك بعد 13 آب", OCT_24),
        ("لم يزر أي مسؤول دمشق قبل يوم 8 ديسمبر 2024", OCT_24),
        ("كانت تركيا داعما للمعارضة منذ عام 2011", OCT_24),  # since a year: a period, background
        ("يعقد المؤتمر في 20 نوفمبر", OCT_24),  # after the article: this year's plan or last year's? a guess
        ("احتفل السوريون في 25 ديسمبر", D(2025, 1, 5)),  # last December most likely, but not certain
        ("قال المصدر للصحفيين يوم الخميس إن الاتفاق وقع", OCT_24),  # a bare weekday: which Thursday?
        ("سيزور وفد عسكري سوريا الأسبوع المقبل", OCT_24),  # a week is never one date
        ("قال المتحدث أمس إن المحادثات مستمرة", None),  # relative, but the article's date is unknown
        ("وقع الوزيران في 13 آب مذكرة تفاهم", None),  # no year, no article date
        ("وقع الوزيران الثلاثاء 20 مارس", D(2025, 6, 1)),  # 20 March was no Tuesday in 2024-2026
        ("أطلق 5 may have died", OCT_24),  # ASCII "may" is no month without a year
        ("حكم الأسد 24 عاما وقتل 61 شخصا", OCT_24),  # counts, not dates
        ("يوم الثلاثين من الشهر", OCT_24),
    ],
)
def test_no_certain_date(text: str, published: dt.date | None) -> None:
    assert sentence_date(text, published) is None


def test_dates_in_lists_every_date_in_order_without_overlaps() -> None:
    text = "شهدت سوريا يوم 8 ديسمبر/كانون الأول 2024 نهاية حكم بدأ عام 2000، بعد تصعيد منذ أواخر نوفمبر 2024 وحتى أمس"
    found = dates_in(text, OCT_24)
    assert [(f.date, f.precision, f.relative, f.bound) for f in found] == [
        (D(2024, 12, 8), "day", False, False),
        (D(2000, 1, 1), "year", False, False),
        (D(2024, 11, 1), "month", False, True),
        (D(2025, 10, 23), "day", True, True),
    ]
    assert [f.phrase for f in found] == ["8 ديسمبر/كانون الأول 2024", "عام 2000", "نوفمبر 2024", "أمس"]
    assert all(text[f.start : f.end] == f.phrase for f in found)


@pytest.mark.parametrize(
    ("slack", "expected"),
    [(3, D(2025, 10, 26)), (0, None)],
)
def test_slack_days_bounds_a_yearless_date_after_the_article(slack: int, expected: dt.date | None) -> None:
    found = sentence_date("وصل الوفد في 26 أكتوبر", OCT_24, slack_days=slack)
    assert (found.date if found else None) == expected


# --- English ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "precision", "expected"),
    [
        (D(2025, 3, 18), "day", "18 March 2025"),
        (D(2024, 12, 8), "day", "8 December 2024"),
        (D(2024, 11, 1), "month", "November 2024"),
        (D(2011, 1, 1), "year", "2011"),
    ],
)
def test_english_date(date: dt.date, precision: str, expected: str) -> None:
    assert english_date(date, precision) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("date", "precision", "english", "expected"),
    [
        (D(2025, 3, 18), "day", " Turkey and Syria signed a deal. ", "18 March 2025 — Turkey and Syria signed a deal."),
        # the same date opening the sentence is not said twice
        (D(2024, 12, 8), "day", "On 8 December 2024, Syria saw an end.", "8 December 2024 — Syria saw an end."),
        (D(2025, 3, 18), "day", "On Tuesday, March 18, the ministers met.", "18 March 2025 — The ministers met."),
        (D(2024, 11, 1), "month", "In November 2024 the escalation began.", "November 2024 — The escalation began."),
        (D(2011, 1, 1), "year", "In 2011, the revolution broke out.", "2011 — The revolution broke out."),
        # another date, or the date later in the sentence, stays
        (D(2025, 3, 18), "day", "On 19 March the talks resumed.", "18 March 2025 — On 19 March the talks resumed."),
        (D(2025, 3, 18), "day", "The ministers met on 18 March.", "18 March 2025 — The ministers met on 18 March."),
        (D(2025, 3, 1), "month", "On 3 March 2025, talks began.", "March 2025 — On 3 March 2025, talks began."),
    ],
)
def test_line_puts_the_date_in_front(date: dt.date, precision: str, english: str, expected: str) -> None:
    assert line(date, precision, english) == expected  # type: ignore[arg-type]


# --- events -----------------------------------------------------------------------------------------------

SEEDS = [
    DatedSentence(
        "a1:4",
        "و شهدت سوريا يوم 8 ديسمبر/كانون الأول 2024 نهاية حقبة نظام الرئيس السابق بشار الأسد، بعد دخول الفصائل "
        "السورية المسلحة إلى العاصمة دمشق.",
        "On 8 December 2024 Syria saw the end of the era of former President Bashar al-Assad's regime.",
        D(2025, 3, 18),
        2,
    ),
    DatedSentence(
        "a2:1",
        "وقع وزيرا الدفاع التركي والسوري في أنقرة بتاريخ 13 آب مذكرة تفاهم مشتركة للتدريب والاستشارات العسكرية.",
        "The Turkish and Syrian defence ministers signed a joint memorandum on military training on 13 August.",
        D(2025, 8, 14),
        1,
    ),
    DatedSentence(
        "a3:2",
        "وكشفت الوزارة أن المدير العام للدفاع والأمن زار دمشق الأسبوع الماضي على رأس وفد عسكري رفيع.",
        "The ministry revealed that the director general visited Damascus last week.",
        OCT_24,
        3,
    ),
    DatedSentence(
        "a3:0",
        "أوضح المتحدث زكي أكتورك أن البرلمان التركي صادق اليوم على تمديد تفويض القوات التركية في سوريا والعراق.",
        "Spokesman Zeki Akturk said parliament approved today the extension of the troops' mandate in Syria and Iraq.",
        OCT_24,
        3,
    ),
    DatedSentence(
        "a4:7",
        "وكانت أنقرة قد وقعت في 13 آب مع دمشق مذكرة تفاهم للتدريب والاستشارات العسكرية.",
        None,
        D(2025, 8, 15),
        4,
    ),
    DatedSentence(
        "a1:9",
        "وعين الرئيس أحمد الشرع في 18 آذار 2025 وزيرا جديدا للدفاع.",
        "President Ahmed al-Sharaa appointed a new defence minister on 18 March 2025.",
        D(2025, 3, 18),
        2,
    ),
]


def test_events_in_date_order_with_same_event_merged() -> None:
    found = events(SEEDS)
    assert [(e.date, e.sentence_id, e.cites) for e in found] == [
        (D(2024, 12, 8), "a1:4", (2,)),
        (D(2025, 3, 18), "a1:9", (2,)),
        (D(2025, 8, 13), "a2:1", (1, 4)),  # two outlets, one signing: one line, both cited
        (D(2025, 10, 24), "a3:0", (3,)),
    ]
    assert found[2].sentence_ids == ("a2:1", "a4:7")
    assert found[0].text == (
        "8 December 2024 — Syria saw the end of the era of former President Bashar al-Assad's regime."
    )


def test_event_json_is_the_contract_shape() -> None:
    event = events(SEEDS)[1]
    assert event.to_json() == {
        "date": "2025-03-18",
        "precision": "day",
        "text": "18 March 2025 — President Ahmed al-Sharaa appointed a new defence minister on 18 March 2025.",
        "cites": [2],
        "sentence_id": "a1:9",
    }


def test_an_event_without_english_has_no_line_yet_and_asks_for_translation() -> None:
    lone = [DatedSentence("x:0", "وقع الجانبان في 13 آب مذكرة تفاهم.", None, OCT_24, 5)]
    (event,) = events(lone)
    assert event.text is None and event.to_json()["text"] is None
    assert needs_translation([event]) == ["x:0"]


def test_two_events_on_one_date_stay_apart_when_they_differ() -> None:
    day = [
        DatedSentence("a:0", "وقعت تركيا وسوريا في 13 آب مذكرة تفاهم للتدريب العسكري.", "e1", OCT_24, 1),
        DatedSentence("b:0", "ضرب زلزال بقوة 5 درجات ولاية هاتاي في 13 آب دون أضرار.", "e2", OCT_24, 2),
    ]
    assert [e.cites for e in events(day)] == [(1,), (2,)]


def test_same_can_be_the_selections_same_fact_test() -> None:
    day = [
        DatedSentence("a:0", "وقعت تركيا وسوريا في 13 آب مذكرة تفاهم للتدريب العسكري.", "e1", OCT_24, 1),
        DatedSentence("b:0", "ضرب زلزال بقوة 5 درجات ولاية هاتاي في 13 آب دون أضرار.", "e2", OCT_24, 2),
    ]
    (merged,) = events(day, same=lambda a, b: True)
    assert merged.cites == (1, 2) and merged.sentence_id == "a:0"


def test_a_month_comes_before_the_days_in_it() -> None:
    found = events(
        [
            DatedSentence("a:0", "وقع الجانبان في 13 أيلول 2025 اتفاقا", "e", OCT_24, 1),
            DatedSentence("b:0", "بدأت المحادثات في أيلول 2025", "e", OCT_24, 2),
        ]
    )
    assert [(e.date, e.precision) for e in found] == [(D(2025, 9, 1), "month"), (D(2025, 9, 13), "day")]


@pytest.mark.parametrize(
    ("sentences", "minimum", "expected"),
    [
        (SEEDS, 3, 4),  # four dates: a timeline
        (SEEDS[:2], 3, 0),  # two dates: none
        (SEEDS[1:2] + SEEDS[4:5], 3, 0),  # one event told twice: none
        (SEEDS[:2], 2, 2),
        ([], 3, 0),
    ],
)
def test_timeline_needs_enough_distinct_dates(sentences: list[DatedSentence], minimum: int, expected: int) -> None:
    assert len(timeline(sentences, minimum=minimum)) == expected


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("وقعت تركيا وسوريا مذكرة تفاهم للتدريب العسكري", "وكانت تركيا قد وقعت مع سوريا مذكرة تفاهم للتدريب", True),
        ("وقعت تركيا وسوريا مذكرة تفاهم للتدريب العسكري", "ضرب زلزال بقوة 5 درجات ولاية هاتاي", False),
        ("في من", "في من", False),  # function words only: nothing to compare
    ],
)
def test_same_event_by_words(a: str, b: str, same: bool) -> None:
    assert same_event_by_words(a, b) is same


def test_event_when() -> None:
    event = Event(D(2024, 11, 1), "month", "a:0", (1,), ("a:0",), "نوفمبر 2024")
    assert event.when == "November 2024" and event.text is None


@pytest.mark.parametrize(
    ("max_events", "expected"),
    [
        (None, ["a1:4", "a1:9", "a2:1", "a3:0"]),
        # the event two sources tell first, then the earliest in the input; printed in date order
        (3, ["a1:4", "a2:1", "a3:0"]),
        (2, []),  # two lines are no timeline
    ],
)
def test_max_events_keeps_the_best_attested(max_events: int | None, expected: list[str]) -> None:
    found = timeline(iter(SEEDS), max_events=max_events, minimum=3)
    assert [e.sentence_id for e in found] == expected


def test_with_english_fills_in_the_lines_after_translation() -> None:
    found = events([DatedSentence("x:0", "وقع الجانبان في 13 آب مذكرة تفاهم.", None, OCT_24, 5)])
    (event,) = with_english(found, {"x:0": "The two sides signed a memorandum on 13 August."})
    assert event.text == "13 August 2025 — The two sides signed a memorandum on 13 August."


def test_the_seeds_have_a_timeline(seed_sentences: list[DatedSentence]) -> None:
    """The seeds' story spans seven months; one article alone dates three events before it."""
    found = timeline(seed_sentences)
    dates = [e.date for e in found]
    assert dates == sorted(dates)
    assert {D(2024, 12, 8), D(2024, 12, 22), D(2025, 1, 14)} <= set(dates)


@pytest.fixture(scope="module")
def seed_sentences() -> list[DatedSentence]:
    from pathlib import Path

    from brief.clean import clean_document
    from brief.records import RawDocument

    sentences = []
    for cite, path in enumerate(sorted((Path(__file__).parent.parent / "seeds").glob("*.txt")), 1):
        article = clean_document(RawDocument(str(path), path.read_text(encoding="utf-8"), "txt", "utf-8"))
        sentences += [
            DatedSentence(f"{article.id}:{i}", text, None, article.date, cite) for i, text in enumerate(article.sentences)
        ]
    return sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a list of dates is a chronology: each is an event, though the list follows "after"
        (
            "وهذا هو الخفض الرابع منذ بداية العام، بعد تخفيضات في 17 أبريل و10 يوليو و28 أغسطس.",
            [D(2026, 4, 17), D(2026, 7, 10), D(2026, 8, 28)],
        ),
        ("زار الوفد أنقرة في 3 و5 آب 2026", [D(2026, 8, 5)]),  # "3 و5 آب": the 3 alone is no date
        ("قال أمس إن الاجتماع عقد في 8 آب", [D(2026, 8, 8)]),
        ("ارتفع التضخم هذا العام", []),  # "this year" frames a sentence; it is no event
    ],
)
def test_sentence_dates(text: str, expected: list[dt.date]) -> None:
    assert [f.date for f in sentence_dates(text, D(2026, 11, 6))] == expected


def test_a_list_gives_one_event_per_date_from_one_sentence() -> None:
    rate = DatedSentence(
        "r:3",
        "وهذا هو الخفض الرابع منذ بداية العام، بعد تخفيضات في 17 أبريل و10 يوليو و28 أغسطس.",
        "This is the fourth cut since the start of the year, after cuts on 17 April, 10 July and 28 August.",
        D(2026, 11, 6),
        1,
    )
    found = timeline([rate])
    assert [(e.date, e.sentence_id) for e in found] == [
        (D(2026, 4, 17), "r:3"), (D(2026, 7, 10), "r:3"), (D(2026, 8, 28), "r:3")
    ]
