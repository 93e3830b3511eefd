"""Random-weight models of the real shapes for the synthetic bench, built once and cached.

    build_synthetic_marian(shape, cache)   a MarianMTModel of an Opus-MT shape (SHAPES), with a working tokenizer
    build_synthetic_bart(cache)            a BartForConditionalGeneration of distilbart-cnn-12-6's shape
    tiny_models(cache, progress)           the test suite's tiny models (tests/tiny_models.py)
    convert_in_child(...)                  a CTranslate2 int8 conversion of one of them

Building or converting a model loads it whole, so each runs in a Python process of its own (``in_child``): a
measurement child started later would otherwise report this process's peak memory as its own (Linux keeps the
peak across fork and exec). The tokenizers are trained on tests/fixtures/text with tests/tiny_models.py, which is
why this lives in tools/ (a checkout) and not in the package.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests"

# ``target_pieces``: the real vocabularies join a source and a target SentencePiece model of 32,000 pieces each
# (OPUS-MT's spm32k pre-processing), and CTranslate2's English shortlist (brief.models.ctranslate2.english_pieces)
# is the target model's pieces: the synthetic target.spm is padded to that size so the shortlist here is as long
# as the real one.
SHAPES: dict[str, dict[str, Any]] = {
    "opus-mt-ar-en": dict(
        d_model=512, layers=6, heads=8, ffn=2048, vocab=62834, positions=512, activation="swish", target_pieces=32000
    ),
    "opus-mt-tc-big-ar-en": dict(
        d_model=1024, layers=6, heads=16, ffn=4096, vocab=61109, positions=1024, activation="relu",
        target_pieces=32000,
    ),  # fmt: skip
    # For the tests: the same code path on a model that builds in a second.
    "tiny": dict(d_model=32, layers=2, heads=2, ffn=64, vocab=2000, positions=512, activation="swish",
                 target_pieces=1000),  # fmt: skip
}
# Bumped when the synthetic models change, so a cached build of an older kind is rebuilt.
SYNTHETIC_VERSION = 2
# distilbart-cnn-12-6 (MODELS.md): BART, d_model 1024, 12 encoder and 6 decoder layers, 16 heads, vocabulary 50,264.
SUMMARISER_SHAPE = dict(d_model=1024, encoder_layers=12, decoder_layers=6, heads=16, ffn=4096, vocab=50264, positions=1024)
SUMMARISER_NAME = "distilbart-cnn-12-6"


def sentence_pool() -> list[str]:
    """Arabic news sentences to draw the synthetic inputs from: the fixture corpus's lines and the seeds' sentences."""
    from brief.bench import article_sentences, usable_sentences
    from brief.clean.text import split_sentences

    corpus = TESTS / "fixtures" / "text" / "ar.txt"
    lines = [s for line in corpus.read_text(encoding="utf-8").splitlines() for s in split_sentences(line)]
    return usable_sentences(lines + article_sentences([REPO / "seeds"]))


def tests_on_path() -> None:
    """Put the checkout's tests/ on the path, for its helpers (tiny_models, webserver); once."""
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))


