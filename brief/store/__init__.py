"""The local store: one SQLite file, ``<home>/brief.db``, remembering runs, briefs, articles and translations.

What it answers: which articles were already in a brief (``--new``), when an article was first seen
(``--since``), what past runs did (``brief logs``), which brief was made last (``brief send``), and earlier
briefs on the same story ("previously" lines). The translation cache lives here too (see ``brief.models.cache``).

The schema grows by numbered migrations (``MIGRATIONS``); ``PRAGMA user_version`` says how many a file has had.
Opening applies the missing ones, each in its own transaction, and refuses a file written by a newer brief.
The file is in WAL mode, so ``brief logs`` can read while a scheduled run writes; writers wait out each
other's short transactions (busy timeout) rather than fail.

Every SQLite error becomes a ``StoreError`` naming the file; nothing here prints.

    db.py       ``Store``: opening the file, reading and writing runs, articles, briefs and translations
    schema.py   the numbered migrations (``MIGRATIONS``), ``migrate``, and the check that a file is ours
    records.py  ``BriefRecord`` and ``RunRecord``: a brief and a run as the store gives them back
    new.py      only what is new: ``select_new`` for ``--new`` and ``--since``, ``LeftOut``, ``human_duration``
    earlier.py  "previously" lines: ``previously`` finds the latest earlier brief on the same story

The names are re-exported here; import them from ``brief.store``.
"""

from __future__ import annotations

from brief.store.db import DB_NAME, RUNNING, STATUSES, Store, db_path
from brief.store.earlier import PREVIOUSLY_COS, PREVIOUSLY_COS_WITH_NAME, Previously, name_stems, previously
from brief.store.new import LeftOut, human_duration, select_new
from brief.store.records import BriefRecord, RunRecord
from brief.store.schema import APPLICATION_ID, MIGRATIONS, migrate

__all__ = [
    "APPLICATION_ID",
    "DB_NAME",
    "MIGRATIONS",
    "PREVIOUSLY_COS",
    "PREVIOUSLY_COS_WITH_NAME",
    "RUNNING",
    "STATUSES",
    "BriefRecord",
    "LeftOut",
    "Previously",
    "RunRecord",
    "Store",
    "db_path",
    "human_duration",
    "migrate",
    "name_stems",
    "previously",
    "select_new",
]
