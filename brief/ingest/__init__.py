"""Ingest stage: files, folders, page URLs and feeds in, decoded ``RawDocument``s out (and a ``Skipped`` for each
bad input).

Nothing here writes to disk, and one bad input never stops the others: it becomes a ``Skipped`` with the
reason, and the caller decides what to do when nothing was usable.

    files.py    files and folders on disk; decoding (UTF-8/16/32, cp1256); kind sniffing
"""

from __future__ import annotations

from brief.ingest.files import DEFAULT_MAX_BYTES, SUFFIX_KINDS, decode, read_inputs, sniff_kind

__all__ = ["DEFAULT_MAX_BYTES", "SUFFIX_KINDS", "decode", "read_inputs", "sniff_kind"]