def checkout_env() -> dict[str, str]:
    """This process's environment with the checkout first on PYTHONPATH, for the children it starts."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH", "")]))}


def in_child(function: str, args: list[str], what: str) -> None:
    """``tools.synthetic.function(*args)`` in a Python process of its own (this checkout first on the path)."""
    code = f"import sys; from tools.synthetic import {function}; {function}(*sys.argv[1:])"
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=checkout_env(),
                          check=False)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed: {done.stderr.strip().splitlines()[-1:]}")


def convert_in_child(kind: str, name: str, backend: str, folder: Path, output: Path) -> Path:
    """ct2.convert in a process of its own (see ``in_child``); a finished conversion of the same build is reused."""
    done = output / "model.bin"
    weights = max((f.stat().st_mtime for f in folder.glob("*.safetensors")), default=0.0)
    if done.is_file() and (output / "config.json").is_file() and done.stat().st_mtime >= weights:
        return output
    shutil.rmtree(output, ignore_errors=True)  # converted from an older build
    in_child("_convert_here", [kind, name, backend, str(folder), str(output)], f"converting {name}")
    return output


def _convert_here(kind: str, name: str, backend: str, folder: str, output: str) -> None:
    from brief.models import ModelSpec
    from brief.models import ctranslate2 as ct2

    ct2.convert(ModelSpec(kind=kind, name=name, backend=backend, path=Path(folder)), Path(folder), output=Path(output))


def build_synthetic_marian(shape: str, cache: Path) -> Path:
    """A random-weight MarianMTModel of the shape, with a working tokenizer, saved once under ``cache``."""
    folder = cache / shape
    if (folder / "model.safetensors").is_file() and _read_version(folder) == SYNTHETIC_VERSION:
        return folder
    partial = cache / f"{shape}.partial"
    in_child("_build", [shape, str(partial)], f"building the {shape} model")
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    return folder


def _read_version(folder: Path) -> int | None:
    try:
        return int(json.loads((folder / "synthetic.json").read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _build(shape: str, folder_name: str) -> None:
    """(In a child.) Tokenizer trained on the fixture corpus, its vocabulary padded to the real size."""
    import warnings

    import sentencepiece as spm
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    tests_on_path()
    from tiny_models import _train_sentencepiece, marian_vocab, read_fixture_lines

    s = SHAPES[shape]
    folder = Path(folder_name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    source = _train_sentencepiece(read_fixture_lines("ar.txt"), 500, "unigram")
    target = _train_sentencepiece(read_fixture_lines("en.txt"), 500, "unigram")
    # The real vocabulary size (the embedding and output layer cost the same), padded with word pieces of English
    # length: random weights pick among all of them, and the English they decode to is what the summariser then
    # reads, so its length must be an English sentence's, not "<unused12345>" (eight BPE tokens a word). The
    # first of them join target.spm, up to the real target model's size (see SHAPES).
    words = pseudo_words()
    known = set(marian_vocab(source, target))
    extra: list[str] = []
    pieces = spm.SentencePieceProcessor(model_proto=target).get_piece_size()
    while pieces + len(extra) < s["target_pieces"]:
        word = "▁" + next(words)
        if word not in known:
            known.add(word)
            extra.append(word)
    target = append_pieces(target, extra)
    (folder / "source.spm").write_bytes(source)
    (folder / "target.spm").write_bytes(target)
    vocab = marian_vocab(source, target)
    while len(vocab) < s["vocab"] - 1:
        vocab.setdefault("▁" + next(words), len(vocab))
    vocab["<pad>"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tokenizer = MarianTokenizer(
            source_spm=str(folder / "source.spm"), target_spm=str(folder / "target.spm"),
            vocab=str(folder / "vocab.json"), source_lang="ar", target_lang="en", model_max_length=512,
        )  # fmt: skip
    pad = tokenizer.pad_token_id
    torch.manual_seed(0)
    config = MarianConfig(
        vocab_size=len(vocab), decoder_vocab_size=len(vocab), d_model=s["d_model"], encoder_layers=s["layers"],
        decoder_layers=s["layers"], encoder_attention_heads=s["heads"], decoder_attention_heads=s["heads"],
        encoder_ffn_dim=s["ffn"], decoder_ffn_dim=s["ffn"], max_position_embeddings=s["positions"],
        activation_function=s["activation"], scale_embedding=True, share_encoder_decoder_embeddings=True,
        pad_token_id=pad, decoder_start_token_id=pad, eos_token_id=0, bos_token_id=0,
    )  # fmt: skip
    model = MarianMTModel(config).eval()
    # The real generation defaults but no forced EOS: the benchmark pins the output length instead.
    model.generation_config = GenerationConfig(
        bad_words_ids=[[pad]], bos_token_id=0, decoder_start_token_id=pad, eos_token_id=0, pad_token_id=pad,
        max_length=512, num_beams=4,
    )  # fmt: skip
    model.save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))
    (folder / "synthetic.json").write_text(json.dumps({"version": SYNTHETIC_VERSION, "shape": shape}), encoding="utf-8")


def append_pieces(model: bytes, pieces: list[str], score: float = -100.0) -> bytes:
    """A SentencePiece model with ``pieces`` added (normal pieces of a score too low for the encoder to choose).

    The model file is a ModelProto; its pieces are the repeated field 1 (a SentencePiece: piece = 1, score = 2),
    and a repeated field may be continued anywhere in the message, so the new pieces are appended as bytes
    (without the ``protobuf`` package, which nothing else here needs).
    """
    import struct

    def varint(n: int) -> bytes:
        out = bytearray()
        while True:
            byte, n = n & 0x7F, n >> 7
            out.append(byte | (0x80 if n else 0))
            if not n:
                return bytes(out)

    out = bytearray(model)
    for piece in pieces:
        raw = piece.encode("utf-8")
        message = b"\x0a" + varint(len(raw)) + raw + b"\x15" + struct.pack("<f", score)
        out += b"\x0a" + varint(len(message)) + message
    return bytes(out)


def pseudo_words() -> Iterator[str]:
    """Pronounceable made-up words of two and three syllables ("bako", "tirema"), each once."""
    import itertools

    syllables = [c + v for c in "bdfghklmnprstvz" for v in "aeiou"]
    for count in (2, 3):
        for parts in itertools.product(syllables, repeat=count):
            yield "".join(parts)


def tiny_models(cache: Path, progress: Callable[[str], None]) -> dict[str, str]:
    """The test suite's tiny models (marian, nllb, bart), built once under ``cache``: name -> folder."""
    folder = cache / "tiny-models"
    names = ("marian", "nllb", "bart")
    if not all((folder / n / "config.json").is_file() for n in names):
        progress("building the tiny test models for the stages")
        in_child("_build_tiny", [str(folder)], "building the tiny test models")
    return {n: str(folder / n) for n in names}


