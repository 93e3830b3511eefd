"""Tiny random-weight models of the real classes, built offline for tests.

`build_tiny_models(root)` writes three folders, each holding a model AND its tokenizer saved with
`save_pretrained`, so the project's real loading code (`AutoTokenizer.from_pretrained(folder)` and the model
class's `from_pretrained(folder)`) runs against them with no network:

    marian  MarianMTModel + MarianTokenizer                 shaped like Helsinki-NLP/opus-mt-ar-en
    nllb    M2M100ForConditionalGeneration + NllbTokenizer  shaped like facebook/nllb-200-distilled-600M
    bart    BartForConditionalGeneration + BartTokenizer    shaped like sshleifer/distilbart-cnn-12-6

Vocabularies are trained on the line-aligned fixture corpora in `fixtures/text/` (Arabic news sentences and
their English translations). Configs and generation configs copy the real models' token ids and generation
defaults (beams, max_length, bad_words_ids, length penalty ...) so that code written against these models meets
the same quirks as with the real ones; only the sizes are tiny. The weights are random: outputs are garbage
word pieces, and the models almost never emit EOS, so generation runs to `max_new_tokens`.

Everything is seeded: two builds give identical weights and vocabularies. The three builds together take well
under a second after `transformers` is imported.
"""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Sequence
from pathlib import Path

import sentencepiece as spm
import torch
from tokenizers import ByteLevelBPETokenizer
from transformers import (
    BartConfig,
    BartForConditionalGeneration,
    BartTokenizer,
    GenerationConfig,
    M2M100Config,
    M2M100ForConditionalGeneration,
    MarianConfig,
    MarianMTModel,
    MarianTokenizer,
    NllbTokenizer,
)
from transformers.utils import logging as hf_logging

TEXT_DIR = Path(__file__).parent / "fixtures" / "text"

SEED = 0

# The brief's shape for every tiny model: 2 + 2 layers of width 32.
TINY_SHAPE = {
    "d_model": 32,
    "encoder_layers": 2,
    "decoder_layers": 2,
    "encoder_attention_heads": 2,
    "decoder_attention_heads": 2,
    "encoder_ffn_dim": 64,
    "decoder_ffn_dim": 64,
}

# At the usual init_std of 0.02 a 32-wide random model ignores its input: every sentence of a batch decodes to
# the same string, so a test could not tell outputs apart (for example, that translations come back in input
# order after length-sorted batching). Larger weights make the output depend on the input.
INIT_STD = 1.0

MARIAN_VOCAB_SIZE = 500  # per language; the shared vocab.json joins both (about 1000 entries)
NLLB_VOCAB_SIZE = 800  # one Arabic + English model, plus 202 language codes and <mask>
BART_VOCAB_SIZE = 1000


def build_tiny_models(root: Path) -> dict[str, Path]:
    """Build the tiny marian, nllb and bart models under `root`; return each one's folder by name."""
    root = Path(root)
    arabic = read_fixture_lines("ar.txt")
    english = read_fixture_lines("en.txt")
    return {
        "marian": build_tiny_marian(root / "marian", arabic, english),
        "nllb": build_tiny_nllb(root / "nllb", arabic, english),
        "bart": build_tiny_bart(root / "bart", english),
    }


def read_fixture_lines(name: str) -> list[str]:
    """Return the non-empty lines of a fixture corpus in `fixtures/text/`."""
    text = (TEXT_DIR / name).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()]


def marian_vocab(source: bytes, target: bytes) -> dict[str, int]:
    """Like the real vocab.json: one vocabulary shared by both sides, </s> = 0, <unk> = 1 (the caller adds <pad>
    last, after any padding to a real size)."""
    vocab = {"</s>": 0, "<unk>": 1}
    for model in (source, target):
        for piece in _sentencepiece_pieces(model):
            vocab.setdefault(piece, len(vocab))
    return vocab


