"""Tests for brief.names: folding, the variant map from both sides, and rewriting English with it."""

from __future__ import annotations

import re

import pytest

from brief.names import Entity, apply, canonical, entities, equivalent, fold, strict_fold, variant_map

# --- folding ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spellings",
    [
        ["Akturk", "Aktürk", "Ak Turk", "AK TÜRK", "Ak-Turk"],
        ["Mohammed", "Muhammad", "Mohamed", "Muhammed", "Mohammad"],
        ["al-Sharaa", "Al-Sharaa", "al-Shara", "Sharaa", "el-Sharaa"],
        ["Abu Qasra", "Abu Kasra", "Abu Qasrah"],
        ["Yaşar Güler", "Yasar Guler", "Yashar Guler"],
        ["Ibrahim Kalın", "Ibrahim Kalin"],
        ["Hakan Fidan", "Hakan Fiddan"],
        ["Ahmed", "Ahmad"],
        ["Yusuf", "Yussuf", "Yousuf", "Youssouf"],
    ],
)
def test_spellings_of_one_name_fold_alike(spellings: list[str]) -> None:
    assert len({fold(s) for s in spellings}) == 1, {s: fold(s) for s in spellings}


@pytest.mark.parametrize(
    ("a", "b"),
    [("Akturk", "Aktürk"), ("Ak Turk", "Akturk"), ("Ak-Turk", "AKTURK"), ("Kalın", "Kalin"), ("O'Brien", "OBrien")],
)
def test_strict_fold_ignores_only_accents_case_spaces_and_marks(a: str, b: str) -> None:
    assert strict_fold(a) == strict_fold(b)


@pytest.mark.parametrize(("a", "b"), [("Mohammed", "Muhammad"), ("Qasra", "Kasra")])
def test_strict_fold_keeps_transliteration_differences(a: str, b: str) -> None:
    assert strict_fold(a) != strict_fold(b)


# --- the map ----------------------------------------------------------------------------------------------

SEEDS = [
    (
        "وأوضح المتحدث باسم وزارة الدفاع التركية زكي أكتورك أن البرلمان التركي صادق على تمديد التفويض.",
        "Turkish Defense Ministry spokesman Zeki Aktürk said the Turkish parliament approved the extension.",
    ),
    ("وأضاف أكتورك أن تركيا مستمرة في دعم سوريا.", "Akturk added that Turkey continues to support Syria."),
    ("وقال أكتورك إن الوفد زار دمشق.", "Ak Turk said the delegation visited Damascus."),
    ("وأكد أكتورك أن التعاون مستمر.", "Akturk stressed that cooperation continues."),
    (
        "وأعلنت أنقرة دعمها الكامل للإدارة الجديدة في سوريا، برئاسة الرئيس أحمد الشرع.",
        "Ankara announced its full support for the new administration in Syria, headed by President Ahmed al-Sharaa.",
    ),
    ("التقى الرئيس أحمد الشرع بالوفد التركي.", "President Ahmad al-Shara met the Turkish delegation."),
    ("وقال الشرع إن سوريا ترحب بالتعاون.", "Al-Sharaa said that Syria welcomes the cooperation."),
    (
        "وعقد مباحثات مطولة مع وزير الدفاع السوري اللواء مرهف أبو قصرة.",
        "He held lengthy talks with Syrian Defense Minister Major General Murhaf Abu Qasra.",
    ),
    (
        "من اليسار: وزير الدفاع السوري مرهف أبو قسرة ورئيس المخابرات.",
        "From left: Syrian Defense Minister Marhaf Abu Kasra and the intelligence chief.",
    ),
    ("وقال محمد علي إن السوريين يرحبون بالاتفاق.", "Mohammed Ali said the Syrians welcome the agreement."),
    ("وأضاف محمد علي أن الاتفاق مهم.", "Muhammad Ali added that the agreement is important."),
    (
        "وكان وزير الخارجية التركي، هاكان فيدان، أول مسؤول أجنبي يزور دمشق.",
        "Turkish Foreign Minister Hakan Fidan was the first foreign official to visit Damascus.",
    ),
]