def _build_tiny(folder_name: str) -> None:
    """(In a child.) tests/tiny_models.py's three models."""
    tests_on_path()
    from tiny_models import build_tiny_models

    build_tiny_models(Path(folder_name))


def build_synthetic_bart(cache: Path) -> Path:
    """A random-weight BartForConditionalGeneration of distilbart-cnn-12-6's shape, saved once under ``cache``."""
    folder = cache / SUMMARISER_NAME
    if (folder / "model.safetensors").is_file() and (folder / "tokenizer.json").is_file():
        return folder
    partial = cache / f"{SUMMARISER_NAME}.partial"
    in_child("_build_bart", [str(partial)], f"building the {SUMMARISER_NAME} shape")
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)
    return folder


def _build_bart(folder_name: str) -> None:
    """(In a child.) The tiny test model's byte-level BPE tokenizer, the real shape and vocabulary size."""
    import torch
    from transformers import BartConfig, BartForConditionalGeneration, BartTokenizer, GenerationConfig

    tests_on_path()
    from tiny_models import build_tiny_bart, read_fixture_lines

    folder = Path(folder_name)
    shutil.rmtree(folder, ignore_errors=True)
    trained = folder.with_name(folder.name + ".tokenizer")
    build_tiny_bart(trained, read_fixture_lines("en.txt"))  # a byte-level BPE trained on the fixture corpus
    vocab = json.loads((trained / "vocab.json").read_text(encoding="utf-8"))
    merges = [tuple(line.split(" ")) for line in (trained / "merges.txt").read_text(encoding="utf-8").splitlines()
              if line and not line.startswith("#version")]  # fmt: skip
    generation = GenerationConfig.from_pretrained(str(trained))
    shutil.rmtree(trained)
    s = SUMMARISER_SHAPE
    k = 0
    while len(vocab) < s["vocab"]:  # the real vocabulary size: the embedding and output layer cost the same
        vocab.setdefault(f"<unused{k}>", len(vocab))
        k += 1
    tokenizer = BartTokenizer(vocab=vocab, merges=merges, model_max_length=1024)
    torch.manual_seed(0)
    config = BartConfig(
        vocab_size=len(tokenizer), d_model=s["d_model"], encoder_layers=s["encoder_layers"],
        decoder_layers=s["decoder_layers"], encoder_attention_heads=s["heads"], decoder_attention_heads=s["heads"],
        encoder_ffn_dim=s["ffn"], decoder_ffn_dim=s["ffn"], max_position_embeddings=s["positions"],
        activation_function="gelu", pad_token_id=1, bos_token_id=0, eos_token_id=2, decoder_start_token_id=2,
        forced_eos_token_id=2,
    )  # fmt: skip
    model = BartForConditionalGeneration(config).eval()
    model.generation_config = generation
    model.save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))