def build_tiny_marian(folder: Path, arabic: Sequence[str], english: Sequence[str]) -> Path:
    """Save a tiny MarianMTModel and MarianTokenizer laid out like Helsinki-NLP/opus-mt-ar-en."""
    folder.mkdir(parents=True, exist_ok=True)
    source = _train_sentencepiece(arabic, MARIAN_VOCAB_SIZE, "unigram")
    target = _train_sentencepiece(english, MARIAN_VOCAB_SIZE, "unigram")
    (folder / "source.spm").write_bytes(source)
    (folder / "target.spm").write_bytes(target)
    vocab = marian_vocab(source, target)
    vocab["<pad>"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=2), encoding="utf-8")

    with warnings.catch_warnings():
        # Loading warns the same way ("Recommended: pip install sacremoses."); building need not repeat it.
        warnings.filterwarnings("ignore", message=".*sacremoses", category=UserWarning)
        tokenizer = MarianTokenizer(
            source_spm=str(folder / "source.spm"),
            target_spm=str(folder / "target.spm"),
            vocab=str(folder / "vocab.json"),
            source_lang="ar",
            target_lang="en",
            model_max_length=512,
        )
    pad = tokenizer.pad_token_id
    config = MarianConfig(
        vocab_size=len(tokenizer),
        decoder_vocab_size=len(tokenizer),
        max_position_embeddings=512,
        activation_function="swish",
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        pad_token_id=pad,
        decoder_start_token_id=pad,
        eos_token_id=0,
        bos_token_id=0,
        forced_eos_token_id=0,
        init_std=INIT_STD,
        **TINY_SHAPE,
    )
    generation = GenerationConfig(
        bad_words_ids=[[pad]],
        bos_token_id=0,
        decoder_start_token_id=pad,
        eos_token_id=0,
        forced_eos_token_id=0,
        pad_token_id=pad,
        max_length=512,
        num_beams=4,
    )
    _save(MarianMTModel, config, generation, tokenizer, folder)
    return folder


def build_tiny_nllb(folder: Path, arabic: Sequence[str], english: Sequence[str]) -> Path:
    """Save a tiny M2M100ForConditionalGeneration and NllbTokenizer laid out like nllb-200-distilled-600M."""
    folder.mkdir(parents=True, exist_ok=True)
    model_proto = _train_sentencepiece([*arabic, *english], NLLB_VOCAB_SIZE, "bpe")
    (folder / "sentencepiece.bpe.model").write_bytes(model_proto)
    # transformers turns a SentencePiece file into a fast tokenizer only with `protobuf` installed, which this
    # project does not need: read the pieces through `sentencepiece` and lay them out the way transformers'
    # NllbConverter does (fairseq order: <s> <pad> </s> <unk>, then the pieces). The saved tokenizer.json is
    # what from_pretrained reads, as with the real model.
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for piece in _sentencepiece_pieces(model_proto):
        vocab.setdefault(piece, len(vocab))
    tokenizer = NllbTokenizer(
        vocab=vocab,
        merges=_sentencepiece_bpe_merges(model_proto),
        vocab_file=str(folder / "sentencepiece.bpe.model"),
        model_max_length=1024,
    )
    # The language codes (arb_Arab, eng_Latn ...) are added tokens after <mask>; the model must cover them.
    config = M2M100Config(
        vocab_size=len(tokenizer),
        max_position_embeddings=1024,
        activation_function="relu",
        scale_embedding=True,
        encoder_layerdrop=0.0,
        decoder_layerdrop=0.0,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        init_std=INIT_STD,
        **TINY_SHAPE,
    )
    generation = GenerationConfig(
        bos_token_id=0,
        decoder_start_token_id=2,
        eos_token_id=2,
        pad_token_id=1,
        max_length=200,
    )
    _save(M2M100ForConditionalGeneration, config, generation, tokenizer, folder)
    return folder