def test_an_article_and_its_name_are_one_word() -> None:
    pairs = [
        ("وقال الرئيس التنفيذي أحمد المسافري إن الخط", "Chief executive Ahmed Al Musafri said the line"),
        ("وأوضح الرئيس التنفيذي أحمد المسافري أن", "Chief executive Ahmad al-Musafiri said"),
        ("وأكد المسافري أن", "Al Musafri stressed"),
    ]
    spellings = {e.canonical: e.variants for e in entities(pairs)}
    assert spellings["al Musafri"] == ("al Musafri", "al-Musafiri")
    assert [apply(e, variant_map(pairs)) for _, e in pairs] == [
        "Chief executive Ahmed al Musafri said the line",
        "Chief executive Ahmed al Musafri said",
        "Al Musafri stressed",
    ]


def test_entities_from_the_seeds() -> None:
    found = {e.canonical: e for e in entities(SEEDS)}
    assert set(found) == {"Akturk", "Ahmed", "al-Sharaa", "Murhaf", "Qasra", "Mohammed"}
    assert found["Akturk"].variants == ("Akturk", "Aktürk", "Ak Turk")
    assert found["Mohammed"].variants == ("Mohammed", "Muhammad")
    assert found["Mohammed"].arabic == ("محمد",)
    assert found["Qasra"].arabic == ("قسره", "قصره")  # one name, spelled two ways in Arabic too
    assert found["Akturk"].arabic == ()  # accents and spacing only: no evidence needed
    assert found["Akturk"].to_json() == {
        "canonical": "Akturk", "variants": ["Akturk", "Aktürk", "Ak Turk"], "arabic": []
    }


def test_variant_map_points_every_other_spelling_at_the_chosen_one() -> None:
    assert variant_map(SEEDS) == {
        "Aktürk": "Akturk",
        "Ak Turk": "Akturk",
        "Ahmad": "Ahmed",
        "al-Shara": "al-Sharaa",
        "Marhaf": "Murhaf",
        "Kasra": "Qasra",
        "Muhammad": "Mohammed",
    }


def test_no_name_has_two_spellings_after_apply() -> None:
    mapping = variant_map(SEEDS)
    rewritten = " ".join(apply(e, mapping) for _, e in SEEDS)
    for variant in mapping:
        assert not re.search(rf"(?<![\w-]){re.escape(variant)}(?![\w-])", rewritten, re.IGNORECASE), variant
    assert rewritten.count("Akturk") == 4 and rewritten.count("Abu Qasra") == 2


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        # the chosen spelling is the most frequent, ties going to the first used
        ([("قال أكتورك", "Aktürk said"), ("قال أكتورك", "Akturk said"), ("قال أكتورك", "Akturk said")], "Akturk"),
        ([("قال أكتورك", "Aktürk said"), ("قال أكتورك", "Akturk said")], "Aktürk"),
        ([("قال محمد", "Muhammad said"), ("قال محمد", "Mohammed said")], "Muhammad"),
    ],
)
def test_chosen_spelling(pairs: list[tuple[str, str]], expected: str) -> None:
    (entity,) = entities(pairs)
    assert entity.canonical == expected


@pytest.mark.parametrize(
    "pairs",
    [
        # a country and its adjective fold one letter apart, and share Arabic words: not one name
        [("وقالت وزارة الدفاع السورية إن سوريا", "The Syrian Defense Ministry said Syria"), ("سوريا", "Syria")],
        [("قال العراق", "Iraq said"), ("قال مسؤول عراقي", "An Iraqi official said")],
        # a title and its ministry share Arabic words, but no word renders them
        [("وزير الدفاع", "Defense Minister"), ("وزارة الدفاع", "Defense Ministry")],
        # two names one letter apart whose Arabic differs: two people
        [("قال حامد إن", "Hamid said"), ("قال حمد إن", "Hamad said")],
        # transliteration-alike, but nothing on the Arabic side ties them
        [("قال كالن إن", "Kalin said"), ("قال قالان إن", "Kalan said")],
        # a case difference is a sentence start, not a spelling
        [("قال الشرع", "Al-Sharaa said"), ("التقى الشرع", "they met al-Sharaa")],
        [],
    ],
)
def test_not_merged(pairs: list[tuple[str, str]]) -> None:
    assert entities(pairs) == []


def test_spellings_a_letter_apart_merge_when_the_arabic_name_is_shared() -> None:
    pairs = [("قال يوسف إن", "Youssef said"), ("أضاف يوسف أن", "Yusuf added"), ("وأكد يوسف", "Yusuf stressed")]
    (entity,) = entities(pairs)
    assert entity.variants == ("Yusuf", "Youssef") and entity.arabic == ("يوسف",)


