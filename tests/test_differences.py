"""Tests for brief.differences: figures normalised and aligned, disagreements with both citations, single sources."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from brief.differences import Claim, Difference, across, compare, differences, quantities, single_source

# --- figures in one text ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit", "role", "english"),
    [
        # digits: Arabic-Indic, decimals, thousands separators
        ("سقط الصاروخ على بعد 5 كيلومترات من الحدود", "5", "km", None, "5 km"),
        ("سقط الصاروخ على بعد ٣٠ كم من الحدود", "30", "km", None, "30 km"),
        ("سجلت محطات الرصد هطول 92 ملم من الأمطار", "92", "mm", None, "92 mm"),
        ("ارتفع التضخم بنسبة 21.00% خلال العام", "21", "percent", None, "21%"),
        ("ارتفع التضخم بنسبة ٢١ بالمئة", "21", "percent", None, "21%"),
        ("ارتفع التضخم بنسبة 21 في المائة", "21", "percent", None, "21%"),
        ("بلغت نسبة المشاركة ٤٥٫٥٪", "45.5", "percent", None, "45.5%"),
        ("استقبلت المخيمات 1,500 شخص", "1500", "person", None, "1,500 people"),
        ("استقبلت المخيمات ١٬٥٠٠ شخص", "1500", "person", None, "1,500 people"),
        # scale words
        ("قدمت مساعدات بقيمة 2.5 مليون دولار", "2500000", "dollar", None, "$2.5 million"),
        ("قدمت مساعدات بقيمة 2,5 مليون دولار", "2500000", "dollar", None, "$2.5 million"),
        ("أطلقت ب5 آلاف صاروخ", "5000", "missile", None, "5,000 missiles"),
        ("بلغت قيمة الصفقة 3 مليارات يورو", "3000000000", "euro", None, "€3 billion"),
        # number words with a unit
        ("صادق البرلمان على تمديد التفويض لثلاث سنوات إضافية", "3", "year", None, "3 years"),
        ("أمضى الوفد خمسة أيام في دمشق", "5", "day", None, "5 days"),
        # roles: the dead and the wounded are counts of people, however written
        ("أسفر القصف عن 5 قتلى", "5", "person", "dead", "5 dead"),
        ("أعلن الجيش مقتل 7 أشخاص", "7", "person", "dead", "7 dead"),
        ("ارتفعت حصيلة القتلى إلى 30", "30", "person", "dead", "30 dead"),
        ("أدى الانفجار إلى إصابة 12 شخصا", "12", "person", "wounded", "12 wounded"),
        ("قتل 12 جنديا في الهجوم", "12", "soldier", "dead", "12 soldiers killed"),
        # qualifiers
        ("نزح نحو 1,500 شخص من القرى", "1500", "person", "displaced", "about 1,500 displaced"),
        ("سقط أكثر من 1000 قتيل", "1000", "person", "dead", "more than 1,000 dead"),
        # a noun the table does not know is still a unit
        ("دمرت الغارات 5 منازل في القرية", "5", "word:منازل", None, "5"),
    ],
)
def test_quantities(text: str, value: str, unit: str, role: str | None, english: str) -> None:
    (q,) = quantities(text)
    assert (q.value, q.unit, q.role, q.english) == (Decimal(value), unit, role, english)
    assert q.phrase in text


def test_dates_are_not_figures() -> None:
    found = quantities("منذ عام 2011 وحتى 18 مارس 2025 قتل 12 جنديا", published=dt.date(2025, 3, 20))
    assert [q.english for q in found] == ["12 soldiers killed"]


def test_the_english_names_a_unit_the_table_does_not_know() -> None:
    (q,) = quantities("دمرت الغارات 5 منازل في القرية", "The strikes destroyed 5 houses in the village")
    assert q.english == "5 houses"


def test_two_figures_in_one_sentence_keep_their_roles() -> None:
    found = quantities("أسفر الهجوم عن مقتل 7 أشخاص وإصابة 30 آخرين")
    assert [(q.value, q.role) for q in found] == [(Decimal(7), "dead"), (Decimal(30), "wounded")]


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        ("على بعد 5 كيلومترات", "على بعد 5.00 كم", True),
        ("بنسبة 21%", "بنسبة 21.00 بالمئة", True),
        ("نحو 100 قتيل", "105 قتلى", True),  # about: 5% either way
        ("بنحو 2.2 مليون شخص", "بنحو 2.5 مليون شخص", False),  # two estimates 13% apart disagree
        ("نحو 100 قتيل", "130 قتيلا", False),
        ("أكثر من 1000 قتيل", "1200 قتيل", True),
        ("أكثر من 1000 قتيل", "800 قتيل", False),
        ("أقل من 50 جريحا", "40 جريحا", True),
    ],
)
def test_agrees(a: str, b: str, agree: bool) -> None:
    (qa,), (qb,) = quantities(a), quantities(b)
    assert qa.key == qb.key
    assert qa.agrees(qb) is agree


# --- comparing claims of one fact -------------------------------------------------------------------------

KM = [
    Claim("a1:3", "سقط الصاروخ على بعد 5 كيلومترات من الحدود", "The missile fell 5 km from the border", 3),
    Claim("b2:1", "سقط الصاروخ على بعد 30 كم من الحدود", "The missile fell 30 km from the border", 4),
]


def test_the_issues_example() -> None:
    (diff,) = compare(KM)
    assert diff.kind == "number"
    assert diff.text == "5 km [3] vs 30 km [4]"
    assert diff.to_json() == {
        "text": "5 km [3] vs 30 km [4]",
        "values": [{"value": "5 km", "cites": [3]}, {"value": "30 km", "cites": [4]}],
        "sentence_ids": ["a1:3", "b2:1"],
    }


def test_sources_giving_the_same_value_are_cited_together() -> None:
    third = Claim("c3:0", "وسقط الصاروخ على بعد خمسة كيلومترات من الحدود", None, 5)
    (diff,) = compare([*KM, third])
    assert diff.text == "5 km [3][5] vs 30 km [4]"
    assert diff.sentence_ids == ("a1:3", "c3:0", "b2:1")
    assert diff.cites == (3, 5, 4)


@pytest.mark.parametrize(
    ("originals", "expected"),
    [
        # equal once normalised: no difference
        (["ارتفع التضخم بنسبة 21%", "ارتفع التضخم بنسبة ٢١ بالمئة", "ارتفع التضخم 21.00 في المئة"], []),
        (["قدمت 2,5 مليون دولار", "قدمت 2500000 دولار"], []),
        (["استقبلت المخيمات 1,500 شخص", "استقبلت المخيمات ١٥٠٠ شخص"], []),
        # different
        (["ارتفع التضخم بنسبة 21%", "ارتفع التضخم بنسبة 23 بالمئة"], ["21% [1] vs 23% [2]"]),
        (["أسفر القصف عن 5 قتلى", "أعلن الجيش مقتل 7 أشخاص في القصف"], ["5 dead [1] vs 7 dead [2]"]),
        (["قدمت 2.5 مليون دولار", "قدمت 3 ملايين دولار"], ["$2.5 million [1] vs $3 million [2]"]),
        (["مددت تركيا التفويض لثلاث سنوات", "مددت تركيا التفويض لعامين"], ["3 years [1] vs 2 years [2]"]),  # a dual
        (["مددت تركيا التفويض سنتين", "مددت تركيا التفويض لعامين"], []),
        (["مددت تركيا التفويض لثلاث سنوات", "مددت تركيا التفويض 5 سنوات"], ["3 years [1] vs 5 years [2]"]),
        # different units or roles are different things
        (["على بعد 5 كيلومترات", "على بعد 30 مترا"], []),
        (["مقتل 5 أشخاص", "إصابة 30 شخصا"], []),
        (["مقتل 7 أشخاص وإصابة 30 آخرين", "مقتل 9 أشخاص وإصابة 30 آخرين"], ["7 dead [1] vs 9 dead [2]"]),
        # a sentence with two figures of one kind is not compared on it
        (["سقط 5 قتلى ثم 7 قتلى", "سقط 9 قتلى"], []),
        # a bare number says nothing comparable
        (["قال إن 5 منها", "قال إن 7 منها"], []),
    ],
)
def test_compare(originals: list[str], expected: list[str]) -> None:
    claims = [Claim(f"a{i}:0", text, None, i + 1) for i, text in enumerate(originals)]
    assert [d.text for d in compare(claims)] == expected


def test_one_source_disagreeing_with_itself_is_not_a_difference() -> None:
    claims = [Claim("a:0", "سقط 5 قتلى", None, 1), Claim("a:4", "سقط 7 قتلى", None, 1)]
    assert compare(claims) == []


@pytest.mark.parametrize(
    ("originals", "published", "expected"),
    [
        (
            ["وقع الجانبان الاتفاق في 13 آب 2025", "وقع الجانبان الاتفاق في 14 آب 2025"],
            [None, None],
            ["13 August 2025 [1] vs 14 August 2025 [2]"],
        ),
        # relative dates, resolved against each article's own date
        (
            ["وقع الجانبان الاتفاق أمس", "وقع الجانبان الاتفاق في 13 آب 2025"],
            [dt.date(2025, 8, 14), None],
            [],
        ),
        (
            ["وقع الجانبان الاتفاق أمس", "وقع الجانبان الاتفاق في 13 آب 2025"],
            [dt.date(2025, 8, 16), None],
            ["15 August 2025 [1] vs 13 August 2025 [2]"],
        ),
        # compared at the coarser precision: a month agrees with a day in it
        (["بدأت المحادثات في آب 2025", "بدأت المحادثات في 13 آب 2025"], [None, None], []),
        (["بدأت المحادثات في تموز 2025", "بدأت المحادثات في 13 آب 2025"], [None, None],
         ["July 2025 [1] vs 13 August 2025 [2]"]),
    ],
)
def test_dates_that_disagree(originals: list[str], published: list[dt.date | None], expected: list[str]) -> None:
    claims = [Claim(f"a{i}:0", t, None, i + 1, p) for i, (t, p) in enumerate(zip(originals, published))]
    found = compare(claims)
    assert [d.text for d in found] == expected
    assert all(d.kind == "date" for d in found)


def test_differences_over_groups() -> None:
    groups = [KM, [Claim("x:0", "أسفر القصف عن 5 قتلى", None, 6), Claim("y:0", "أسفر القصف عن 5 قتلى", None, 7)]]
    assert [d.text for d in differences(groups)] == ["5 km [3] vs 30 km [4]"]


def test_difference_text_lists_every_value() -> None:
    from brief.differences import Value

    diff = Difference("number", (Value("5 km", (3,), ("a:0",)), Value("30 km", (4, 6), ("b:0", "c:0"))))
    assert diff.text == "5 km [3] vs 30 km [4][6]"


# --- one source -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cites", "publishers", "expected"),
    [
        ([3], None, True),
        ([3, 3], None, True),
        ([3, 4], None, False),
        ([], None, True),
        ([3, 4], {3: "وكالة أنباء آسيا", 4: "وكالة أنباء آسيا"}, True),  # one outlet, two articles
        ([3, 4], {3: "وكالة أنباء آسيا", 4: "أخبار سورية"}, False),
        ([3, 4], {3: None, 4: None}, False),  # unknown publishers count apart
    ],
)
def test_single_source(cites: list[int], publishers: dict[int, str | None] | None, expected: bool) -> None:
    assert single_source(cites, publishers) is expected


# --- the same quantity of the same thing; counts that changed over the days --------------------------------


@pytest.mark.parametrize(
    ("originals", "expected"),
    [
        # a discount rate set against the size of a cut: both percentages, not the same thing
        (["قرر البنك المركزي خفض سعر الخصم إلى 21.5%", "خفض البنك أسعار الفائدة بنسبة 1%"], []),
        # a vote share and a turnout
        (["فاز بيزشكيان في الانتخابات بنسبة 53.6% من الأصوات", "وبلغت نسبة التصويت 49.8%"], []),
        # the same rate, two values: a real disagreement
        (["وبلغت نسبة التصويت 49.8%", "وارتفعت نسب التصويت في البلاد وبلغت 49.68%"], ["49.8% [1] vs 49.68% [2]"]),
        # "more than 1,000" and "at least 20" are not disagreements with a higher figure
        (["أعلن المجلس أن عدد القتلى قد تجاوز 1,000 شخص", "أعلن المجلس وفاة 1644 شخصا"], []),
        (["أفادت وسائل إعلام بمقتل 20 شخصا على الأقل", "مما أدى إلى مقتل 73 شخصًا"], []),
    ],
)
def test_compare_only_the_same_thing(originals: list[str], expected: list[str]) -> None:
    claims = [Claim(f"a{i}:0", text, None, i + 1) for i, text in enumerate(originals)]
    assert [d.text for d in compare(claims) if d.kind != "update"] == expected


def test_a_toll_that_rose_over_the_days_is_an_update_at_its_latest() -> None:
    claims = [
        Claim("a:0", "ارتفعت حصيلة ضحايا الزلزال إلى 78 قتيلا", None, 2, dt.date(2024, 1, 4)),
        Claim("b:0", "ارتفعت حصيلة ضحايا الزلزال إلى 62 قتيلا", None, 1, dt.date(2024, 1, 3)),
    ]
    (update,) = compare(claims)
    assert update.kind == "update"
    assert update.text == "78 dead [2] (4 January 2024), up from 62 dead [1]"
    assert update.to_json()["rose"] is True
    assert update.to_json()["values"][0]["date"] == "2024-01-04"


@pytest.mark.parametrize(
    ("low", "high"),
    [
        ("وقد أعلنت مصادر رسمية حتى الآن عن مقتل 20 شخصاً", "أسفر الهجوم عن مقتل 73 شخصًا"),  # so far
        ("أعلن المجلس العسكري مقتل 2,376 شخصا", "ارتفعت حصيلة الزلزال إلى 3408 قتيلا، بحسب آخر حصيلة"),  # rose to
    ],
)
def test_a_count_said_to_be_early_or_to_have_risen_is_not_a_conflict(low: str, high: str) -> None:
    found = compare([Claim("a:0", low, None, 1), Claim("b:0", high, None, 2)])
    assert [d.kind for d in found] == ["update"]
    assert found[0].values[0].cites == (2,)


def test_figures_that_say_nothing_of_what_they_count_are_not_compared() -> None:
    # the figures' own words ("8 مقاعد" and "12 مقعدا") differ from each other and from nothing around them
    assert compare([Claim("a:0", "حصل الحزب على 80 مقعدا في البرلمان", None, 1),
                    Claim("b:0", "أعلنت اللجنة 75 مقعدا للمستقلين", None, 2)]) == []  # fmt: skip


# --- minute marks, clock times, unit nouns in both numbers, written-out totals -----------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit", "english"),
    [
        ("وأدرك اللاعب التعادل في الدقيقة 89 من المباراة", "89", "match-minute", "minute 89"),
        ("سجل المهاجم هدفه الثاني في الدقيقة (86)", "86", "match-minute", "minute 86"),
        ("ووقع الحادث في الساعة 9:03 صباحا", "543", "clock", "9:03"),
        ("وقع الزلزال الساعة 4:10 مساء", "970", "clock", "16:10"),
        ("حصد المحافظون 117 مقعدا", "117", "seat", "117 seats"),
        ("فاز الحزب بـ409 مقاعد في البرلمان", "409", "seat", "409 seats"),
        ("بلغت قوته 7.5 درجة", "7.5", "degree", "7.5 degrees"),
        ("ضرب زلزال بقوة 7.6 درجات", "7.6", "degree", "7.6 degrees"),
        ("نقل إلى المستشفى بعد 10 دقائق من الحادث", "10", "minute", "10 minutes"),
        ("نقل إلى المستشفى بعد نحو 20 دقيقة", "20", "minute", "about 20 minutes"),
        ("حصل المرشح على 16 مليونا و384 ألفا و403 أصوات", "16384403", "vote", "16,384,403 votes"),
    ],
)
def test_quantities_in_matches_clocks_and_counts(text: str, value: str, unit: str, english: str) -> None:
    (q,) = quantities(text)
    assert (q.value, q.unit, q.english) == (Decimal(value), unit, english)


def test_a_clock_time_in_another_time_zone_is_not_the_local_one() -> None:
    (local,), (eastern,) = quantities("وقع الزلزال الساعة 4:10 مساء"), quantities("الساعة 2:10 صباحا بالتوقيت الشرقي")
    assert local.key != eastern.key


# --- every sentence of a story: figures of the same thing, from different sources --------------------------


def _story(*texts: str, dates: tuple[dt.date | None, ...] = ()) -> list[Claim]:
    return [Claim(f"a{i}:0", t, None, i + 1, dates[i] if dates else None) for i, t in enumerate(texts)]


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        # one delay, two lengths
        (["نقل إلى المستشفى بعد نحو 20 دقيقة من الاعتداء", "وبعد 10 دقائق من الاعتداء نقل إلى المستشفى"],
         ["about 20 minutes [1] vs 10 minutes [2]"]),
        # the same crash, two clock times
        (["ووقع الحادث في الساعة 9:03 صباح أمس الأحد", "وقع الحادث في الساعة 9:07 صباحا بالتوقيت المحلي يوم الأحد"],
         ["9:03 [1] vs 9:07 [2]"]),
        # one party's seats, each sentence also giving another party's
        (["يفوز حزب العمال ب409 مقاعد في البرلمان، مقابل 120 مقعدا للمحافظين",
          "وحصد المحافظون 117 مقعدا، والديمقراطيون الأحرار 70 مقعدا"], ["120 seats [1] vs 117 seats [2]"]),
        # one turnout, three sources
        (["بلغت نسبة التصويت في الجولة الثانية 49.8%", "وارتفعت نسب التصويت في البلاد وبلغت 49.68%",
          "أن نسبة التصويت في الجولة الثانية بلغت 49.8 بالمئة"], ["49.8% [1][3] vs 49.68% [2]"]),
    ],
    ids=["delay", "clock", "seats", "turnout"],
)
def test_across_finds_the_same_figure_told_differently(texts: list[str], expected: list[str]) -> None:
    assert [d.text for d in across(_story(*texts))] == expected


@pytest.mark.parametrize(
    "texts",
    [
        # two goals of one match: the minutes of different things
        ["تقدمت إسبانيا في الدقيقة 51 عبر داني أولمو", "وأدرك فيرتز التعادل في الدقيقة 89"],
        # a death toll changes by the hour: tolls are compared only where select found one fact
        ["أدى الانفجار إلى مقتل 73 شخصا", "وفي آخر الإحصائيات قتل 103 أشخاص"],
        # the main quake and an aftershock
        ["ضرب زلزال بقوة 7.5 درجة وسط اليابان", "وتلته هزة ارتدادية بقوة 6.2 درجة"],
        # minutes of a match and sizes of crowds are left to select's same-fact groups: in a story every goal has
        # a minute, and counts of people are of many things (passengers, and everyone on board)
        ["وأدرك فيرتز التعادل في الدقيقة 89 ليدفع بالمباراة إلى وقت إضافي", "فسجل فيرتس هدف التعادل في الدقيقة 90"],
        ["قال رئيس الحزب إن الحشد بلغ 2,2 مليون شخص", "جاء ما يقدر بنحو 2.5 مليون شخص إلى الحشد في الشوارع"],
        # a figure a source gives twice, for two things, with nothing to tell which the other source means
        ["حصل الحزب على 40% في الشمال و30% في الجنوب", "حصل الحزب على 35%"],
        # about 20 and 21 minutes can both be right
        ["نقل إلى المستشفى بعد نحو 20 دقيقة من الاعتداء", "نقل إلى المستشفى بعد 21 دقيقة من الاعتداء"],
    ],
    ids=["two-goals", "toll", "aftershock", "match-minute", "crowd", "ambiguous", "about"],
)
def test_across_leaves_what_is_not_one_figure(texts: list[str]) -> None:
    assert across(_story(*texts)) == []


def test_across_leaves_a_count_reported_on_two_days() -> None:
    texts = ["حصد حزب العمال 326 مقعدا في البرلمان", "حصد حزب العمال 410 مقاعد في البرلمان"]
    assert across(_story(*texts, dates=(dt.date(2024, 7, 5), dt.date(2024, 7, 6)))) == []


def test_across_compares_only_different_sources() -> None:
    claims = [Claim("a0:0", "في الدقيقة 89 أدرك فيرتز التعادل", None, 1),
              Claim("a0:5", "وسجل فيرتز التعادل في الدقيقة 90", None, 1)]
    assert across(claims) == []


def test_a_toll_that_says_it_rose_to_the_lower_figure_is_still_climbing() -> None:
    claims = _story("أعلنت إدارة الإطفاء ارتفاع عدد ضحايا تحطم الطائرة إلى 177 قتيلا",
                    "خلف حادث تحطم الطائرة 179 قتيلا وناجيين فقط")
    (found,) = compare(claims)
    assert found.kind == "update" and found.text.startswith("179 dead [2]")