def build_tiny_bart(folder: Path, english: Sequence[str]) -> Path:
    """Save a tiny BartForConditionalGeneration and its byte-level BPE tokenizer, like distilbart-cnn-12-6."""
    folder.mkdir(parents=True, exist_ok=True)
    trainer = ByteLevelBPETokenizer()
    trainer.train_from_iterator(
        english,
        vocab_size=BART_VOCAB_SIZE,
        min_frequency=2,
        special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"],
        show_progress=False,
    )
    # vocab.json + merges.txt are the files the real BART repositories ship; the tokenizer is built from them.
    trainer.save_model(str(folder))
    vocab = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
    merges = [
        tuple(line.split(" "))
        for line in (folder / "merges.txt").read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#version")
    ]
    tokenizer = BartTokenizer(vocab=vocab, merges=merges, model_max_length=1024)
    config = BartConfig(
        vocab_size=len(tokenizer),
        max_position_embeddings=1024,
        activation_function="gelu",
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        forced_eos_token_id=2,
        init_std=INIT_STD,
        **TINY_SHAPE,
    )
    # The CNN/DailyMail BART generation defaults (MODELS.md); forced_bos_token_id as facebook/bart-large-cnn has.
    generation = GenerationConfig(
        bos_token_id=0,
        decoder_start_token_id=2,
        eos_token_id=2,
        pad_token_id=1,
        forced_bos_token_id=0,
        forced_eos_token_id=2,
        early_stopping=True,
        length_penalty=2.0,
        max_length=142,
        min_length=56,
        no_repeat_ngram_size=3,
        num_beams=4,
    )
    _save(BartForConditionalGeneration, config, generation, tokenizer, folder)
    return folder


def _save(model_class: type, config, generation: GenerationConfig, tokenizer, folder: Path) -> None:
    """Create a seeded random model of `model_class`; save it, its generation config and tokenizer to `folder`."""
    # fork_rng keeps the seeding from changing the random state of the tests that build these models.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(SEED)
        model = model_class(config)
    model.eval()
    model.generation_config = generation
    bars_were_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # no "Writing model shards" bar on the test output
    try:
        model.save_pretrained(folder)
    finally:
        if bars_were_on:
            hf_logging.enable_progress_bar()
    tokenizer.save_pretrained(folder)


def _train_sentencepiece(lines: Sequence[str], vocab_size: int, model_type: str) -> bytes:
    """Train a SentencePiece model in memory and return its serialised bytes."""
    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=buffer,
        vocab_size=vocab_size,
        model_type=model_type,
        character_coverage=1.0,
        num_threads=1,  # one thread: the same model on every run
        minloglevel=2,
    )
    return buffer.getvalue()


def _sentencepiece_pieces(model_proto: bytes) -> list[str]:
    """Return a SentencePiece model's ordinary pieces in id order (without <unk>, <s>, </s>)."""
    processor = spm.SentencePieceProcessor(model_proto=model_proto)
    return [
        processor.id_to_piece(i)
        for i in range(processor.get_piece_size())
        if not (processor.is_control(i) or processor.is_unknown(i))
    ]


def _sentencepiece_bpe_merges(model_proto: bytes) -> list[tuple[str, str]]:
    """Recover a SentencePiece BPE model's merges, ranked as transformers' SentencePieceExtractor ranks them."""
    # A BPE piece's id is its merge rank; every split of a piece into two known pieces is a merge producing it.
    pieces = _sentencepiece_pieces(model_proto)
    rank = {piece: i for i, piece in enumerate(pieces)}
    merges = []
    for piece, piece_rank in rank.items():
        splits = [
            (piece[:cut], piece[cut:]) for cut in range(1, len(piece)) if piece[:cut] in rank and piece[cut:] in rank
        ]
        for left, right in sorted(splits, key=lambda pair: (rank[pair[0]], rank[pair[1]])):
            merges.append((piece_rank, len(left), len(right), left, right))
    merges.sort(key=lambda merge: merge[:3])
    return [(left, right) for *_, left, right in merges]
