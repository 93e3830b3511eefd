"""Metadata read in folder context on the labelled morning folders (``tests/eval/corpus``, tuning half only).

Every article of one day shows the same date line, so the line repeats across a folder's pages; it must still be
read as each page's date. Scored on whole folders, as ``brief`` reads them (``corpus_labels.date_misses``).
"""

from __future__ import annotations

import pytest
from corpus_labels import CORPUS, TUNING, date_misses


@pytest.mark.parametrize("folder", TUNING)
def test_every_date_a_page_shows_is_read(folder: str) -> None:
    dated, undated, wrong = date_misses(CORPUS / folder)
    assert dated >= 2  # the folder has dated pages to read
    assert undated == []
    assert wrong == []
