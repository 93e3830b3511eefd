"""The summariser's shared text tests: what a rewrite may not add (checks), and the Arabic-aware word overlap."""

from __future__ import annotations

import pytest

from brief import words as summarise


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


def test_checks_name_each_test_and_say_why() -> None:
    support = ["Turkey and Syria signed a security agreement in Ankara on Wednesday to boost military cooperation."]
    checks = {c.name: c for c in summarise.checks("Turkey and Syria signed a security agreement, killing 40.", support)}
    assert set(checks) == {"length", "numbers", "names", "dates", "overlap"}
    assert not checks["numbers"].passed and checks["numbers"].why == "number 40"
    assert checks["names"].passed and checks["dates"].passed and checks["overlap"].passed


def test_content_words_match_across_spelling_variants() -> None:
    a = summarise.content_words("وقّعت تركيا وسوريا اتفاقية أمنية في أنقرة")
    b = summarise.content_words("وقعت تركيا و سوريا الاتفاقية الامنية في انقرة")
    assert a == b
