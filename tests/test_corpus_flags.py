"""Flags a reader can trust, scored on the labelled morning folders (``tests/eval/corpus``, tuning half only).

"Sources differ" must be a labelled real difference every time it is printed (never a figure of another thing,
never a count that changed over the days), and "(one source)" must not be put on a point whose labelled fact
several files carry. Each folder is made into a brief once, as a whole (``corpus_labels.compose_folder``).
"""

from __future__ import annotations

from typing import Any

import pytest
from corpus_labels import CORPUS, TUNING, compose_folder, point_truth, score_flags

from brief.render import one_source_mark


@pytest.fixture(scope="module")
def briefs() -> dict[str, Any]:
    return {name: compose_folder(CORPUS / name) for name in TUNING}


@pytest.mark.parametrize("folder", TUNING)
def test_no_false_or_rising_sources_differ(briefs: dict[str, Any], folder: str) -> None:
    score = score_flags(briefs[folder], CORPUS / folder)
    assert score.false == []
    assert score.rising == []


@pytest.mark.parametrize("folder", TUNING)
def test_one_source_is_never_put_on_a_fact_several_files_carry(briefs: dict[str, Any], folder: str) -> None:
    marked = [(s, point_truth(s, CORPUS / folder)) for sec in briefs[folder].sections for s in sec.points
              if one_source_mark(sec, s)]  # fmt: skip
    assert [s.support[0].original for s, truth in marked if truth is False] == []