def test_a_name_spelled_three_ways_is_one_name() -> None:
    # القصير is in four sentences; each spelling has it in one or two, a weak Dice score for every one of them
    pairs = [
        ("سيطرت القوات على مدينة القصير", "Forces took control of the town of Qusayr"),
        ("عاد السكان إلى القصير", "Residents returned to Qusayr"),
        ("وصلت المساعدات إلى القصير أمس", "Aid reached al-Qusair yesterday"),
        ("قال رئيس بلدية القصير إن المياه عادت", "The mayor of Kusayr said water was back"),
    ]
    (entity,) = entities(pairs)
    assert entity.canonical == "Qusayr" and set(entity.variants) == {"Qusayr", "al-Qusair", "Kusayr"}


def test_a_french_transliteration_is_one_name_with_the_english() -> None:
    # Lebanese and Maghrebi outlets write the soft g: "El Hage" is الحاج, as "al-Hajj" is
    pairs = [
        ("قال نزار الحاج إن الحريق", "Nizar al-Hajj said the fire"),
        ("وأضاف الحاج أن الفرق", "Al-Hajj added that the teams"),
        ("وأكد نزار الحاج أن", "Nizar El Hage stressed that"),
    ]
    assert variant_map(pairs) == {"el Hage": "al-Hajj"}
    assert apply("Nizar El Hage stressed that", variant_map(pairs)) == "Nizar al-Hajj stressed that"


def test_a_possessive_is_its_name() -> None:
    pairs = [
        ("غابات شفشاون", "Chefchaouen's forests"),
        ("في إقليم شفشاون", "in Chefchaouen province"),
        ("قال عامل شفشاون", "the governor of Shafshawan said"),
    ]
    mapping = variant_map(pairs)
    assert mapping == {"Shafshawan": "Chefchaouen"}
    assert apply("Shafshawan's forests", mapping) == "Chefchaouen's forests"


def test_untranslated_pairs_are_skipped() -> None:
    assert entities([("قال أكتورك", None), ("قال أكتورك", "Akturk said")]) == []


# --- rewriting --------------------------------------------------------------------------------------------

MAPPING = {
    "Aktürk": "Akturk",
    "Ak Turk": "Akturk",
    "al-Shara": "al-Sharaa",
    "Saeed": "Said",
    "Kasra": "Qasra",
    "al-Musafiri": "al Musafri",
    "Musafiri": "Musafri",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Spokesman Zeki Aktürk said", "Spokesman Zeki Akturk said"),
        ("Ak Turk said on Thursday", "Akturk said on Thursday"),
        ("Aktürk's remarks", "Akturk's remarks"),
        ("President al-Shara met", "President al-Sharaa met"),
        ("Al-Shara said", "Al-Sharaa said"),  # a capital at a sentence start stays
        ("President al-Sharaa is unchanged", "President al-Sharaa is unchanged"),
        ("al-Shara said", "Al-Sharaa said"),  # a sentence start
        ("He said. al-Shara left", "He said. Al-Sharaa left"),
        ("Ahmed Al Musafri said", "Ahmed al Musafri said"),  # an article is lower case inside a sentence
        ("Ahmed al-Musafiri and Ahmed Al Musafri", "Ahmed al Musafri and Ahmed al Musafri"),
        ("Saeed said the minister said", "Said said the minister said"),  # the verb "said" is not the name
        ("Abu Kasra, Abu Kasra.", "Abu Qasra, Abu Qasra."),
        ("Kasrawi and Kasra-based", "Kasrawi and Kasra-based"),  # inside a longer word: untouched
        ("", ""),
    ],
)
def test_apply(text: str, expected: str) -> None:
    assert apply(text, MAPPING) == expected


def test_apply_with_an_empty_map() -> None:
    assert apply("Zeki Aktürk said", {}) == "Zeki Aktürk said"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Aktürk", "Akturk", True),
        ("Ak Turk", "Aktürk", True),
        ("Al-Shara", "al-Sharaa", True),
        ("Akturk", "Fidan", False),
        ("Fidan", "Fidan", True),
    ],
)
def test_equivalent(a: str, b: str, same: bool) -> None:
    assert equivalent(a, b, MAPPING) is same


def test_canonical() -> None:
    assert canonical("Zeki Aktürk", MAPPING) == "Zeki Akturk"


def test_entity_record() -> None:
    entity = Entity("Akturk", ("Akturk", "Aktürk"), ())
    assert entity.to_json()["variants"] == ["Akturk", "Aktürk"]
