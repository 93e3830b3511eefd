"""The file's schema: numbered migrations, and the check that a file is a brief store this code can read.

The schema grows by numbered migrations (``MIGRATIONS``); ``PRAGMA user_version`` says how many a file has had.
Opening applies the missing ones, each in its own transaction, and refuses a file written by a newer brief.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from brief.errors import StoreError

# "brf1" in PRAGMA application_id marks a file as ours, so another program's SQLite file is never migrated.
APPLICATION_ID = 0x62726631

# Each migration is a list of statements run in one transaction; its number is its position plus one.
# Never edit a released migration: add a new one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: runs, the briefs they made, and every article seen (with every place it was found).
    (
        f"PRAGMA application_id = {APPLICATION_ID}",
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            started TEXT NOT NULL,
            finished TEXT,
            status TEXT NOT NULL DEFAULT 'running'
                CHECK (status IN ('running', 'ok', 'partial', 'failed')),
            exit_code INTEGER,
            inputs TEXT NOT NULL DEFAULT '[]',
            profile TEXT,
            argv TEXT NOT NULL DEFAULT '[]',
            models TEXT NOT NULL DEFAULT '[]',
            output TEXT,
            error TEXT,
            timings TEXT NOT NULL DEFAULT '{}',
            counts TEXT NOT NULL DEFAULT '{}'
        )""",
        """CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            first_seen TEXT NOT NULL,
            first_run INTEGER REFERENCES runs(id) ON DELETE SET NULL,
            publisher TEXT,
            title TEXT,
            date TEXT,
            language TEXT NOT NULL,
            url TEXT
        )""",
        """CREATE TABLE article_locations (
            article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            location TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            PRIMARY KEY (article_id, location)
        )""",
        """CREATE TABLE briefs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            made_at TEXT NOT NULL,
            title TEXT NOT NULL,
            date_from TEXT,
            date_to TEXT,
            bottom_line TEXT NOT NULL DEFAULT '[]',
            output TEXT,
            markdown TEXT NOT NULL,
            json TEXT NOT NULL
        )""",
        "CREATE INDEX briefs_by_run ON briefs (run_id)",
        """CREATE TABLE brief_articles (
            brief_id INTEGER NOT NULL REFERENCES briefs(id) ON DELETE CASCADE,
            article_id TEXT NOT NULL REFERENCES articles(id),
            n INTEGER NOT NULL,
            PRIMARY KEY (brief_id, article_id)
        )""",
        "CREATE INDEX brief_articles_by_article ON brief_articles (article_id)",
    ),
    # 2: the translation cache, apart from the history so it can be cleared on its own.
    (
        """CREATE TABLE translations (
            key TEXT PRIMARY KEY,
            english TEXT NOT NULL,
            model TEXT NOT NULL,
            language TEXT NOT NULL,
            created TEXT NOT NULL
        ) WITHOUT ROWID""",
    ),
    # 3: each feed's last answer, for a conditional GET (ETag / If-Modified-Since) on the next run.
    (
        """CREATE TABLE feeds (
            url TEXT PRIMARY KEY,
            final_url TEXT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            content_type TEXT NOT NULL,
            charset TEXT,
            body BLOB NOT NULL,
            fetched TEXT NOT NULL
        ) WITHOUT ROWID""",
    ),
    # 4: the embedding cache: a sentence's vector (float32 bytes) under a key of the embedder and the text.
    (
        """CREATE TABLE embeddings (
            key TEXT PRIMARY KEY,
            vector BLOB NOT NULL,
            model TEXT NOT NULL,
            created TEXT NOT NULL
        ) WITHOUT ROWID""",
    ),
)


def migrate(
    conn: sqlite3.Connection, migrations: Sequence[Sequence[str]] = MIGRATIONS, *, path: Path | str = "the store"
) -> int:
    """Apply the migrations a file has not had yet, each in its own transaction; return the version reached.

    ``conn`` must be in autocommit mode (``isolation_level=None``). Safe when two processes open a new store
    at once: each migration re-reads the version under the write lock, so it runs exactly once.
    """
    target = len(migrations)
    version = _check_file(conn, path, target)
    while version < target:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version < target:
                for statement in migrations[version]:
                    conn.execute(statement)
                version += 1
                conn.execute(f"PRAGMA user_version = {version:d}")
            conn.execute("COMMIT")
        except sqlite3.Error as err:
            conn.execute("ROLLBACK")
            raise StoreError(f"the store {path} could not be upgraded to version {version + 1}: {err}") from None
    return version


def _check_file(conn: sqlite3.Connection, path: Path | str, target: int) -> int:
    """The file's version, after making sure it is a brief store this code can read."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    if app_id not in (0, APPLICATION_ID) or (
        version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    ):
        raise StoreError(
            f"{path} is an SQLite file of some other program, not a brief store; "
            "move it aside (brief will start a new store) or choose another data folder"
        )
    if version > target:
        raise StoreError(
            f"the store {path} is at version {version}, written by a newer brief (this one knows up to "
            f"version {target}); upgrade brief, or choose another data folder"
        )
    return version
